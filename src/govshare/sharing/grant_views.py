"""Console pages of grants: my grants, grants given, one grant's record, its revocation,
suspension and renewal, and the export of a list (GZ 26-28; ZS 22, 37; JS 18).

Every act calls `grant_life` (or `applications.submit` for a renewal); these pages parse,
authorise, call and render.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from govshare.calendar.service import WorkingCalendar
from govshare.http.deps import Db, TransactionalRoute, allow, get_db
from govshare.http.rendering import (
    act_then_redirect,
    flash,
    form_error,
    redirect,
    render,
    today_of,
)
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Forbidden, Invalid
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.sharing import applications, grant_life
from govshare.sharing import service as sharing

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

PARTIES = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF)
GIVERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER)
MANAGERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
APPLICANTS = (Role.STAFF, Role.DATA_OFFICER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 25


def _filters(
    db: Db, state: str, resource: str, department_id: str
) -> tuple[sharing.GrantState | None, int | None, int | None]:
    """The list filters as the service takes them; an unknown value filters nothing."""
    chosen = sharing.GrantState(state) if state in set(sharing.GrantState) else None
    resource_id = None
    if resource.strip():
        try:
            resource_id = sharing.resource_id_of(db, code=resource.strip())
        except DomainError:
            resource_id = -1  # a code not in the directory: nothing matches
    dept = int(department_id) if department_id.isdigit() else None
    return chosen, resource_id, dept


def _list(
    request: Request,
    db: Db,
    actor: Actor,
    side: grant_life.Side,
    state: str,
    resource: str,
    department_id: str,
    page: int,
) -> Response:
    chosen, resource_id, dept = _filters(db, state, resource, department_id)
    sees_all = actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)
    found = grant_life.list_grants(
        db,
        actor=actor,
        side=side,
        today=today_of(request),
        department_id=dept if sees_all else None,
        resource_id=resource_id,
        state=chosen,
        page=page,
        per_page=PER_PAGE,
    )
    query = urlencode({"state": state, "resource": resource, "department_id": department_id})
    return render(
        request,
        "sharing/grants.html",
        {
            "side": side,
            "page": found,
            "query": query,
            "state": state,
            "resource": resource,
            "department_id": department_id,
            "states": list(sharing.GrantState),
            "sees_all": sees_all,
            "departments": orgs.list_departments(db, per_page=200).items if sees_all else [],
        },
    )


@router.get("/grants", response_class=HTMLResponse)
def my_grants(
    request: Request,
    db: Db,
    state: str = "",
    resource: str = "",
    department_id: str = "",
    page: int = 1,
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The grants the department holds (the authority and auditors: all, by department)."""
    return _list(request, db, actor, "held", state, resource, department_id, page)


@router.get("/grants/given", response_class=HTMLResponse)
def grants_given(
    request: Request,
    db: Db,
    state: str = "",
    resource: str = "",
    department_id: str = "",
    page: int = 1,
    actor: Actor = allow(*GIVERS),
) -> Response:
    """The grants given on the department's resources (the authority and auditors: all)."""
    return _list(request, db, actor, "given", state, resource, department_id, page)


@router.get("/grants/export", response_class=Response)
def export(
    request: Request,
    db: Db,
    format: Literal["xlsx", "csv"] = "xlsx",
    side: grant_life.Side = "held",
    state: str = "",
    resource: str = "",
    department_id: str = "",
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The list as an Excel workbook or CSV, with the list's filters."""
    if side == "given" and not actor.has_role(*GIVERS):
        raise Forbidden("the grants given are listed for providers", code="not_a_provider")
    chosen, resource_id, dept = _filters(db, state, resource, department_id)
    sees_all = actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)
    rows = grant_life.export_rows(
        db,
        actor=actor,
        side=side,
        today=today_of(request),
        department_id=dept if sees_all else None,
        resource_id=resource_id,
        state=chosen,
    )
    name = f"grants-{side}-{today_of(request).isoformat()}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(grant_life.to_csv(rows), media_type="text/csv", headers=headers)
    return Response(grant_life.to_xlsx(rows), media_type=XLSX, headers=headers)


@router.get("/grants/{grant_id}", response_class=HTMLResponse)
def grant_page(request: Request, db: Db, grant_id: int, actor: Actor = allow(*PARTIES)) -> Response:
    """One grant: what, who, when, why, its history, and what the viewer may do with it."""
    today = today_of(request)
    record = grant_life.grant_record(db, actor=actor, grant_id=grant_id, today=today)
    grant = record.row.grant
    state = record.row.view.state
    may_manage = actor.has_role(*MANAGERS) and grant_life.may_manage(db, actor, grant)
    may_renew = actor.department_id == grant.consumer_department_id and actor.has_role(*APPLICANTS)
    renewable = state == sharing.GrantState.EXPIRED or grant_life.is_expiring(
        WorkingCalendar(db), grant, today
    )
    return render(
        request,
        "sharing/grants_detail.html",
        {
            "r": record,
            "g": grant,
            "state": state,
            "may_manage": may_manage,
            "may_renew": may_renew and renewable and not record.renewals,
            "notice_days": grant_life.expiry_notice_days(),
        },
    )


