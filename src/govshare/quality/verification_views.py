"""Console pages of verification requests (/verification-requests): file, list, detail, answer, withdraw.

A consumer files from a record it saw on the query page (the resource, subject and purpose come
with it) and sees its requests; the provider sees the requests about its data and answers (or,
under ZS 23, gives its input); the authority sees all and answers where the profile says so.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from govshare.attachments import service as attachments
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile
from govshare.quality import verification, verification_answer, verification_queries
from govshare.quality.verification_models import RequestState

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

CONSUMERS = (Role.STAFF, Role.DATA_OFFICER)
READERS = (Role.AUTHORITY_ADMIN, Role.STAFF, Role.DATA_OFFICER)
ANSWERERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
PAGE = "/verification-requests"


def _(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


STATE_LABELS = {
    RequestState.OPEN: _("Awaiting the answer"),
    RequestState.ANSWERED: _("Answered"),
    RequestState.WITHDRAWN: _("Withdrawn"),
}
OUTCOME_LABELS = {"confirmed": _("Value confirmed"), "corrected": _("Value corrected")}
ANSWERER_LABELS = {
    "provider": _("The providing department answers"),
    "authority_with_provider": _("The data department answers together with the provider"),
    "authority": _("The authority answers"),
}
ACTION_LABELS = {
    "verification.file": _("Request filed"),
    "verification.propose": _("Provider's input"),
    "verification.answer": _("Answered"),
    "verification.withdraw": _("Withdrawn"),
    "attachment.add": _("Evidence added"),
    "attachment.read": _("Evidence read"),
    "flag.raise.verification.overdue": _("Flagged late"),
    "flag.resolve.verification.overdue": _("Late flag cleared"),
}


def _form_page(
    request: Request, db: Db, actor: Actor, form: dict[str, Any], status: int = 200, **extra: Any
) -> Response:
    """The filing form with the items the department may question, or why it may not."""
    seen = None
    rid = form.get("resource_id", "")
    if str(rid).isdigit() and form.get("subject") and form.get("purpose_code"):
        try:
            seen = verification.questionable(
                db,
                actor=actor,
                resource_id=int(rid),
                subject=str(form["subject"]),
                purpose_code=str(form["purpose_code"]),
                today=today_of(request),
            )
        except DomainError as exc:
            extra.setdefault("error", {"message": exc.template, "details": _plain(exc.details)})
            status = max(status, exc.status)
    rules = get_active_profile().verification_requests
    context = {
        "form": form,
        "seen": seen,
        "rules": rules,
        "answerer": ANSWERER_LABELS.get(rules.answered_by.value or "provider", ""),
        **extra,
    }
    return render(request, "quality/verification_new.html", context, status)


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if isinstance(v, str | int)}


@router.get(PAGE + "/new", response_class=HTMLResponse)
def new_form(
    request: Request,
    db: Db,
    resource_id: str = "",
    purpose_code: str = "",
    actor: Actor = allow(*CONSUMERS),
) -> Response:
    """The filing form (the subject is typed in; from a query result it comes with the record)."""
    return _form_page(
        request, db, actor, {"resource_id": resource_id, "purpose_code": purpose_code}
    )


@router.post(PAGE + "/new", response_class=HTMLResponse)
async def new_from_record(request: Request, db: Db, actor: Actor = allow(*CONSUMERS)) -> Response:
    """The filing form prefilled from a record of the query result (subject never in a URL)."""
    raw = await request.form()
    form = {k: str(raw.get(k, "")) for k in ("resource_id", "subject", "purpose_code")}
    return _form_page(request, db, actor, form)


@router.post(PAGE, response_class=HTMLResponse)
async def file_request(request: Request, db: Db, actor: Actor = allow(*CONSUMERS)) -> Response:
    """Files the request with its evidence; a refusal shows the form again with what was entered."""
    raw = await request.form()
    form: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
    chosen = [str(v) for v in raw.getlist("item")]
    form["items"] = chosen
    claims = {item: str(raw.get(f"claim.{item}", "")) for item in chosen}
    uploads = [
        attachments.Upload(filename=f.filename or "", data=await f.read())
        for f in raw.getlist("files")
        if not isinstance(f, str)
    ]
    try:
        rid = form.get("resource_id", "")
        if not str(rid).isdigit():
            raise Invalid("choose a resource", code="no_resource")
        with db.begin_nested():
            req = verification.file_request(
                db,
                actor=actor,
                resource_id=int(rid),
                subject=form.get("subject", ""),
                purpose_code=form.get("purpose_code", ""),
                claims=claims,
                reason=form.get("reason", ""),
                party_objected=form.get("party_objected") == "1",
                party_documents=form.get("party_documents") == "1",
                handled_on_documents=form.get("handled_on_documents") == "1",
                case_reference=form.get("case_reference", ""),
                today=today_of(request),
                uploads=uploads,
            )
    except DomainError as exc:
        error = {"message": exc.template, "details": _plain(exc.details)}
        return _form_page(request, db, actor, form, exc.status, error=error)
    flash(request, "Verification request filed")
    return redirect(f"{PAGE}/{req.id}")


@router.get(PAGE, response_class=HTMLResponse)
def list_page(
    request: Request,
    db: Db,
    state: str = "",
    overdue: str = "",
    side: str = "",
    page: int = 1,
    actor: Actor = allow(*READERS),
) -> Response:
    """The department's requests (both sides) or all of them for the authority, filtered."""
    today = today_of(request)
    found = verification_queries.list_requests(
        db,
        actor=actor,
        today=today,
        state=state,
        overdue=overdue == "true",
        side=side,
        page=page,
        per_page=25,
    )
    return render(
        request,
        "quality/verification_list.html",
        {
            "page": found,
            "labels": verification_queries.labels(db, found.items),
            "state": state,
            "overdue": overdue == "true",
            "side": side,
            "states": list(RequestState),
            "state_labels": STATE_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "overdue_of": lambda r: verification_queries.is_overdue(r, today),
            "may_file": actor.has_role(*CONSUMERS) and actor.department_id is not None,
            "query": urlencode(
                {"state": state, "overdue": "true" if overdue == "true" else "", "side": side}
            ),
        },
    )


