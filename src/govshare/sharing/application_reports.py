"""Read models of applications for the console: searchable lists, open items, and the reports.

The reports (issue: "reports that come for free"; GZ 26; ZS 22; JS 18) count, per providing
department, the applications *received* in a period (submitted on a day of the period) and
what became of them: answered, answered within the deadline, refused (with the reasons),
deemed consents, and the median number of working days from submission to the answer.
Each measure is one grouped query that runs the same on SQLite and PostgreSQL; working days
come from the working calendar, so holidays and adjusted working days count as they should.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from govshare.calendar.service import WorkingCalendar
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, Invalid
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Role
from govshare.sharing import applications
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.models import Grant

S = ApplicationState
A = Application
OPEN = (S.SUBMITTED, S.APPROVED, S.DEEMED_CONSENT, S.REFERRED_TO_AUTHORITY)
# What the provider still has to do: answer, or deliver what was agreed.
PROVIDER_OPEN = (S.SUBMITTED, S.APPROVED, S.DEEMED_CONSENT)
ListBox = Literal["mine", "inbox", "all"]


def next_due() -> Any:
    """The date the next act on the application is due: the answer, the delivery or the provision."""
    return case(
        (A.state == S.SUBMITTED, A.due_on),
        (A.state.in_(list(applications.OPEN_FOR_DELIVERY)), A.delivery_due_on),
        (A.state == S.REFERRED_TO_AUTHORITY, A.provide_due_on),
        else_=None,
    )


def overdue(today: date) -> ColumnElement[bool]:
    """A deadline of the application passed without its act (the referral's included)."""
    return or_(
        applications.overdue_condition(today),
        and_(A.state == S.REFERRED_TO_AUTHORITY, A.provide_due_on < today),
    )


def search(
    session: Session,
    *,
    actor: Actor,
    today: date,
    box: ListBox,
    q: str = "",
    state: ApplicationState | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    department_id: int | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[applications.ApplicationView]:
    """The actor's applications as consumer ("mine") or provider ("inbox"), or all (authority); searchable."""
    stmt: Select[Any] = select(A)
    if box == "all":
        if not actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR):
            raise Forbidden("only the authority lists every application", code="authority_only")
        if department_id is not None:
            stmt = stmt.where(
                or_(
                    A.provider_department_id == department_id,
                    A.consumer_department_id == department_id,
                )
            )
    elif actor.department_id is None:
        raise Forbidden("this list is a department's", code="no_department")
    elif box == "mine":
        stmt = stmt.where(A.consumer_department_id == actor.department_id)
    else:
        stmt = stmt.where(A.provider_department_id == actor.department_id)
    text = q.strip()
    if text:
        pattern = f"%{text}%"
        conditions: list[ColumnElement[bool]] = [
            A.resource_code.ilike(pattern),
            A.purpose_text.ilike(pattern),
        ]
        if text.isdigit():
            conditions.append(A.id == int(text))
        stmt = stmt.where(or_(*conditions))
    if state is not None:
        stmt = stmt.where(A.state == state)
    if open_only:
        stmt = stmt.where(A.state.in_(list(PROVIDER_OPEN if box == "inbox" else OPEN)))
    if overdue_only:
        stmt = stmt.where(overdue(today))
    due = next_due()
    if open_only or overdue_only:
        stmt = stmt.order_by(due.is_(None), due, A.id)
    else:
        stmt = stmt.order_by(A.id.desc())
    found = paginate(session, stmt, page=page, per_page=per_page)
    cal = WorkingCalendar(session)
    return Page(
        items=[applications.view(cal, a, today) for a in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


# --- open items by department ------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRow:
    """A providing department's open applications on a day, and how many are overdue."""

    department_id: int
    open: int
    overdue: int
    to_answer: int
    to_deliver: int


def open_by_department(session: Session, *, today: date) -> list[OpenRow]:
    """Open applications per providing department, the most overdue first (one grouped query)."""
    late = overdue(today)
    stmt = (
        select(
            A.provider_department_id,
            func.count(),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((A.state == S.SUBMITTED, 1), else_=0)),
            func.sum(case((A.state.in_(list(applications.OPEN_FOR_DELIVERY)), 1), else_=0)),
        )
        .where(A.state.in_(list(OPEN)))
        .group_by(A.provider_department_id)
    )
    rows = [
        OpenRow(int(d), int(n), int(late_n or 0), int(ans or 0), int(dlv or 0))
        for d, n, late_n, ans, dlv in session.execute(stmt)
    ]
    return sorted(rows, key=lambda r: (-r.overdue, -r.open, r.department_id))


# --- reports -----------------------------------------------------------------------------------


@dataclass
class ReportRow:
    """The measures of one providing department (or of all: department_id None)."""

    department_id: int | None
    received: int = 0
    answered: int = 0
    answered_in_time: int = 0
    refused: int = 0
    deemed_consents: int = 0
    median_working_days: float | None = None

    @property
    def in_time_rate(self) -> float | None:
        """Answered in time as a share of those received (None when none were received)."""
        return self.answered_in_time / self.received if self.received else None


@dataclass(frozen=True)
class Refusal:
    """A refusal and its reasons, as the report lists it."""

    application_id: int
    provider_department_id: int
    consumer_department_id: int
    resource_code: str
    answered_on: date | None
    reason: str


@dataclass
class Report:
    """The measures per department for applications received in [period_from, period_until]."""

    period_from: date
    period_until: date
    rows: list[ReportRow]
    total: ReportRow
    refusals: list[Refusal] = field(default_factory=list)


COUNTS: dict[str, Callable[[], ColumnElement[bool] | None]] = {
    "received": lambda: None,
    "answered": lambda: A.answered_on.is_not(None),
    "answered_in_time": lambda: and_(
        A.answered_on.is_not(None), or_(A.due_on.is_(None), A.answered_on <= A.due_on)
    ),
    "refused": lambda: A.state == S.REFUSED,
}


def default_period(today: date) -> tuple[date, date]:
    """This year up to today."""
    return date(today.year, 1, 1), today


def report(
    session: Session,
    *,
    period_from: date,
    period_until: date,
    department_id: int | None = None,
) -> Report:
    """Applications received in the period per providing department, and what became of them."""
    if period_until < period_from:
        raise Invalid("the period ends on or after the day it starts", code="invalid_period")
    cohort = [A.submitted_on >= period_from, A.submitted_on <= period_until]
    if department_id is not None:
        cohort.append(A.provider_department_id == department_id)
    rows: dict[int, ReportRow] = {}

    def row(dept: int) -> ReportRow:
        return rows.setdefault(dept, ReportRow(dept))

    for measure, condition in COUNTS.items():
        stmt = select(A.provider_department_id, func.count()).where(*cohort)
        extra = condition()
        if extra is not None:
            stmt = stmt.where(extra)
        for dept, n in session.execute(stmt.group_by(A.provider_department_id)):
            setattr(row(int(dept)), measure, int(n))
    deemed = (
        select(A.provider_department_id, func.count())
        .join(Grant, Grant.id == A.grant_id)
        .where(*cohort, Grant.source == "deemed_consent")
        .group_by(A.provider_department_id)
    )
    for dept, n in session.execute(deemed):
        row(int(dept)).deemed_consents = int(n)
    everyone = _medians(session, cohort, row)
    total = ReportRow(
        None,
        received=sum(r.received for r in rows.values()),
        answered=sum(r.answered for r in rows.values()),
        answered_in_time=sum(r.answered_in_time for r in rows.values()),
        refused=sum(r.refused for r in rows.values()),
        deemed_consents=sum(r.deemed_consents for r in rows.values()),
        median_working_days=_median(everyone),
    )
    return Report(
        period_from=period_from,
        period_until=period_until,
        rows=sorted(rows.values(), key=lambda r: (-r.received, r.department_id or 0)),
        total=total,
        refusals=_refusals(session, cohort),
    )


def _medians(
    session: Session, cohort: list[ColumnElement[bool]], row: Callable[[int], ReportRow]
) -> list[int]:
    """Sets each department's median working days to answer; returns every department's days."""
    # Grouped by the pair of days: one row per distinct (submitted, answered), however many.
    stmt = (
        select(A.provider_department_id, A.submitted_on, A.answered_on, func.count())
        .where(*cohort, A.answered_on.is_not(None))
        .group_by(A.provider_department_id, A.submitted_on, A.answered_on)
    )
    cal = WorkingCalendar(session)
    days: dict[int, list[int]] = {}
    for dept, submitted, answered, n in session.execute(stmt):
        assert answered is not None  # selected on it
        days.setdefault(int(dept), []).extend([cal.between(submitted, answered)] * int(n))
    for dept, values in days.items():
        row(dept).median_working_days = _median(values)
    return [d for values in days.values() for d in values]


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _refusals(session: Session, cohort: list[ColumnElement[bool]]) -> list[Refusal]:
    stmt = (
        select(
            A.id,
            A.provider_department_id,
            A.consumer_department_id,
            A.resource_code,
            A.answered_on,
            A.refusal_reason,
        )
        .where(*cohort, A.state == S.REFUSED)
        .order_by(A.provider_department_id, A.answered_on, A.id)
    )
    return [Refusal(*r) for r in session.execute(stmt)]


# --- chart and workbook ------------------------------------------------------------------------

SERIES = ("received", "answered_in_time", "refused", "deemed_consents")


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: its series, value and geometry in the SVG's units."""

    series: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Group:
    """The bars of one department, and where its label sits."""

    department_id: int
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    """A horizontal grouped bar chart of the report, drawn by the template as inline SVG."""

    width: int
    height: int
    left: int
    groups: list[Group]
    ticks: list[tuple[float, int]]


def chart(rep: Report, *, width: int = 720, left: int = 200, bar: int = 12) -> Chart:
    """The geometry of the chart: one group of bars per department, scaled to the largest value."""
    top = max([1, *(getattr(r, s) for r in rep.rows for s in SERIES)])
    span = width - left - 40
    group_h = bar * len(SERIES) + 14
    groups = []
    for i, r in enumerate(rep.rows):
        y0 = 10 + i * group_h
        bars = [
            Bar(s, getattr(r, s), left, y0 + j * bar, span * getattr(r, s) / top, bar - 2)
            for j, s in enumerate(SERIES)
        ]
        groups.append(Group(r.department_id or 0, y0 + bar * len(SERIES) / 2, bars))
    step = max(1, -(-top // 5))
    ticks = [(left + span * v / top, v) for v in range(0, top + 1, step)]
    return Chart(width, 30 + len(rep.rows) * group_h, left, groups, ticks)


COLUMNS = (
    "Department",
    "Received",
    "Answered",
    "Answered in time",
    "Refused",
    "Deemed consents",
    "Median working days to answer",
)
REFUSAL_COLUMNS = ("Department", "Application", "Applicant", "Resource", "Answered on", "Reason")


def to_xlsx(
    rep: Report, *, names: Mapping[int, str], gettext: Callable[..., str] = lambda m, **_: m
) -> bytes:
    """The report as a workbook: the measures per department, and a sheet of refusal reasons."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = gettext("Applications")
    sheet.append([gettext(c) for c in COLUMNS])
    for r in [*rep.rows, rep.total]:
        name = names.get(r.department_id, str(r.department_id)) if r.department_id else ""
        sheet.append(
            [
                name or gettext("All departments"),
                r.received,
                r.answered,
                r.answered_in_time,
                r.refused,
                r.deemed_consents,
                r.median_working_days,
            ]
        )
    sheet.append([])
    sheet.append([gettext("Period"), rep.period_from.isoformat(), rep.period_until.isoformat()])
    reasons = book.create_sheet(gettext("Refusal reasons"))
    reasons.append([gettext(c) for c in REFUSAL_COLUMNS])
    for f in rep.refusals:
        reasons.append(
            [
                names.get(f.provider_department_id, str(f.provider_department_id)),
                f.application_id,
                names.get(f.consumer_department_id, str(f.consumer_department_id)),
                f.resource_code,
                f.answered_on.isoformat() if f.answered_on else "",
                f.reason,
            ]
        )
    for ws in (sheet, reasons):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
