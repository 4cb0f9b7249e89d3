"""Sweep rules of applications: silence past the deadline, the last-day reminder, late delivery.

Each rule runs in the sweep's transaction for its day, takes its items in batches locked with
`lock_due` (two sweeps never take the same item) and writes each item's transition, audit entry
and notifications in that transaction: a crash leaves every item before or after its
transition, never between. Every consequence is dated from the item's own deadline, never from
the day the sweep happens to run (a tick after downtime applies each one as of its own date).
Running a rule twice changes nothing the second time: transitions leave the selected state,
reminders mark `reminded_on`, flags are raised once.

The work is set-based per batch: the recipients of a batch are looked up with one query per
audience, its notifications written with one multi-row insert, the grants of its deemed
consents with another; only the audit entries are appended one by one (the chain's API takes
one entry at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, insert, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.enums import SharingType
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor, ActorKind
from govshare.kit.errors import DomainError
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role, User
from govshare.profiles.service import get_active_profile
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.applications import (
    DELIVERY_LATE,
    OPEN_FOR_DELIVERY,
    OVERDUE,
    deadline_date,
    transition,
)
from govshare.sharing.models import Grant

S = ApplicationState
BATCH = 500
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


@dataclass
class _Telling:
    """The notifications of one batch, written together (one lookup per audience, one insert)."""

    officers: bool = False
    users: bool = False
    authority: bool = False
    pending: list[tuple[Application, str, str]] = field(default_factory=list)

    def add(self, application: Application, kind: str, title: str) -> None:
        self.pending.append((application, kind, title))

    def send(self, session: Session) -> int:
        if not self.pending:
            return 0
        apps = [a for a, _, _ in self.pending]
        officers = (
            notify.recipients_by_department(
                session, (a.provider_department_id for a in apps), roles=notify.OFFICERS
            )
            if self.officers
            else {}
        )
        users = (
            notify.recipients_by_department(session, (a.consumer_department_id for a in apps))
            if self.users
            else {}
        )
        authority: list[User] = (
            notify.recipients(session, roles=notify.AUTHORITY) if self.authority else []
        )
        messages = [
            notify.Outgoing(
                users=[
                    *officers.get(a.provider_department_id, []),
                    *users.get(a.consumer_department_id, []),
                    *authority,
                ],
                kind=kind,
                title=title,
                link=f"/applications/{a.id}",
                object_type="application",
                object_id=a.id,
            )
            for a, kind, title in self.pending
        ]
        self.pending.clear()
        return notify.notify_many(session, messages)


@rule(
    "applications.silence",
    "Give an unanswered application the profile's effect of silence (GZ 26; ZS 22)",
    order=150,
)
def apply_silence(session: Session, *, today: date, actor: Actor) -> int:
    """Deemed consent, referral to the authority, or an overdue flag; counts items changed."""
    cal = WorkingCalendar(session)
    effect = get_active_profile().applications.on_silence.effect
    changed = 0
    for batch in _batches(
        session,
        Application.state == S.SUBMITTED,
        Application.due_on.is_not(None),
        Application.due_on < today,
    ):
        if effect == "deemed_consent":
            changed += _deemed_consent(session, batch, cal=cal, actor=actor)
        elif effect == "authority_provides":
            changed += _refer(session, batch, cal=cal, actor=actor)
        else:
            changed += _flag_overdue(session, batch, today=today, actor=actor)
    return changed


def _effective(application: Application) -> date:
    # The consequence of a missed deadline applies from the next calendar day.
    assert application.due_on is not None  # selected on it
    return application.due_on + timedelta(days=1)


def _refer(
    session: Session, batch: list[Application], *, cal: WorkingCalendar, actor: Actor
) -> int:
    silence = get_active_profile().applications.on_silence
    assert silence.provide_within is not None  # the profile schema requires it
    telling = _Telling(officers=True, users=True, authority=True)
    entries = []
    for application in batch:
        effective = _effective(application)
        transition(application, S.REFERRED_TO_AUTHORITY)
        due_on = effective - timedelta(days=1)
        application.provide_due_on = deadline_date(cal, due_on, silence.provide_within)
        entries.append(
            audit.Entry(
                actor=actor,
                action="application.refer",
                object_type="application",
                object_id=application.id,
                details={
                    "due_on": str(application.due_on),
                    "effective": effective.isoformat(),
                    "provide_due_on": str(application.provide_due_on or ""),
                    "article": silence.citation(),
                },
            )
        )
        telling.add(
            application,
            "application.referred",
            f"Application {application.id} ({application.resource_code}) unanswered by "
            f"{application.due_on}: the data department provides by "
            f"{application.provide_due_on} [{silence.citation()}]",
        )
    audit.record_many(session, entries)
    telling.send(session)
    return len(batch)


def _flag_overdue(session: Session, batch: list[Application], *, today: date, actor: Actor) -> int:
    # The profile gives silence no effect (JS 18, ZZ): the authority sees it, nothing changes.
    telling = _Telling(officers=True, users=True)
    raised = 0
    for application in batch:
        if raise_flag(
            session,
            actor=actor,
            kind=OVERDUE,
            object_type="application",
            object_id=application.id,
            today=today,
            message=f"application {application.id} unanswered since {application.due_on}",
            department_id=application.provider_department_id,
            due_on=application.due_on,
        ):
            raised += 1
            telling.add(
                application,
                "application.overdue",
                f"Application {application.id} ({application.resource_code}) is overdue",
            )
    telling.send(session)
    return raised


def _deemed_consent(
    session: Session, batch: list[Application], *, cal: WorkingCalendar, actor: Actor
) -> int:
    rules = get_active_profile().applications
    article = rules.on_silence.citation()
    telling = _Telling(officers=True, users=True, authority=True)
    planned = _plan_grants(session, batch, actor=actor, article=article)
    ready = [(a, plan) for a, plan in planned if plan is not None]
    grant_ids: Sequence[int] = []
    if ready:
        stmt = insert(Grant).returning(Grant.id, sort_by_parameter_order=True)
        grant_ids = session.scalars(stmt, [plan.row for _, plan in ready]).all()
    granted = {a.id: gid for (a, _), gid in zip(ready, grant_ids, strict=True)}
    changed = 0
    entries: list[audit.Entry] = []
    for application, plan in planned:
        effective = _effective(application)
        if plan is not None:
            grant_id = granted[application.id]
            entries.append(
                audit.Entry(
                    actor=actor,
                    action="grant.create",
                    object_type="grant",
                    object_id=grant_id,
                    details=plan.audit,
                )
            )
        else:  # an item the batch path cannot vouch for: the one-by-one path decides
            # Entries of the batch so far go first, so that the log keeps the order of events.
            audit.record_many(session, entries)
            entries = []
            one = _grant_one(session, application, effective=effective, actor=actor)
            if isinstance(one, bool):  # refused and flagged (True), or flagged before (False)
                changed += int(one)
                continue
            grant_id = one
        transition(application, S.DEEMED_CONSENT)
        application.grant_id = grant_id
        application.delivery_due_on = deadline_date(cal, effective, rules.delivery)
        entries.append(
            audit.Entry(
                actor=actor,
                action="application.deemed_consent",
                object_type="application",
                object_id=application.id,
                details={
                    "due_on": str(application.due_on),
                    "effective": effective.isoformat(),
                    "grant_id": grant_id,
                    "delivery_due_on": str(application.delivery_due_on or ""),
                    "article": article,
                },
            )
        )
        telling.add(
            application,
            "application.deemed_consent",
            f"Application {application.id} ({application.resource_code}) deemed agreed from "
            f"{effective}: no answer by {application.due_on} [{article}]",
        )
        changed += 1
    audit.record_many(session, entries)
    telling.send(session)
    return changed


@dataclass(frozen=True)
class _GrantPlan:
    """A grant row for the multi-row insert, with the details its audit entry records."""

    row: dict[str, Any]
    audit: dict[str, Any]


def _plan_grants(
    session: Session, batch: list[Application], *, actor: Actor, article: str
) -> list[tuple[Application, _GrantPlan | None]]:
    """The grant row of each item that `sharing.create_grant` would accept as it is, else None.

    Checks what create_grant checks (published entry, consumer department, sharing type, known
    items, purpose codes, validity), with one lookup per distinct resource and one for all the
    departments of the batch. An item that fails any check goes the one-by-one way, which
    raises the precise error and flags the item.
    """
    may_grant = actor.kind == ActorKind.SYSTEM or actor.has_role(Role.AUTHORITY_ADMIN)
    entries: dict[int, sharing.Published | None] = {}
    for resource_id in {a.resource_id for a in batch}:
        try:
            entries[resource_id] = sharing.published(session, resource_id=resource_id)
        except DomainError:
            entries[resource_id] = None
    wanted_departments = {a.consumer_department_id for a in batch}
    departments = set(
        session.scalars(select(Department.id).where(Department.id.in_(wanted_departments)))
    )
    ends = _renewed_grant_ends(session, batch)
    out: list[tuple[Application, _GrantPlan | None]] = []
    for application in batch:
        entry = entries[application.resource_id]
        effective = _effective(application)
        valid_from = _start(application, effective, ends)
        valid_until = application.period_until
        known = [] if entry is None else [name for name, _ in sharing.item_types(entry)]
        fit = (
            may_grant
            and entry is not None
            and SharingType(entry.sharing_type) != SharingType.NONE
            and application.consumer_department_id in departments
            and _clean(application.items)
            and all(name in known for name in application.items)
            and _clean(application.purposes)
            and all(sharing.PURPOSE_CODE.fullmatch(p) for p in application.purposes)
            and valid_from <= valid_until
            and effective <= valid_until
        )
        if not fit:
            out.append((application, None))
            continue
        assert entry is not None
        items = [name for name in known if name in application.items]
        approved_by = f"deemed consent [{article}]"
        values: dict[str, Any] = {
            "consumer_department_id": application.consumer_department_id,
            "resource_id": application.resource_id,
            "items": items,
            "purposes": list(application.purposes),
            "valid_from": valid_from,
            "valid_until": valid_until,
            "source": "deemed_consent",
            "granted_by": actor.name,
            "approved_by": approved_by,
            "note": f"application {application.id}: no answer by {application.due_on}",
            "suspended": False,
            "revoked_by": "",
            "revoked_reason": "",
        }
        # What sharing.create_grant audits for a grant (the same details, entry by entry).
        audit_details = {
            "resource": entry.code,
            "consumer_department_id": application.consumer_department_id,
            "items": items,
            "purposes": list(application.purposes),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "source": "deemed_consent",
            "approved_by": approved_by,
        }
        out.append((application, _GrantPlan(row=values, audit=audit_details)))
    return out


def _renewed_grant_ends(session: Session, batch: Sequence[Application]) -> dict[int, date]:
    """The last day of each grant a renewal in the batch renews (one query for the batch)."""
    ids = {a.renews_grant_id for a in batch if a.renews_grant_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Grant.id, Grant.valid_until).where(Grant.id.in_(ids)))
    return {gid: until for gid, until in rows}


def _start(application: Application, effective: date, ends: dict[int, date]) -> date:
    """The deemed grant's first day: the period's start, the effect's day, or after the renewed grant."""
    start = max(application.period_from, effective)
    end = ends.get(application.renews_grant_id or 0)
    if end is not None:  # a renewal starts where the old grant ends, as an approval does
        start = max(start, end + timedelta(days=1))
    return start


