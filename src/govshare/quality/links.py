"""Source links: the authority declares that a data item of one resource is the same data as another's.

A link is what makes the platform compare two providers' values (ZS 17: "one data one
source and multiple review"; JS 11: where data has two or more sources, one organ collects it
and the others' data is compared with it). Both resources must be published and keyed by the
same kind of subject; the side that collects the data, when known, is recorded as the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.db import utcnow
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Role
from govshare.quality.models import ACTIVE_STATES, Divergence, DivergenceState, SourceLink


@dataclass(frozen=True)
class LinkedSide:
    """One side of a link as the directory publishes it."""

    resource_id: int
    code: str
    name: str
    department_id: int
    subject_key_type: str
    items: list[str]


def require_authority(actor: Actor) -> None:
    """Refuses everyone but the authority (ZS 17: the data department organises the review)."""
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden(
            "only the sharing authority manages source links and divergence cases",
            code="authority_only",
        )


def published_side(session: Session, resource_id: int) -> LinkedSide:
    """A resource as last published (refused when it is not in the sharing directory)."""
    entry = session.get(DirectoryEntry, resource_id)
    if entry is None:
        raise Invalid(
            "resource {resource_id} is not published in the sharing directory",
            code="not_published",
            resource_id=resource_id,
        )
    snap: dict[str, Any] = entry.snapshot
    items = [i["name"] for i in snap.get("items", []) if not i.get("is_subject_key")]
    return LinkedSide(
        resource_id=resource_id,
        code=entry.code,
        name=entry.name,
        department_id=entry.department_id,
        subject_key_type=str(snap.get("subject_key_type", "")),
        items=items,
    )


def create_link(
    session: Session,
    *,
    actor: Actor,
    resource_a_id: int,
    item_a: str,
    resource_b_id: int,
    item_b: str,
    source_resource_id: int | None = None,
    note: str = "",
) -> SourceLink:
    """Declares that item A of one published resource is the same data as item B of another."""
    require_authority(actor)
    if resource_a_id == resource_b_id:
        raise Invalid("a source link joins two different resources", code="same_resource")
    a = published_side(session, resource_a_id)
    b = published_side(session, resource_b_id)
    if a.subject_key_type != b.subject_key_type:
        raise Invalid(
            "the two resources are keyed by different kinds of subject; their records cannot be compared",
            code="subject_key_mismatch",
        )
    for side, item in ((a, item_a), (b, item_b)):
        if item not in side.items:
            raise Invalid(
                "resource {resource} publishes no data item named {item}",
                code="unknown_item",
                resource=side.code,
                item=item,
            )
    if source_resource_id is not None and source_resource_id not in (resource_a_id, resource_b_id):
        raise Invalid(
            "the source must be one of the two linked resources", code="source_not_linked"
        )
    same = or_(
        and_(
            SourceLink.resource_a_id == resource_a_id,
            SourceLink.item_a == item_a,
            SourceLink.resource_b_id == resource_b_id,
            SourceLink.item_b == item_b,
        ),
        and_(
            SourceLink.resource_a_id == resource_b_id,
            SourceLink.item_a == item_b,
            SourceLink.resource_b_id == resource_a_id,
            SourceLink.item_b == item_a,
        ),
    )
    if session.scalar(select(SourceLink.id).where(same, SourceLink.removed_at.is_(None))):
        raise Conflict("these two data items are already linked", code="link_exists")
    link = SourceLink(
        resource_a_id=resource_a_id,
        item_a=item_a,
        resource_b_id=resource_b_id,
        item_b=item_b,
        source_resource_id=source_resource_id,
        note=note.strip(),
        created_by=actor.name,
        removed_by="",
        removed_reason="",
    )
    session.add(link)
    session.flush()  # the audit entry names the link
    audit.record(
        session,
        actor=actor,
        action="quality.source_link_create",
        object_type="source_link",
        object_id=link.id,
        details={
            "resource_a_id": resource_a_id,
            "item_a": item_a,
            "resource_b_id": resource_b_id,
            "item_b": item_b,
            "source_resource_id": source_resource_id,
        },
    )
    _tell_providers(
        session,
        link,
        departments={a.department_id, b.department_id},
        kind="source_link.created",
        title=f"Your item {item_a} / {item_b} is now compared with another source ({a.code} / {b.code})",
    )
    return link


def _tell_providers(
    session: Session, link: SourceLink, *, departments: set[int], kind: str, title: str
) -> None:
    from govshare.quality.divergence import tell

    tell(
        session,
        departments=departments,
        authority=False,
        kind=kind,
        title=title,
        link="/quality/source-links",
        object_type="source_link",
        object_id=link.id,
    )


def get_link(session: Session, *, link_id: int) -> SourceLink:
    """A link by id."""
    link = session.get(SourceLink, link_id)
    if link is None:
        raise NotFound("no source link {link_id}", code="link_not_found", link_id=link_id)
    return link


def list_links(
    session: Session,
    *,
    actor: Actor,
    resource_id: int | None = None,
    include_removed: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[SourceLink]:
    """Links, newest first: all for the authority, those touching its resources for a provider."""
    stmt = select(SourceLink).order_by(SourceLink.id.desc())
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        if actor.department_id is None or not actor.has_role(Role.DATA_OFFICER, Role.SERVICE):
            raise Forbidden("your role may not do this", code="forbidden_role")
        own = select(Resource.id).where(Resource.department_id == actor.department_id)
        stmt = stmt.where(or_(SourceLink.resource_a_id.in_(own), SourceLink.resource_b_id.in_(own)))
    if resource_id is not None:
        stmt = stmt.where(
            or_(SourceLink.resource_a_id == resource_id, SourceLink.resource_b_id == resource_id)
        )
    if not include_removed:
        stmt = stmt.where(SourceLink.removed_at.is_(None))
    return paginate(session, stmt, page=page, per_page=per_page)


def remove_link(
    session: Session, *, actor: Actor, link_id: int, reason: str, today: date | None = None
) -> SourceLink:
    """Ends a link: no more comparisons; its open cases are closed (kept, with the reason)."""
    require_authority(actor)
    if not reason.strip():
        raise Invalid("the reason is required", code="reason_required")
    link = get_link(session, link_id=link_id)
    if link.removed_at is not None:
        raise Conflict("the source link was already removed", code="link_removed")
    link.removed_at = utcnow()
    link.removed_by = actor.name
    link.removed_reason = reason.strip()
    closed = list(
        session.scalars(
            select(Divergence).where(
                Divergence.link_id == link.id, Divergence.state.in_(ACTIVE_STATES)
            )
        )
    )
    day = today or date.today()
    for case in closed:
        case.state = DivergenceState.CLOSED
        case.closed_on = day
        case.closed_by = actor.name
        case.closed_reason = "link_removed"
        case.updated_at = link.removed_at
    audit.record(
        session,
        actor=actor,
        action="quality.source_link_remove",
        object_type="source_link",
        object_id=link.id,
        details={"reason": link.removed_reason, "closed_cases": [c.id for c in closed]},
    )
    departments = set(
        session.scalars(
            select(Resource.department_id).where(
                Resource.id.in_((link.resource_a_id, link.resource_b_id))
            )
        )
    )
    _tell_providers(
        session,
        link,
        departments=departments,
        kind="source_link.removed",
        title=f"Source link {link.id} ({link.item_a} / {link.item_b}) removed: {link.removed_reason}",
    )
    return link


def linkable(session: Session) -> list[LinkedSide]:
    """Every published resource with its data items (what the link form offers), by code."""
    entries = session.scalars(select(DirectoryEntry.resource_id).order_by(DirectoryEntry.code))
    return [published_side(session, rid) for rid in entries]


def resource_codes(session: Session, resource_ids: set[int]) -> dict[int, str]:
    """Resource codes by id (labels of links and cases)."""
    if not resource_ids:
        return {}
    stmt = select(Resource.id, Resource.code).where(Resource.id.in_(resource_ids))
    return {rid: code for rid, code in session.execute(stmt)}
