"""Acting on a dispute's step: escalating, agreeing or deciding, and providing after "provide".

See `disputes` for the rules of who acts at which step (GZ 28; ZS 37; ZZ 18; JS 13, 19).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.db import utcnow
from govshare.governance.disputes import (
    MAX_TEXT,
    PROVIDE_LATE,
    STEP_OVERDUE,
    clean_text,
    get_dispute,
    ladder_for_dispute,
    may_decide,
    may_escalate,
    open_step,
    partial_grant,
    start_step,
    tell,
)
from govshare.governance.models import Dispute, DisputeState, DisputeStep, Outcome, StepState
from govshare.jobs import service as jobs
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid
from govshare.orgs.models import Role
from govshare.profiles.schema import DisputeLadder
from govshare.sharing import grant_life
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application
from govshare.sharing.applications import deadline_date
from govshare.sharing.models import Grant

# --- acting on a step -------------------------------------------------------------------------


def escalate(
    session: Session,
    *,
    actor: Actor,
    dispute_id: int,
    reasons: str,
    today: date,
    uploads: Sequence[attachments.Upload] = (),
) -> Dispute:
    """Ends the current step without agreement and starts the next one."""
    dispute = get_dispute(session, actor=actor, dispute_id=dispute_id)
    step = open_step(dispute)
    if not may_escalate(actor, dispute, step):
        raise Forbidden("at this step only the authority escalates", code="not_yours_to_escalate")
    ladder = ladder_for_dispute(dispute)
    if step.number >= len(ladder.steps):
        raise IllegalTransition(
            "this is the last step of the ladder: it ends with a decision",
            code="last_step",
        )
    text = clean_text(reasons, "reasons_required")
    attachments.attach(
        session, actor=actor, owner_type="dispute", owner_id=dispute.id, uploads=uploads
    )
    advance(session, dispute, ladder, actor=actor, on=today, reasons=text, automatic=False)
    return dispute


def advance(
    session: Session,
    dispute: Dispute,
    ladder: DisputeLadder,
    *,
    actor: Actor,
    on: date,
    reasons: str,
    automatic: bool,
) -> DisputeStep:
    """Closes the open step as escalated on `on` and starts the next one that day; audits, notifies."""
    step = open_step(dispute)
    step.state = StepState.ESCALATED
    step.decision = "escalate"
    step.decided_by = actor.name
    step.decided_by_department_id = actor.department_id
    step.reasons = reasons
    step.decided_on = on
    step.automatic = automatic
    nxt = start_step(session, dispute, ladder, step.number + 1, on)
    audit.record(
        session,
        actor=actor,
        action="dispute.escalate",
        object_type="dispute",
        object_id=dispute.id,
        details={
            "from": step.key,
            "to": nxt.key,
            "on": on.isoformat(),
            "automatic": automatic,
            "missed_due_on": str(step.due_on or "") if automatic else "",
            "next_due_on": str(nxt.due_on or ""),
            "article": nxt.article,
        },
    )
    due = f"; due by {nxt.due_on}" if nxt.due_on else ""
    tell(
        session,
        dispute,
        title=(
            f"Dispute {dispute.id} escalated on {on} to step {nxt.number}: "
            f"{nxt.title}{due} [{nxt.article}]"
        ),
        body=reasons,
    )
    return nxt


def decide(
    session: Session,
    *,
    actor: Actor,
    dispute_id: int,
    outcome: str,
    reasons: str,
    today: date,
    uploads: Sequence[attachments.Upload] = (),
) -> Dispute:
    """Closes the current step (and the case) with an agreement or a decision and its reasons."""
    dispute = get_dispute(session, actor=actor, dispute_id=dispute_id)
    step = open_step(dispute)
    try:
        result = Outcome(outcome)
    except ValueError:
        raise Invalid(
            "the outcome is provide or not_provide", code="invalid_outcome", outcome=outcome
        ) from None
    if not may_decide(actor, dispute, step, result):
        raise Forbidden(
            "this step is not yours to decide with this outcome", code="not_yours_to_decide"
        )
    ladder = ladder_for_dispute(dispute)
    text = clean_text(reasons, "reasons_required")
    attachments.attach(
        session, actor=actor, owner_type="dispute", owner_id=dispute.id, uploads=uploads
    )
    step.state = StepState.AGREED if step.decider == "parties" else StepState.DECIDED
    step.decision = result.value
    step.decided_by = actor.name
    step.decided_by_department_id = actor.department_id
    step.reasons = text
    step.decided_on = today
    dispute.state = DisputeState.CLOSED
    dispute.outcome = result.value
    dispute.closed_on = today
    if result == Outcome.PROVIDE:
        _provide(session, actor, dispute, ladder, today)
    else:
        _not_provide(session, actor, dispute, text)
    _lift(session, actor, dispute, today)
    jobs.resolve_flag(
        session,
        actor=actor,
        kind=STEP_OVERDUE,
        object_type="dispute",
        object_id=dispute.id,
        today=today,
    )
    audit.record(
        session,
        actor=actor,
        action=f"dispute.{step.state}",
        object_type="dispute",
        object_id=dispute.id,
        details={
            "step": step.key,
            "outcome": result.value,
            "reasons": text,
            "article": step.article,
            "provided_grant_id": dispute.provided_grant_id,
            "provide_due_on": str(dispute.provide_due_on or ""),
        },
    )
    due = f"; provide by {dispute.provide_due_on}" if dispute.provide_due_on else ""
    tell(
        session,
        dispute,
        title=f"Dispute {dispute.id} closed at {step.title}: {result.value}{due} [{step.article}]",
        body=text,
    )
    return dispute


def _provide(
    session: Session, actor: Actor, dispute: Dispute, ladder: DisputeLadder, today: date
) -> None:
    if dispute.subject == "application":
        assert dispute.application_id is not None
        application = session.get(Application, dispute.application_id)
        assert application is not None
        current = session.get(Grant, application.grant_id) if application.grant_id else None
        if current is None or current.revoked_at is not None or partial_grant(session, application):
            grant = sharing.create_grant(
                session,
                actor=actor,
                consumer_department_id=application.consumer_department_id,
                resource_id=application.resource_id,
                items=application.items,
                purposes=application.purposes,
                valid_from=max(application.period_from, today),
                valid_until=application.period_until,
                today=today,
                source="dispute",
                approved_by=f"{actor.name} [{ladder.citation()}]",
                note=f"dispute {dispute.id} about application {application.id}",
            )
            dispute.provided_grant_id = grant.id
        else:
            dispute.provided_grant_id = current.id
    else:
        dispute.provided_grant_id = dispute.grant_id
    dispute.provide_due_on = deadline_date(
        WorkingCalendar(session), today, ladder.provide_after_decision
    )


def _not_provide(session: Session, actor: Actor, dispute: Dispute, reasons: str) -> None:
    # The data the provider contested is not shared: its grant ends. A consumer's dispute that
    # fails leaves the earlier answer (a refusal, a partial grant) as it was.
    grant_id = dispute.grant_id
    if dispute.subject == "application":
        if dispute.raised_by_department_id != dispute.provider_department_id:
            return
        application = session.get(Application, dispute.application_id)
        grant_id = application.grant_id if application is not None else None
    grant = session.get(Grant, grant_id) if grant_id else None
    if grant is None or grant.revoked_at is not None:
        return
    grant.revoked_at = utcnow()
    grant.revoked_by = actor.name
    grant.revoked_reason = f"dispute {dispute.id}: {reasons}"[:MAX_TEXT]
    audit.record(
        session,
        actor=actor,
        action="grant.revoke",
        object_type="grant",
        object_id=grant.id,
        details={"reason": grant.revoked_reason, "dispute_id": dispute.id},
    )


def _lift(session: Session, actor: Actor, dispute: Dispute, today: date) -> None:
    if not dispute.suspended_grant or dispute.grant_id is None:
        return
    grant = session.get(Grant, dispute.grant_id)
    if grant is None or not grant.suspended:
        return
    if grant.revoked_at is not None:
        grant.suspended = False  # revoked by the decision: nothing left to suspend
        return
    grant_life.mark_lifted(
        session,
        actor=actor,
        grant=grant,
        reason=f"dispute {dispute.id} closed: {dispute.outcome}",
        today=today,
    )


def mark_provided(session: Session, *, actor: Actor, dispute_id: int, today: date) -> Dispute:
    """The provider records that it provided the data after an outcome "provide"."""
    dispute = get_dispute(session, actor=actor, dispute_id=dispute_id)
    if not (
        actor.has_role(Role.DATA_OFFICER) and actor.department_id == dispute.provider_department_id
    ):
        raise Forbidden(
            "only the providing department's data officer records it", code="not_the_provider"
        )
    if dispute.outcome != Outcome.PROVIDE or dispute.provided_on is not None:
        raise IllegalTransition("nothing to provide on this dispute", code="nothing_to_provide")
    dispute.provided_on = today
    late = dispute.provide_due_on is not None and today > dispute.provide_due_on
    jobs.resolve_flag(
        session,
        actor=actor,
        kind=PROVIDE_LATE,
        object_type="dispute",
        object_id=dispute.id,
        today=today,
    )
    audit.record(
        session,
        actor=actor,
        action="dispute.provided",
        object_type="dispute",
        object_id=dispute.id,
        details={"provide_due_on": str(dispute.provide_due_on or ""), "late": late},
    )
    tell(session, dispute, title=f"Dispute {dispute.id}: the data was provided on {today}")
    return dispute
