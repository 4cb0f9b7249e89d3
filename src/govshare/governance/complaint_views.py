"""Console pages of complaints (GZ 36; ZZ 32): the lists, the form, one complaint's timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.governance import complaint_acts, complaint_letter, complaints
from govshare.governance.complaint_models import OPEN_STATES, Complaint, ComplaintState
from govshare.governance.complaint_routes import pdf_response
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

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

PARTIES = (Role.DATA_OFFICER, Role.STAFF)
Files = Annotated[list[UploadFile] | None, File()]
Text = Annotated[str, Form()]


def _uploads(files: list[UploadFile] | None) -> list[attachments.Upload]:
    return [attachments.Upload(f.filename or "", f.file.read()) for f in files or []]


def _int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("not a number: {value}", code="invalid_number", value=value)
    return int(value)


def _departments(db: Session) -> list[tuple[int, str]]:
    rows = db.execute(select(Department.id, Department.name).order_by(Department.name))
    return [(i, n) for i, n in rows]


@router.get("/complaints", response_class=HTMLResponse)
def complaint_list(
    request: Request,
    db: Db,
    state: str = "",
    side: str = "",
    department_id: str = "",
    overdue: bool = False,
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """Complaints: the authority's (all), a department's filed and faced; filtered, paginated."""
    sees_all = complaints.sees_all(actor)
    today = today_of(request)
    found = complaints.list_complaints(
        db,
        actor=actor,
        today=today,
        state=ComplaintState(state) if state in set(ComplaintState) else None,
        department_id=_int(department_id) if sees_all else None,
        side=side if side in ("complainant", "respondent") else None,
        overdue=overdue,
        page=page,
        per_page=25,
    )
    ids = {c.complainant_department_id for c in found.items}
    ids |= {c.respondent_department_id for c in found.items}
    return render(
        request,
        "governance/complaint_list.html",
        {
            "page": found,
            "state": state,
            "side": side,
            "department_id": department_id,
            "overdue": overdue,
            "states": list(ComplaintState),
            "names": complaints.department_names(db, ids),
            "departments": _departments(db) if sees_all else [],
            "sees_all": sees_all,
            "may_file": actor.has_role(*PARTIES),
            "overdue_of": lambda c: complaints.is_overdue(c, today),
            "rule": complaints.rules().answer,
        },
    )


@router.get("/complaints/new", response_class=HTMLResponse)
def complaint_form(
    request: Request,
    db: Db,
    respondent_department_id: str = "",
    resource_id: str = "",
    application_id: str = "",
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The form to file a complaint (optionally prefilled from a resource or an application)."""
    return render(
        request,
        "governance/complaint_form.html",
        {
            "departments": [d for d in _departments(db) if d[0] != actor.department_id],
            "grounds": complaints.GROUNDS,
            "respondent_department_id": respondent_department_id,
            "resource_id": resource_id,
            "application_id": application_id,
            "rules": complaints.rules(),
        },
    )


