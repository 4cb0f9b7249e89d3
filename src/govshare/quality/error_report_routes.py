"""JSON API of error reports (/api/v1/error-reports, GZ 31): report, list, file, return."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role
from govshare.quality import error_reports
from govshare.quality.error_report_models import ErrorReport, ReportState
from govshare.quality.error_report_schemas import (
    ErrorReportCount,
    ErrorReportCounts,
    ErrorReportIn,
    ErrorReportNoteIn,
    ErrorReportOut,
    ErrorReportPage,
    ErrorReportResubmitIn,
)

router = APIRouter(route_class=TransactionalRoute, tags=["error reports"])

PARTIES = (Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, *PARTIES)
OVERSEERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
SCOPE = "applications:write"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not the reporting or providing department, or not the authority"},
    404: {"description": "no such report (or resource, verification request)"},
    409: {"description": "not_reported, not_returned"},
    422: {"description": "invalid input"},
}


def out(report: ErrorReport) -> ErrorReportOut:
    """The API shape of a report under the active profile."""
    rule = error_reports.rules().consumer_not_liable
    return ErrorReportOut.of(report, not_liable=rule.enabled, article=rule.citation())


@router.get("/error-reports", response_model=ErrorReportPage)
def list_reports(
    db: Db,
    state: ReportState | None = None,
    provider_id: int | None = None,
    resource_id: int | None = None,
    consumer_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> ErrorReportPage:
    """Reports: all for the authority and auditors; a department's own or about its data."""
    found = error_reports.list_reports(
        db,
        actor=actor,
        state=state,
        provider_id=provider_id,
        resource_id=resource_id,
        consumer_id=consumer_id,
        page=page,
        per_page=per_page,
    )
    return ErrorReportPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[out(r) for r in found.items],
    )


@router.get("/error-reports/counts", response_model=ErrorReportCounts)
def counts(
    db: Db, provider_id: int | None = None, actor: Actor = allow(*OVERSEERS)
) -> ErrorReportCounts:
    """How many reports each provider and each resource has (the authority's overview)."""
    return ErrorReportCounts(
        by_provider=[
            ErrorReportCount(**asdict(c)) for c in error_reports.counts_by_provider(db, actor=actor)
        ],
        by_resource=[
            ErrorReportCount(**asdict(c))
            for c in error_reports.counts_by_resource(db, actor=actor, provider_id=provider_id)
        ],
    )


@router.get("/error-reports/export.xlsx", response_class=Response)
def export(
    db: Db,
    state: ReportState | None = None,
    provider_id: int | None = None,
    resource_id: int | None = None,
    actor: Actor = allow(*OVERSEERS),
) -> Response:
    """The filtered list as an Excel workbook."""
    data = error_reports.export_xlsx(
        db, actor=actor, state=state, provider_id=provider_id, resource_id=resource_id
    )
    return Response(
        content=data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="error-reports.xlsx"'},
    )


@router.post("/error-reports", response_model=ErrorReportOut, status_code=201, responses=ERRORS)
def report(
    request: Request, db: Db, body: ErrorReportIn, actor: Actor = allow(*PARTIES, scope=SCOPE)
) -> ErrorReportOut:
    """Reports a decision taken wrongly because of inaccurate shared data (GZ 31)."""
    made = error_reports.report_error(
        db,
        actor=actor,
        resource_id=body.resource_id,
        items=body.items,
        decision_reference=body.decision_reference,
        decided_on=body.decided_on,
        description=body.description,
        remedy=body.remedy,
        verification_request_id=body.verification_request_id,
        today=today_of(request),
    )
    return out(made)


@router.get("/error-reports/{report_id}", response_model=ErrorReportOut, responses=ERRORS)
def get_report(
    db: Db, report_id: int, actor: Actor = allow(*READERS, scope=SCOPE)
) -> ErrorReportOut:
    """One report, for its consumer, its provider, the authority and auditors."""
    return out(error_reports.get(db, actor=actor, report_id=report_id))


@router.post("/error-reports/{report_id}/file", response_model=ErrorReportOut, responses=ERRORS)
def file_report(
    request: Request,
    db: Db,
    report_id: int,
    body: ErrorReportNoteIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> ErrorReportOut:
    """The authority files the report (备案, GZ 31)."""
    return out(
        error_reports.file_report(
            db, actor=actor, report_id=report_id, note=body.note, today=today_of(request)
        )
    )


@router.post("/error-reports/{report_id}/return", response_model=ErrorReportOut, responses=ERRORS)
def return_report(
    request: Request,
    db: Db,
    report_id: int,
    body: ErrorReportNoteIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> ErrorReportOut:
    """The authority returns the report for more information."""
    return out(
        error_reports.return_report(
            db, actor=actor, report_id=report_id, note=body.note, today=today_of(request)
        )
    )


@router.post("/error-reports/{report_id}/resubmit", response_model=ErrorReportOut, responses=ERRORS)
def resubmit(
    request: Request,
    db: Db,
    report_id: int,
    body: ErrorReportResubmitIn,
    actor: Actor = allow(*PARTIES, scope=SCOPE),
) -> ErrorReportOut:
    """The consumer completes a returned report and sends it again."""
    return out(
        error_reports.resubmit(
            db,
            actor=actor,
            report_id=report_id,
            description=body.description,
            remedy=body.remedy,
            today=today_of(request),
        )
    )
