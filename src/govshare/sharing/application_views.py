"""Console pages of applications for conditional data (GZ 25-27; ZS 19-22; JS 17-18).

The consumer applies and follows its applications, the provider answers from its inbox, the
authority watches every open item and reads the reports. Every act calls the service of
`applications`; these pages parse, authorise, call and render.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from govshare.attachments import service as attachments
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue import directory
from govshare.catalogue.enums import SharingType
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.i18n import translator
from govshare.http.rendering import flash, locale_of, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile
from govshare.sharing import application_reports as reports
from govshare.sharing import applications
from govshare.sharing import service as sharing
from govshare.sharing.application_forms import (
    CODES,
    GRANT_LABELS,
    MESSAGES,
    REFUSED_FORM,
    STATE_LABELS,
    ApplyForm,
    flash_error,
    item_rows,
    known,
    parse_day,
    parse_state,
    timeline,
    uploads_of,
)
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.application_routes import OWNER

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

S = ApplicationState
APPLICANTS = (Role.STAFF, Role.DATA_OFFICER)
PARTIES = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF)
ANALYSTS = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
# Refusals the user can mend by changing the form; anything else (403, 404) is an error page.
MENDABLE = (Invalid, Conflict)


def _names(request: Request, db: Db) -> dict[int, str]:
    english = locale_of(request) == "en"
    return {
        d.id: (d.name_en if english and d.name_en else d.name)
        for d in orgs.list_departments(db, per_page=200).items
    }


def _page(
    request: Request, db: Db, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    common = {
        "depts": _names(request, db),
        "state_labels": STATE_LABELS,
        "grant_labels": GRANT_LABELS,
        "states": list(S),
        "profile": get_active_profile(),
    }
    return render(request, template, {**common, **context}, status)


# --- applying ------------------------------------------------------------------------------------


def _apply_page(
    request: Request, db: Db, entry: Any, form: ApplyForm, status: int = 200
) -> Response:
    secret = get_active_profile().applications.response_deadline(involves_secret_or_privacy=True)
    usual = get_active_profile().applications.response_deadline(involves_secret_or_privacy=False)
    return _page(
        request,
        db,
        "sharing/application_form.html",
        {
            "e": entry,
            "item_rows": item_rows(entry),
            "form": form,
            "values": form.values,
            "errors": form.errors,
            "deadline": usual,
            "secret_deadline": secret,
        },
        status,
    )


@router.get("/applications/new", response_class=HTMLResponse)
def new_application(
    request: Request, db: Db, resource: int, actor: Actor = allow(*APPLICANTS)
) -> Response:
    """The application form for a conditional resource of the sharing directory."""
    entry = directory.get_entry(db, resource_id=resource)
    if entry.sharing_type != SharingType.CONDITIONAL:
        raise Invalid(
            "this resource is not shared conditionally: nothing to apply for",
            code="not_conditional",
        )
    if entry.department_id == actor.department_id:
        raise Invalid("a department does not apply for its own data", code="own_resource")
    today = today_of(request)
    values = {
        "period_from": today.isoformat(),
        "period_until": (today + timedelta(days=364)).isoformat(),
    }
    return _apply_page(request, db, entry, ApplyForm(values=values, items=[]))


@router.post("/applications/new", response_class=HTMLResponse)
async def submit_application(
    request: Request, db: Db, actor: Actor = allow(*APPLICANTS)
) -> Response:
    """Submits the application with its attachments; a refused form comes back as typed."""
    posted = await request.form()
    text = (
        "purpose_text",
        "legal_basis",
        "purposes",
        "expected_volume",
        "period_from",
        "period_until",
    )
    form = ApplyForm(
        values={k: str(posted.get(k, "")).strip() for k in text},
        items=[str(v) for v in posted.getlist("items")],
        secret=str(posted.get("involves_secret_or_privacy", "")) in ("on", "true", "1"),
    )
    resource_id = str(posted.get("resource_id", ""))
    if not resource_id.isdigit():
        raise Invalid("name the resource applied for", code="missing_resource")
    entry = directory.get_entry(db, resource_id=int(resource_id))
    uploads = await uploads_of(posted)
    gettext = translator(locale_of(request))
    # Every empty required field at once (the service stops at the first problem).
    for code in form.missing():
        msgid, name = MESSAGES[code]
        form.add_error(name, gettext(msgid))
    if form.errors:
        flash(request, REFUSED_FORM, "error")
        return _apply_page(request, db, entry, form, 422)
    try:
        period_from, period_until = (
            parse_day(form.values["period_from"]),
            parse_day(form.values["period_until"]),
        )
        if period_from is None or period_until is None:
            raise Invalid("enter a date (YYYY-MM-DD)", code="invalid_date")
        with db.begin_nested():
            application = applications.submit(
                db,
                actor=actor,
                resource_id=entry.resource_id,
                purpose_text=form.values["purpose_text"],
                legal_basis=form.values["legal_basis"],
                purposes=[c for c in CODES.split(form.values["purposes"]) if c],
                items=form.items,
                expected_volume=form.values["expected_volume"],
                period_from=period_from,
                period_until=period_until,
                involves_secret_or_privacy=form.secret,
                today=today_of(request),
            )
            attachments.attach(
                db, actor=actor, owner_type=OWNER, owner_id=application.id, uploads=uploads
            )
    except MENDABLE as exc:
        msgid, name, params = known(exc)
        form.add_error(name, gettext(msgid, **params))
        flash(request, REFUSED_FORM, "error")
        return _apply_page(request, db, entry, form, exc.status)
    if application.due_on:
        flash(
            request,
            "Application submitted: the provider answers by {due}",
            due=str(application.due_on),
        )
    else:
        flash(request, "Application submitted")
    return redirect(f"/applications/{application.id}")


# --- lists ---------------------------------------------------------------------------------------


@router.get("/applications", response_class=HTMLResponse)
def my_applications(
    request: Request,
    db: Db,
    q: str = "",
    state: str = "",
    page: int = 1,
    actor: Actor = allow(*APPLICANTS),
) -> Response:
    """The department's applications as consumer, newest first; search and filter by state."""
    found = reports.search(
        db,
        actor=actor,
        today=today_of(request),
        box="mine",
        q=q,
        state=parse_state(state),
        page=page,
    )
    query = urlencode({"q": q, "state": state})
    return _page(
        request,
        db,
        "sharing/applications.html",
        {"page": found, "q": q, "state": state, "query": query},
    )


