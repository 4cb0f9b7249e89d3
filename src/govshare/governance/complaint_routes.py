"""JSON API of complaints (/api/v1/complaints): file, list, read, handle, answer, withdraw."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response

from govshare.attachments import service as attachments
from govshare.governance import complaint_acts, complaint_letter, complaints
from govshare.governance.complaint_models import Complaint, ComplaintState
from govshare.governance.complaint_schemas import (
    ComplaintAnswerIn,
    ComplaintFileIn,
    ComplaintFindingsIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintTakeUpIn,
    ComplaintTextIn,
)
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["complaints"])

PARTIES = (Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, *PARTIES)
HANDLERS = (Role.AUTHORITY_ADMIN, *PARTIES)
SCOPE = "applications:write"
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not the complainant, the respondent or the authority"},
    404: {"description": "no such complaint (or department, resource, application)"},
    409: {"description": "complaint_closed, not_received, not_investigating, not_answered"},
    422: {"description": "invalid input or attachment"},
}


def out(request: Request, actor: Actor, complaint: Complaint) -> ComplaintOut:
    """The API shape of a complaint for this reader."""
    return ComplaintOut.of(
        complaint,
        overdue=complaints.is_overdue(complaint, today_of(request)),
        in_writing=complaints.rules().answer_in_writing.enabled,
        findings=complaints.may_read_findings(actor, complaint),
    )


@router.get("/complaints", response_model=ComplaintPage)
def list_complaints(
    request: Request,
    db: Db,
    state: ComplaintState | None = None,
    department_id: int | None = None,
    side: str | None = None,
    overdue: bool = False,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> ComplaintPage:
    """Complaints: all for the authority and auditors, a department's own (filed or faced) else."""
    found = complaints.list_complaints(
        db,
        actor=actor,
        today=today_of(request),
        state=state,
        department_id=department_id,
        side=side,
        overdue=overdue,
        page=page,
        per_page=per_page,
    )
    return ComplaintPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[out(request, actor, c) for c in found.items],
    )


@router.post("/complaints", response_model=ComplaintOut, status_code=201, responses=ERRORS)
def file_complaint(
    request: Request, db: Db, body: ComplaintFileIn, actor: Actor = allow(*PARTIES, scope=SCOPE)
) -> ComplaintOut:
    """Files a complaint about another department with the authority (GZ 36; ZZ 32)."""
    complaint = complaints.file_complaint(
        db,
        actor=actor,
        respondent_department_id=body.respondent_department_id,
        ground=body.ground,
        subject=body.subject,
        description=body.description,
        resource_id=body.resource_id,
        application_id=body.application_id,
        today=today_of(request),
    )
    return out(request, actor, complaint)


@router.get("/complaints/{complaint_id}", response_model=ComplaintOut, responses=ERRORS)
def get_complaint(
    request: Request, db: Db, complaint_id: int, actor: Actor = allow(*READERS, scope=SCOPE)
) -> ComplaintOut:
    """One complaint, for its two departments, the authority and auditors."""
    return out(request, actor, complaints.get(db, actor=actor, complaint_id=complaint_id))


@router.post("/complaints/{complaint_id}/take-up", response_model=ComplaintOut, responses=ERRORS)
def take_up(
    request: Request,
    db: Db,
    complaint_id: int,
    body: ComplaintTakeUpIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> ComplaintOut:
    """The authority starts investigating and names the investigator."""
    complaint = complaints.take_up(
        db,
        actor=actor,
        complaint_id=complaint_id,
        investigator=body.investigator,
        today=today_of(request),
    )
    return out(request, actor, complaint)


@router.post("/complaints/{complaint_id}/findings", response_model=ComplaintOut, responses=ERRORS)
def findings(
    request: Request,
    db: Db,
    complaint_id: int,
    body: ComplaintFindingsIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> ComplaintOut:
    """The investigator records the findings so far."""
    complaint = complaints.record_findings(
        db, actor=actor, complaint_id=complaint_id, findings=body.findings, today=today_of(request)
    )
    return out(request, actor, complaint)


@router.post("/complaints/{complaint_id}/answer", response_model=ComplaintOut, responses=ERRORS)
def answer(
    request: Request,
    db: Db,
    complaint_id: int,
    body: ComplaintAnswerIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> ComplaintOut:
    """The authority answers the complainant: upheld or not (in writing: GZ 36)."""
    complaint = complaints.answer(
        db,
        actor=actor,
        complaint_id=complaint_id,
        upheld=body.upheld,
        text=body.answer,
        findings=body.findings,
        today=today_of(request),
    )
    return out(request, actor, complaint)


@router.post("/complaints/{complaint_id}/statement", response_model=ComplaintOut, responses=ERRORS)
def statement(
    request: Request,
    db: Db,
    complaint_id: int,
    body: ComplaintTextIn,
    actor: Actor = allow(*PARTIES, scope=SCOPE),
) -> ComplaintOut:
    """The respondent's statement to the authority on an open complaint."""
    complaint = complaint_acts.respond(
        db, actor=actor, complaint_id=complaint_id, statement=body.text, today=today_of(request)
    )
    return out(request, actor, complaint)


@router.post("/complaints/{complaint_id}/withdraw", response_model=ComplaintOut, responses=ERRORS)
def withdraw(
    request: Request,
    db: Db,
    complaint_id: int,
    body: ComplaintTextIn,
    actor: Actor = allow(*PARTIES, scope=SCOPE),
) -> ComplaintOut:
    """The complainant withdraws its complaint before the answer."""
    complaint = complaint_acts.withdraw(
        db, actor=actor, complaint_id=complaint_id, reason=body.text, today=today_of(request)
    )
    return out(request, actor, complaint)


@router.post(
    "/complaints/{complaint_id}/attachments",
    response_model=ComplaintOut,
    status_code=201,
    responses=ERRORS,
)
def add_files(
    request: Request,
    db: Db,
    complaint_id: int,
    files: Annotated[list[UploadFile], File()],
    actor: Actor = allow(*HANDLERS, scope=SCOPE),
) -> ComplaintOut:
    """Adds evidence to an open complaint (complainant, respondent or authority)."""
    uploads = [attachments.Upload(f.filename or "", f.file.read()) for f in files]
    complaint = complaint_acts.add_evidence(
        db, actor=actor, complaint_id=complaint_id, uploads=uploads
    )
    return out(request, actor, complaint)


def pdf_response(name: str, pdf: bytes) -> Response:
    """A PDF download."""
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.get("/complaints/{complaint_id}/answer.pdf", response_class=Response, responses=ERRORS)
def answer_pdf(db: Db, complaint_id: int, actor: Actor = allow(*READERS, scope=SCOPE)) -> Response:
    """The written answer of an answered complaint (GZ 36), as a PDF."""
    name, pdf = complaint_letter.written_answer(db, actor=actor, complaint_id=complaint_id)
    return pdf_response(name, pdf)
