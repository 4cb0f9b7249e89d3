"""JSON API of disputes (/api/v1/disputes): list, detail, raise, decide a step, escalate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from govshare.governance import decisions, disputes
from govshare.governance.models import Dispute, DisputeState
from govshare.governance.schemas import (
    DisputeCaseOut,
    DisputeCasePage,
    DisputeDecideIn,
    DisputeEscalateIn,
    DisputeRaiseIn,
)
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["disputes"])

PARTIES = (Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
ACTORS = (Role.AUTHORITY_ADMIN, *PARTIES)
READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, *PARTIES)
SCOPE = "applications:write"
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not a party, or not this step's decider"},
    404: {"description": "no such dispute (or application, grant)"},
    409: {"description": "dispute_closed, last_step, already_disputed, nothing_to_dispute"},
    422: {"description": "invalid input, or profile_silent: the profile has no such ladder"},
}


def _out(request: Request, dispute: Dispute) -> DisputeCaseOut:
    return DisputeCaseOut.of(dispute, overdue=disputes.is_overdue(dispute, today_of(request)))


@router.get("/disputes", response_model=DisputeCasePage)
def list_disputes(
    request: Request,
    db: Db,
    state: DisputeState | None = None,
    step: str | None = None,
    department_id: int | None = None,
    application_id: int | None = None,
    grant_id: int | None = None,
    overdue: bool = False,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> DisputeCasePage:
    """Disputes: all for the authority and auditors, a department's own for the others."""
    found = disputes.list_disputes(
        db,
        actor=actor,
        today=today_of(request),
        state=state,
        step=step,
        department_id=department_id,
        application_id=application_id,
        grant_id=grant_id,
        overdue=overdue,
        page=page,
        per_page=per_page,
    )
    return DisputeCasePage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[_out(request, d) for d in found.items],
    )


@router.post("/disputes", response_model=DisputeCaseOut, status_code=201, responses=ERRORS)
def raise_dispute(
    request: Request, db: Db, body: DisputeRaiseIn, actor: Actor = allow(*PARTIES, scope=SCOPE)
) -> DisputeCaseOut:
    """Raises a dispute about an application or a grant; it starts at step 1 of the profile's ladder (GZ 28)."""
    dispute = disputes.raise_dispute(
        db,
        actor=actor,
        application_id=body.application_id,
        grant_id=body.grant_id,
        kind=body.kind,
        reasons=body.reasons,
        today=today_of(request),
    )
    return _out(request, dispute)


@router.get("/disputes/{dispute_id}", response_model=DisputeCaseOut, responses=ERRORS)
def get_dispute(
    request: Request, db: Db, dispute_id: int, actor: Actor = allow(*READERS, scope=SCOPE)
) -> DisputeCaseOut:
    """One dispute with its steps, to its two departments, the authority and auditors."""
    return _out(request, disputes.get_dispute(db, actor=actor, dispute_id=dispute_id))


@router.post("/disputes/{dispute_id}/decide", response_model=DisputeCaseOut, responses=ERRORS)
def decide(
    request: Request,
    db: Db,
    dispute_id: int,
    body: DisputeDecideIn,
    actor: Actor = allow(*ACTORS, scope=SCOPE),
) -> DisputeCaseOut:
    """Closes the current step with an agreement (the conceding party) or a decision (the authority)."""
    dispute = decisions.decide(
        db,
        actor=actor,
        dispute_id=dispute_id,
        outcome=body.outcome,
        reasons=body.reasons,
        today=today_of(request),
    )
    return _out(request, dispute)


@router.post("/disputes/{dispute_id}/escalate", response_model=DisputeCaseOut, responses=ERRORS)
def escalate(
    request: Request,
    db: Db,
    dispute_id: int,
    body: DisputeEscalateIn,
    actor: Actor = allow(*ACTORS, scope=SCOPE),
) -> DisputeCaseOut:
    """Sends the dispute to the next step (a party from a negotiation; the authority from any step)."""
    dispute = decisions.escalate(
        db, actor=actor, dispute_id=dispute_id, reasons=body.reasons, today=today_of(request)
    )
    return _out(request, dispute)


@router.post("/disputes/{dispute_id}/provided", response_model=DisputeCaseOut, responses=ERRORS)
def provided(
    request: Request, db: Db, dispute_id: int, actor: Actor = allow(Role.DATA_OFFICER)
) -> DisputeCaseOut:
    """The provider records that it provided the data after an outcome "provide"."""
    dispute = decisions.mark_provided(
        db, actor=actor, dispute_id=dispute_id, today=today_of(request)
    )
    return _out(request, dispute)
