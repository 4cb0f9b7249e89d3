"""No repeated materials (GZ 32; ZS 15): service guides, the materials shared data supplies, counts.

A department registers its service guides (办事指南) and the materials each service asks the
public for. The platform marks every material that a published shared resource already
supplies (``material_matching``), re-marks when a guide changes and on demand, and lists the
services that still ask for a supplied material. The department removes such a material
(``removed``) or, where the profile's ``materials.guides_marked`` applies, keeps it marked
"obtained through sharing; not required of the applicant" (``marked``). The authority sees the
counts per department.

For the other reports: ``still_required_count`` and ``counts_by_department``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.models import DirectoryEntry
from govshare.db import utcnow
from govshare.governance import material_matching as matching
from govshare.governance.material_matching import CheckResult as CheckResult
from govshare.governance.material_matching import clear as clear
from govshare.governance.material_matching import link as link
from govshare.governance.material_matching import recheck as recheck
from govshare.governance.material_models import MatchSource, Material, MaterialState, ServiceGuide
from govshare.governance.material_schemas import GuideIn
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile

EDITORS = (Role.DATA_OFFICER, Role.STAFF)


@dataclass(frozen=True)
class MaterialCounts:
    """A department's guides and materials (active guides only).

    ``materials`` counts every material of its active guides; ``supplied`` those a published
    shared resource supplies; ``still_required`` the supplied ones the guide still asks for
    (GZ 32: to remove or mark); ``removed`` and ``marked`` what the department did about them.
    """

    services: int = 0
    materials: int = 0
    supplied: int = 0
    still_required: int = 0
    removed: int = 0
    marked: int = 0


# --- permissions ----------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    """The authority and auditors see every department's guides."""
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def check_reader(actor: Actor, department_id: int) -> None:
    """Refuses reading another department's guides (except the authority and auditors)."""
    if not sees_all(actor) and actor.department_id != department_id:
        raise Forbidden("not your department's service guide", code="not_your_guide")


def check_editor(actor: Actor, department_id: int) -> None:
    """Refuses editing a guide to anyone but the department's officers or the authority."""
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return
    if not actor.has_role(*EDITORS) or actor.department_id != department_id:
        raise Forbidden(
            "only the department (or the authority) edits its service guides",
            code="not_your_guide",
        )


def can_edit(actor: Actor, department_id: int) -> bool:
    """Whether the actor may edit the department's guides."""
    try:
        check_editor(actor, department_id)
    except Forbidden:
        return False
    return True


def _check_department(actor: Actor, department_id: int) -> None:
    # Removing or marking changes the department's own published guide: the department decides.
    if not actor.has_role(*EDITORS) or actor.department_id != department_id:
        raise Forbidden(
            "only the department removes or marks the materials of its guides",
            code="department_only",
        )


# --- reading --------------------------------------------------------------------------------------


def get_guide(session: Session, *, actor: Actor, guide_id: int) -> ServiceGuide:
    """Gets a guide the actor may read."""
    guide = session.get(ServiceGuide, guide_id)
    if guide is None:
        raise NotFound("no service guide {id}", code="guide_not_found", id=guide_id)
    check_reader(actor, guide.department_id)
    return guide


def materials_of(session: Session, *, guide_ids: Iterable[int]) -> dict[int, list[Material]]:
    """The materials of several guides, in their order in each guide."""
    ids = sorted(set(guide_ids))
    found: dict[int, list[Material]] = {i: [] for i in ids}
    if ids:
        stmt = select(Material).where(Material.guide_id.in_(ids))
        for m in session.scalars(stmt.order_by(Material.guide_id, Material.position, Material.id)):
            found[m.guide_id].append(m)
    return found


def get_material(session: Session, *, actor: Actor, material_id: int) -> Material:
    """Gets a material the actor may read."""
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound("no material {id}", code="material_not_found", id=material_id)
    get_guide(session, actor=actor, guide_id=material.guide_id)
    return material


def resource_codes(session: Session, resource_ids: Iterable[int | None]) -> dict[int, str]:
    """The directory codes of resources."""
    ids = {i for i in resource_ids if i}
    if not ids:
        return {}
    rows = session.execute(
        select(DirectoryEntry.resource_id, DirectoryEntry.code).where(
            DirectoryEntry.resource_id.in_(ids)
        )
    )
    return {i: c for i, c in rows}


def _still_required() -> list[ColumnElement[bool]]:
    return [Material.resource_id.is_not(None), Material.state == MaterialState.REQUIRED]


