"""Console pages of annual reports: the authority's list per year, each report's editor, downloads.

A published authority report (ZS 35: released to the public) is readable without log-in at
/public/annual-reports/{year}.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from govshare.governance import annual_docx, annual_reports
from govshare.governance.annual_pdf import EVALUATION_LABELS, SECTIONS
from govshare.governance.annual_report_models import AnnualReport, ReportState
from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.rendering import ensure_actor, flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Forbidden, Invalid, NotFound
from govshare.kit.pagination import Page
from govshare.orgs.models import Department, Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

EDITORS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
READ_ALL = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
FILTERS = ("draft", "submitted", "published", "missing", "late")


def _year(value: str, default: int) -> int:
    value = value.strip()
    if not value:
        return default
    if not value.isdigit():
        raise Invalid("not a year: {value}", code="invalid_year", value=value)
    return int(value)


def _matches(row: dict[str, Any], state: str) -> bool:
    report = row["report"]
    if state == "missing":
        return report is None
    if state == "late":
        return report is not None and (report.late or row["overdue"])
    return report is not None and report.state == state


@router.get("/annual-reports", response_class=HTMLResponse)
def index(
    request: Request,
    db: Db,
    year: str = "",
    state: str = "",
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """The authority's list of every department's report on a year; a department's own reports."""
    today = today_of(request)
    chosen = _year(year, today.year - 1)
    context: dict[str, Any] = {
        "year": chosen,
        "state": state,
        "filters": FILTERS,
        "dept_rule": annual_reports.rule_for("department"),
        "auth_rule": annual_reports.rule_for("authority"),
        "sees_all": actor.has_role(*READ_ALL),
        "is_admin": actor.has_role(Role.AUTHORITY_ADMIN),
        "years": list(range(today.year - 1, today.year - 6, -1)),
    }
    if actor.has_role(*READ_ALL):
        rows = annual_reports.overview(db, actor=actor, year=chosen, today=today)
        if state in FILTERS:
            rows = [r for r in rows if _matches(r, state)]
        per_page = 25
        start = (max(page, 1) - 1) * per_page
        context["page"] = Page(
            items=rows[start : start + per_page],
            total=len(rows),
            page=max(page, 1),
            per_page=per_page,
        )
        context["authority_report"] = annual_reports.find(db, year=chosen, department_id=None)
    else:
        context["page"] = annual_reports.list_reports(db, actor=actor, page=page, per_page=25)
        context["own_department_id"] = actor.department_id
    context["overdue_of"] = lambda r: annual_reports.is_overdue(r, today)
    return render(request, "governance/annual_list.html", context)


def _page(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    year: int,
    department: Department | None,
    report: AnnualReport | None,
) -> Response:
    today = today_of(request)
    level = "authority" if department is None else "department"
    rule = annual_reports.rule_for(level)
    may_draft = (
        report is None
        and not rule.silent
        and (
            actor.has_role(Role.AUTHORITY_ADMIN)
            or (
                department is not None
                and actor.has_role(Role.DATA_OFFICER)
                and actor.department_id == department.id
            )
        )
    )
    return render(
        request,
        "governance/annual_report.html",
        {
            "r": report,
            "year": year,
            "department": department,
            "level": level,
            "rule": rule,
            "sections": SECTIONS,
            "evaluation_labels": EVALUATION_LABELS,
            "may_edit": report is not None
            and report.state == ReportState.DRAFT
            and annual_reports.may_edit(actor, report),
            "may_draft": may_draft,
            "may_publish": report is not None
            and report.department_id is None
            and report.state == ReportState.SUBMITTED
            and rule.published_to_public
            and actor.has_role(Role.AUTHORITY_ADMIN),
            "overdue": report is not None and annual_reports.is_overdue(report, today),
            "preview": preview(report) if report is not None else [],
        },
    )


