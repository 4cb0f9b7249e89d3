"""Reading verification requests: lists per side, one request with its values, timeline and record history.

The requesting department, the providing department and the authority see a request; anyone
else gets 404 (an outsider learns nothing). Each of them may see the subject and the questioned
items: the consumer was entitled to them when it filed, the provider holds them, the authority
supervises. The record history shown with a request is limited to the questioned items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.attachments.models import Attachment
from govshare.audit.models import AuditEntry
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.models import Resource
from govshare.datastore import records
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Department, Role
from govshare.quality.verification import OWNER, sealed_values, subject_of
from govshare.quality.verification_answer import may_answer, may_propose
from govshare.quality.verification_models import RequestState, VerificationRequest

SIDES = ("consumer", "provider")


def _sees_all(actor: Actor) -> bool:
    return actor.has_role(Role.AUTHORITY_ADMIN)


def _scope(actor: Actor, side: str) -> ColumnElement[bool] | None:
    if side and side not in SIDES:
        raise Invalid("side is consumer or provider", code="invalid_side")
    if _sees_all(actor):
        if side == "consumer" and actor.department_id is not None:
            return VerificationRequest.consumer_department_id == actor.department_id
        return None
    d = actor.department_id
    if d is None or not actor.has_role(Role.STAFF, Role.DATA_OFFICER, Role.SERVICE):
        raise Forbidden("your role may not do this", code="forbidden_role")
    if side == "consumer":
        return VerificationRequest.consumer_department_id == d
    if side == "provider":
        return VerificationRequest.provider_department_id == d
    return or_(
        VerificationRequest.consumer_department_id == d,
        VerificationRequest.provider_department_id == d,
    )


def overdue_condition(today: date) -> ColumnElement[bool]:
    """Open requests past their due date."""
    return and_(
        VerificationRequest.state == RequestState.OPEN,
        VerificationRequest.due_on.is_not(None),
        VerificationRequest.due_on < today,
    )


def list_requests(
    session: Session,
    *,
    actor: Actor,
    today: date,
    state: str = "",
    overdue: bool = False,
    side: str = "",
    resource_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[VerificationRequest]:
    """Requests newest first: the department's own (both sides, or one), or all for the authority."""
    stmt = select(VerificationRequest).order_by(VerificationRequest.id.desc())
    scope = _scope(actor, side)
    if scope is not None:
        stmt = stmt.where(scope)
    if state:
        if state not in set(RequestState):
            raise Invalid("unknown state {state}", code="invalid_state", state=state)
        stmt = stmt.where(VerificationRequest.state == state)
    if overdue:
        stmt = stmt.where(overdue_condition(today))
    if resource_id is not None:
        stmt = stmt.where(VerificationRequest.resource_id == resource_id)
    return paginate(session, stmt, page=page, per_page=per_page)


def get_request(session: Session, *, actor: Actor, request_id: int) -> VerificationRequest:
    """One request, for its two departments and the authority (404 for anyone else)."""
    req = session.get(VerificationRequest, request_id)
    if req is not None and not _sees_all(actor):
        d = actor.department_id
        if d is None or d not in (req.consumer_department_id, req.provider_department_id):
            req = None
    if req is None:
        raise NotFound("no verification request {id}", code="request_not_found", id=request_id)
    return req


def working_days_left(session: Session, req: VerificationRequest, today: date) -> int | None:
    """Working days from today to the due date (negative when late); None when answered or no due date."""
    if req.state != RequestState.OPEN or req.due_on is None:
        return None
    return WorkingCalendar(session).between(today, req.due_on)


def is_overdue(req: VerificationRequest, today: date) -> bool:
    """Open and past its due date."""
    return req.state == RequestState.OPEN and req.due_on is not None and today > req.due_on


@dataclass(frozen=True)
class ItemLine:
    """One questioned item: stored at filing, claimed, proposed, corrected."""

    name: str
    stored: Any
    claimed: Any
    proposed: Any = None
    corrected: Any = None


@dataclass(frozen=True)
class HistoryLine:
    """One version of the record, restricted to the questioned items."""

    version: int
    values: dict[str, Any]
    deleted: bool
    changed_by: str
    reason: str
    recorded_at: Any


@dataclass
class RequestView:
    """A request as one of its readers sees it."""

    req: VerificationRequest
    subject: str
    resource: Resource | None
    consumer: Department | None
    provider: Department | None
    lines: list[ItemLine]
    files: list[Attachment]
    timeline: list[AuditEntry]
    history: list[HistoryLine]
    days_left: int | None
    overdue: bool
    may_answer: bool
    may_propose: bool
    may_withdraw: bool
    proposal: dict[str, Any] = field(default_factory=dict)


def timeline(session: Session, req: VerificationRequest) -> list[AuditEntry]:
    """The request's audit entries, oldest first (filing, evidence, input, answer, flags)."""
    stmt = select(AuditEntry).where(
        AuditEntry.object_type == OWNER, AuditEntry.object_id == str(req.id)
    )
    return list(session.scalars(stmt.order_by(AuditEntry.seq)))


def record_history(session: Session, req: VerificationRequest) -> list[HistoryLine]:
    """Every version of the subject's record, questioned items only, oldest first."""
    out = []
    for row in records.history(
        session, resource_id=req.resource_id, subject_hash_=req.subject_hash
    ):
        rec = records.open_row(row)
        out.append(
            HistoryLine(
                version=row.version,
                values={k: rec.payload.get(k) for k in req.items},
                deleted=row.deleted,
                changed_by=row.changed_by,
                reason=row.reason,
                recorded_at=row.recorded_at,
            )
        )
    return out


def view(session: Session, *, actor: Actor, request_id: int, today: date) -> RequestView:
    """A request with its values, evidence, timeline, record history and what the viewer may do."""
    req = get_request(session, actor=actor, request_id=request_id)
    values = sealed_values(req)
    lines = [
        ItemLine(
            name=item,
            stored=values.get("stored", {}).get(item),
            claimed=values.get("claimed", {}).get(item),
            proposed=values.get("proposed", {}).get(item),
            corrected=values.get("corrected", {}).get(item),
        )
        for item in req.items
    ]
    is_open = req.state == RequestState.OPEN
    consumer_side = actor.department_id == req.consumer_department_id and actor.has_role(
        Role.STAFF, Role.DATA_OFFICER, Role.SERVICE
    )
    return RequestView(
        req=req,
        subject=subject_of(req),
        resource=session.get(Resource, req.resource_id),
        consumer=session.get(Department, req.consumer_department_id),
        provider=session.get(Department, req.provider_department_id),
        lines=lines,
        files=attachments.list_for(session, owner_type=OWNER, owner_id=req.id),
        timeline=timeline(session, req),
        history=record_history(session, req),
        days_left=working_days_left(session, req, today),
        overdue=is_overdue(req, today),
        may_answer=is_open
        and may_answer(actor, req)
        and (req.answered_by_rule != "authority_with_provider" or "proposal" in req.details),
        may_propose=is_open and may_propose(actor, req),
        may_withdraw=is_open and consumer_side,
        proposal=dict(req.details.get("proposal") or {}),
    )


def labels(session: Session, reqs: list[VerificationRequest]) -> dict[str, dict[int, Any]]:
    """Resource codes and department names the listed requests name, in two queries."""
    rids = {r.resource_id for r in reqs}
    dids = {r.consumer_department_id for r in reqs} | {r.provider_department_id for r in reqs}
    resources = (
        {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(rids)))}
        if rids
        else {}
    )
    depts = (
        {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(dids)))}
        if dids
        else {}
    )
    return {"resources": resources, "departments": depts}
