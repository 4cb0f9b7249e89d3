"""Console pages of error reports (差错报备, GZ 31): lists with counts, the form, one report."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.catalogue.models import Resource
from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow, get_db
from govshare.http.rendering import (
    act_then_redirect,
    flash,
    form_error,
    redirect,
    render,
    today_of,
)
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Department, Role
from govshare.quality import error_reports
from govshare.quality.error_report_models import ReportState
from govshare.quality.error_report_routes import XLSX

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

PARTIES = (Role.DATA_OFFICER, Role.STAFF)
OVERSEERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
Text = Annotated[str, Form()]
SPLIT = re.compile("[,\uff0c\u3001;\uff1b\n]+")  # commas, 、 and semicolons, ASCII or full-width


def _int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("not a number: {value}", code="invalid_number", value=value)
    return int(value)


def _day(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("not a date: {value}", code="invalid_date", value=value) from None


def _state(value: str) -> ReportState | None:
    return ReportState(value) if value in set(ReportState) else None


def _names(db: Session) -> dict[int, str]:
    return {i: n for i, n in db.execute(select(Department.id, Department.name))}


def _resources(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.execute(select(Resource.id, Resource.name).where(Resource.id.in_(ids)))
    return {i: n for i, n in rows}


@router.get("/error-reports", response_class=HTMLResponse)
def report_list(
    request: Request,
    db: Db,
    state: str = "",
    provider_id: str = "",
    resource_id: str = "",
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """The authority's list with counts by provider and resource; a department's own reports."""
    sees_all = error_reports.sees_all(actor)
    provider, resource = _int(provider_id), _int(resource_id)
    found = error_reports.list_reports(
        db,
        actor=actor,
        state=_state(state),
        provider_id=provider,
        resource_id=resource,
        page=page,
        per_page=25,
    )
    return render(
        request,
        "quality/error_report_list.html",
        {
            "page": found,
            "state": state,
            "provider_id": provider_id,
            "resource_id": resource_id,
            "states": list(ReportState),
            "names": _names(db),
            "resources": _resources(db, {r.resource_id for r in found.items}),
            "sees_all": sees_all,
            "by_provider": error_reports.counts_by_provider(db, actor=actor) if sees_all else [],
            "by_resource": (
                error_reports.counts_by_resource(db, actor=actor, provider_id=provider)
                if sees_all
                else []
            ),
            "may_report": actor.has_role(*PARTIES),
            "rules": error_reports.rules(),
        },
    )


@router.get("/error-reports/export.xlsx", response_class=Response)
def export(
    db: Db,
    state: str = "",
    provider_id: str = "",
    resource_id: str = "",
    actor: Actor = allow(*OVERSEERS),
) -> Response:
    """The authority's filtered list as an Excel workbook."""
    data = error_reports.export_xlsx(
        db,
        actor=actor,
        state=_state(state),
        provider_id=_int(provider_id),
        resource_id=_int(resource_id),
    )
    return Response(
        content=data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="error-reports.xlsx"'},
    )


@router.get("/error-reports/new", response_class=HTMLResponse)
def report_form(
    request: Request,
    db: Db,
    resource_id: str = "",
    verification_request_id: str = "",
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The form to report an error (optionally prefilled from a resource or a verification request)."""
    rows = db.execute(
        select(Resource.id, Resource.code, Resource.name)
        .where(Resource.department_id != actor.department_id)
        .order_by(Resource.code)
        .limit(1000)
    )
    return render(
        request,
        "quality/error_report_form.html",
        {
            "resources": list(rows),
            "resource_id": resource_id,
            "verification_request_id": verification_request_id,
            "rules": error_reports.rules(),
        },
    )


@router.post("/error-reports")
def report(
    request: Request,
    db: Db,
    resource_id: Text = "",
    items: Text = "",
    decision_reference: Text = "",
    decided_on: Text = "",
    description: Text = "",
    remedy: Text = "",
    verification_request_id: Text = "",
    actor: Actor = allow(*PARTIES),
) -> Response:
    """Sends the report to the authority."""
    try:
        with db.begin_nested():
            resource = _int(resource_id)
            if resource is None:
                raise Invalid("choose the resource", code="resource_required")
            made = error_reports.report_error(
                db,
                actor=actor,
                resource_id=resource,
                items=SPLIT.split(items),
                decision_reference=decision_reference,
                decided_on=_day(decided_on),
                description=description,
                remedy=remedy,
                verification_request_id=_int(verification_request_id),
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, "/error-reports/new")
    flash(request, "Error report sent")
    return redirect(f"/error-reports/{made.id}")


@router.get("/error-reports/{report_id}", response_class=HTMLResponse)
def report_detail(
    request: Request, db: Db, report_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """One report, with the authority's actions or the consumer's completion."""
    r = error_reports.get(db, actor=actor, report_id=report_id)
    return render(
        request,
        "quality/error_report_detail.html",
        {
            "r": r,
            "names": _names(db),
            "resources": _resources(db, {r.resource_id}),
            "rules": error_reports.rules(),
            "may_handle": actor.has_role(Role.AUTHORITY_ADMIN) and r.state == ReportState.REPORTED,
            "may_resubmit": actor.has_role(*PARTIES)
            and actor.department_id == r.consumer_department_id
            and r.state == ReportState.RETURNED,
        },
    )


def _act(request: Request, report_id: int, message: str, act: Callable[[], object]) -> Response:
    db = get_db(request)
    return act_then_redirect(
        request, db, back=f"/error-reports/{report_id}", done=message, step=act
    )


@router.post("/error-reports/{report_id}/file")
def file_report(
    request: Request,
    db: Db,
    report_id: int,
    note: Text = "",
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """The authority files the report."""

    def act() -> None:
        error_reports.file_report(
            db, actor=actor, report_id=report_id, note=note, today=today_of(request)
        )

    return _act(request, report_id, "Report filed", act)


@router.post("/error-reports/{report_id}/return")
def return_report(
    request: Request,
    db: Db,
    report_id: int,
    note: Text = "",
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """The authority returns the report for more information."""

    def act() -> None:
        error_reports.return_report(
            db, actor=actor, report_id=report_id, note=note, today=today_of(request)
        )

    return _act(request, report_id, "Report returned", act)


@router.post("/error-reports/{report_id}/resubmit")
def resubmit(
    request: Request,
    db: Db,
    report_id: int,
    description: Text = "",
    remedy: Text = "",
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The consumer completes the returned report."""

    def act() -> None:
        error_reports.resubmit(
            db,
            actor=actor,
            report_id=report_id,
            description=description,
            remedy=remedy,
            today=today_of(request),
        )

    return _act(request, report_id, "Error report sent", act)