def preview(report: AnnualReport) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """The console's preview charts: (title, [(label, value, width in percent)])."""
    f = report.figures or {}
    given, data = f.get("given") or {}, f.get("data") or {}
    charts = [
        (
            "Applications",
            [
                ("Received", given.get("applications_received", 0)),
                ("Answered in time", given.get("answered_in_time", 0)),
                ("Refused", given.get("refused", 0)),
                ("Deemed consents", given.get("deemed_consents", 0)),
            ],
        ),
        ("Freshness", [("Up to date", data.get("fresh", 0)), ("Stale", data.get("stale", 0))]),
    ]
    out = []
    for title, bars in charts:
        top = max([1, *(v or 0 for _, v in bars)])
        out.append((title, [(name, v or 0, 100.0 * (v or 0) / top) for name, v in bars]))
    return out


@router.get("/annual-reports/{year}/departments/{department_id}", response_class=HTMLResponse)
def department_report(
    request: Request,
    db: Db,
    year: int,
    department_id: int,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """A department's report on the year: figures, preview charts, the narrative editor."""
    dept = db.get(Department, department_id)
    own = actor.department_id == department_id
    if dept is None or dept.is_authority or not (own or actor.has_role(*READ_ALL)):
        raise NotFound("no such annual report", code="report_not_found")
    report = annual_reports.find(db, year=year, department_id=department_id)
    return _page(request, db, actor, year=year, department=dept, report=report)


@router.get("/annual-reports/{year}/authority", response_class=HTMLResponse)
def authority_report(
    request: Request, db: Db, year: int, actor: Actor = allow(*READ_ALL)
) -> Response:
    """The authority's report on the year, drafted from the departments' reports."""
    report = annual_reports.find(db, year=year, department_id=None)
    return _page(request, db, actor, year=year, department=None, report=report)


def _link(report: AnnualReport) -> str:
    if report.department_id is None:
        return f"/annual-reports/{report.year}/authority"
    return f"/annual-reports/{report.year}/departments/{report.department_id}"


@router.post("/annual-reports/draft")
def draft(
    request: Request,
    db: Db,
    year: Annotated[str, Form()] = "",
    department_id: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "",
    actor: Actor = allow(*EDITORS),
) -> Response:
    """Drafts one report (a department's, or the authority's), or every missing one (the authority)."""
    today = today_of(request)
    back = f"/annual-reports?year={year}"
    try:
        with db.begin_nested():
            chosen = _year(year, today.year - 1)
            if scope == "all":
                if not actor.has_role(Role.AUTHORITY_ADMIN):
                    raise Forbidden("only the authority drafts every report", code="authority_only")
                n = annual_reports.draft_all(db, actor=actor, year=chosen, today=today)
                flash(request, "{n} report(s) drafted", n=str(n))
                return redirect(f"/annual-reports?year={chosen}")
            if not department_id.strip():
                if not actor.has_role(Role.AUTHORITY_ADMIN):
                    raise Forbidden("only the authority drafts its report", code="authority_only")
                report = annual_reports.draft_authority(db, actor=actor, year=chosen, today=today)
            else:
                dept = int(department_id) if department_id.strip().isdigit() else -1
                if not actor.has_role(Role.AUTHORITY_ADMIN) and dept != actor.department_id:
                    raise Forbidden("a department drafts its own report", code="not_the_reporter")
                report = annual_reports.draft_department(
                    db, actor=actor, department_id=dept, year=chosen, today=today
                )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Report drafted from the platform's records")
    return redirect(_link(report))


@router.post("/annual-reports/request")
def request_reports(
    request: Request,
    db: Db,
    year: Annotated[str, Form()] = "",
    department_id: Annotated[list[str] | None, Form()] = None,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """The authority requests departments' reports (ZS 35 ¶2); none ticked: every department."""
    today = today_of(request)
    back = f"/annual-reports?year={year}"
    try:
        with db.begin_nested():
            ids = [int(i) for i in department_id or [] if i.isdigit()] or None
            made = annual_reports.request_reports(
                db, actor=actor, year=_year(year, today.year - 1), today=today, department_ids=ids
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "{n} report(s) requested", n=str(len(made)))
    return redirect(back)


@router.post("/annual-reports/{report_id}/edit")
def edit(
    request: Request,
    db: Db,
    report_id: int,
    narrative: Annotated[str, Form()] = "",
    problems: Annotated[str, Form()] = "",
    plan: Annotated[str, Form()] = "",
    then: Annotated[str, Form()] = "",
    actor: Actor = allow(*EDITORS),
) -> Response:
    """Saves the narrative; with then=submit, submits the report in the same step."""
    report = annual_reports.get(db, actor=actor, report_id=report_id)
    back = _link(report)
    today = today_of(request)
    try:
        with db.begin_nested():
            annual_reports.edit(
                db,
                actor=actor,
                report_id=report_id,
                narrative=narrative,
                problems=problems,
                plan=plan,
                today=today,
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    if then == "submit":
        try:
            with db.begin_nested():
                annual_reports.submit(db, actor=actor, report_id=report_id, today=today)
        except DomainError as exc:
            return form_error(request, exc, back)
        flash(request, "Report submitted")
    else:
        flash(request, "Report saved")
    return redirect(back)


def _act(request: Request, db: Session, actor: Actor, report_id: int, action: str) -> Response:
    report = annual_reports.get(db, actor=actor, report_id=report_id)
    back = _link(report)
    fn = {
        "submit": annual_reports.submit,
        "redraft": annual_reports.redraft,
        "publish": annual_reports.publish,
    }[action]
    try:
        with db.begin_nested():
            fn(db, actor=actor, report_id=report_id, today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(
        request,
        {
            "submit": "Report submitted",
            "redraft": "Figures drafted again from the platform's records",
            "publish": "Report published",
        }[action],
    )
    return redirect(back)


@router.post("/annual-reports/{report_id}/submit")
def submit(request: Request, db: Db, report_id: int, actor: Actor = allow(*EDITORS)) -> Response:
    """Submits the report."""
    return _act(request, db, actor, report_id, "submit")


@router.post("/annual-reports/{report_id}/redraft")
def redraft(request: Request, db: Db, report_id: int, actor: Actor = allow(*EDITORS)) -> Response:
    """Drafts the figures again from today's records."""
    return _act(request, db, actor, report_id, "redraft")


@router.post("/annual-reports/{report_id}/publish")
def publish(
    request: Request, db: Db, report_id: int, actor: Actor = allow(Role.AUTHORITY_ADMIN)
) -> Response:
    """Releases the authority's report to the public (ZS 35)."""
    return _act(request, db, actor, report_id, "publish")


def _file(db: Session, report: AnnualReport, fmt: str) -> Response:
    content, media, name = annual_docx.export(db, report=report, fmt=fmt)
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/annual-reports/{report_id}/download/{fmt}")
def download(db: Db, report_id: int, fmt: str, actor: Actor = allow(*USER_ROLES_ALL)) -> Response:
    """The report as PDF, Word or Excel."""
    return _file(db, annual_reports.get(db, actor=actor, report_id=report_id), fmt)


@router.get("/public/annual-reports/{year}", response_class=HTMLResponse)
def public_report(request: Request, db: Db, year: int) -> Response:
    """The authority's published report on the year, for anyone (ZS 35: released to the public)."""
    ensure_actor(request)
    report = annual_reports.published(db, year=year)
    return render(
        request,
        "governance/annual_public.html",
        {
            "r": report,
            "subject": annual_docx.subject_of(db, report),
            "sections": SECTIONS,
            "preview": preview(report),
        },
    )


@router.get("/public/annual-reports/{year}/report.pdf")
def public_pdf(db: Db, year: int) -> Response:
    """The published report as a PDF, for anyone."""
    return _file(db, annual_reports.published(db, year=year), "pdf")