@router.get("/applications/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    db: Db,
    q: str = "",
    state: str = "",
    page: int = 1,
    actor: Actor = allow(Role.DATA_OFFICER),
) -> Response:
    """Applications addressed to the department: the open ones by due date, or those of a state."""
    chosen = parse_state(state)
    found = reports.search(
        db,
        actor=actor,
        today=today_of(request),
        box="inbox",
        q=q,
        state=chosen,
        open_only=chosen is None,
        page=page,
    )
    query = urlencode({"q": q, "state": state})
    return _page(
        request,
        db,
        "sharing/applications_inbox.html",
        {"page": found, "q": q, "state": state, "query": query},
    )


def _report_args(request: Request, period_from: str, period_until: str) -> tuple[date, date]:
    start, end = reports.default_period(today_of(request))
    return parse_day(period_from) or start, parse_day(period_until) or end


@router.get("/applications/overview", response_class=HTMLResponse)
def overview(
    request: Request,
    db: Db,
    department_id: str = "",
    overdue: str = "",
    period_from: str = "",
    period_until: str = "",
    page: int = 1,
    actor: Actor = allow(*ANALYSTS),
) -> Response:
    """Every open application, overdue ones by department, and the reports of a period."""
    today = today_of(request)
    dept = int(department_id) if department_id.isdigit() else None
    start, end = _report_args(request, period_from, period_until)
    found = reports.search(
        db,
        actor=actor,
        today=today,
        box="all",
        open_only=True,
        overdue_only=bool(overdue),
        department_id=dept,
        page=page,
    )
    rep = reports.report(db, period_from=start, period_until=end, department_id=dept)
    params = {
        "department_id": department_id,
        "period_from": start.isoformat(),
        "period_until": end.isoformat(),
    }
    return _page(
        request,
        db,
        "sharing/applications_overview.html",
        {
            "page": found,
            "by_department": reports.open_by_department(db, today=today),
            "report": rep,
            "chart": reports.chart(rep),
            "series": reports.SERIES,
            "dept": dept,
            "overdue": overdue,
            "params": params,
            "query": urlencode({**params, "overdue": overdue}),
            "export": urlencode(params),
        },
    )


@router.get("/applications/reports.xlsx", response_class=Response)
def report_workbook(
    request: Request,
    db: Db,
    department_id: str = "",
    period_from: str = "",
    period_until: str = "",
    actor: Actor = allow(*ANALYSTS),
) -> Response:
    """The reports of the period as an Excel workbook (measures, and the refusal reasons)."""
    start, end = _report_args(request, period_from, period_until)
    dept = int(department_id) if department_id.isdigit() else None
    rep = reports.report(db, period_from=start, period_until=end, department_id=dept)
    content = reports.to_xlsx(
        rep, names=_names(request, db), gettext=translator(locale_of(request))
    )
    return Response(
        content=content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="applications-{start}-{end}.xlsx"'},
    )


