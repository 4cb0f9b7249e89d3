"""JSON API of annual reports (/api/v1/annual-reports): list, draft, request, edit, submit, publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govshare.governance import annual_docx, annual_reports
from govshare.governance.annual_report_models import AnnualReport, ReportState
from govshare.governance.annual_schemas import (
    AnnualReportDraftIn,
    AnnualReportOut,
    AnnualReportPage,
    AnnualReportRequestIn,
    AnnualReportTextIn,
)
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["annual reports"])

READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF)
EDITORS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not_the_reporter, authority_only"},
    404: {"description": "no such report (or not the actor's to read)"},
    409: {"description": "report_submitted, not_submitted, already_published"},
    422: {"description": "year_not_over, profile_silent, on_request_only, narrative_required"},
}


def _out(request: Request, report: AnnualReport) -> AnnualReportOut:
    return AnnualReportOut.of(report, overdue=annual_reports.is_overdue(report, today_of(request)))


@router.get("/annual-reports", response_model=AnnualReportPage)
def list_reports(
    request: Request,
    db: Db,
    year: int | None = None,
    state: ReportState | None = None,
    level: str | None = None,
    late: bool = False,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS),
) -> AnnualReportPage:
    """Reports: every one for the authority and auditors, the department's own for the others."""
    found = annual_reports.list_reports(
        db,
        actor=actor,
        year=year,
        state=state,
        level=level,
        late=late,
        page=page,
        per_page=per_page,
    )
    return AnnualReportPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[_out(request, r) for r in found.items],
    )


@router.post("/annual-reports", response_model=AnnualReportOut, status_code=201, responses=ERRORS)
def draft(
    request: Request, db: Db, body: AnnualReportDraftIn, actor: Actor = allow(*EDITORS)
) -> AnnualReportOut:
    """Drafts a report from the records: the named department's, else the actor's own (the authority's)."""
    today = today_of(request)
    department_id = body.department_id
    if department_id is None and not actor.has_role(Role.AUTHORITY_ADMIN):
        department_id = actor.department_id  # a department drafts its own
    if department_id is None:
        report = annual_reports.draft_authority(db, actor=actor, year=body.year, today=today)
    else:
        if not actor.has_role(Role.AUTHORITY_ADMIN) and department_id != actor.department_id:
            raise Forbidden("a department drafts its own report", code="not_the_reporter")
        report = annual_reports.draft_department(
            db, actor=actor, department_id=department_id, year=body.year, today=today
        )
    return _out(request, report)


@router.post(
    "/annual-reports/requests",
    response_model=list[AnnualReportOut],
    status_code=201,
    responses=ERRORS,
)
def request_reports(
    request: Request,
    db: Db,
    body: AnnualReportRequestIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> list[AnnualReportOut]:
    """The authority requests departments' reports where they report on request (ZS 35 ¶2)."""
    made = annual_reports.request_reports(
        db,
        actor=actor,
        year=body.year,
        today=today_of(request),
        department_ids=body.department_ids,
    )
    return [_out(request, r) for r in made]


@router.get("/annual-reports/{report_id}", response_model=AnnualReportOut, responses=ERRORS)
def get_report(
    request: Request, db: Db, report_id: int, actor: Actor = allow(*READERS)
) -> AnnualReportOut:
    """One report with its figures and narrative."""
    return _out(request, annual_reports.get(db, actor=actor, report_id=report_id))


@router.put("/annual-reports/{report_id}/text", response_model=AnnualReportOut, responses=ERRORS)
def edit(
    request: Request,
    db: Db,
    report_id: int,
    body: AnnualReportTextIn,
    actor: Actor = allow(*EDITORS),
) -> AnnualReportOut:
    """Saves the narrative of a draft."""
    report = annual_reports.edit(
        db,
        actor=actor,
        report_id=report_id,
        narrative=body.narrative,
        problems=body.problems,
        plan=body.plan,
        today=today_of(request),
    )
    return _out(request, report)


@router.post(
    "/annual-reports/{report_id}/redraft", response_model=AnnualReportOut, responses=ERRORS
)
def redraft(
    request: Request, db: Db, report_id: int, actor: Actor = allow(*EDITORS)
) -> AnnualReportOut:
    """Drafts a draft's figures again from today's records."""
    report = annual_reports.redraft(db, actor=actor, report_id=report_id, today=today_of(request))
    return _out(request, report)


@router.post("/annual-reports/{report_id}/submit", response_model=AnnualReportOut, responses=ERRORS)
def submit(
    request: Request, db: Db, report_id: int, actor: Actor = allow(*EDITORS)
) -> AnnualReportOut:
    """Submits the report (late when after its due date)."""
    report = annual_reports.submit(db, actor=actor, report_id=report_id, today=today_of(request))
    return _out(request, report)


@router.post(
    "/annual-reports/{report_id}/publish", response_model=AnnualReportOut, responses=ERRORS
)
def publish(
    request: Request, db: Db, report_id: int, actor: Actor = allow(Role.AUTHORITY_ADMIN)
) -> AnnualReportOut:
    """Releases the authority's submitted report to the public (ZS 35)."""
    report = annual_reports.publish(db, actor=actor, report_id=report_id, today=today_of(request))
    return _out(request, report)


@router.get(
    "/annual-reports/{report_id}/file",
    responses={**ERRORS, 200: {"content": {m: {} for m in annual_docx.MEDIA.values()}}},
    response_class=Response,
)
def download(
    db: Db, report_id: int, format: str = "pdf", actor: Actor = allow(*READERS)
) -> Response:
    """The report as a PDF (with charts, in Chinese), a Word document or an Excel workbook."""
    report = annual_reports.get(db, actor=actor, report_id=report_id)
    content, media, name = annual_docx.export(db, report=report, fmt=format)
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
