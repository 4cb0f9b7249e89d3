"""The route of a cross-level or cross-region application (GZ 27; ZS 24; JS 14).

An application between departments of different levels (district <-> municipal) or of
different regions is cross-level / cross-region. The profile's `applications.cross_level_route`
says how it travels:

- ``same_procedure`` (GZ 27): the procedure of GZ 26 applies unchanged through the municipal
  and district platforms; the route is direct (applicant -> provider), noted as cross-level.
- ``via_authority`` (ZS 24): the request passes through the data departments (the applicant's
  up to the one both sides share, then down to the provider's); each is a hop, and they and the
  authority are told.
- silent (ZZ, JS): the platform's documented default is the direct route (docs/grants.md).

The deadlines are those of any application: a route adds no days (GZ 27: "the procedures set
out in Article 26"). A hop is ``{department_id, name, level, role}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.notify import service as notify
from govshare.orgs.models import Department, DepartmentKind
from govshare.profiles.service import get_active_profile

APPLICANT, DATA_DEPARTMENT, PROVIDER = "applicant", "data_department", "provider"
_MAX_DEPTH = 10  # a parent chain longer than this is a registration error, not a hierarchy


def _is_data_department(dept: Department) -> bool:
    return dept.is_authority or dept.kind == DepartmentKind.AUTHORITY


def _hop(dept: Department, role: str) -> dict[str, Any]:
    return {"department_id": dept.id, "name": dept.name, "level": str(dept.level), "role": role}


def _data_chain(session: Session, dept: Department) -> list[Department]:
    """The data departments above `dept`, nearest first, ending at the platform authority."""
    chain: list[Department] = []
    seen = {dept.id}
    current = dept.parent
    while current is not None and current.id not in seen and len(seen) < _MAX_DEPTH:
        seen.add(current.id)
        if _is_data_department(current):
            chain.append(current)
        current = current.parent
    if not any(d.is_authority for d in chain):
        top = session.scalar(
            select(Department).where(Department.is_authority.is_(True)).order_by(Department.id)
        )
        if top is not None and top.id != dept.id:
            chain.append(top)
    return chain


def route_for(session: Session, *, consumer_id: int, provider_id: int) -> dict[str, Any] | None:
    """The route an application between two departments takes; None within one level and region."""
    consumer = session.get(Department, consumer_id)
    provider = session.get(Department, provider_id)
    if consumer is None or provider is None:
        return None
    cross_level = consumer.level != provider.level
    cross_region = bool(consumer.region and provider.region) and consumer.region != provider.region
    if not (cross_level or cross_region):
        return None
    rule = get_active_profile().applications.cross_level_route
    procedure = rule.value or "same_procedure"  # silent: the documented default
    hops = [_hop(consumer, APPLICANT)]
    if procedure == "via_authority":
        up = _data_chain(session, consumer)
        down = _data_chain(session, provider)
        down_ids = [d.id for d in down]
        meet = next((i for i, d in enumerate(up) if d.id in down_ids), len(up) - 1)
        via = up[: meet + 1]
        if via and via[-1].id in down_ids:
            via += list(reversed(down[: down_ids.index(via[-1].id)]))
        hops += [_hop(d, DATA_DEPARTMENT) for d in via if d.id not in (consumer.id, provider.id)]
    hops.append(_hop(provider, PROVIDER))
    return {
        "procedure": procedure,
        "article": rule.citation(),
        "profile_silent": rule.is_silent,
        "cross_level": cross_level,
        "cross_region": cross_region,
        "hops": hops,
    }


def intermediaries(route: dict[str, Any] | None) -> list[int]:
    """The departments a route passes through between applicant and provider."""
    if not route:
        return []
    return [h["department_id"] for h in route.get("hops", []) if h.get("role") == DATA_DEPARTMENT]


def tell_route(session: Session, *, application_id: int, route: dict[str, Any] | None) -> int:
    """Tells the data departments on a route and the authority that an application passes them."""
    via = intermediaries(route)
    if not via:
        return 0
    people = []
    for department_id in via:
        people += notify.recipients(session, department_id=department_id, roles=notify.OFFICERS)
    people += notify.recipients(session, roles=notify.AUTHORITY)
    names = " -> ".join(h["name"] for h in (route or {}).get("hops", []))
    return notify.notify(
        session,
        users=list({u.id: u for u in people}.values()),
        kind="application.routed",
        title=f"Application {application_id} passes through the data department(s): {names}",
        body=f"Cross-level route [{(route or {}).get('article', '')}]",
        link=f"/applications/{application_id}",
        object_type="application",
        object_id=application_id,
    )
