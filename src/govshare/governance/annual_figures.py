"""The figures of an annual report, drafted from the platform's own records (GZ 37; ZS 35).

A department's figures cover one calendar year (1 January to 31 December, China time for the
timestamps of the audit log and the loads). Some figures are counts of what happened in the
year (applications received, loads, verification requests answered...); others are the state
of things on the day of drafting, because the platform does not keep a history of them: the
catalogue and its sharing types, the connected resources and their freshness, and the
repeated materials the service guides still ask for. The labels say which.

The other domains' tables are read here through their core columns only, with one counting
query per figure, so the figures run the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.catalogue.models import DirectoryEntry, Resource, ResourceVersion
from govshare.datastore.models import Connection, Load
from govshare.governance.annual_report_models import AnnualReport, ReportState
from govshare.governance.complaint_models import Complaint
from govshare.governance.evaluation_models import Evaluation, EvaluationState, Score
from govshare.governance.material_models import Material, MaterialState, ServiceGuide
from govshare.governance.rectification_models import RectificationNotice
from govshare.orgs.models import Department
from govshare.quality.verification_models import RequestState, VerificationRequest
from govshare.sharing import application_reports
from govshare.sharing.application_models import Application
from govshare.sharing.models import Grant

CHINA = ZoneInfo("Asia/Shanghai")
Figures = dict[str, Any]

SUMMED = [
    "catalogue",
    "data",
    "given",
    "received",
    "verification_requests",
    "complaints",
    "rectification",
    "materials",
]


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA)


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(stmt) or 0)


def _in(column: Any, first: date, last: date) -> ColumnElement[bool]:
    return and_(column >= first, column <= last)


def _at(column: Any, first: date, last: date) -> ColumnElement[bool]:
    nxt = date(last.year + 1, 1, 1) if last.month == 12 and last.day == 31 else last
    return and_(column >= _start(first), column < _start(nxt))


def period(year: int) -> tuple[date, date]:
    """The calendar year as a closed period of days."""
    return date(year, 1, 1), date(year, 12, 31)


def department_figures(session: Session, *, department_id: int, year: int, today: date) -> Figures:
    """Every figure of one department's report on `year`."""
    first, last = period(year)
    resource_ids = select(Resource.id).where(Resource.department_id == department_id)
    return {
        "period": {"from": first.isoformat(), "until": last.isoformat(), "drafted_on": str(today)},
        "catalogue": _catalogue(session, department_id, first, last),
        "data": _data(session, department_id, resource_ids, first, last),
        "given": _given(session, department_id, resource_ids, first, last),
        "received": _received(session, department_id, first, last),
        "verification_requests": _verification(session, department_id, first, last),
        "complaints": _complaints(session, department_id, first, last),
        "rectification": _rectification(session, department_id, first, last),
        "materials": _materials(session, department_id),
        "evaluation": evaluation_of(session, department_id=department_id, year=year),
    }


def _catalogue(session: Session, dept: int, first: date, last: date) -> dict[str, int]:
    out = {
        "resources": _count(session, select(func.count()).where(Resource.department_id == dept)),
        "published": 0,
        "unconditional": 0,
        "conditional": 0,
        "none": 0,
    }
    by_type = select(DirectoryEntry.sharing_type, func.count()).where(
        DirectoryEntry.department_id == dept
    )
    for kind, n in session.execute(by_type.group_by(DirectoryEntry.sharing_type)):
        if kind in out:
            out[str(kind)] = int(n)
        out["published"] += int(n)
    versions = session.execute(
        select(ResourceVersion.resource_id, ResourceVersion.version, ResourceVersion.published_at)
        .join(Resource, Resource.id == ResourceVersion.resource_id)
        .where(Resource.department_id == dept, ResourceVersion.published_at.is_not(None))
    ).all()
    firsts: dict[int, int] = {}
    for rid, version, _ in versions:
        firsts[rid] = min(firsts.get(rid, version), version)
    lo, hi = _start(first), _start(date(last.year + 1, 1, 1))
    new = updated = 0
    for rid, version, at in versions:
        if at is None or not lo <= at < hi:
            continue
        if version == firsts[rid]:
            new += 1
        else:
            updated += 1
    out["published_in_year"] = new
    out["updated_in_year"] = updated
    return out


def _data(
    session: Session, dept: int, resource_ids: Select[Any], first: date, last: date
) -> dict[str, int]:
    connected, records, stale = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Connection.records), 0),
            func.count(Connection.stale_since),
        ).where(Connection.resource_id.in_(resource_ids))
    ).one()
    loads, written = session.execute(
        select(func.count(), func.coalesce(func.sum(Load.rows_written), 0)).where(
            Load.department_id == dept, _at(Load.started_at, first, last)
        )
    ).one()
    return {
        "connected": int(connected),
        "records": int(records),
        "loads": int(loads),
        "rows_written": int(written),
        "fresh": int(connected) - int(stale),
        "stale": int(stale),
    }


