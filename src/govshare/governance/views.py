"""Console pages of disputes: the list, one dispute's timeline with the actions of each step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.governance import decisions, disputes
from govshare.governance.models import DisputeState, Outcome, StepState
from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow, get_db
from govshare.http.rendering import flash, form_error, redirect, render, templates, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Department, Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

PARTIES = (Role.DATA_OFFICER, Role.STAFF)
ACTORS = (Role.AUTHORITY_ADMIN, *PARTIES)
Files = Annotated[list[UploadFile] | None, File()]


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder as the timeline shows it."""

    key: str
    title: str
    title_zh: str
    decided_by: str
    article: str
    outside_platform: bool


def _back(target: str, default: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else default


def _uploads(files: list[UploadFile] | None) -> list[attachments.Upload]:
    return [attachments.Upload(f.filename or "", f.file.read()) for f in files or []]


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(wanted)))
    return {i: n for i, n in rows}


def _int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("not a number: {value}", code="invalid_number", value=value)
    return int(value)


@router.get("/disputes", response_class=HTMLResponse)
def dispute_list(
    request: Request,
    db: Db,
    state: str = "",
    step: str = "",
    department_id: str = "",
    overdue: bool = False,
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """Disputes: the authority and auditors see all, a department its own; filtered, paginated."""
    today = today_of(request)
    found = disputes.list_disputes(
        db,
        actor=actor,
        today=today,
        state=DisputeState(state) if state in set(DisputeState) else None,
        step=step or None,
        department_id=_int(department_id) if disputes.sees_all(actor) else None,
        overdue=overdue,
        page=page,
        per_page=25,
    )
    ids = {d.consumer_department_id for d in found.items} | {
        d.provider_department_id for d in found.items
    }
    sees_all = disputes.sees_all(actor)
    return render(
        request,
        "governance/list.html",
        {
            "page": found,
            "state": state,
            "step": step,
            "department_id": department_id,
            "overdue": overdue,
            "states": list(DisputeState),
            "steps": disputes.step_keys(),
            "names": _names(db, ids),
            "departments": (
                db.execute(select(Department.id, Department.name).order_by(Department.name)).all()
                if sees_all
                else []
            ),
            "sees_all": sees_all,
            "overdue_of": lambda d: disputes.is_overdue(d, today),
        },
    )


@router.get("/disputes/{dispute_id}", response_class=HTMLResponse)
def dispute_detail(
    request: Request, db: Db, dispute_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """One dispute: its timeline of steps with their deadlines and the actions open to the actor."""
    dispute = disputes.get_dispute(db, actor=actor, dispute_id=dispute_id)
    step = dispute.step
    is_open = dispute.state == DisputeState.OPEN and step is not None
    try:
        ladder_steps = [
            Rung(r.key, r.title, r.title_zh or "", r.decided_by, r.citation(), r.outside_platform)
            for r in disputes.ladder_for_dispute(dispute).steps
        ]
    except DomainError:  # the profile changed under the case: show the steps it reached
        ladder_steps = [
            Rung(s.key, s.title, s.title_zh, s.decider, s.article, s.outside_platform)
            for s in dispute.steps
        ]
    last = step is not None and step.number >= len(ladder_steps)
    return render(
        request,
        "governance/detail.html",
        {
            "d": dispute,
            "names": _names(
                db,
                [
                    dispute.consumer_department_id,
                    dispute.provider_department_id,
                    dispute.raised_by_department_id,
                ],
            ),
            "ladder": ladder_steps,
            "files": attachments.list_for(db, owner_type="dispute", owner_id=dispute.id),
            "overdue": disputes.is_overdue(dispute, today_of(request)),
            "may_provide": is_open
            and step is not None
            and disputes.may_decide(actor, dispute, step, Outcome.PROVIDE),
            "may_not_provide": is_open
            and step is not None
            and disputes.may_decide(actor, dispute, step, Outcome.NOT_PROVIDE),
            "may_escalate": is_open
            and step is not None
            and not last
            and disputes.may_escalate(actor, dispute, step),
            "may_mark_provided": dispute.outcome == Outcome.PROVIDE
            and dispute.provided_on is None
            and actor.has_role(Role.DATA_OFFICER)
            and actor.department_id == dispute.provider_department_id,
            "StepState": StepState,
        },
    )


@router.post("/disputes")
def raise_dispute(
    request: Request,
    db: Db,
    reasons: Annotated[str, Form()] = "",
    application_id: Annotated[str, Form()] = "",
    grant_id: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/disputes",
    files: Files = None,
    actor: Actor = allow(*PARTIES),
) -> Response:
    """Raises a dispute from the form of an application (or a grant)."""
    back = _back(back, "/disputes")
    try:
        with db.begin_nested():
            dispute = disputes.raise_dispute(
                db,
                actor=actor,
                application_id=_int(application_id),
                grant_id=_int(grant_id),
                kind=kind or None,
                reasons=reasons,
                today=today_of(request),
                uploads=_uploads(files),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Dispute raised")
    return redirect(f"/disputes/{dispute.id}")


@router.post("/disputes/{dispute_id}/decide")
def decide(
    request: Request,
    db: Db,
    dispute_id: int,
    outcome: Annotated[str, Form()] = "",
    reasons: Annotated[str, Form()] = "",
    files: Files = None,
    actor: Actor = allow(*ACTORS),
) -> Response:
    """Records the agreement or decision of the current step."""
    back = f"/disputes/{dispute_id}"
    try:
        with db.begin_nested():
            decisions.decide(
                db,
                actor=actor,
                dispute_id=dispute_id,
                outcome=outcome,
                reasons=reasons,
                today=today_of(request),
                uploads=_uploads(files),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Decision recorded")
    return redirect(back)


@router.post("/disputes/{dispute_id}/escalate")
def escalate(
    request: Request,
    db: Db,
    dispute_id: int,
    reasons: Annotated[str, Form()] = "",
    files: Files = None,
    actor: Actor = allow(*ACTORS),
) -> Response:
    """Sends the dispute to the next step."""
    back = f"/disputes/{dispute_id}"
    try:
        with db.begin_nested():
            decisions.escalate(
                db,
                actor=actor,
                dispute_id=dispute_id,
                reasons=reasons,
                today=today_of(request),
                uploads=_uploads(files),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Dispute escalated")
    return redirect(back)


@router.post("/disputes/{dispute_id}/provided")
def provided(
    request: Request, db: Db, dispute_id: int, actor: Actor = allow(Role.DATA_OFFICER)
) -> Response:
    """The provider records that the data was provided."""
    back = f"/disputes/{dispute_id}"
    try:
        with db.begin_nested():
            decisions.mark_provided(db, actor=actor, dispute_id=dispute_id, today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Provision recorded")
    return redirect(back)


def application_disputes(request: Request, application: Any) -> dict[str, Any]:
    """What the application page's dispute panel shows: its disputes and whether one may be raised."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        return {"items": [], "may_raise": False, "open": False}
    db = get_db(request)
    found = disputes.list_disputes(
        db,
        actor=actor,
        today=today_of(request),
        application_id=application.id,
        per_page=50,
    )
    is_open = any(d.state == DisputeState.OPEN for d in found.items)
    party = actor.has_role(*PARTIES) and actor.department_id in (
        application.consumer_department_id,
        application.provider_department_id,
    )
    return {"items": found.items, "may_raise": party and not is_open, "open": is_open}


templates.env.globals["application_disputes"] = application_disputes