def _clean(values: Sequence[str]) -> bool:
    """True when the list is as create_grant would leave it: stripped, unique, not empty."""
    return (
        bool(values)
        and len(set(values)) == len(values)
        and all(v == v.strip() and v for v in values)
    )


def _grant_one(
    session: Session, application: Application, *, effective: date, actor: Actor
) -> int | bool:
    """Grants one item through sharing.create_grant and returns the grant's id.

    When that is refused, flags the item instead and returns whether the flag was raised now.
    """
    article = get_active_profile().applications.on_silence.citation()
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
                valid_from=_start(
                    application, effective, _renewed_grant_ends(session, [application])
                ),
                valid_until=application.period_until,
                today=effective,
                source="deemed_consent",
                approved_by=f"deemed consent [{article}]",
                note=f"application {application.id}: no answer by {application.due_on}",
            )
    except DomainError as exc:
        return raise_flag(
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
    return grant.id


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
        telling = _Telling(officers=True)
        for application in batch:
            application.reminded_on = today
            telling.add(
                application,
                "application.reminder",
                f"Application {application.id} ({application.resource_code}): "
                f"answer by {application.due_on}",
            )
        telling.send(session)
        count += len(batch)
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
            telling = _Telling(officers=True, authority=True)
            for application in batch:
                due_on = getattr(application, column)
                if raise_flag(
                    session,
                    actor=actor,
                    kind=kind,
                    object_type="application",
                    object_id=application.id,
                    today=today,
                    message=f"application {application.id}: due by {due_on}, not done",
                    department_id=application.provider_department_id,
                    due_on=due_on,
                ):
                    count += 1
                    telling.add(
                        application,
                        kind,
                        f"Application {application.id} ({application.resource_code}) "
                        f"late since {due_on + timedelta(days=1)}",
                    )
            telling.send(session)
    return count
