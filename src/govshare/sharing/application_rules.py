"""Sweep rules of applications: silence past the deadline, the last-day reminder, late delivery.

Each rule runs in the sweep's transaction for its day, takes its items in batches locked with
`lock_due` (two sweeps never take the same item) and writes each item's transition, audit entry
and notifications together. Every consequence is dated from the item's own deadline, never from
the day the sweep happens to run (a tick after downtime applies each one as of its own date).
Running a rule twice changes nothing the second time: transitions leave the selected state,
reminders mark `reminded_on`, flags are raised once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError
from govshare.profiles.service import get_active_profile
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.applications import (
    DELIVERY_LATE,
    OPEN_FOR_DELIVERY,
    OVERDUE,
    deadline_date,
    tell,
    transition,
)

S = ApplicationState
BATCH = 200
PROVIDE_LATE = "application.provide_late"
SILENCE_FAILED = "application.silence_failed"


def _batches(session: Session, *conditions: ColumnElement[bool]) -> Iterator[list[Application]]:
    """The matching applications in id order, a locked batch at a time (keyset: each once)."""
    last = 0
    while True:
        stmt = (
            select(Application)
            .where(*conditions, Application.id > last)
            .order_by(Application.id)
            .limit(BATCH)
        )
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


@rule(
    "applications.silence",
    "Give an unanswered application the profile's effect of silence (GZ 26; ZS 22)",
    order=150,
)
def apply_silence(session: Session, *, today: date, actor: Actor) -> int:
    """Deemed consent, referral to the authority, or an overdue flag; counts items changed."""
    cal = WorkingCalendar(session)
    changed = 0
    for batch in _batches(
        session,
        Application.state == S.SUBMITTED,
        Application.due_on.is_not(None),
        Application.due_on < today,
    ):
        for application in batch:
            changed += _silence(session, application, cal=cal, today=today, actor=actor)
    return changed


def _silence(
    session: Session, application: Application, *, cal: WorkingCalendar, today: date, actor: Actor
) -> int:
    rules = get_active_profile().applications
    silence = rules.on_silence
    assert application.due_on is not None  # selected on it
    # The consequence of a missed deadline applies from the next calendar day.
    effective = application.due_on + timedelta(days=1)
    if silence.effect == "deemed_consent":
        return _deemed_consent(session, application, effective=effective, cal=cal, actor=actor)
    if silence.effect == "authority_provides":
        assert silence.provide_within is not None  # the profile schema requires it
        transition(application, S.REFERRED_TO_AUTHORITY)
        application.provide_due_on = deadline_date(cal, application.due_on, silence.provide_within)
        audit.record(
            session,
            actor=actor,
            action="application.refer",
            object_type="application",
            object_id=application.id,
            details={
                "due_on": application.due_on.isoformat(),
                "effective": effective.isoformat(),
                "provide_due_on": str(application.provide_due_on or ""),
                "article": silence.citation(),
            },
        )
        tell(
            session,
            application,
            kind="application.referred",
            title=(
                f"Application {application.id} ({application.resource_code}) unanswered by "
                f"{application.due_on}: the data department provides by "
                f"{application.provide_due_on} [{silence.citation()}]"
            ),
            officers_of=application.provider_department_id,
            users_of=application.consumer_department_id,
            authority=True,
        )
        return 1
    # The profile gives silence no effect (JS 18, ZZ): the authority sees it, nothing changes.
    raised = raise_flag(
        session,
        actor=actor,
        kind=OVERDUE,
        object_type="application",
        object_id=application.id,
        today=today,
        message=f"application {application.id} unanswered since {application.due_on}",
        department_id=application.provider_department_id,
        due_on=application.due_on,
    )
    if raised:
        tell(
            session,
            application,
            kind="application.overdue",
            title=f"Application {application.id} ({application.resource_code}) is overdue",
            officers_of=application.provider_department_id,
            users_of=application.consumer_department_id,
        )
    return int(raised)


def _deemed_consent(
    session: Session,
    application: Application,
    *,
    effective: date,
    cal: WorkingCalendar,
    actor: Actor,
) -> int:
    rules = get_active_profile().applications
    article = rules.on_silence.citation()
    try:
        # A savepoint: an item that cannot be granted any more (its resource left the
        # directory, its period ended before the consent took effect) is flagged alone.
        with session.begin_nested():
            grant = sharing.create_grant(
                session,
                actor=actor,
                consumer_department_id=application.consumer_department_id,
                resource_id=application.resource_id,
                items=application.items,
                purposes=application.purposes,
                valid_from=max(application.period_from, effective),
                valid_until=application.period_until,
                today=effective,
                source="deemed_consent",
                approved_by=f"deemed consent [{article}]",
                note=f"application {application.id}: no answer by {application.due_on}",
            )
    except DomainError as exc:
        return int(
            raise_flag(
                session,
                actor=actor,
                kind=SILENCE_FAILED,
                object_type="application",
                object_id=application.id,
                today=effective,
                message=f"deemed consent of application {application.id} failed: {exc.message}",
                department_id=application.provider_department_id,
                due_on=application.due_on,
            )
        )
    transition(application, S.DEEMED_CONSENT)
    application.grant_id = grant.id
    application.delivery_due_on = deadline_date(cal, effective, rules.delivery)
    audit.record(
        session,
        actor=actor,
        action="application.deemed_consent",
        object_type="application",
        object_id=application.id,
        details={
            "due_on": str(application.due_on),
            "effective": effective.isoformat(),
            "grant_id": grant.id,
            "delivery_due_on": str(application.delivery_due_on or ""),
            "article": article,
        },
    )
    tell(
        session,
        application,
        kind="application.deemed_consent",
        title=(
            f"Application {application.id} ({application.resource_code}) deemed agreed from "
            f"{effective}: no answer by {application.due_on} [{article}]"
        ),
        officers_of=application.provider_department_id,
        users_of=application.consumer_department_id,
        authority=True,
    )
    return 1


@rule(
    "applications.reminder",
    "Remind the provider of an application with one working day left to answer",
    order=151,
)
def remind(session: Session, *, today: date, actor: Actor) -> int:
    """Notifies the provider's data officers once per application; counts reminders."""
    last_day = WorkingCalendar(session).add(today, 1)
    count = 0
    for batch in _batches(
        session,
        Application.state == S.SUBMITTED,
        Application.reminded_on.is_(None),
        Application.due_on >= today,
        Application.due_on <= last_day,
    ):
        for application in batch:
            application.reminded_on = today
            tell(
                session,
                application,
                kind="application.reminder",
                title=(
                    f"Application {application.id} ({application.resource_code}): "
                    f"answer by {application.due_on}"
                ),
                officers_of=application.provider_department_id,
            )
            count += 1
    return count


