"""Annual reports on sharing (GZ 37; ZS 35): drafted by the platform, edited and submitted.

- Each department's report on the previous year is drafted from the platform's records
  (`annual_figures`); its data officers write the narrative (summary, problems, next year's
  plan) and submit it to the authority. The due date is the end of the profile's month of the
  next year (GZ 37: end of January). Where the profile has departments report only on request
  (ZS 35 ¶2) the authority requests the reports it wants: they have no due date and are never
  late, because the text sets none. Where the profile is silent (ZZ, JS) no report is required:
  the sweep drafts none, and one drafted on demand has no due date and is never late.
- The authority's report on the level is drafted from all departments' reports (their stored
  figures; figures computed afresh for departments that have none) and submitted to the
  people's government (GZ 37: end of February; ZS 35: end of March). Where the profile says it
  is released to the public (ZS 35), the authority publishes it and anyone may read it.
- A report is a draft until submitted; only a draft is edited or re-drafted. A report
  submitted after its due date is marked late (the sweep marks one still a draft the day after).

Every change writes its audit entry in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, select, text
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.db import is_sqlite, utcnow
from govshare.governance import annual_figures
from govshare.governance.annual_report_models import AnnualReport, ReportState
from govshare.jobs.service import resolve_flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role
from govshare.profiles.schema import ReportRule
from govshare.profiles.service import get_active_profile

Level = Literal["department", "authority"]
LATE = "annual_report.late"
PREVIEW = "preview"  # the state of a preview: never stored
MAX_TEXT = 20000
READ_ALL = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
DRAFT_LOCK = 0x616E6E75616C  # "annual": drafting is serialised across processes


def _serialise(session: Session) -> None:
    """Takes the drafting lock until the transaction ends, so two sweeps never draft twice.

    The authority's report has no department (NULL), which the unique index does not guard.
    SQLite needs nothing: its transactions take the write lock at BEGIN.
    """
    if not is_sqlite(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DRAFT_LOCK})


def rule_for(level: str) -> ReportRule:
    """The profile's rule for the department's or the authority's report."""
    rules = get_active_profile().annual_reports
    return rules.authority if level == "authority" else rules.department


def _usable(level: str) -> ReportRule:
    # A silent rule requires no report and sets no due date; one is still drafted on demand
    # (docs/profiles.md, "What silent means"), and it is never late.
    return rule_for(level)


def _check_year(year: int, today: date) -> None:
    if year >= today.year:
        raise Invalid("a report covers a year that is over", code="year_not_over", year=year)
    if year < 2000:
        raise Invalid("not a report year: {year}", code="invalid_year", year=year)


def find(session: Session, *, year: int, department_id: int | None) -> AnnualReport | None:
    """The report of a department (None: the authority's) on the year, if drafted."""
    cond = (
        AnnualReport.department_id.is_(None)
        if department_id is None
        else AnnualReport.department_id == department_id
    )
    return session.scalar(select(AnnualReport).where(AnnualReport.year == year, cond))


def _new(
    session: Session, *, actor: Actor, year: int, department_id: int | None, today: date
) -> AnnualReport:
    level: Level = "authority" if department_id is None else "department"
    rule = rule_for(level)
    if department_id is None:
        figures = annual_figures.authority_figures(session, year=year, today=today)
    else:
        figures = annual_figures.department_figures(
            session, department_id=department_id, year=year, today=today
        )
    report = AnnualReport(
        year=year,
        level=level,
        department_id=department_id,
        state=ReportState.DRAFT,
        due_on=rule.due_date(year),
        article=rule.citation(),
        figures=figures,
        narrative="",
        problems="",
        plan="",
        updated_by="",
        submitted_by="",
        late=False,
        requested_by="",
    )
    session.add(report)
    session.flush()  # the audit entry names the report
    audit.record(
        session,
        actor=actor,
        action="annual_report.draft",
        object_type="annual_report",
        object_id=report.id,
        details={"year": year, "level": level, "department_id": department_id},
    )
    return report


