"""Console pages of rectification notices: lists, the timeline, proposals, the escalation report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from govshare.attachments import service as attachments
from govshare.governance import rectification, rectification_report
from govshare.governance import rectification_proposals as proposals
from govshare.governance import rectification_queries as queries
from govshare.governance.rectification_models import NoticeState
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

AUTHORITY = (Role.AUTHORITY_ADMIN,)
OVERSIGHT = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
DEPARTMENT = (Role.DATA_OFFICER, Role.STAFF)
READERS = (*OVERSIGHT, *DEPARTMENT)
Files = Annotated[list[UploadFile] | None, File()]


def _uploads(files: list[UploadFile] | None) -> list[attachments.Upload]:
    return [attachments.Upload(f.filename or "", f.file.read()) for f in files or []]


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


@router.get("/rectification", response_class=HTMLResponse)
def notice_list(
    request: Request,
    db: Db,
    state: str = "",
    department_id: str = "",
    ground: str = "",
    overdue: bool = False,
    page: int = 1,
    actor: Actor = allow(*READERS),
) -> Response:
    """Notices: the authority and auditors see all, a department its own; filtered, paginated."""
    today = today_of(request)
    sees_all = rectification.sees_all(actor)
    found = queries.list_notices(
        db,
        actor=actor,
        today=today,
        state=state if state in set(NoticeState) else None,
        department_id=_int(department_id) if sees_all else None,
        ground=ground or None,
        overdue=overdue,
        page=page,
        per_page=25,
    )
    return render(
        request,
        "governance/rectification_list.html",
        {
            "page": found,
            "state": state,
            "department_id": department_id,
            "ground": ground,
            "overdue": overdue,
            "states": list(NoticeState),
            "grounds": rectification.grounds(),
            "names": queries.department_names(db),
            "sees_all": sees_all,
            "may_issue": actor.has_role(Role.AUTHORITY_ADMIN),
            "overdue_of": lambda n: rectification.is_overdue(n, today),
        },
    )


@router.get("/rectification/departments", response_class=HTMLResponse)
def per_department(request: Request, db: Db, actor: Actor = allow(*OVERSIGHT)) -> Response:
    """Notices per department."""
    rows = queries.counts(db, actor=actor, today=today_of(request))
    return render(request, "governance/rectification_counts.html", {"rows": rows})


@router.get("/rectification/proposals", response_class=HTMLResponse)
def proposal_list(
    request: Request,
    db: Db,
    kind: str = "",
    department_id: str = "",
    actor: Actor = allow(*OVERSIGHT),
) -> Response:
    """Notices the platform proposes, with their records; issue or dismiss each."""
    found = proposals.list_proposals(
        db,
        actor=actor,
        today=today_of(request),
        kind=kind if kind in proposals.KINDS else None,
        department_id=_int(department_id),
    )
    return render(
        request,
        "governance/rectification_proposals.html",
        {
            "proposals": found,
            "kinds": list(proposals.KINDS),
            "kind": kind,
            "department_id": department_id,
            "names": queries.department_names(db),
            "may_issue": actor.has_role(Role.AUTHORITY_ADMIN),
            "dismissed": proposals.dismissals(db, actor=actor, limit=20),
            "grounds": rectification.grounds(),
        },
    )


@router.post("/rectification/proposals/dismiss")
def dismiss(
    request: Request,
    db: Db,
    kind: Annotated[str, Form()] = "",
    source_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Dismisses a proposal with a reason."""
    back = "/rectification/proposals"
    try:
        with db.begin_nested():
            proposals.dismiss(
                db,
                actor=actor,
                kind=kind,
                source_id=_int(source_id) or 0,
                reason=reason,
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Proposal dismissed")
    return redirect(back)


@router.get("/rectification/new", response_class=HTMLResponse)
def new_notice(
    request: Request,
    db: Db,
    kind: str = "",
    source_id: str = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """The notice form, prefilled from a proposal when one is named."""
    proposal = None
    if kind:
        proposal = proposals.get_proposal(
            db, actor=actor, kind=kind, source_id=_int(source_id) or 0, today=today_of(request)
        )
    names = queries.department_names(db)
    return render(
        request,
        "governance/rectification_form.html",
        {
            "proposal": proposal,
            "grounds": rectification.grounds(),
            "departments": sorted(names.items(), key=lambda kv: kv[1]),
            "default_due": rectification.default_due(db, today_of(request)),
            "deadline_rule": rectification.get_active_profile().rectification.deadline,
        },
    )


@router.post("/rectification")
def issue(
    request: Request,
    db: Db,
    department_id: Annotated[str, Form()] = "",
    ground: Annotated[str, Form()] = "",
    facts: Annotated[str, Form()] = "",
    requirement: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    source_kind: Annotated[str, Form()] = "",
    source_id: Annotated[str, Form()] = "",
    files: Files = None,
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Issues the notice."""
    back = "/rectification/new"
    if source_kind:
        back += f"?kind={source_kind}&source_id={source_id}"
    try:
        with db.begin_nested():
            notice = rectification.issue(
                db,
                actor=actor,
                department_id=_int(department_id) or 0,
                ground=ground,
                facts=facts,
                requirement=requirement,
                due_on=_day(due_on),
                today=today_of(request),
                source_kind=source_kind,
                source_id=_int(source_id),
                uploads=_uploads(files),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Rectification notice issued")
    return redirect(f"/rectification/{notice.id}")


@router.get("/rectification/{notice_id}", response_class=HTMLResponse)
def notice_detail(
    request: Request, db: Db, notice_id: int, actor: Actor = allow(*READERS)
) -> Response:
    """One notice: facts, deadline, timeline and the actions open to the actor."""
    notice = rectification.get_notice(db, actor=actor, notice_id=notice_id)
    today = today_of(request)
    is_authority = actor.has_role(Role.AUTHORITY_ADMIN)
    awaiting = notice.state in rectification.AWAITING_ANSWER
    return render(
        request,
        "governance/rectification_detail.html",
        {
            "n": notice,
            "names": queries.department_names(db, [notice.department_id]),
            "ground": next((g for g in rectification.grounds() if g.key == notice.ground), None),
            "events": rectification.history(db, notice),
            "files": attachments.list_for(db, owner_type=rectification.OWNER, owner_id=notice.id),
            "overdue": rectification.is_overdue(notice, today),
            "may_answer": awaiting
            and actor.has_role(*DEPARTMENT)
            and actor.department_id == notice.department_id,
            "may_review": is_authority and notice.state == NoticeState.ANSWERED,
            "may_escalate": is_authority
            and rectification.escalates_to() is not None
            and rectification.is_overdue(notice, today),
            "has_report": notice.state == NoticeState.ESCALATED and rectification.sees_all(actor),
        },
    )


@router.post("/rectification/{notice_id}/answer")
def answer(
    request: Request,
    db: Db,
    notice_id: int,
    response: Annotated[str, Form()] = "",
    files: Files = None,
    actor: Actor = allow(*DEPARTMENT),
) -> Response:
    """The department's answer."""
    back = f"/rectification/{notice_id}"
    try:
        with db.begin_nested():
            rectification.answer(
                db,
                actor=actor,
                notice_id=notice_id,
                response=response,
                today=today_of(request),
                uploads=_uploads(files),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Answer sent")
    return redirect(back)


@router.post("/rectification/{notice_id}/review")
def review(
    request: Request,
    db: Db,
    notice_id: int,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """The authority accepts, rejects or escalates an answer."""
    back = f"/rectification/{notice_id}"
    today = today_of(request)
    try:
        with db.begin_nested():
            if decision == "accept":
                rectification.accept(db, actor=actor, notice_id=notice_id, note=note, today=today)
                message = "Rectification accepted"
            elif decision == "reject":
                rectification.reject(
                    db,
                    actor=actor,
                    notice_id=notice_id,
                    note=note,
                    due_on=_day(due_on),
                    today=today,
                )
                message = "Answer rejected"
            elif decision == "escalate":
                rectification.escalate(
                    db, actor=actor, notice_id=notice_id, reason=note, today=today
                )
                message = "Reported to the people's government"
            else:
                raise Invalid("choose a decision", code="invalid_decision")
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, message)
    return redirect(back)


@router.post("/rectification/{notice_id}/escalate")
def escalate(
    request: Request,
    db: Db,
    notice_id: int,
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Reports a notice past its deadline to the people's government."""
    back = f"/rectification/{notice_id}"
    try:
        with db.begin_nested():
            rectification.escalate(
                db, actor=actor, notice_id=notice_id, reason=reason, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Reported to the people's government")
    return redirect(back)


@router.get("/rectification/{notice_id}/report", response_class=HTMLResponse)
def report_page(
    request: Request, db: Db, notice_id: int, actor: Actor = allow(*OVERSIGHT)
) -> Response:
    """The escalation report as a printable page."""
    report = rectification_report.build(db, actor=actor, notice_id=notice_id)
    return render(request, "governance/rectification_report.html", {"r": report})


@router.get("/rectification/{notice_id}/report.pdf")
def report_pdf(db: Db, notice_id: int, actor: Actor = allow(*OVERSIGHT)) -> Response:
    """The escalation report as a PDF."""
    report = rectification_report.build(db, actor=actor, notice_id=notice_id)
    return Response(
        rectification_report.pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="rectification-{notice_id}.pdf"'},
    )