def list_guides(
    session: Session,
    *,
    actor: Actor,
    department_id: int | None = None,
    q: str = "",
    attention: bool = False,
    include_inactive: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Page[ServiceGuide]:
    """Guides the actor may read; `attention`: only those still asking for a supplied material."""
    stmt: Select[tuple[ServiceGuide]] = select(ServiceGuide)
    if not sees_all(actor):
        department_id = actor.department_id or -1
    if department_id is not None:
        stmt = stmt.where(ServiceGuide.department_id == department_id)
    if not include_inactive:
        stmt = stmt.where(ServiceGuide.active.is_(True))
    if q.strip():
        like = f"%{q.strip()}%"
        named = select(Material.guide_id).where(Material.name.like(like))
        stmt = stmt.where(
            or_(
                ServiceGuide.name.like(like),
                ServiceGuide.code.like(like),
                ServiceGuide.id.in_(named),
            )
        )
    if attention:
        stmt = stmt.where(ServiceGuide.id.in_(select(Material.guide_id).where(*_still_required())))
    order = stmt.order_by(ServiceGuide.department_id, ServiceGuide.code)
    return paginate(session, order, page=page, per_page=per_page)


def still_required(
    session: Session, *, actor: Actor, department_id: int | None = None
) -> list[tuple[ServiceGuide, Material]]:
    """Materials a shared resource supplies that active guides still ask for, by department and guide."""
    stmt = (
        select(ServiceGuide, Material)
        .join(Material, Material.guide_id == ServiceGuide.id)
        .where(ServiceGuide.active.is_(True), *_still_required())
    )
    if not sees_all(actor):
        department_id = actor.department_id or -1
    if department_id is not None:
        stmt = stmt.where(ServiceGuide.department_id == department_id)
    order = (ServiceGuide.department_id, ServiceGuide.code, Material.position, Material.id)
    return [(g, m) for g, m in session.execute(stmt.order_by(*order))]


def still_required_count(session: Session, *, department_id: int) -> int:
    """How many materials of the department's active guides a published shared resource supplies
    while the guide still asks the public for them (GZ 32; ZS 15): the "repeated materials left".

    Read by the evaluation and the annual report. Counts the marks as of the last re-check
    (guides are re-marked when they change, on demand and by ``govshare guides check``).
    """
    stmt = (
        select(func.count(Material.id))
        .join(ServiceGuide, ServiceGuide.id == Material.guide_id)
        .where(
            ServiceGuide.department_id == department_id,
            ServiceGuide.active.is_(True),
            *_still_required(),
        )
    )
    return session.scalar(stmt) or 0


def counts_by_department(session: Session) -> dict[int, MaterialCounts]:
    """Per department id with at least one active guide: its ``MaterialCounts`` (one grouped query).

    Read by the evaluation, the annual report and the authority's overview; departments with no
    active guide are absent (read them as ``MaterialCounts()``).
    """

    def count_if(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((and_(*conditions), 1), else_=0))

    supplied = Material.resource_id.is_not(None)
    stmt = (
        select(
            ServiceGuide.department_id,
            func.count(func.distinct(ServiceGuide.id)),
            func.count(Material.id),
            count_if(supplied),
            count_if(supplied, Material.state == MaterialState.REQUIRED),
            count_if(Material.state == MaterialState.REMOVED),
            count_if(Material.state == MaterialState.MARKED),
        )
        .outerjoin(Material, Material.guide_id == ServiceGuide.id)
        .where(ServiceGuide.active.is_(True))
        .group_by(ServiceGuide.department_id)
    )
    out: dict[int, MaterialCounts] = {}
    for dept, services, materials, sup, still, removed, marked in session.execute(stmt):
        out[dept] = MaterialCounts(
            services=services,
            materials=materials,
            supplied=int(sup or 0),
            still_required=int(still or 0),
            removed=int(removed or 0),
            marked=int(marked or 0),
        )
    return out


# --- registering guides ---------------------------------------------------------------------------


def _check_materials(data: GuideIn) -> None:
    seen: set[str] = set()
    for m in data.materials:
        if m.name in seen:
            raise Invalid(
                "the material {name} is listed twice", code="duplicate_material", name=m.name
            )
        seen.add(m.name)


def create_guide(session: Session, *, actor: Actor, data: GuideIn) -> ServiceGuide:
    """Registers a service guide and its materials, and marks those shared data supplies."""
    check_editor(actor, data.department_id)
    orgs.get_department(session, department_id=data.department_id)
    _check_materials(data)
    taken = session.scalar(
        select(ServiceGuide.id).where(
            ServiceGuide.department_id == data.department_id, ServiceGuide.code == data.code
        )
    )
    if taken is not None:
        raise Conflict(
            "the department already has a service with the code {guide_code}",
            code="guide_code_taken",
            guide_code=data.code,
        )
    guide = ServiceGuide(
        department_id=data.department_id,
        code=data.code,
        name=data.name,
        description=data.description,
        active=True,
        created_by=actor.name,
    )
    session.add(guide)
    session.flush()  # the guide's id for its materials and the audit entry
    _sync_materials(session, guide, data)
    result = matching.remark(session, [guide.id], matching.candidates(session))
    audit.record(
        session,
        actor=actor,
        action="guide.create",
        object_type="service_guide",
        object_id=guide.id,
        details={
            "department_id": guide.department_id,
            "code": guide.code,
            "materials": [m.name for m in data.materials],
            "supplied": result.supplied,
        },
    )
    return guide


def update_guide(session: Session, *, actor: Actor, guide_id: int, data: GuideIn) -> ServiceGuide:
    """Replaces a guide's service details and materials (kept by name with their state) and re-marks."""
    guide = get_guide(session, actor=actor, guide_id=guide_id)
    check_editor(actor, guide.department_id)
    if data.department_id != guide.department_id:
        raise Invalid("a guide cannot move to another department", code="guide_department_fixed")
    _check_materials(data)
    if data.code != guide.code:
        taken = session.scalar(
            select(ServiceGuide.id).where(
                ServiceGuide.department_id == guide.department_id,
                ServiceGuide.code == data.code,
                ServiceGuide.id != guide.id,
            )
        )
        if taken is not None:
            raise Conflict(
                "the department already has a service with the code {guide_code}",
                code="guide_code_taken",
                guide_code=data.code,
            )
    before = {"code": guide.code, "name": guide.name, "description": guide.description}
    guide.code, guide.name, guide.description = data.code, data.name, data.description
    guide.updated_at = utcnow()
    added, dropped = _sync_materials(session, guide, data)
    result = matching.remark(session, [guide.id], matching.candidates(session))
    audit.record(
        session,
        actor=actor,
        action="guide.update",
        object_type="service_guide",
        object_id=guide.id,
        details={"before": before, "added": added, "dropped": dropped, "supplied": result.supplied},
    )
    return guide


def _sync_materials(
    session: Session, guide: ServiceGuide, data: GuideIn
) -> tuple[list[str], list[str]]:
    """The guide's materials become `data.materials`; a kept name keeps its state and link."""
    existing = {m.name: m for m in materials_of(session, guide_ids=[guide.id])[guide.id]}
    wanted = {m.name for m in data.materials}
    dropped = sorted(n for n in existing if n not in wanted)
    for name in dropped:
        session.delete(existing[name])
    added = []
    for position, item in enumerate(data.materials):
        material = existing.get(item.name)
        if material is None:
            added.append(item.name)
            material = Material(
                guide_id=guide.id,
                name=item.name,
                state=MaterialState.REQUIRED,
                resource_items=[],
                match_note="",
                match_source=MatchSource.NONE,
                changed_by="",
            )
            session.add(material)
        material.description = item.description
        material.position = position
    session.flush()  # the new materials exist for the re-check
    return added, dropped


def set_active(session: Session, *, actor: Actor, guide_id: int, active: bool) -> ServiceGuide:
    """Withdraws a service that is no longer offered (or offers it again); withdrawn guides are not counted."""
    guide = get_guide(session, actor=actor, guide_id=guide_id)
    check_editor(actor, guide.department_id)
    if guide.active == active:
        raise IllegalTransition(
            "the service guide is already in that state", code="guide_state_unchanged"
        )
    guide.active = active
    guide.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="guide.reactivate" if active else "guide.withdraw",
        object_type="service_guide",
        object_id=guide.id,
        details={"code": guide.code},
    )
    return guide


