"""JSON API of applications for conditional data (/api/v1/applications)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from govshare.calendar.service import WorkingCalendar
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role
from govshare.sharing import applications
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.application_schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApproveIn,
    RefuseIn,
)

router = APIRouter(route_class=TransactionalRoute, tags=["applications"])

APPLICANTS = (Role.STAFF, Role.DATA_OFFICER, Role.SERVICE)
READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not the department (or role) this act belongs to"},
    404: {"description": "no such application"},
    409: {"description": "illegal_transition, or answer_too_late"},
    422: {"description": "invalid input, e.g. refusal_reason_required"},
}


def _out(db: Session, request: Request, application: Application) -> ApplicationOut:
    today = today_of(request)
    return ApplicationOut.of(applications.view(WorkingCalendar(db), application, today))


@router.post("/applications", response_model=ApplicationOut, status_code=201, responses=ERRORS)
def submit(
    request: Request,
    db: Db,
    body: ApplicationIn,
    actor: Actor = allow(*APPLICANTS, scope="applications:write"),
) -> ApplicationOut:
    """Applies for conditional items of a published resource on behalf of the caller's department (GZ 26; ZS 22; JS 18)."""
    application = applications.submit(db, actor=actor, today=today_of(request), **body.model_dump())
    return _out(db, request, application)


@router.get("/applications", response_model=ApplicationPage)
def list_applications(
    request: Request,
    db: Db,
    box: Literal["mine", "inbox", "all"] | None = None,
    overdue: bool = False,
    state: ApplicationState | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope="applications:write"),
) -> ApplicationPage:
    """The caller's applications ("mine"), its inbox as provider ("inbox"), or all (authority)."""
    found = applications.list_applications(
        db,
        actor=actor,
        today=today_of(request),
        box=box,
        overdue=overdue,
        state=state,
        page=page,
        per_page=per_page,
    )
    return ApplicationPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[ApplicationOut.of(v) for v in found.items],
    )


@router.get("/applications/{application_id}", response_model=ApplicationOut, responses=ERRORS)
def get_application(
    request: Request,
    db: Db,
    application_id: int,
    actor: Actor = allow(*READERS, scope="applications:write"),
) -> ApplicationOut:
    """One application, to its two departments, the authority and auditors."""
    application = applications.get_application(db, actor=actor, application_id=application_id)
    return _out(db, request, application)


@router.post(
    "/applications/{application_id}/approve", response_model=ApplicationOut, responses=ERRORS
)
def approve(
    request: Request,
    db: Db,
    application_id: int,
    body: ApproveIn,
    actor: Actor = allow(Role.DATA_OFFICER),
) -> ApplicationOut:
    """Approves (possibly fewer items, a shorter period) and creates the grant (GZ 26)."""
    application = applications.approve(
        db,
        actor=actor,
        application_id=application_id,
        today=today_of(request),
        **body.model_dump(),
    )
    return _out(db, request, application)


@router.post(
    "/applications/{application_id}/refuse", response_model=ApplicationOut, responses=ERRORS
)
def refuse(
    request: Request,
    db: Db,
    application_id: int,
    body: RefuseIn,
    actor: Actor = allow(Role.DATA_OFFICER),
) -> ApplicationOut:
    """Refuses with reasons (GZ 26; ZS 22; JS 18)."""
    application = applications.refuse(
        db, actor=actor, application_id=application_id, reason=body.reason, today=today_of(request)
    )
    return _out(db, request, application)


@router.post(
    "/applications/{application_id}/withdraw", response_model=ApplicationOut, responses=ERRORS
)
def withdraw(
    request: Request,
    db: Db,
    application_id: int,
    actor: Actor = allow(*APPLICANTS, scope="applications:write"),
) -> ApplicationOut:
    """Withdraws the caller's department's application before it is answered."""
    application = applications.withdraw(
        db, actor=actor, application_id=application_id, today=today_of(request)
    )
    return _out(db, request, application)


@router.post(
    "/applications/{application_id}/deliver", response_model=ApplicationOut, responses=ERRORS
)
def deliver(
    request: Request,
    db: Db,
    application_id: int,
    actor: Actor = allow(Role.DATA_OFFICER),
) -> ApplicationOut:
    """Marks the data of an approved (or deemed agreed) application as delivered."""
    application = applications.mark_delivered(
        db, actor=actor, application_id=application_id, today=today_of(request)
    )
    return _out(db, request, application)
