"""Answering a verification request: the provider's input, the answer with its correction, withdrawal.

See `govshare.quality.verification` for who answers under each profile. A correction is written
as a new record version through `datastore.service.push` with the reason "verification request
#<id>", in the answer's own transaction; past recipients of the old value are found in the audit
log and told (`RECIPIENT_WINDOW_DAYS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.datastore import records
from govshare.datastore import service as datastore
from govshare.jobs.service import resolve_flag
from govshare.kit.actor import Actor, ActorKind
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.notify import service as notify
from govshare.orgs.models import Role
from govshare.quality.divergence import normalise
from govshare.quality.verification import (
    CONSUMERS,
    FLAG_KIND,
    OWNER,
    PROVIDERS,
    RECIPIENT_WINDOW_DAYS,
    clean_text,
    key_item,
    reseal,
    sealed_values,
    tell,
)
from govshare.quality.verification_models import Outcome, RequestState, VerificationRequest
from govshare.sharing import service as sharing


def _lock(session: Session, request_id: int) -> VerificationRequest:
    stmt = select(VerificationRequest).where(VerificationRequest.id == request_id).with_for_update()
    req = session.scalar(stmt.execution_options(populate_existing=True))
    if req is None:
        raise NotFound("no verification request {id}", code="request_not_found", id=request_id)
    return req


def _require_open(req: VerificationRequest) -> None:
    if req.state != RequestState.OPEN:
        raise IllegalTransition(
            "the request is {state}; only an open request can be answered or withdrawn",
            code="illegal_transition",
            state=req.state,
        )


def _is_provider(actor: Actor, req: VerificationRequest) -> bool:
    return actor.department_id == req.provider_department_id and actor.has_role(*PROVIDERS)


def may_answer(actor: Actor, req: VerificationRequest) -> bool:
    """Whether the actor gives the answer under the request's `answered_by`."""
    if req.answered_by_rule == "provider":
        return _is_provider(actor, req)
    return actor.has_role(Role.AUTHORITY_ADMIN)


def may_propose(actor: Actor, req: VerificationRequest) -> bool:
    """Whether the actor gives the provider's input under `authority_with_provider` (ZS 23)."""
    return req.answered_by_rule == "authority_with_provider" and _is_provider(actor, req)


def _check_answer(
    req: VerificationRequest, outcome: str, corrected: Mapping[str, str]
) -> tuple[Outcome, dict[str, str]]:
    if outcome not in set(Outcome):
        raise Invalid("the outcome is confirmed or corrected", code="invalid_outcome")
    values = {k.strip(): (v or "").strip() for k, v in corrected.items() if k.strip()}
    if outcome == Outcome.CONFIRMED:
        return Outcome.CONFIRMED, {}
    if not values:
        raise Invalid("give the corrected value of at least one item", code="correction_required")
    if any(k not in req.items for k in values):
        raise Invalid(
            "only the items the request questions are corrected here", code="item_not_questioned"
        )
    return Outcome.CORRECTED, values


def propose(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    outcome: str,
    corrected: Mapping[str, str],
    note: str,
    today: date,
) -> VerificationRequest:
    """The provider's input to the data department's answer (ZS 23: reviewed together)."""
    req = _lock(session, request_id)
    if not may_propose(actor, req):
        raise Forbidden("only the providing department gives its input here", code="forbidden_role")
    _require_open(req)
    kind, values = _check_answer(req, outcome, corrected)
    text = clean_text(note, code="note_required", message="explain what you found")
    sealed = sealed_values(req)
    sealed["proposed"] = values
    reseal(req, sealed)
    req.details = {
        **req.details,
        "proposal": {"outcome": str(kind), "note": text, "by": actor.name, "on": today.isoformat()},
    }
    audit.record(
        session,
        actor=actor,
        action="verification.propose",
        object_type=OWNER,
        object_id=req.id,
        details={"outcome": str(kind), "items": list(values)},
    )
    tell(
        session,
        req,
        kind="verification.proposed",
        title=f"Verification request #{req.id}: the provider proposes {kind}; your answer is due",
        authority=True,
    )
    return req


def _correct(
    session: Session, *, actor: Actor, req: VerificationRequest, values: dict[str, str], today: date
) -> tuple[dict[str, Any], int]:
    """Writes the corrected values as a new version with the request as its reason; (old values, version)."""
    entry = sharing.published(session, resource_id=req.resource_id)
    key = key_item(entry)
    record = records.current_one(
        session, resource_id=req.resource_id, subject_hash_=req.subject_hash
    )
    if record is None:
        raise IllegalTransition(
            "the record no longer exists; it cannot be corrected", code="record_gone"
        )
    previous = {k: record.payload.get(k) for k in values}
    if all(normalise(previous[k]) == normalise(v) for k, v in values.items()):
        raise Invalid(
            "the corrected values equal the stored ones: confirm instead",
            code="correction_unchanged",
        )
    row: dict[str, Any] = {**record.payload, **values}
    if key is not None:
        row[key] = record.subject
    writer = actor
    if actor.has_role(Role.AUTHORITY_ADMIN) and not _is_provider(actor, req):
        # The authority's answer (ZS 23; ZZ 21) writes with the operator's powers, under its name.
        writer = Actor(
            kind=ActorKind.SYSTEM,
            id=actor.id,
            name=actor.name,
            method=actor.method,
            department_id=actor.department_id,
            roles=frozenset({Role.AUTHORITY_ADMIN}),
        )
    try:
        datastore.push(
            session,
            actor=writer,
            resource_id=req.resource_id,
            records=[row],
            today=today,
            reason=f"verification request #{req.id}",
        )
    except datastore.LoadInvalid as exc:
        problem = exc.problems[0] if exc.problems else None
        raise Invalid(
            "a corrected value is not valid for its data item: {item}: {problem}",
            code="correction_invalid",
            item=problem.column if problem else "",
            problem=problem.reason if problem else "",
        ) from None
    after = records.current_one(
        session, resource_id=req.resource_id, subject_hash_=req.subject_hash
    )
    assert after is not None
    return previous, after.version