# --- one application -------------------------------------------------------------------------------


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_page(
    request: Request, db: Db, application_id: int, actor: Actor = allow(*PARTIES)
) -> Response:
    """One application: its timeline, attachments, grant, and the acts open to the reader."""
    application = applications.get_application(db, actor=actor, application_id=application_id)
    today = today_of(request)
    view = applications.view(WorkingCalendar(db), application, today)
    grant = sharing.get_grant(db, grant_id=application.grant_id) if application.grant_id else None
    state = S(application.state)
    officer = (
        actor.has_role(Role.DATA_OFFICER)
        and actor.department_id == application.provider_department_id
    )
    consumer = (
        actor.has_role(*APPLICANTS) and actor.department_id == application.consumer_department_id
    )
    silence = get_active_profile().applications.on_silence
    late = application.due_on is not None and today > application.due_on and bool(silence.effect)
    return _page(
        request,
        db,
        "sharing/application_detail.html",
        {
            "application": application,
            "view": view,
            "timeline": timeline(application, grant.source if grant else None),
            "attachments": attachments.list_for(db, owner_type=OWNER, owner_id=application.id),
            "grant": grant,
            "grant_state": sharing.grant_state(grant, today=today) if grant else None,
            "may_withdraw": consumer and state == S.SUBMITTED,
            "may_answer": officer and state == S.SUBMITTED and not late,
            "may_deliver": officer and state in applications.OPEN_FOR_DELIVERY,
            "may_attach": officer or consumer,
            "answer_late": officer and state == S.SUBMITTED and late,
        },
    )


def _act(request: Request, db: Db, application_id: int, act: Any, done: str) -> Response:
    """Runs one act of the service; a refusal it can explain comes back as a flash message."""
    try:
        with db.begin_nested():
            act()
    except (*MENDABLE, IllegalTransition) as exc:
        flash_error(request, exc, db.get(Application, application_id))
    else:
        flash(request, done)
    return redirect(f"/applications/{application_id}")


@router.post("/applications/{application_id}/withdraw", response_class=HTMLResponse)
def withdraw(
    request: Request, db: Db, application_id: int, actor: Actor = allow(*APPLICANTS)
) -> Response:
    """Withdraws the department's application before it is answered."""
    applications.get_application(db, actor=actor, application_id=application_id)
    return _act(
        request,
        db,
        application_id,
        lambda: applications.withdraw(
            db, actor=actor, application_id=application_id, today=today_of(request)
        ),
        "Application withdrawn",
    )


@router.post("/applications/{application_id}/approve", response_class=HTMLResponse)
async def approve(
    request: Request, db: Db, application_id: int, actor: Actor = allow(Role.DATA_OFFICER)
) -> Response:
    """Approves all or some of the items, for all or part of the period; the grant is created."""
    posted = await request.form()
    applications.get_application(db, actor=actor, application_id=application_id)

    def act() -> None:
        applications.approve(
            db,
            actor=actor,
            application_id=application_id,
            today=today_of(request),
            items=[str(v) for v in posted.getlist("items")],
            valid_from=parse_day(str(posted.get("valid_from", ""))),
            valid_until=parse_day(str(posted.get("valid_until", ""))),
            note=str(posted.get("note", "")),
        )

    return _act(request, db, application_id, act, "Application approved: the grant is created")


@router.post("/applications/{application_id}/refuse", response_class=HTMLResponse)
async def refuse(
    request: Request, db: Db, application_id: int, actor: Actor = allow(Role.DATA_OFFICER)
) -> Response:
    """Refuses the application; the reasons are mandatory (GZ 26; ZS 22; JS 18)."""
    posted = await request.form()
    applications.get_application(db, actor=actor, application_id=application_id)
    return _act(
        request,
        db,
        application_id,
        lambda: applications.refuse(
            db,
            actor=actor,
            application_id=application_id,
            reason=str(posted.get("reason", "")),
            today=today_of(request),
        ),
        "Application refused",
    )


@router.post("/applications/{application_id}/deliver", response_class=HTMLResponse)
def deliver(
    request: Request, db: Db, application_id: int, actor: Actor = allow(Role.DATA_OFFICER)
) -> Response:
    """Records that the data of the agreed application are connected."""
    applications.get_application(db, actor=actor, application_id=application_id)
    return _act(
        request,
        db,
        application_id,
        lambda: applications.mark_delivered(
            db, actor=actor, application_id=application_id, today=today_of(request)
        ),
        "Delivery recorded",
    )


@router.post("/applications/{application_id}/attachments", response_class=HTMLResponse)
async def add_attachments(
    request: Request, db: Db, application_id: int, actor: Actor = allow(*APPLICANTS)
) -> Response:
    """Adds documents to the application (its two departments)."""
    posted = await request.form()
    application = applications.get_application(db, actor=actor, application_id=application_id)
    if actor.department_id not in (
        application.consumer_department_id,
        application.provider_department_id,
    ):
        raise Forbidden("only the two departments attach documents", code="not_a_party")
    uploads = await uploads_of(posted)
    return _act(
        request,
        db,
        application_id,
        lambda: attachments.attach(
            db, actor=actor, owner_type=OWNER, owner_id=application_id, uploads=uploads
        ),
        "Documents attached",
    )
