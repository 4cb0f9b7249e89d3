"""The resource catalogue: entries, the review workflow, versions, change events, disputes, the directory."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from govshare.audit import service as audit
from govshare.calendar import service as calendar
from govshare.catalogue import rules_check
from govshare.catalogue.enums import (
    CatalogueKind,
    ChangeEventKind,
    DisputeStatus,
    ResourceStatus,
    SharingType,
)
from govshare.catalogue.models import (
    CatalogueReview,
    ChangeEvent,
    DataItem,
    DirectoryEntry,
    Resource,
    ResourceVersion,
    SharingTypeDispute,
)
from govshare.catalogue.schemas import DataItemIn, ResourceIn
from govshare.db import utcnow
from govshare.jobs import service as jobs
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile

BASIC_CLASS = {
    "natural_person": "01",
    "legal_person": "02",
    "natural_resources": "03",
    "e_certificate": "04",
}
KIND_CLASS = {
    CatalogueKind.BASIC: "1",
    CatalogueKind.THEMATIC: "2",
    CatalogueKind.DEPARTMENTAL: "3",
}

# Fields copied between ResourceIn and Resource (everything but the items and the hard-stop flag).
_FIELDS = tuple(f for f in ResourceIn.model_fields if f not in ("items", "contains_state_secret"))

TRANSITIONS: dict[str, tuple[frozenset[ResourceStatus], ResourceStatus]] = {
    "submit": (
        frozenset({ResourceStatus.DRAFT, ResourceStatus.RETURNED}),
        ResourceStatus.SUBMITTED,
    ),
    "return": (frozenset({ResourceStatus.SUBMITTED}), ResourceStatus.RETURNED),
    "approve": (frozenset({ResourceStatus.SUBMITTED}), ResourceStatus.APPROVED),
    "publish": (frozenset({ResourceStatus.APPROVED}), ResourceStatus.PUBLISHED),
}


def _transition(resource: Resource, action: str) -> ResourceStatus:
    allowed, target = TRANSITIONS[action]
    if resource.status not in allowed:
        raise IllegalTransition(
            "cannot {action} an entry that is {status}",
            code="illegal_transition",
            action=action,
            status=str(resource.status),
        )
    return target


def check_provider(actor: Actor, department_id: int) -> None:
    """Refuses anyone but the department's data officer (or the authority) editing its catalogue."""
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return
    if not actor.has_role(Role.DATA_OFFICER) or actor.department_id != department_id:
        raise Forbidden(
            "only the department's data officer edits its catalogue", code="not_your_catalogue"
        )


def _check_authority(actor: Actor) -> None:
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden(
            "only the authority reviews and publishes the catalogue", code="authority_only"
        )


# --- entries -------------------------------------------------------------------------------------


def get_resource(session: Session, *, resource_id: int) -> Resource:
    """Gets a catalogue entry with its data items."""
    resource = session.scalar(
        select(Resource).where(Resource.id == resource_id).options(selectinload(Resource.items))
    )
    if resource is None:
        raise NotFound(
            "no catalogue entry {resource_id}", code="resource_not_found", resource_id=resource_id
        )
    return resource


def get_by_code(session: Session, *, code: str) -> Resource:
    """Gets a catalogue entry by its resource code."""
    resource = session.scalar(select(Resource).where(Resource.code == code))
    if resource is None:
        raise NotFound(
            "no catalogue entry with code {resource_code}",
            code="resource_not_found",
            resource_code=code,
        )
    return resource


def _class_code(data: ResourceIn) -> str:
    if data.class_code:
        return data.class_code
    second = BASIC_CLASS.get(str(data.basic_category), "00") if data.basic_category else "00"
    return f"{KIND_CLASS[data.catalogue_kind]}{second}"