def change_state(
    session: Session, *, actor: Actor, material_id: int, state: MaterialState, reason: str = ""
) -> Material:
    """The department removes a supplied material, marks it "obtained through sharing; not
    required of the applicant" (where the profile provides for marking), or restores it."""
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound("no material {id}", code="material_not_found", id=material_id)
    guide = get_guide(session, actor=actor, guide_id=material.guide_id)
    _check_department(actor, guide.department_id)
    if material.state == state:
        raise IllegalTransition(
            "the material is already in that state", code="material_state_unchanged"
        )
    if state != MaterialState.REQUIRED and material.resource_id is None:
        raise Conflict(
            "no published shared resource supplies this material; it stays required",
            code="not_supplied",
        )
    rule = get_active_profile().materials.guides_marked
    if state == MaterialState.MARKED and not rule.enabled:
        raise Invalid(
            "the profile does not provide for marking materials in service guides; remove the material instead",
            code="profile_silent",
        )
    old = material.state
    material.state = state
    material.changed_by, material.changed_at = actor.name, utcnow()
    guide.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action=f"material.{'restore' if state == MaterialState.REQUIRED else state}",
        object_type="service_material",
        object_id=material.id,
        details={
            "guide": guide.code,
            "from": old,
            "to": str(state),
            "resource_id": material.resource_id,
            "reason": reason.strip(),
            "article": rule.citation() if state == MaterialState.MARKED else "",
        },
    )
    return material
