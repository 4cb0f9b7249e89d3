"""Sweep rules of the catalogue: late updates on the department's side, late reviews on the authority's (GZ 8; ZS 11)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.catalogue.enums import ResourceStatus
from govshare.catalogue.models import CatalogueReview, ChangeEvent, Resource
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor
from govshare.kit.dates import add_months
from govshare.orgs.models import Department
from govshare.profiles.service import get_active_profile


@rule(
    "catalogue.update_overdue",
    "A department did not update its catalogue in time after a change (GZ 8; ZS 11)",
)
def flag_late_updates(session: Session, *, today: date, actor: Actor) -> int:
    """Flags each change event whose catalogue update is past due."""
    stmt = select(ChangeEvent).where(
        ChangeEvent.resolved_on.is_(None),
        ChangeEvent.due_on.is_not(None),
        ChangeEvent.due_on < today,
    )
    changed = 0
    for event in session.scalars(lock_due(session, stmt)):
        changed += raise_flag(
            session,
            actor=actor,
            kind="catalogue.update_overdue",
            object_type="change_event",
            object_id=event.id,
            department_id=event.department_id,
            due_on=event.due_on,
            today=today,
            message=f"catalogue update after '{event.description}' was due by {event.due_on}",
        )
    return changed


@rule(
    "catalogue.review_overdue",
    "The authority did not process a catalogue submission in time (GZ 8; ZS 11)",
)
def flag_late_reviews(session: Session, *, today: date, actor: Actor) -> int:
    """Flags each submission the authority has not answered by its due date."""
    stmt = select(Resource).where(
        Resource.status == ResourceStatus.SUBMITTED,
        Resource.review_due_on.is_not(None),
        Resource.review_due_on < today,
    )
    authority_id = session.scalar(
        select(Department.id).where(Department.is_authority.is_(True)).limit(1)
    )
    changed = 0
    for resource in session.scalars(lock_due(session, stmt)):
        changed += raise_flag(
            session,
            actor=actor,
            kind="catalogue.review_overdue",
            object_type="resource",
            object_id=resource.id,
            department_id=authority_id,
            due_on=resource.review_due_on,
            today=today,
            message=f"review of {resource.code} {resource.name} was due by {resource.review_due_on}",
        )
    return changed


@rule(
    "catalogue.full_review_overdue",
    "A department has not reviewed its whole catalogue within the profile's interval (ZS 11)",
)
def flag_missing_full_reviews(session: Session, *, today: date, actor: Actor) -> int:
    """Flags departments with a catalogue whose last full review is older than the interval; silent profiles flag nothing."""
    interval = get_active_profile().catalogue.full_review
    if interval.months is None:
        return 0
    cutoff = add_months(today, -interval.months)
    last_review = (
        select(CatalogueReview.department_id, func.max(CatalogueReview.reviewed_on).label("last"))
        .group_by(CatalogueReview.department_id)
        .subquery()
    )
    first_entry = (
        select(Resource.department_id, func.min(Resource.published_on).label("since"))
        .where(Resource.published_on.is_not(None))
        .group_by(Resource.department_id)
        .subquery()
    )
    rows = session.execute(
        select(first_entry.c.department_id, first_entry.c.since, last_review.c.last).outerjoin(
            last_review, last_review.c.department_id == first_entry.c.department_id
        )
    )
    changed = 0
    for department_id, since, last in rows:
        reference = last or since
        if reference is not None and reference < cutoff:
            changed += raise_flag(
                session,
                actor=actor,
                kind="catalogue.full_review_overdue",
                object_type="department",
                object_id=department_id,
                department_id=department_id,
                due_on=add_months(reference, interval.months),
                today=today,
                message=f"the catalogue was last reviewed in full on {reference} [{interval.citation()}]",
            )
    return changed