def preview(session: Session, *, year: int, department_id: int | None, today: date) -> AnnualReport:
    """The report on the year in progress, so far: figures up to today, never stored or submitted.

    GZ 37 and ZS 35 report on a year that is over; a preview lets the authority and the
    departments see where the current year stands. The object is not added to the session.
    """
    if year != today.year:
        raise Invalid(
            "a preview covers the year in progress ({year})",
            code="not_current_year",
            year=today.year,
        )
    level: Level = "authority" if department_id is None else "department"
    rule = _usable(level)
    if department_id is None:
        figures = annual_figures.authority_figures(session, year=year, today=today)
    else:
        dept = session.get(Department, department_id)
        if dept is None or dept.is_authority:
            raise NotFound("no such reporting department", code="department_not_found")
        figures = annual_figures.department_figures(
            session, department_id=department_id, year=year, today=today
        )
    return AnnualReport(
        year=year,
        level=level,
        department_id=department_id,
        state=PREVIEW,
        due_on=rule.due_date(year),
        article=rule.citation(),
        figures=figures,
        narrative="",
        problems="",
        plan="",
        late=False,
    )


def draft_department(
    session: Session, *, actor: Actor, department_id: int, year: int, today: date
) -> AnnualReport:
    """Drafts a department's report on the year (returns the existing one when drafted)."""
    rule = _usable("department")
    _check_year(year, today)
    if rule.on_request_only:
        raise Invalid(
            "departments report only when the authority requests it (request the report)",
            code="on_request_only",
        )
    dept = session.get(Department, department_id)
    _serialise(session)
    if dept is None or dept.is_authority:
        raise NotFound("no such reporting department", code="department_not_found")
    existing = find(session, year=year, department_id=department_id)
    return existing or _new(
        session, actor=actor, year=year, department_id=department_id, today=today
    )


def draft_authority(session: Session, *, actor: Actor, year: int, today: date) -> AnnualReport:
    """Drafts the authority's report on the year (returns the existing one when drafted)."""
    _usable("authority")
    _check_year(year, today)
    _serialise(session)
    existing = find(session, year=year, department_id=None)
    return existing or _new(session, actor=actor, year=year, department_id=None, today=today)


def draft_all(session: Session, *, actor: Actor, year: int, today: date) -> int:
    """Drafts every missing report the profile requires on the year; returns how many."""
    made = 0
    dept_rule, auth_rule = rule_for("department"), rule_for("authority")
    if dept_rule.silent and auth_rule.silent:
        return 0
    _check_year(year, today)
    _serialise(session)
    if not dept_rule.silent and not dept_rule.on_request_only:
        have = set(
            session.scalars(
                select(AnnualReport.department_id).where(
                    AnnualReport.year == year, AnnualReport.department_id.is_not(None)
                )
            )
        )
        fresh = [d for d in annual_figures.reporting_departments(session) if d.id not in have]
        for dept in fresh:
            _new(session, actor=actor, year=year, department_id=dept.id, today=today)
            made += 1
        _tell_drafted(session, [d.id for d in fresh], year)
    if not auth_rule.silent and find(session, year=year, department_id=None) is None:
        _new(session, actor=actor, year=year, department_id=None, today=today)
        made += 1
    return made


def _tell_drafted(session: Session, department_ids: Sequence[int], year: int) -> None:
    if not department_ids:
        return
    officers = notify.recipients_by_department(session, department_ids, roles=notify.OFFICERS)
    notify.notify_many(
        session,
        [
            notify.Outgoing(
                users=officers.get(d, []),
                kind="annual_report.drafted",
                title=f"The platform drafted your annual report on {year}",
                link=f"/annual-reports/{year}/departments/{d}",
                object_type="annual_report",
                object_id=f"{year}:{d}",
            )
            for d in department_ids
        ],
    )