def _next_code(session: Session, class_code: str) -> str:
    prefix = f"{class_code}/"
    last = session.scalar(select(func.max(Resource.code)).where(Resource.code.like(f"{prefix}%")))
    seq = int(last.split("/")[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _check_references(session: Session, data: ResourceIn) -> None:
    for field in (
        "department_id",
        "thematic_lead_department_id",
        "collecting_department_id",
        "approving_department_id",
    ):
        dept_id = getattr(data, field)
        if dept_id is not None and session.get(orgs.Department, dept_id) is None:
            raise Invalid(
                "{field}: no department {department_id}",
                code="unknown_department",
                field=field,
                department_id=dept_id,
            )


def _apply(resource: Resource, data: ResourceIn) -> None:
    for field in _FIELDS:
        setattr(resource, field, getattr(data, field))
    resource.class_code = _class_code(data)
    # Items are matched by name so that a kept item keeps its row (and the unique name holds).
    existing = {i.name: i for i in resource.items}
    items = []
    for position, item in enumerate(data.items, start=1):
        row = existing.pop(item.name, None) or DataItem()
        _set_item(row, position, item)
        items.append(row)
    resource.items = items


def _set_item(row: DataItem, position: int, item: DataItemIn) -> None:
    row.position = position
    for key, value in item.model_dump().items():
        setattr(row, key, value)


def create_resource(session: Session, *, actor: Actor, data: ResourceIn) -> Resource:
    """Adds a draft entry to a department's catalogue; every rule is checked first."""
    check_provider(actor, data.department_id)
    rules_check.check(data, get_active_profile())
    _check_references(session, data)
    resource = Resource(status=ResourceStatus.DRAFT, version=0)
    _apply(resource, data)
    resource.code = _next_code(session, resource.class_code)
    session.add(resource)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="catalogue.create",
        object_type="resource",
        object_id=resource.id,
        details={
            "code": resource.code,
            "name": resource.name,
            "sharing_type": resource.sharing_type,
        },
    )
    return resource


def update_resource(
    session: Session, *, actor: Actor, resource_id: int, data: ResourceIn
) -> Resource:
    """Edits a draft, returned or published entry; a published one becomes the draft of its next version."""
    resource = get_resource(session, resource_id=resource_id)
    check_provider(actor, resource.department_id)
    if data.department_id != resource.department_id:
        raise Invalid("an entry stays in its department's catalogue", code="department_fixed")
    if resource.status not in ResourceStatus.editable():
        raise IllegalTransition(
            "an entry that is {status} cannot be edited until it is reviewed",
            code="not_editable",
            status=str(resource.status),
        )
    rules_check.check(data, get_active_profile())
    _check_references(session, data)
    before = snapshot(resource)
    _apply(resource, data)
    resource.status = (
        ResourceStatus.DRAFT if resource.status == ResourceStatus.PUBLISHED else resource.status
    )
    session.flush()  # the snapshot below reads the new items
    changes = diff_snapshots(before, snapshot(resource))
    audit.record(
        session,
        actor=actor,
        action="catalogue.update",
        object_type="resource",
        object_id=resource.id,
        details={"fields": [c["field"] for c in changes]},
    )
    return resource


def list_resources(
    session: Session,
    *,
    department_id: int | None = None,
    status: str = "",
    q: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page[Resource]:
    """Catalogue entries of a department (or all), by status and search text."""
    stmt = select(Resource).options(selectinload(Resource.items))
    if department_id is not None:
        stmt = stmt.where(Resource.department_id == department_id)
    if status:
        stmt = stmt.where(Resource.status == status)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(Resource.name.ilike(like), Resource.name_en.ilike(like), Resource.code.ilike(like))
        )
    return paginate(session, stmt.order_by(Resource.code), page=page, per_page=per_page)


def review_queue(session: Session, *, page: int = 1, per_page: int = 50) -> Page[Resource]:
    """Submitted entries awaiting the authority, the most urgent first."""
    stmt = select(Resource).where(Resource.status == ResourceStatus.SUBMITTED)
    stmt = stmt.order_by(Resource.review_due_on.is_(None), Resource.review_due_on, Resource.id)
    return paginate(session, stmt, page=page, per_page=per_page)


# --- versions --------------------------------------------------------------------------------------


def snapshot(resource: Resource) -> dict[str, Any]:
    """The entry as plain JSON values, items included."""
    data: dict[str, Any] = {"code": resource.code}
    for field in _FIELDS:
        value = getattr(resource, field)
        data[field] = value.isoformat() if isinstance(value, date) else value
    data["class_code"] = resource.class_code
    data["items"] = [
        {
            "name": i.name,
            "name_en": i.name_en,
            "data_type": i.data_type,
            "length": i.length,
            "description": i.description,
            "is_subject_key": i.is_subject_key,
            "sharing_type": i.sharing_type,
        }
        for i in resource.items
    ]
    return data


def as_input(resource: Resource) -> ResourceIn:
    """The entry as the provider would write it again (the edit form, re-checking at submission)."""
    data = snapshot(resource)
    data.pop("code")
    return ResourceIn.model_validate(data)


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field changes between two snapshots; data items are compared by name."""
    changes: list[dict[str, Any]] = []
    for field in sorted(set(old) | set(new)):
        if field == "items":
            continue
        if old.get(field) != new.get(field):
            changes.append({"field": field, "old": old.get(field), "new": new.get(field)})
    old_items = {i["name"]: i for i in old.get("items", [])}
    new_items = {i["name"]: i for i in new.get("items", [])}
    for name in sorted(set(old_items) | set(new_items)):
        a, b = old_items.get(name), new_items.get(name)
        if a != b:
            changes.append({"field": f"items[{name}]", "old": a, "new": b})
    return changes


def versions(session: Session, *, resource_id: int) -> list[ResourceVersion]:
    """Every submitted version of an entry, oldest first."""
    stmt = select(ResourceVersion).where(ResourceVersion.resource_id == resource_id)
    return list(session.scalars(stmt.order_by(ResourceVersion.version)))


def diff_versions(
    session: Session, *, resource_id: int, old: int, new: int
) -> list[dict[str, Any]]:
    """The changes from version `old` to version `new` (0 for `new` means the working copy)."""
    by_number = {v.version: v.snapshot for v in versions(session, resource_id=resource_id)}
    if new == 0:
        by_number[0] = snapshot(get_resource(session, resource_id=resource_id))
    if old not in by_number or new not in by_number:
        raise NotFound("no such version", code="version_not_found")
    return diff_snapshots(by_number[old], by_number[new])


# --- the workflow -----------------------------------------------------------------------------------


def submit(session: Session, *, actor: Actor, resource_id: int, today: date) -> Resource:
    """Submits an entry for review; the authority must answer within the profile's deadline (GZ 8)."""
    resource = get_resource(session, resource_id=resource_id)
    check_provider(actor, resource.department_id)
    target = _transition(resource, "submit")
    rules_check.check(as_input(resource), get_active_profile())
    deadline = get_active_profile().catalogue.authority_review
    resource.status = target
    resource.version += 1
    resource.submitted_on = today
    resource.review_due_on = (
        calendar.add_working_days(session, today, deadline.working_days)
        if deadline.working_days is not None
        else None
    )
    resource.review_comment = ""
    session.add(
        ResourceVersion(
            resource_id=resource.id,
            version=resource.version,
            snapshot=snapshot(resource),
            submitted_by=actor.name,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="catalogue.submit",
        object_type="resource",
        object_id=resource.id,
        details={"version": resource.version, "review_due_on": str(resource.review_due_on or "")},
    )
    _resolve_change_events(
        session,
        actor=actor,
        department_id=resource.department_id,
        today=today,
        resolution=f"entry {resource.code} submitted (version {resource.version})",
    )
    return resource


def _current_version(session: Session, resource: Resource) -> ResourceVersion:
    version = session.scalar(
        select(ResourceVersion).where(
            ResourceVersion.resource_id == resource.id, ResourceVersion.version == resource.version
        )
    )
    if version is None:
        raise NotFound("the submitted version is missing", code="version_not_found")
    return version


def _review_done(session: Session, *, actor: Actor, resource: Resource, today: date) -> None:
    jobs.resolve_flag(
        session,
        actor=actor,
        kind="catalogue.review_overdue",
        object_type="resource",
        object_id=resource.id,
        today=today,
    )


def return_entry(
    session: Session, *, actor: Actor, resource_id: int, comment: str, today: date
) -> Resource:
    """Returns a submitted entry to its provider with the authority's comments."""
    _check_authority(actor)
    resource = get_resource(session, resource_id=resource_id)
    target = _transition(resource, "return")
    if not comment.strip():
        raise Invalid("say what must change: a return needs comments", code="missing_comment")
    resource.status = target
    resource.review_comment = comment.strip()
    resource.reviewed_by = actor.name
    version = _current_version(session, resource)
    version.outcome, version.outcome_comment = "returned", comment.strip()
    audit.record(
        session,
        actor=actor,
        action="catalogue.return",
        object_type="resource",
        object_id=resource.id,
        details={"version": resource.version, "comment": comment.strip()},
    )
    _review_done(session, actor=actor, resource=resource, today=today)
    return resource


def approve(session: Session, *, actor: Actor, resource_id: int, today: date) -> Resource:
    """Approves a submitted entry; it appears in the directory when published."""
    _check_authority(actor)
    resource = get_resource(session, resource_id=resource_id)
    resource.status = _transition(resource, "approve")
    resource.reviewed_by = actor.name
    _current_version(session, resource).outcome = "approved"
    audit.record(
        session,
        actor=actor,
        action="catalogue.approve",
        object_type="resource",
        object_id=resource.id,
        details={"version": resource.version},
    )
    _review_done(session, actor=actor, resource=resource, today=today)
    return resource


def publish(
    session: Session, *, actor: Actor, today: date, resource_ids: list[int] | None = None
) -> list[Resource]:
    """Publishes approved entries to the sharing directory (GZ 11); None publishes every approved entry."""
    _check_authority(actor)
    stmt = select(Resource).options(selectinload(Resource.items))
    if resource_ids is None:
        stmt = stmt.where(Resource.status == ResourceStatus.APPROVED)
    else:
        stmt = stmt.where(Resource.id.in_(resource_ids))
    resources = list(session.scalars(stmt.order_by(Resource.id)))
    if resource_ids is not None and len(resources) != len(set(resource_ids)):
        raise NotFound("some of the entries do not exist", code="resource_not_found")
    now = utcnow()
    for resource in resources:
        resource.status = _transition(resource, "publish")
        resource.published_on = resource.published_on or today
        resource.published_version = resource.version
        _current_version(session, resource).published_at = now
        _publish_entry(session, resource)
        audit.record(
            session,
            actor=actor,
            action="catalogue.publish",
            object_type="resource",
            object_id=resource.id,
            details={"version": resource.version, "code": resource.code},
        )
    return resources


def _publish_entry(session: Session, resource: Resource) -> None:
    from govshare.catalogue import directory

    entry = session.get(DirectoryEntry, resource.id) or DirectoryEntry(resource_id=resource.id)
    snap = snapshot(resource)
    snap["department_name"] = resource.department.name
    entry.version = resource.version
    entry.code = resource.code
    entry.name = resource.name
    entry.name_en = resource.name_en
    entry.department_id = resource.department_id
    entry.catalogue_kind = resource.catalogue_kind
    entry.sharing_type = resource.sharing_type
    entry.format = resource.format
    entry.update_cycle = resource.update_cycle
    entry.open_type = resource.open_type
    entry.snapshot = snap
    entry.published_at = utcnow()
    entry.search_text = directory.search_text(snap)
    session.add(entry)
    session.flush()  # the search index reads the row
    directory.index_entry(session, entry)


# --- change events (GZ 8; ZS 11) ---------------------------------------------------------------------


def register_change_event(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    kind: ChangeEventKind | str,
    description: str,
    occurred_on: date,
    today: date,
) -> ChangeEvent:
    """Registers a change that obliges the department to update its catalogue within the profile's deadline."""
    if not (
        actor.has_role(Role.AUTHORITY_ADMIN)
        or (actor.has_role(Role.DATA_OFFICER) and actor.department_id == department_id)
    ):
        raise Forbidden(
            "only the authority or the department registers its change events",
            code="not_your_department",
        )
    orgs.get_department(session, department_id=department_id)
    if occurred_on > today:
        raise Invalid("a change is registered once it has happened", code="future_change")
    if not description.strip():
        raise Invalid("describe the change (which law, which function)", code="missing_description")
    deadline = get_active_profile().catalogue.department_update
    event = ChangeEvent(
        department_id=department_id,
        kind=ChangeEventKind(kind),
        description=description.strip(),
        occurred_on=occurred_on,
        registered_on=today,
        registered_by=actor.name,
        due_on=calendar.add_working_days(session, occurred_on, deadline.working_days)
        if deadline.working_days is not None
        else None,
    )
    session.add(event)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="catalogue.change_event",
        object_type="change_event",
        object_id=event.id,
        details={
            "department_id": department_id,
            "kind": event.kind,
            "occurred_on": occurred_on.isoformat(),
            "due_on": str(event.due_on or ""),
        },
    )
    return event


def resolve_change_event(
    session: Session, *, actor: Actor, event_id: int, resolution: str, today: date
) -> ChangeEvent:
    """Closes a change event without a new submission (e.g. the catalogue needed no change), with the reason."""
    event = session.get(ChangeEvent, event_id)
    if event is None:
        raise NotFound(
            "no change event {event_id}", code="change_event_not_found", event_id=event_id
        )
    check_provider(actor, event.department_id)
    if event.resolved_on is not None:
        raise Conflict("this change event is already resolved", code="already_resolved")
    if not resolution.strip():
        raise Invalid("say how the catalogue was brought up to date", code="missing_resolution")
    _close_event(session, actor=actor, event=event, today=today, resolution=resolution.strip())
    return event


def _close_event(
    session: Session, *, actor: Actor, event: ChangeEvent, today: date, resolution: str
) -> None:
    event.resolved_on, event.resolution = today, resolution
    audit.record(
        session,
        actor=actor,
        action="catalogue.change_event.resolve",
        object_type="change_event",
        object_id=event.id,
        details={"resolution": resolution, "late": bool(event.due_on and today > event.due_on)},
    )
    jobs.resolve_flag(
        session,
        actor=actor,
        kind="catalogue.update_overdue",
        object_type="change_event",
        object_id=event.id,
        today=today,
    )


def _resolve_change_events(
    session: Session, *, actor: Actor, department_id: int, today: date, resolution: str
) -> None:
    stmt = select(ChangeEvent).where(
        ChangeEvent.department_id == department_id, ChangeEvent.resolved_on.is_(None)
    )
    for event in session.scalars(stmt):
        _close_event(session, actor=actor, event=event, today=today, resolution=resolution)


def change_events(
    session: Session, *, department_id: int | None = None, open_only: bool = False
) -> list[ChangeEvent]:
    """Change events, newest first."""
    stmt = select(ChangeEvent)
    if department_id is not None:
        stmt = stmt.where(ChangeEvent.department_id == department_id)
    if open_only:
        stmt = stmt.where(ChangeEvent.resolved_on.is_(None))
    return list(
        session.scalars(stmt.order_by(ChangeEvent.occurred_on.desc(), ChangeEvent.id.desc()))
    )


# --- full review (ZS 11) ------------------------------------------------------------------------------


def record_full_review(
    session: Session, *, actor: Actor, department_id: int, today: date, note: str = ""
) -> CatalogueReview:
    """Records that a department reviewed its whole catalogue (ZS 11: at least once a year)."""
    check_provider(actor, department_id)
    review = CatalogueReview(
        department_id=department_id, reviewed_on=today, reviewed_by=actor.name, note=note
    )
    session.add(review)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="catalogue.full_review",
        object_type="department",
        object_id=department_id,
        details={"review_id": review.id, "note": note},
    )
    jobs.resolve_flag(
        session,
        actor=actor,
        kind="catalogue.full_review_overdue",
        object_type="department",
        object_id=department_id,
        today=today,
    )
    return review