def _uses(session: Session, first: date, last: date, *where: ColumnElement[bool]) -> dict[str, int]:
    stmt = (
        select(AuditEntry.action, func.count())
        .where(
            AuditEntry.action.in_(("data.query", "data.verify")),
            AuditEntry.object_type == "resource",
            _at(AuditEntry.occurred_at, first, last),
            *where,
        )
        .group_by(AuditEntry.action)
    )
    return {str(a): int(n) for a, n in session.execute(stmt)}


def _given(
    session: Session, dept: int, resource_ids: Select[Any], first: date, last: date
) -> dict[str, Any]:
    rep = application_reports.report(
        session, period_from=first, period_until=last, department_id=dept
    ).total
    ids = [str(i) for i in session.scalars(resource_ids)]
    uses = _uses(session, first, last, AuditEntry.object_id.in_(ids)) if ids else {}
    return {
        "applications_received": rep.received,
        "answered": rep.answered,
        "answered_in_time": rep.answered_in_time,
        "refused": rep.refused,
        "deemed_consents": rep.deemed_consents,
        "median_working_days": rep.median_working_days,
        "grants_given": _count(
            session,
            select(func.count())
            .select_from(Grant)
            .where(Grant.resource_id.in_(resource_ids), _in(Grant.valid_from, first, last)),
        ),
        "queries_received": uses.get("data.query", 0),
        "verifications_received": uses.get("data.verify", 0),
    }


def _received(session: Session, dept: int, first: date, last: date) -> dict[str, int]:
    made = [Application.consumer_department_id == dept, _in(Application.submitted_on, first, last)]
    uses = _uses(session, first, last, AuditEntry.department_id == dept)
    return {
        "applications_made": _count(session, select(func.count()).where(*made)),
        "applications_granted": _count(
            session, select(func.count()).where(*made, Application.grant_id.is_not(None))
        ),
        "grants_received": _count(
            session,
            select(func.count()).where(
                Grant.consumer_department_id == dept, _in(Grant.valid_from, first, last)
            ),
        ),
        "queries_made": uses.get("data.query", 0),
        "verifications_made": uses.get("data.verify", 0),
    }


def _verification(session: Session, dept: int, first: date, last: date) -> dict[str, int]:
    V = VerificationRequest
    mine = V.provider_department_id == dept
    answered = [mine, _in(V.answered_on, first, last)]
    return {
        "filed": _count(
            session,
            select(func.count()).where(
                V.consumer_department_id == dept, _in(V.filed_on, first, last)
            ),
        ),
        "received": _count(session, select(func.count()).where(mine, _in(V.filed_on, first, last))),
        "answered": _count(session, select(func.count()).where(*answered)),
        "answered_in_time": _count(
            session,
            select(func.count()).where(
                *answered, or_(V.due_on.is_(None), V.answered_on <= V.due_on)
            ),
        ),
        "corrected": _count(
            session, select(func.count()).where(*answered, V.outcome == "corrected")
        ),
        "open_at_year_end": _count(
            session,
            select(func.count()).where(
                mine,
                V.filed_on <= last,
                V.state != RequestState.WITHDRAWN,
                or_(V.answered_on.is_(None), V.answered_on > last),
            ),
        ),
    }


def _complaints(session: Session, dept: int, first: date, last: date) -> dict[str, int]:
    C = Complaint
    return {
        "filed": _count(
            session,
            select(func.count()).where(
                C.complainant_department_id == dept, _in(C.filed_on, first, last)
            ),
        ),
        "against": _count(
            session,
            select(func.count()).where(
                C.respondent_department_id == dept, _in(C.filed_on, first, last)
            ),
        ),
        "upheld_against": _count(
            session,
            select(func.count()).where(
                C.respondent_department_id == dept,
                _in(C.answered_on, first, last),
                C.upheld.is_(True),
            ),
        ),
    }


def _rectification(session: Session, dept: int, first: date, last: date) -> dict[str, int]:
    R = RectificationNotice
    mine = R.department_id == dept
    return {
        "received": _count(
            session, select(func.count()).where(mine, _in(R.issued_on, first, last))
        ),
        "closed": _count(session, select(func.count()).where(mine, _in(R.closed_on, first, last))),
        "escalated": _count(
            session, select(func.count()).where(mine, _in(R.escalated_on, first, last))
        ),
        "open_at_year_end": _count(
            session,
            select(func.count()).where(
                mine,
                R.issued_on <= last,
                or_(R.closed_on.is_(None), R.closed_on > last),
                or_(R.escalated_on.is_(None), R.escalated_on > last),
            ),
        ),
    }