def request_reports(
    session: Session,
    *,
    actor: Actor,
    year: int,
    today: date,
    department_ids: Sequence[int] | None = None,
) -> list[AnnualReport]:
    """The authority requests departments' reports where the profile has them on request only."""
    rule = _usable("department")
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("only the authority requests reports", code="authority_only")
    if not rule.on_request_only:
        raise Invalid("departments report every year without a request", code="not_on_request")
    _check_year(year, today)
    _serialise(session)
    wanted = annual_figures.reporting_departments(session)
    if department_ids is not None:
        chosen = set(department_ids)
        wanted = [d for d in wanted if d.id in chosen]
        if not wanted:
            raise Invalid("choose at least one department", code="no_department_chosen")
    out = []
    for dept in wanted:
        report = find(session, year=year, department_id=dept.id)
        if report is None:
            report = _new(session, actor=actor, year=year, department_id=dept.id, today=today)
            report.requested_on = today
            report.requested_by = actor.name
            audit.record(
                session,
                actor=actor,
                action="annual_report.request",
                object_type="annual_report",
                object_id=report.id,
                details={"year": year, "department_id": dept.id, "article": rule.citation()},
            )
            out.append(report)
    _tell_drafted(session, [r.department_id for r in out if r.department_id is not None], year)
    return out


# --- reading -----------------------------------------------------------------------------------


def may_read(actor: Actor, report: AnnualReport) -> bool:
    """The authority and auditors read every report; a department reads its own."""
    if actor.has_role(*READ_ALL):
        return True
    return report.department_id is not None and report.department_id == actor.department_id


def may_edit(actor: Actor, report: AnnualReport) -> bool:
    """A department's data officers edit its report; the authority's admins edit the authority's."""
    if report.department_id is None:
        return actor.has_role(Role.AUTHORITY_ADMIN)
    return actor.has_role(Role.DATA_OFFICER) and actor.department_id == report.department_id


def get(session: Session, *, actor: Actor, report_id: int) -> AnnualReport:
    """One report the actor may read."""
    report = session.get(AnnualReport, report_id)
    if report is None or not may_read(actor, report):
        raise NotFound("no such annual report", code="report_not_found")
    return report


def get_for(
    session: Session, *, actor: Actor, year: int, department_id: int | None
) -> AnnualReport:
    """The report of a department (None: the authority's) on the year, if the actor may read it."""
    report = find(session, year=year, department_id=department_id)
    if report is None or not may_read(actor, report):
        raise NotFound("no such annual report", code="report_not_found")
    return report


def is_overdue(report: AnnualReport, today: date) -> bool:
    """Still a draft after its due date (never, where the profile sets no date)."""
    return report.state == ReportState.DRAFT and report.due_on is not None and today > report.due_on


def list_reports(
    session: Session,
    *,
    actor: Actor,
    year: int | None = None,
    state: str | None = None,
    late: bool = False,
    level: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[AnnualReport]:
    """Reports: every one for the authority and auditors, the department's own for the others."""
    stmt: Select[Any] = select(AnnualReport)
    if not actor.has_role(*READ_ALL):
        if actor.department_id is None:
            raise Forbidden("this list is a department's", code="no_department")
        stmt = stmt.where(AnnualReport.department_id == actor.department_id)
    if year is not None:
        stmt = stmt.where(AnnualReport.year == year)
    if state:
        stmt = stmt.where(AnnualReport.state == state)
    if late:
        stmt = stmt.where(AnnualReport.late.is_(True))
    if level:
        stmt = stmt.where(AnnualReport.level == level)
    stmt = stmt.order_by(AnnualReport.year.desc(), AnnualReport.level, AnnualReport.department_id)
    return paginate(session, stmt, page=page, per_page=per_page)


def published(session: Session, *, year: int) -> AnnualReport:
    """The authority's report on the year as released to the public (ZS 35)."""
    report = find(session, year=year, department_id=None)
    if report is None or report.state != ReportState.PUBLISHED:
        raise NotFound("no published annual report on this year", code="report_not_found")
    return report


# --- changing ----------------------------------------------------------------------------------


def _editable(session: Session, actor: Actor, report_id: int) -> AnnualReport:
    report = get(session, actor=actor, report_id=report_id)
    if not may_edit(actor, report):
        raise Forbidden("only the reporting side edits its report", code="not_the_reporter")
    if report.state != ReportState.DRAFT:
        raise IllegalTransition(
            "the report was submitted; it can no longer be changed", code="report_submitted"
        )
    return report


def edit(
    session: Session,
    *,
    actor: Actor,
    report_id: int,
    narrative: str,
    problems: str,
    plan: str,
    today: date,
) -> AnnualReport:
    """Saves the narrative: the summary, the problems met and next year's plan."""
    report = _editable(session, actor, report_id)
    texts = {"narrative": narrative.strip(), "problems": problems.strip(), "plan": plan.strip()}
    if any(len(t) > MAX_TEXT for t in texts.values()):
        raise Invalid(
            "a text is too long (at most {limit} characters)", code="too_long", limit=MAX_TEXT
        )
    report.narrative, report.problems, report.plan = (
        texts["narrative"],
        texts["problems"],
        texts["plan"],
    )
    report.updated_by = actor.name
    report.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="annual_report.edit",
        object_type="annual_report",
        object_id=report.id,
        details={k: len(v) for k, v in texts.items()},
    )
    return report


