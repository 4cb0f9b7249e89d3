"""JSON API of applications for conditional data (/api/v1/applications)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.calendar.service import WorkingCalendar
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden
from govshare.orgs.models import Role
from govshare.sharing import application_reports as reports
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


OWNER = "application"
ANALYSTS = (Role.AUTHORITY_ADMIN, Role.AUDITOR)


def _readers(session: Session, application_id: int) -> set[int]:
    """The departments that read an application's attachments: its consumer and its provider."""
    application = session.get(Application, application_id)
    if application is None:
        return set()
    return {application.consumer_department_id, application.provider_department_id}


attachments.register_owner(OWNER, _readers)


class AttachmentOut(BaseModel):
    """An attachment of an application (download it at /api/v1/attachments/{id})."""

    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    department_id: int | None


class ApplicationDetailOut(ApplicationOut):
    """An application with its attachments."""

    attachments: list[AttachmentOut]


class ReportRowOut(BaseModel):
    """The measures of one providing department (department_id null: all departments)."""

    department_id: int | None
    received: int
    answered: int
    answered_in_time: int
    refused: int
    deemed_consents: int
    median_working_days: float | None


class RefusalOut(BaseModel):
    """A refusal and its reasons (GZ 26; ZS 22; JS 18)."""

    application_id: int
    provider_department_id: int
    consumer_department_id: int
    resource_code: str
    answered_on: date | None
    reason: str


class ReportOut(BaseModel):
    """Applications received in the period, per providing department, and what became of them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "period_from": "2026-01-01",
                    "period_until": "2026-11-20",
                    "rows": [
                        {
                            "department_id": 3,
                            "received": 12,
                            "answered": 10,
                            "answered_in_time": 9,
                            "refused": 2,
                            "deemed_consents": 1,
                            "median_working_days": 3.0,
                        }
                    ],
                    "total": {
                        "department_id": None,
                        "received": 12,
                        "answered": 10,
                        "answered_in_time": 9,
                        "refused": 2,
                        "deemed_consents": 1,
                        "median_working_days": 3.0,
                    },
                    "refusals": [
                        {
                            "application_id": 41,
                            "provider_department_id": 3,
                            "consumer_department_id": 5,
                            "resource_code": "440100-GA-0001",
                            "answered_on": "2026-06-03",
                            "reason": "申请事项不属于申请部门法定职责范围",
                        }
                    ],
                }
            ]
        }
    )

    period_from: date
    period_until: date
    rows: list[ReportRowOut]
    total: ReportRowOut
    refusals: list[RefusalOut]

    @classmethod
    def of(cls, rep: reports.Report) -> ReportOut:
        """The API shape of a report."""

        def row(r: reports.ReportRow) -> ReportRowOut:
            return ReportRowOut(
                department_id=r.department_id,
                received=r.received,
                answered=r.answered,
                answered_in_time=r.answered_in_time,
                refused=r.refused,
                deemed_consents=r.deemed_consents,
                median_working_days=r.median_working_days,
            )

        return cls(
            period_from=rep.period_from,
            period_until=rep.period_until,
            rows=[row(r) for r in rep.rows],
            total=row(rep.total),
            refusals=[RefusalOut(**vars(f)) for f in rep.refusals],
        )


def _attachments_of(db: Session, application_id: int) -> list[AttachmentOut]:
    return [
        AttachmentOut(
            id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_by=a.uploaded_by,
            department_id=a.department_id,
        )
        for a in attachments.list_for(db, owner_type=OWNER, owner_id=application_id)
    ]


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


@router.get("/applications/reports", response_model=ReportOut, responses=ERRORS)
def report(
    request: Request,
    db: Db,
    period_from: date | None = None,
    period_until: date | None = None,
    department_id: int | None = None,
    actor: Actor = allow(*ANALYSTS),
) -> ReportOut:
    """Per providing department, applications received in the period (default: this year):
    answered, answered in time, refused with reasons, deemed consents, median working days
    to answer (GZ 26; ZS 22; JS 18)."""
    start, end = reports.default_period(today_of(request))
    rep = reports.report(
        db,
        period_from=period_from or start,
        period_until=period_until or end,
        department_id=department_id,
    )
    return ReportOut.of(rep)


@router.get("/applications/{application_id}", response_model=ApplicationDetailOut, responses=ERRORS)
def get_application(
    request: Request,
    db: Db,
    application_id: int,
    actor: Actor = allow(*READERS, scope="applications:write"),
) -> ApplicationDetailOut:
    """One application with its attachments, to its two departments, the authority and auditors."""
    application = applications.get_application(db, actor=actor, application_id=application_id)
    out = _out(db, request, application)
    return ApplicationDetailOut(**out.model_dump(), attachments=_attachments_of(db, application.id))


@router.post(
    "/applications/{application_id}/attachments",
    response_model=list[AttachmentOut],
    status_code=201,
    responses=ERRORS,
)
def add_attachments(
    db: Db,
    application_id: int,
    files: list[UploadFile] = File(description="approval documents: PDF, OFD, images, office"),
    actor: Actor = allow(*APPLICANTS, scope="applications:write"),
) -> list[AttachmentOut]:
    """Attaches documents (e.g. the approval of the use) to an application; its two departments only."""
    application = applications.get_application(db, actor=actor, application_id=application_id)
    if actor.department_id not in (
        application.consumer_department_id,
        application.provider_department_id,
    ):
        raise Forbidden("only the two departments attach documents", code="not_a_party")
    uploads = [attachments.Upload(f.filename or "", f.file.read()) for f in files]
    attachments.attach(db, actor=actor, owner_type=OWNER, owner_id=application.id, uploads=uploads)
    return _attachments_of(db, application.id)


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