def _materials(session: Session, dept: int) -> dict[str, int]:
    left = [
        ServiceGuide.department_id == dept,
        ServiceGuide.active.is_(True),
        Material.resource_id.is_not(None),
        Material.state == MaterialState.REQUIRED,
    ]
    base = select(Material.id).join(ServiceGuide, ServiceGuide.id == Material.guide_id)
    return {
        "services_asking": _count(
            session,
            select(func.count(func.distinct(ServiceGuide.id)))
            .select_from(Material)
            .join(ServiceGuide, ServiceGuide.id == Material.guide_id)
            .where(*left),
        ),
        "repeated_left": _count(
            session, select(func.count()).select_from(base.where(*left).subquery())
        ),
    }


def covering_evaluation(session: Session, *, year: int) -> Evaluation | None:
    """The published evaluation of the whole year, else the latest published one ending in it."""
    first, last = period(year)
    published = Evaluation.state == EvaluationState.PUBLISHED
    whole = session.scalar(
        select(Evaluation)
        .where(published, Evaluation.starts_on <= first, Evaluation.ends_on >= last)
        .order_by(Evaluation.ends_on, Evaluation.id)
        .limit(1)
    )
    if whole is not None:
        return whole
    return session.scalar(
        select(Evaluation)
        .where(published, _in(Evaluation.ends_on, first, last))
        .order_by(Evaluation.ends_on.desc(), Evaluation.id.desc())
        .limit(1)
    )


def evaluation_of(session: Session, *, department_id: int, year: int) -> dict[str, Any]:
    """The department's total and rank in the evaluation covering the year ({} when none)."""
    ev = covering_evaluation(session, year=year)
    if ev is None:
        return {}
    row = session.execute(
        select(Score.score, Score.rank).where(
            Score.evaluation_id == ev.id,
            Score.department_id == department_id,
            Score.metric == "total",
        )
    ).first()
    if row is None:
        return {}
    ranked = _count(
        session,
        select(func.count()).where(Score.evaluation_id == ev.id, Score.metric == "total"),
    )
    return {"period": ev.period, "total": row[0], "rank": row[1], "of": ranked}


def summed(rows: Iterable[Figures]) -> Figures:
    """The sections of several departments' figures added up (medians and evaluations left out)."""
    total: Figures = {s: {} for s in SUMMED}
    for figures in rows:
        for section in SUMMED:
            for key, value in (figures.get(section) or {}).items():
                if key == "median_working_days" or not isinstance(value, int | float):
                    continue
                total[section][key] = total[section].get(key, 0) + value
    return total


def reporting_departments(session: Session) -> list[Department]:
    """The departments that report: every one but the authority itself."""
    return list(
        session.scalars(
            select(Department).where(Department.is_authority.is_(False)).order_by(Department.code)
        )
    )


def authority_figures(session: Session, *, year: int, today: date) -> dict[str, Any]:
    """The level's figures: every department's row (from its report where drafted) and totals."""
    reports = {
        r.department_id: r
        for r in session.scalars(
            select(AnnualReport).where(
                AnnualReport.year == year, AnnualReport.department_id.is_not(None)
            )
        )
    }
    rows: list[dict[str, Any]] = []
    for dept in reporting_departments(session):
        report = reports.get(dept.id)
        figures = (
            report.figures
            if report is not None and report.figures
            else department_figures(session, department_id=dept.id, year=year, today=today)
        )
        rows.append(
            {
                "id": dept.id,
                "code": dept.code,
                "name": dept.name,
                "state": report.state if report is not None else "",
                "late": bool(report is not None and report.late),
                "submitted_on": str(report.submitted_on or "") if report is not None else "",
                "figures": figures,
            }
        )
    first, last = period(year)
    total = summed(r["figures"] for r in rows)
    median = application_reports.report(session, period_from=first, period_until=last)
    total["given"]["median_working_days"] = median.total.median_working_days
    states = [r["state"] for r in rows]
    return {
        "period": {"from": first.isoformat(), "until": last.isoformat(), "drafted_on": str(today)},
        **total,
        "reports": {
            "departments": len(rows),
            "submitted": sum(1 for s in states if s in (ReportState.SUBMITTED, "published")),
            "drafts": sum(1 for s in states if s == ReportState.DRAFT),
            "missing": sum(1 for s in states if not s),
            "late": sum(1 for r in rows if r["late"]),
        },
        "departments": rows,
    }
