"""Freshness of connected data against the declared update cycle, and delay filings.

The platform cannot see a change in the provider's own system, so it takes the resource's
declared update cycle (the published catalogue entry) as the date of the next change: one
cycle after the last update. The update is then due within the profile's limit for the
resource's kind: `data.update_basic` for basic information, `data.update_other` otherwise
(GZ 19: real time / 5 WD; ZS 18: real time; ZZ 24: real time; JS 15: 20 WD). A real-time
limit is due on the first working day on or after the change; a resource updated "as
needed", or a profile without a limit, has no due date and is never stale. A resource is
stale from the day after its due date (docs/freshness.md).

A provider that cannot update in time files a delay (GZ 19 ¶4; ZS 18; ZZ 28): a reason,
the day by which it will update, evidence. The profile's `data.update_exception.requires`
decides what follows: `authority_approval` waits for the authority's decision, the other
branches are accepted on filing and the authority is informed; a silent profile (JS) refuses
the filing. A filing in force since the last update moves the due date to its `update_by`,
which may not pass the profile's fallback (GZ: the 10th working day of the next quarter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.enums import CatalogueKind, UpdateCycle
from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.datastore.models import Connection, DelayFiling
from govshare.kit.actor import Actor
from govshare.kit.dates import add_months
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import MAX_PER_PAGE, Page
from govshare.orgs.models import Role
from govshare.profiles.schema import Deadline, UpdateException
from govshare.profiles.service import get_active_profile

_CYCLE_DAYS = {UpdateCycle.REAL_TIME: 1, UpdateCycle.DAILY: 1, UpdateCycle.WEEKLY: 7}
_CYCLE_MONTHS = {UpdateCycle.MONTHLY: 1, UpdateCycle.QUARTERLY: 3, UpdateCycle.YEARLY: 12}


class Status(StrEnum):
    FRESH = "fresh"  # updated within its limit
    FILED = "filed"  # would be due, but a filing in force moves the date
    STALE = "stale"  # past its (possibly filed) date
    UNTRACKED = "untracked"  # no due date: updated as needed, or the profile sets no limit


class FilingState(StrEnum):
    PENDING = "pending"  # awaits the authority (authority_approval)
    APPROVED = "approved"
    REJECTED = "rejected"
    ACCEPTED = "accepted"  # report_with_evidence / inform_authority: in force on filing

    @classmethod
    def in_force(cls) -> tuple[FilingState, ...]:
        """The states in which a filing moves the due date."""
        return (cls.APPROVED, cls.ACCEPTED)


@dataclass(frozen=True)
class Freshness:
    """One connected resource's freshness on a day."""

    resource_id: int
    code: str
    name: str
    department_id: int
    catalogue_kind: str
    update_cycle: str
    last_updated_on: date | None
    article: str
    rule: str
    due_on: date | None  # from the cycle and the profile alone
    covered_until: date | None  # the latest update_by of filings in force since the last update
    status: Status
    stale_since: date | None
    pending_filing_id: int | None


# --- the rule --------------------------------------------------------------------------------


def deadline_for(catalogue_kind: str) -> Deadline:
    """The profile's update limit for a kind of resource: basic information or other (GZ 19)."""
    data = get_active_profile().data
    return data.update_basic if catalogue_kind == CatalogueKind.BASIC else data.update_other


def next_change(reference: date, cycle: str) -> date | None:
    """When the data is next expected to change: one declared cycle after the reference."""
    if cycle in _CYCLE_DAYS:
        return reference + timedelta(days=_CYCLE_DAYS[UpdateCycle(cycle)])
    if cycle in _CYCLE_MONTHS:
        return add_months(reference, _CYCLE_MONTHS[UpdateCycle(cycle)])
    return None  # as needed: no change is expected, so no update is ever due


def within(cal: WorkingCalendar, event: date, deadline: Deadline) -> date | None:
    """The last day of a limit counted from an event (the event day not counted)."""
    if deadline.working_days is not None:
        return cal.add(event, deadline.working_days)
    if deadline.calendar_days is not None:
        return event + timedelta(days=deadline.calendar_days)
    if deadline.real_time:
        # Due on the day of the change; a change on a day off is due on the next working day.
        return cal.add(event - timedelta(days=1), 1)
    return None  # silent: no due date (docs/profiles.md)


def update_due(
    cal: WorkingCalendar, reference: date, cycle: str, deadline: Deadline
) -> date | None:
    """The day by which the next update must be connected; None when none is due."""
    change = next_change(reference, cycle)
    return None if change is None else within(cal, change, deadline)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def fallback_bound(
    cal: WorkingCalendar, exception: UpdateException, *, filed_on: date, last: date | None
) -> date | None:
    """The latest day a filing may name, from the profile's fallback; None without one.

    With `period = "quarter"` (GZ 19 ¶4) the data must be updated at least once within the
    first N working days of each quarter: the bound is the end of the first such window that
    ends on or after the filing and that the last update has not already met.
    """
    fallback = exception.fallback
    if fallback is None:
        return None
    if exception.period != "quarter":
        return within(cal, filed_on, fallback)
    start = _quarter_start(filed_on)
    for _ in range(3):
        end = within(cal, start - timedelta(days=1), fallback)
        if end is None:
            return None
        if end >= filed_on and (last is None or last < start):
            return end
        start = add_months(start, 3)
    return None