@router.get(PAGE + "/{request_id}", response_class=HTMLResponse)
def detail_page(
    request: Request, db: Db, request_id: int, actor: Actor = allow(*READERS)
) -> Response:
    """The request: subject, values, the party's documents, evidence, timeline, record history."""
    v = verification_queries.view(db, actor=actor, request_id=request_id, today=today_of(request))
    return render(
        request,
        "quality/verification_detail.html",
        {
            "v": v,
            "r": v.req,
            "rules": get_active_profile().verification_requests,
            "state_labels": STATE_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "answerer": ANSWERER_LABELS.get(v.req.answered_by_rule, ""),
            "action_labels": ACTION_LABELS,
            "may_add_evidence": v.may_withdraw,
        },
    )


def _corrected(raw: Any, items: list[str]) -> dict[str, str]:
    return {
        i: str(raw.get(f"corrected.{i}", ""))
        for i in items
        if str(raw.get(f"corrected.{i}", "")).strip()
    }


@router.post(PAGE + "/{request_id}/answer")
async def answer(
    request: Request, db: Db, request_id: int, actor: Actor = allow(*ANSWERERS)
) -> Response:
    """Confirms or corrects from the form."""
    raw = await request.form()
    back = f"{PAGE}/{request_id}"
    try:
        req = verification_queries.get_request(db, actor=actor, request_id=request_id)
        with db.begin_nested():
            verification_answer.answer(
                db,
                actor=actor,
                request_id=request_id,
                outcome=str(raw.get("outcome", "")),
                corrected=_corrected(raw, req.items),
                text=str(raw.get("text", "")),
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Answer recorded")
    return redirect(back)


@router.post(PAGE + "/{request_id}/proposal")
async def propose(
    request: Request, db: Db, request_id: int, actor: Actor = allow(Role.DATA_OFFICER)
) -> Response:
    """The provider's input from the form (ZS 23)."""
    raw = await request.form()
    back = f"{PAGE}/{request_id}"
    try:
        req = verification_queries.get_request(db, actor=actor, request_id=request_id)
        with db.begin_nested():
            verification_answer.propose(
                db,
                actor=actor,
                request_id=request_id,
                outcome=str(raw.get("outcome", "")),
                corrected=_corrected(raw, req.items),
                note=str(raw.get("note", "")),
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Your input was sent to the data department")
    return redirect(back)


@router.post(PAGE + "/{request_id}/withdraw")
def withdraw(
    request: Request,
    db: Db,
    request_id: int,
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*CONSUMERS),
) -> Response:
    """The requesting department withdraws its open request."""
    back = f"{PAGE}/{request_id}"
    try:
        with db.begin_nested():
            verification_answer.withdraw(
                db, actor=actor, request_id=request_id, reason=reason, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Verification request withdrawn")
    return redirect(back)


@router.post(PAGE + "/{request_id}/attachments")
def add_evidence(
    request: Request,
    db: Db,
    request_id: int,
    files: Annotated[list[UploadFile] | None, File()] = None,
    actor: Actor = allow(*CONSUMERS),
) -> Response:
    """Adds evidence files to the department's open request."""
    back = f"{PAGE}/{request_id}"
    uploads = [
        attachments.Upload(filename=f.filename or "", data=f.file.read()) for f in files or []
    ]
    try:
        with db.begin_nested():
            verification.add_evidence(db, actor=actor, request_id=request_id, uploads=uploads)
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Evidence added")
    return redirect(back)