def last_full_review(session: Session, *, department_id: int) -> date | None:
    """The day of the department's last full review."""
    return session.scalar(
        select(func.max(CatalogueReview.reviewed_on)).where(
            CatalogueReview.department_id == department_id
        )
    )


# --- sharing-type disputes (ZS 10; ZZ 18) ----------------------------------------------------------------


def raise_dispute(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    requested_type: SharingType | str,
    reason: str,
    today: date,
) -> SharingTypeDispute:
    """Another department disputes the sharing type of a published entry; the authority decides."""
    resource = get_resource(session, resource_id=resource_id)
    if actor.department_id is None or actor.department_id == resource.department_id:
        raise Forbidden("a dispute is raised by another department", code="own_resource")
    if resource.published_version is None:
        raise Conflict("only a published entry can be disputed", code="not_published")
    requested = SharingType(requested_type)
    if requested == resource.sharing_type:
        raise Invalid("the entry already has this sharing type", code="same_type")
    if not reason.strip():
        raise Invalid("give the reason for the dispute", code="missing_reason")
    dispute = SharingTypeDispute(
        resource_id=resource.id,
        raised_by_department_id=actor.department_id,
        current_type=resource.sharing_type,
        requested_type=requested,
        reason=reason.strip(),
        raised_on=today,
    )
    session.add(dispute)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="catalogue.dispute.raise",
        object_type="sharing_type_dispute",
        object_id=dispute.id,
        details={"resource_id": resource.id, "requested_type": requested},
    )
    return dispute


