"""JSON API of verification requests (/api/v1/verification-requests): list, get, file, input, answer, withdraw.

A consumer (staff, data officer, or its business system with the `data:query` scope) files and
withdraws; the provider (data officer, or its system with `data:load`) answers or, under ZS 23,
gives its input; the authority answers where the profile says so and sees every request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile

from govshare.attachments import service as attachments
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role
from govshare.quality import verification, verification_answer, verification_queries
from govshare.quality.verification_schemas import (
    AnswerIn,
    AttachmentOut,
    FileIn,
    ProposeIn,
    RequestOut,
    RequestPage,
    RequestSummary,
    WithdrawIn,
)

router = APIRouter(route_class=TransactionalRoute, tags=["verification requests"])

CONSUMERS = (Role.STAFF, Role.DATA_OFFICER, Role.SERVICE)
PROVIDERS = (Role.DATA_OFFICER, Role.SERVICE)
ANSWERERS = (Role.AUTHORITY_ADMIN, *PROVIDERS)
READERS = (Role.AUTHORITY_ADMIN, *CONSUMERS)
BASE = "/verification-requests"
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not entitled to the items, or not this request's answerer"},
    404: {"description": "no such request (or resource, record)"},
    409: {"description": "illegal_transition, provider_input_missing"},
    422: {"description": "invalid input, must_handle_on_documents, correction_invalid"},
}


def _out(request: Request, db: Db, actor: Actor, request_id: int) -> RequestOut:
    v = verification_queries.view(db, actor=actor, request_id=request_id, today=today_of(request))
    return RequestOut.of(v)


@router.get(BASE, response_model=RequestPage)
def list_requests(
    request: Request,
    db: Db,
    state: str = "",
    overdue: bool = False,
    side: str = "",
    resource_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope="data:query"),
) -> RequestPage:
    """Requests newest first: the department's own (side: consumer or provider), or all for the authority."""
    today = today_of(request)
    p = verification_queries.list_requests(
        db,
        actor=actor,
        today=today,
        state=state,
        overdue=overdue,
        side=side,
        resource_id=resource_id,
        page=page,
        per_page=per_page,
    )
    items = []
    for r in p.items:
        s = RequestSummary.model_validate(r)
        s.overdue = verification_queries.is_overdue(r, today)
        items.append(s)
    return RequestPage(total=p.total, page=p.page, per_page=p.per_page, items=items)


@router.get(BASE + "/{request_id}", response_model=RequestOut, responses=ERRORS)
def get_request(
    request: Request, db: Db, request_id: int, actor: Actor = allow(*READERS, scope="data:query")
) -> RequestOut:
    """One request with subject, values, evidence, answer and working days left."""
    return _out(request, db, actor, request_id)


@router.post(BASE, response_model=RequestOut, status_code=201, responses=ERRORS)
def file_request(
    request: Request, db: Db, body: FileIn, actor: Actor = allow(*CONSUMERS, scope="data:query")
) -> RequestOut:
    """Files a request about values of a record the department took for the purpose (GZ 30, 33)."""
    req = verification.file_request(
        db,
        actor=actor,
        resource_id=body.resource_id,
        subject=body.subject,
        purpose_code=body.purpose_code,
        claims=body.claims,
        reason=body.reason,
        party_objected=body.party_objected,
        party_documents=body.party_documents,
        handled_on_documents=body.handled_on_documents,
        case_reference=body.case_reference,
        today=today_of(request),
    )
    return _out(request, db, actor, req.id)


@router.post(
    BASE + "/{request_id}/attachments",
    response_model=list[AttachmentOut],
    status_code=201,
    responses=ERRORS,
)
def add_evidence(
    db: Db,
    request_id: int,
    files: Annotated[list[UploadFile], File()],
    actor: Actor = allow(*CONSUMERS, scope="data:query"),
) -> list[AttachmentOut]:
    """Adds evidence files to the department's open request."""
    uploads = [attachments.Upload(filename=f.filename or "", data=f.file.read()) for f in files]
    made = verification.add_evidence(db, actor=actor, request_id=request_id, uploads=uploads)
    return [AttachmentOut.model_validate(a) for a in made]


@router.post(BASE + "/{request_id}/proposal", response_model=RequestOut, responses=ERRORS)
def propose(
    request: Request,
    db: Db,
    request_id: int,
    body: ProposeIn,
    actor: Actor = allow(*PROVIDERS, scope="data:load"),
) -> RequestOut:
    """The provider's input before the data department answers (ZS 23)."""
    verification_answer.propose(
        db,
        actor=actor,
        request_id=request_id,
        outcome=body.outcome,
        corrected=body.corrected,
        note=body.note,
        today=today_of(request),
    )
    return _out(request, db, actor, request_id)


@router.post(BASE + "/{request_id}/answer", response_model=RequestOut, responses=ERRORS)
def answer(
    request: Request,
    db: Db,
    request_id: int,
    body: AnswerIn,
    actor: Actor = allow(*ANSWERERS, scope="data:load"),
) -> RequestOut:
    """Confirms the stored value, or corrects it in the same step and tells past recipients (GZ 30)."""
    verification_answer.answer(
        db,
        actor=actor,
        request_id=request_id,
        outcome=body.outcome,
        corrected=body.corrected,
        text=body.text,
        today=today_of(request),
    )
    return _out(request, db, actor, request_id)


@router.post(BASE + "/{request_id}/withdraw", response_model=RequestOut, responses=ERRORS)
def withdraw(
    request: Request,
    db: Db,
    request_id: int,
    body: WithdrawIn,
    actor: Actor = allow(*CONSUMERS, scope="data:query"),
) -> RequestOut:
    """The requesting department withdraws its open request."""
    verification_answer.withdraw(
        db, actor=actor, request_id=request_id, reason=body.reason, today=today_of(request)
    )
    return _out(request, db, actor, request_id)