@rule(
    "applications.late_delivery",
    "Flag agreed applications not delivered in time, and referrals not provided in time",
    order=160,
)
def flag_late(session: Session, *, today: date, actor: Actor) -> int:
    """Raises a flag once per late item; counts flags raised."""
    count = 0
    late: list[tuple[str, str, Any]] = [
        (DELIVERY_LATE, "delivery_due_on", Application.state.in_(list(OPEN_FOR_DELIVERY))),
        (PROVIDE_LATE, "provide_due_on", Application.state == S.REFERRED_TO_AUTHORITY),
    ]
    for kind, column, in_state in late:
        due = getattr(Application, column)
        for batch in _batches(session, in_state, due.is_not(None), due < today):
            for application in batch:
                due_on = getattr(application, column)
                raised = raise_flag(
                    session,
                    actor=actor,
                    kind=kind,
                    object_type="application",
                    object_id=application.id,
                    today=today,
                    message=f"application {application.id}: due by {due_on}, not done",
                    department_id=application.provider_department_id,
                    due_on=due_on,
                )
                if raised:
                    tell(
                        session,
                        application,
                        kind=kind,
                        title=f"Application {application.id} ({application.resource_code}) "
                        f"late since {due_on + timedelta(days=1)}",
                        officers_of=application.provider_department_id,
                        authority=True,
                    )
                count += int(raised)
    return count