def decide_dispute(
    session: Session,
    *,
    actor: Actor,
    dispute_id: int,
    decided_type: SharingType | str,
    reason: str,
    today: date,
) -> SharingTypeDispute:
    """The authority decides a sharing-type dispute; the decision and its reason stay on the entry."""
    _check_authority(actor)
    dispute = session.get(SharingTypeDispute, dispute_id)
    if dispute is None:
        raise NotFound("no dispute {dispute_id}", code="dispute_not_found", dispute_id=dispute_id)
    if dispute.status != DisputeStatus.OPEN:
        raise IllegalTransition("this dispute is already decided", code="already_decided")
    if not reason.strip():
        raise Invalid("a decision gives its reason", code="missing_reason")
    decided = SharingType(decided_type)
    dispute.status, dispute.decided_type = DisputeStatus.DECIDED, decided
    dispute.decision_reason, dispute.decided_by, dispute.decided_on = (
        reason.strip(),
        actor.name,
        today,
    )
    resource = get_resource(session, resource_id=dispute.resource_id)
    if decided != resource.sharing_type:
        resource.sharing_type = decided
        basis = f"Decision of the authority on dispute {dispute.id} ({today.isoformat()}): {reason.strip()}"
        resource.sharing_basis = f"{resource.sharing_basis}\n{basis}".strip()
        if resource.published_version is not None:
            entry = session.get(DirectoryEntry, resource.id)
            if entry is not None:
                from govshare.catalogue import directory

                entry.sharing_type = decided
                entry.snapshot = {
                    **entry.snapshot,
                    "sharing_type": decided,
                    "sharing_basis": resource.sharing_basis,
                }
                directory.index_entry(session, entry)
    audit.record(
        session,
        actor=actor,
        action="catalogue.dispute.decide",
        object_type="sharing_type_dispute",
        object_id=dispute.id,
        details={"resource_id": resource.id, "decided_type": decided, "reason": reason.strip()},
    )
    return dispute


def disputes(
    session: Session, *, resource_id: int | None = None, open_only: bool = False
) -> list[SharingTypeDispute]:
    """Sharing-type disputes, newest first."""
    stmt = select(SharingTypeDispute)
    if resource_id is not None:
        stmt = stmt.where(SharingTypeDispute.resource_id == resource_id)
    if open_only:
        stmt = stmt.where(SharingTypeDispute.status == DisputeStatus.OPEN)
    return list(session.scalars(stmt.order_by(SharingTypeDispute.id.desc())))