def redraft(session: Session, *, actor: Actor, report_id: int, today: date) -> AnnualReport:
    """Drafts the figures again from today's records (the narrative is kept)."""
    report = _editable(session, actor, report_id)
    if report.department_id is None:
        report.figures = annual_figures.authority_figures(session, year=report.year, today=today)
    else:
        report.figures = annual_figures.department_figures(
            session, department_id=report.department_id, year=report.year, today=today
        )
    report.drafted_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="annual_report.redraft",
        object_type="annual_report",
        object_id=report.id,
        details={"year": report.year},
    )
    return report


def submit(session: Session, *, actor: Actor, report_id: int, today: date) -> AnnualReport:
    """Submits the report (a department's to the authority; the authority's to the government)."""
    report = _editable(session, actor, report_id)
    if not report.narrative:
        raise Invalid("write the summary before submitting", code="narrative_required")
    report.state = ReportState.SUBMITTED
    report.submitted_on = today
    report.submitted_by = actor.name
    if report.due_on is not None and today > report.due_on:
        report.late = True
    audit.record(
        session,
        actor=actor,
        action="annual_report.submit",
        object_type="annual_report",
        object_id=report.id,
        details={
            "year": report.year,
            "level": report.level,
            "due_on": str(report.due_on or ""),
            "late": report.late,
            "submit_to": rule_for(report.level).submit_to or "",
            "article": report.article,
        },
    )
    resolve_flag(
        session,
        actor=actor,
        kind=LATE,
        object_type="annual_report",
        object_id=report.id,
        today=today,
    )
    if report.department_id is not None:
        notify.notify(
            session,
            users=notify.recipients(session, roles=notify.AUTHORITY),
            kind="annual_report.submitted",
            title=f"An annual report on {report.year} was submitted",
            link=f"/annual-reports/{report.year}/departments/{report.department_id}",
            object_type="annual_report",
            object_id=report.id,
        )
    return report


def publish(session: Session, *, actor: Actor, report_id: int, today: date) -> AnnualReport:
    """Releases the authority's submitted report to the public, where the profile says so (ZS 35)."""
    report = get(session, actor=actor, report_id=report_id)
    if report.department_id is not None or not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("only the authority publishes its own report", code="authority_only")
    if not rule_for("authority").published_to_public:
        raise Invalid(
            "the profile does not release the annual report to the public",
            code="not_published_to_public",
        )
    if report.state == ReportState.PUBLISHED:
        raise Conflict("the report is already published", code="already_published")
    if report.state != ReportState.SUBMITTED:
        raise IllegalTransition("submit the report before publishing it", code="not_submitted")
    report.state = ReportState.PUBLISHED
    report.published_on = today
    audit.record(
        session,
        actor=actor,
        action="annual_report.publish",
        object_type="annual_report",
        object_id=report.id,
        details={"year": report.year, "article": rule_for("authority").citation()},
    )
    return report


def overview(session: Session, *, actor: Actor, year: int, today: date) -> list[dict[str, Any]]:
    """Every reporting department and where its report on the year stands (the authority's list)."""
    if not actor.has_role(*READ_ALL):
        raise Forbidden("only the authority sees every department's report", code="authority_only")
    reports = {
        r.department_id: r
        for r in session.scalars(
            select(AnnualReport).where(
                AnnualReport.year == year, AnnualReport.department_id.is_not(None)
            )
        )
    }
    return [
        {
            "department": d,
            "report": reports.get(d.id),
            "overdue": reports.get(d.id) is not None and is_overdue(reports[d.id], today),
        }
        for d in annual_figures.reporting_departments(session)
    ]