@router.post("/complaints")
def file_complaint(
    request: Request,
    db: Db,
    respondent_department_id: Text = "",
    ground: Text = "",
    subject: Text = "",
    description: Text = "",
    resource_id: Text = "",
    application_id: Text = "",
    files: Files = None,
    actor: Actor = allow(*PARTIES),
) -> Response:
    """Files the complaint with its evidence."""
    try:
        with db.begin_nested():
            respondent = _int(respondent_department_id)
            if respondent is None:
                raise Invalid("choose the department complained about", code="respondent_required")
            complaint = complaints.file_complaint(
                db,
                actor=actor,
                respondent_department_id=respondent,
                ground=ground,
                subject=subject,
                description=description,
                resource_id=_int(resource_id),
                application_id=_int(application_id),
                today=today_of(request),
                uploads=_uploads(files),
            )
    except DomainError as exc:
        return form_error(request, exc, "/complaints/new")
    flash(request, "Complaint filed")
    return redirect(f"/complaints/{complaint.id}")


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint_detail(
    request: Request, db: Db, complaint_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """One complaint: the facts, the evidence, the timeline and the actions open to the actor."""
    c = complaints.get(db, actor=actor, complaint_id=complaint_id)
    is_open = c.state in OPEN_STATES
    authority = actor.has_role(Role.AUTHORITY_ADMIN)
    party = actor.has_role(*PARTIES)
    return render(
        request,
        "governance/complaint_detail.html",
        {
            "c": c,
            "names": complaints.department_names(
                db, {c.complainant_department_id, c.respondent_department_id}
            ),
            "files": attachments.list_for(db, owner_type="complaint", owner_id=c.id),
            "timeline": complaints.timeline(db, c),
            "overdue": complaints.is_overdue(c, today_of(request)),
            "rules": complaints.rules(),
            "show_findings": complaints.may_read_findings(actor, c),
            "may_take_up": authority and c.state == ComplaintState.RECEIVED,
            "may_investigate": authority and c.state == ComplaintState.INVESTIGATING,
            "may_state": is_open and party and actor.department_id == c.respondent_department_id,
            "may_withdraw": is_open
            and party
            and actor.department_id == c.complainant_department_id,
            "may_attach": is_open and (authority or (party and actor.department_id in _sides(c))),
        },
    )


def _sides(c: Complaint) -> tuple[int, int]:
    return (c.complainant_department_id, c.respondent_department_id)


def _act(request: Request, complaint_id: int, message: str, act: Callable[[], object]) -> Response:
    db = get_db(request)
    return act_then_redirect(
        request, db, back=f"/complaints/{complaint_id}", done=message, step=act
    )


@router.post("/complaints/{complaint_id}/take-up")
def take_up(
    request: Request,
    db: Db,
    complaint_id: int,
    investigator: Text = "",
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """The authority takes the complaint up."""

    def act() -> None:
        complaints.take_up(
            db,
            actor=actor,
            complaint_id=complaint_id,
            investigator=investigator,
            today=today_of(request),
        )

    return _act(request, complaint_id, "Investigation started", act)


@router.post("/complaints/{complaint_id}/findings")
def findings(
    request: Request,
    db: Db,
    complaint_id: int,
    findings: Text = "",
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """The investigator records the findings."""

    def act() -> None:
        complaints.record_findings(
            db,
            actor=actor,
            complaint_id=complaint_id,
            findings=findings,
            today=today_of(request),
        )

    return _act(request, complaint_id, "Findings recorded", act)


@router.post("/complaints/{complaint_id}/answer")
def answer(
    request: Request,
    db: Db,
    complaint_id: int,
    upheld: Text = "",
    answer: Text = "",
    findings: Text = "",
    files: Files = None,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """The authority answers the complainant."""

    def act() -> None:
        if upheld not in ("yes", "no"):
            raise Invalid("say whether the complaint is upheld", code="upheld_required")
        complaints.answer(
            db,
            actor=actor,
            complaint_id=complaint_id,
            upheld=upheld == "yes",
            text=answer,
            findings=findings,
            today=today_of(request),
            uploads=_uploads(files),
        )

    return _act(request, complaint_id, "Answer sent", act)


@router.post("/complaints/{complaint_id}/statement")
def statement(
    request: Request,
    db: Db,
    complaint_id: int,
    statement: Text = "",
    files: Files = None,
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The respondent's statement to the authority."""

    def act() -> None:
        complaint_acts.respond(
            db,
            actor=actor,
            complaint_id=complaint_id,
            statement=statement,
            today=today_of(request),
            uploads=_uploads(files),
        )

    return _act(request, complaint_id, "Statement sent", act)


@router.post("/complaints/{complaint_id}/withdraw")
def withdraw(
    request: Request,
    db: Db,
    complaint_id: int,
    reason: Text = "",
    actor: Actor = allow(*PARTIES),
) -> Response:
    """The complainant withdraws the complaint."""

    def act() -> None:
        complaint_acts.withdraw(
            db, actor=actor, complaint_id=complaint_id, reason=reason, today=today_of(request)
        )

    return _act(request, complaint_id, "Complaint withdrawn", act)


@router.post("/complaints/{complaint_id}/attachments")
def add_files(
    request: Request,
    db: Db,
    complaint_id: int,
    files: Files = None,
    actor: Actor = allow(Role.AUTHORITY_ADMIN, *PARTIES),
) -> Response:
    """Adds evidence to an open complaint."""

    def act() -> None:
        complaint_acts.add_evidence(
            db, actor=actor, complaint_id=complaint_id, uploads=_uploads(files)
        )

    return _act(request, complaint_id, "Files attached", act)


@router.get("/complaints/{complaint_id}/answer.pdf", response_class=Response)
def answer_pdf(db: Db, complaint_id: int, actor: Actor = allow(*USER_ROLES_ALL)) -> Response:
    """The written answer (GZ 36) as a PDF."""
    name, pdf = complaint_letter.written_answer(db, actor=actor, complaint_id=complaint_id)
    return pdf_response(name, pdf)