def past_recipients(
    session: Session, *, resource_id: int, subject_hash: str, items: Sequence[str], since: datetime
) -> set[int]:
    """Departments that received any of the items of the subject through a query since `since` (audit log)."""
    stmt = (
        select(AuditEntry.details)
        .where(
            AuditEntry.object_type == "resource",
            AuditEntry.object_id == str(resource_id),
            AuditEntry.action == "data.query",
            AuditEntry.occurred_at >= since,
        )
        .execution_options(yield_per=500)
    )
    wanted = set(items)
    found: set[int] = set()
    for details in session.scalars(stmt):
        if subject_hash not in (details.get("subjects") or ()):
            continue
        if not wanted.intersection(details.get("items") or ()):
            continue
        dept = details.get("consumer_department_id")
        if isinstance(dept, int):
            found.add(dept)
    return found


def _tell_recipients(session: Session, req: VerificationRequest, *, today: date) -> int:
    since = datetime.combine(today - timedelta(days=RECIPIENT_WINDOW_DAYS), time.min, tzinfo=UTC)
    depts = past_recipients(
        session,
        resource_id=req.resource_id,
        subject_hash=req.subject_hash,
        items=req.items,
        since=since,
    ) - {req.consumer_department_id, req.provider_department_id}
    if not depts:
        return 0
    code = req.details.get("resource_code", req.resource_id)
    messages = [
        notify.Outgoing(
            users=users,
            kind="verification.corrected",
            title=f"A value your department received from {code} was corrected "
            f"(verification request #{req.id}): {', '.join(req.items)}",
            link="/query",
            object_type=OWNER,
            object_id=req.id,
        )
        for users in notify.recipients_by_department(session, depts).values()
        if users
    ]
    notify.notify_many(session, messages)
    return len(depts)


def answer(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    outcome: str,
    corrected: Mapping[str, str] | None = None,
    text: str,
    today: date,
) -> VerificationRequest:
    """Answers: confirms the stored value, or corrects it in the same step and tells past recipients (GZ 30)."""
    req = _lock(session, request_id)
    if not may_answer(actor, req):
        raise Forbidden("your department does not answer this request", code="forbidden_role")
    _require_open(req)
    if req.answered_by_rule == "authority_with_provider" and "proposal" not in req.details:
        raise Conflict(
            "the providing department's input is not on record yet: the data department answers "
            "together with the provider [{article}]",
            code="provider_input_missing",
            article=req.article,
        )
    kind, values = _check_answer(req, outcome, corrected or {})
    why = clean_text(text, code="answer_required", message="write the answer")
    if kind == Outcome.CORRECTED:
        previous, version = _correct(session, actor=actor, req=req, values=values, today=today)
        sealed = sealed_values(req)
        sealed["corrected"] = values
        sealed["previous"] = previous
        reseal(req, sealed)
        req.correction_version = version
        req.recipients_told = _tell_recipients(session, req, today=today)
    req.state = RequestState.ANSWERED
    req.outcome = kind
    req.answered_on = today
    req.answered_by = actor.name[:100]
    req.answer = why
    audit.record(
        session,
        actor=actor,
        action="verification.answer",
        object_type=OWNER,
        object_id=req.id,
        details={
            "outcome": str(kind),
            "items": list(values),
            "correction_version": req.correction_version,
            "recipients_told": req.recipients_told,
            "late": bool(req.due_on and today > req.due_on),
        },
    )
    resolve_flag(
        session, actor=actor, kind=FLAG_KIND, object_type=OWNER, object_id=req.id, today=today
    )
    verb = "confirmed the stored value" if kind == Outcome.CONFIRMED else "corrected the record"
    tell(
        session,
        req,
        kind="verification.answered",
        title=f"Verification request #{req.id} answered: {verb}",
        consumer=True,
        provider=req.answered_by_rule != "provider",
        filer=True,
    )
    return req


def withdraw(
    session: Session, *, actor: Actor, request_id: int, reason: str, today: date
) -> VerificationRequest:
    """The consumer withdraws its request before an answer."""
    req = _lock(session, request_id)
    if actor.department_id != req.consumer_department_id or not actor.has_role(*CONSUMERS):
        raise Forbidden(
            "only the requesting department withdraws its request", code="forbidden_role"
        )
    _require_open(req)
    why = clean_text(
        reason, code="reason_required", message="state why you withdraw the request", required=False
    )
    req.state = RequestState.WITHDRAWN
    req.answered_on = today
    req.answered_by = actor.name[:100]
    req.answer = why
    audit.record(
        session,
        actor=actor,
        action="verification.withdraw",
        object_type=OWNER,
        object_id=req.id,
        details={"reason": why},
    )
    resolve_flag(
        session, actor=actor, kind=FLAG_KIND, object_type=OWNER, object_id=req.id, today=today
    )
    tell(
        session,
        req,
        kind="verification.withdrawn",
        title=f"Verification request #{req.id} was withdrawn by the requesting department",
        provider=True,
        authority=req.answered_by_rule != "provider",
    )
    return req