def assess(
    cal: WorkingCalendar,
    *,
    connection: Connection,
    code: str,
    name: str,
    department_id: int,
    catalogue_kind: str,
    update_cycle: str,
    filings: Sequence[DelayFiling],
    today: date,
) -> Freshness:
    """A resource's freshness on `today` from its last update, cycle, kind and filings."""
    reference = connection.last_updated_on or connection.connected_at.date()
    deadline = deadline_for(catalogue_kind)
    due = update_due(cal, reference, update_cycle, deadline)
    in_force = [f for f in filings if f.state in FilingState.in_force() and f.filed_on >= reference]
    covered = max((f.update_by for f in in_force), default=None)
    pending = next((f.id for f in filings if f.state == FilingState.PENDING), None)
    status, since = Status.UNTRACKED, None
    if due is not None:
        until = max(due, covered) if covered is not None else due
        if today > until:
            status, since = Status.STALE, until + timedelta(days=1)
        elif covered is not None and covered > due and today > due:
            status = Status.FILED
        else:
            status = Status.FRESH
    return Freshness(
        resource_id=connection.resource_id,
        code=code,
        name=name,
        department_id=department_id,
        catalogue_kind=catalogue_kind,
        update_cycle=update_cycle,
        last_updated_on=connection.last_updated_on,
        article=deadline.citation(),
        rule=deadline.describe(),
        due_on=due,
        covered_until=covered,
        status=status,
        stale_since=since,
        pending_filing_id=pending,
    )


# --- reading ---------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    return actor.has_role(Role.AUTHORITY_ADMIN)


def scope_of(actor: Actor, department_id: int | None) -> int | None:
    """The department whose resources the actor may see (None: all, for the authority)."""
    if sees_all(actor):
        return department_id
    if actor.has_role(Role.DATA_OFFICER, Role.SERVICE) and actor.department_id is not None:
        if department_id is not None and department_id != actor.department_id:
            raise Forbidden(
                "a provider sees the freshness of its own resources only", code="not_your_data"
            )
        return actor.department_id
    raise Forbidden("your role may not see data freshness", code="forbidden_role")


def connected(session: Session, *, department_id: int | None = None) -> Any:
    """The connected resources with their published cycle and kind, by code."""
    stmt = (
        select(
            Connection,
            Resource.code,
            Resource.name,
            Resource.department_id,
            func.coalesce(DirectoryEntry.catalogue_kind, Resource.catalogue_kind),
            func.coalesce(DirectoryEntry.update_cycle, Resource.update_cycle),
        )
        .join(Resource, Resource.id == Connection.resource_id)
        .outerjoin(DirectoryEntry, DirectoryEntry.resource_id == Connection.resource_id)
        .order_by(Resource.code)
    )
    if department_id is not None:
        stmt = stmt.where(Resource.department_id == department_id)
    return stmt


def filings_of(session: Session, resource_ids: Iterable[int]) -> dict[int, list[DelayFiling]]:
    """The filings that count (pending or in force) of some resources, by resource."""
    ids = list(resource_ids)
    out: dict[int, list[DelayFiling]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        stmt = select(DelayFiling).where(
            DelayFiling.resource_id.in_(ids[start : start + 500]),
            DelayFiling.state.in_([FilingState.PENDING, *FilingState.in_force()]),
        )
        for filing in session.scalars(stmt.order_by(DelayFiling.id)):
            out[filing.resource_id].append(filing)
    return out


def assess_rows(
    session: Session, rows: Sequence[Any], *, today: date, cal: WorkingCalendar | None = None
) -> list[Freshness]:
    """Freshness of rows of `connected(...)`, with one query for their filings."""
    cal = cal or WorkingCalendar(session)
    filings = filings_of(session, [r[0].resource_id for r in rows])
    return [
        assess(
            cal,
            connection=conn,
            code=code,
            name=name,
            department_id=dept,
            catalogue_kind=kind,
            update_cycle=cycle,
            filings=filings[conn.resource_id],
            today=today,
        )
        for conn, code, name, dept, kind, cycle in rows
    ]


def list_freshness(
    session: Session,
    *,
    actor: Actor,
    today: date,
    department_id: int | None = None,
    stale: bool | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Freshness]:
    """Connected resources with their due date and status: a provider's own, or all for the authority."""
    if page < 1:
        raise Invalid("page must be 1 or more", code="invalid_page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(
            "per_page must be between 1 and {maximum}", code="invalid_page", maximum=MAX_PER_PAGE
        )
    rows = list(session.execute(connected(session, department_id=scope_of(actor, department_id))))
    found = assess_rows(session, rows, today=today)
    if stale is not None:
        found = [f for f in found if (f.status == Status.STALE) == stale]
    first = (page - 1) * per_page
    return Page(
        items=found[first : first + per_page], total=len(found), page=page, per_page=per_page
    )


def freshness_of(session: Session, *, actor: Actor, resource_id: int, today: date) -> Freshness:
    """One connected resource's freshness."""
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound("no catalogue entry {id}", code="resource_not_found", id=resource_id)
    scope_of(actor, resource.department_id)
    rows = list(session.execute(connected(session).where(Connection.resource_id == resource_id)))
    if not rows:
        raise IllegalTransition(
            "the resource's data is not connected yet; load it first", code="not_connected"
        )
    return assess_rows(session, rows, today=today)[0]