def _act(request: Request, grant_id: int, act: Any, done: str) -> Response:
    db = get_db(request)
    return act_then_redirect(request, db, back=f"/grants/{grant_id}", done=done, step=act)


@router.post("/grants/{grant_id}/revoke")
def revoke(
    request: Request,
    db: Db,
    grant_id: int,
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*MANAGERS),
) -> Response:
    """Revokes the grant with the reason given (effective for the next query)."""
    today = today_of(request)

    def act() -> None:
        with db.begin_nested():
            grant_life.revoke(db, actor=actor, grant_id=grant_id, reason=reason, today=today)

    return _act(request, grant_id, act, "Grant revoked")


@router.post("/grants/{grant_id}/suspend")
def suspend(
    request: Request,
    db: Db,
    grant_id: int,
    reason: Annotated[str, Form()] = "",
    cause: Annotated[str, Form()] = "",
    actor: Actor = allow(*MANAGERS),
) -> Response:
    """Suspends the grant with the reason given."""
    today = today_of(request)

    def act() -> None:
        with db.begin_nested():
            grant_life.suspend(
                db, actor=actor, grant_id=grant_id, reason=reason, cause=cause, today=today
            )

    return _act(request, grant_id, act, "Grant suspended")


@router.post("/grants/{grant_id}/lift")
def lift(
    request: Request,
    db: Db,
    grant_id: int,
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*MANAGERS),
) -> Response:
    """Lifts the grant's suspension with the reason given."""
    today = today_of(request)

    def act() -> None:
        with db.begin_nested():
            grant_life.lift(db, actor=actor, grant_id=grant_id, reason=reason, today=today)

    return _act(request, grant_id, act, "Suspension lifted")


# --- renewal -------------------------------------------------------------------------------------


def _renew_page(
    request: Request, grant_id: int, values: dict[str, Any], status: int = 200
) -> Response:
    return render(request, "sharing/grants_renew.html", {"grant_id": grant_id, "v": values}, status)


@router.get("/grants/{grant_id}/renew", response_class=HTMLResponse)
def renew_form(
    request: Request, db: Db, grant_id: int, actor: Actor = allow(*APPLICANTS)
) -> Response:
    """The renewal application, prefilled from the grant's application."""
    try:
        values = grant_life.renewal_prefill(
            db, actor=actor, grant_id=grant_id, today=today_of(request)
        )
    except DomainError as exc:
        return form_error(request, exc, f"/grants/{grant_id}")
    return _renew_page(request, grant_id, values)


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", "\n").replace(",", "\n").splitlines() if p.strip()]


@router.post("/grants/{grant_id}/renew", response_class=HTMLResponse)
def renew(
    request: Request,
    db: Db,
    grant_id: int,
    purpose_text: Annotated[str, Form()] = "",
    legal_basis: Annotated[str, Form()] = "",
    purposes: Annotated[str, Form()] = "",
    items: Annotated[list[str] | None, Form()] = None,
    expected_volume: Annotated[str, Form()] = "",
    period_from: Annotated[str, Form()] = "",
    period_until: Annotated[str, Form()] = "",
    involves_secret_or_privacy: Annotated[str, Form()] = "",
    actor: Actor = allow(*APPLICANTS),
) -> Response:
    """Submits the renewal application; on a refusal the form is shown again with the values."""
    today = today_of(request)
    values: dict[str, Any] = {
        "purpose_text": purpose_text,
        "legal_basis": legal_basis,
        "purposes": _lines(purposes),
        "items": items or [],
        "expected_volume": expected_volume,
        "period_from": period_from,
        "period_until": period_until,
        "involves_secret_or_privacy": bool(involves_secret_or_privacy),
    }
    try:
        prefill = grant_life.renewal_prefill(db, actor=actor, grant_id=grant_id, today=today)
        values["resource_id"] = prefill["resource_id"]
        values["offered_items"] = prefill["items"]
        with db.begin_nested():
            application = applications.submit(
                db,
                actor=actor,
                resource_id=prefill["resource_id"],
                purpose_text=purpose_text,
                legal_basis=legal_basis,
                purposes=values["purposes"],
                items=values["items"],
                expected_volume=expected_volume,
                period_from=_day(period_from),
                period_until=_day(period_until),
                involves_secret_or_privacy=values["involves_secret_or_privacy"],
                today=today,
                renews_grant_id=grant_id,
            )
    except (Invalid, DomainError) as exc:
        flash(request, exc.template, "error", **{k: str(v) for k, v in exc.details.items()})
        values.setdefault("offered_items", values["items"])
        return _renew_page(request, grant_id, values, 422)
    flash(request, "Renewal application {id} submitted", id=str(application.id))
    return redirect(f"/grants/{grant_id}")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("enter a date (YYYY-MM-DD)", code="invalid_date") from None
