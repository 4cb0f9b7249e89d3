"""Builders of divergence tests: two providers publishing the same data item, a link, loads."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from govshare.datastore import parsing
from govshare.datastore import service as data
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role, User
from govshare.quality import links
from govshare.quality.models import SourceLink
from tests.catalogue import builders as catalogue
from tests.datastore import builders as datastore
from tests.orgs import builders as orgs

TODAY = date(2026, 11, 20)
ITEM = "婚姻状况"
OPERATOR = Actor.operator()


@dataclass
class Pair:
    """The authority, two providers each with a published resource holding ITEM, and their link."""

    authority: Department
    admin: User
    civil: Department
    civil_user: User
    civil_officer: Actor
    civil_resource_id: int
    health: Department
    health_user: User
    health_officer: Actor
    health_resource_id: int
    link: SourceLink | None


def pair(session: Session, *, linked: bool = True, source: str | None = None) -> Pair:
    """Two providers with a linked item; `source` ("civil"/"health") names the collecting side."""
    authority = orgs.department(session, authority=True)
    admin = orgs.user(session, role=Role.AUTHORITY_ADMIN, dept=authority)
    civil, health = orgs.department(session), orgs.department(session)
    civil_user = orgs.user(session, role=Role.DATA_OFFICER, dept=civil)
    health_user = orgs.user(session, role=Role.DATA_OFFICER, dept=health)
    a = datastore.resource(session, civil)  # 8 items, keyed by resident ID
    b = catalogue.published(session, health)  # 公民身份号码, 姓名, 婚姻状况
    link = None
    if linked:
        src = {"civil": a.id, "health": b.id}.get(source or "")
        link = links.create_link(
            session,
            actor=OPERATOR,
            resource_a_id=a.id,
            item_a=ITEM,
            resource_b_id=b.id,
            item_b=ITEM,
            source_resource_id=src,
        )
    return Pair(
        authority=authority,
        admin=admin,
        civil=civil,
        civil_user=civil_user,
        civil_officer=orgs.actor_of(civil_user),
        civil_resource_id=a.id,
        health=health,
        health_user=health_user,
        health_officer=orgs.actor_of(health_user),
        health_resource_id=b.id,
        link=link,
    )


def civil_rows(ns: list[int], **overrides: Any) -> list[dict[str, Any]]:
    """Full rows of the civil resource for persons ns."""
    return [datastore.person(n, **overrides) for n in ns]


def health_rows(ns: list[int], status: str | None = None) -> list[dict[str, Any]]:
    """Rows of the health resource (ID, name, marital status) for persons ns."""
    out = []
    for n in ns:
        p = datastore.person(n)
        out.append({"公民身份号码": p["公民身份号码"], "姓名": p["姓名"], ITEM: status or p[ITEM]})
    return out


def load(
    session: Session, actor: Actor, resource_id: int, rows: list[dict[str, Any]]
) -> data.LoadResult:
    """A CSV load of the rows."""
    source = parsing.read(io.BytesIO(datastore.csv_bytes(rows)), filename="rows.csv")
    return data.load(
        session,
        actor=actor,
        resource_id=resource_id,
        rows=source,
        method="cli",
        filename="rows.csv",
        today=TODAY,
    )


def one_case(session: Session, p: Pair) -> int:
    """Loads one person into both resources with different marital status; returns the case id."""
    from sqlalchemy import select

    from govshare.quality.models import Divergence

    n = datastore.next_n()
    load(session, p.civil_officer, p.civil_resource_id, civil_rows([n]))
    load(session, p.health_officer, p.health_resource_id, health_rows([n], status="离异"))
    case_id = session.scalar(
        select(Divergence.id)
        .where(Divergence.link_id == (p.link.id if p.link else 0))
        .order_by(Divergence.id.desc())
    )
    assert case_id is not None
    return case_id
