"""Sweep rules of disputes: a step past its deadline escalates; a late provider is flagged.

A step whose deadline passed without a decision is escalated to the next step as of the day
after its deadline (the consequence of a missed deadline applies from the next day), and the
next step's deadline is counted from that day. A tick after downtime therefore applies several
missed deadlines in order, each with its own date. A step with nothing above it (the last one)
or one the profile places outside the platform is flagged for the authority instead. Running
the rules twice changes nothing the second time: escalated steps leave the open state, flags
are raised once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from govshare.governance.decisions import advance
from govshare.governance.disputes import PROVIDE_LATE, STEP_OVERDUE, ladder_for_dispute, tell
from govshare.governance.models import Dispute, DisputeState, DisputeStep, Outcome, StepState
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError

BATCH = 200


def _batches(session: Session, *conditions: ColumnElement[bool]) -> Iterator[list[Dispute]]:
    """The matching disputes in id order, a locked batch at a time (keyset: each once)."""
    last = 0
    while True:
        stmt = (
            select(Dispute).where(*conditions, Dispute.id > last).order_by(Dispute.id).limit(BATCH)
        )
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


def _late_step(today: date) -> ColumnElement[bool]:
    return (
        select(DisputeStep.id)
        .where(
            DisputeStep.dispute_id == Dispute.id,
            DisputeStep.number == Dispute.current_step,
            DisputeStep.state == StepState.OPEN,
            DisputeStep.due_on < today,
        )
        .exists()
    )


@rule(
    "disputes.escalation",
    "Escalate a dispute step past its deadline, or flag it where nothing is above it (GZ 28)",
    order=170,
)
def escalate_overdue(session: Session, *, today: date, actor: Actor) -> int:
    """Escalates (in order, each as of its own date) or flags; counts escalations and flags."""
    changed = 0
    for batch in _batches(session, Dispute.state == DisputeState.OPEN, _late_step(today)):
        for dispute in batch:
            changed += _catch_up(session, dispute, today=today, actor=actor)
    return changed


def _catch_up(session: Session, dispute: Dispute, *, today: date, actor: Actor) -> int:
    try:
        ladder = ladder_for_dispute(dispute)
    except DomainError:
        return 0  # the profile changed under the case: the authority handles it by hand
    changed = 0
    while True:
        step = dispute.step
        if step is None or step.state != StepState.OPEN or step.due_on is None:
            return changed
        if step.due_on >= today:
            return changed
        effective = step.due_on + timedelta(days=1)
        if step.outside_platform or step.number >= len(ladder.steps):
            return changed + _flag(session, dispute, step, today=effective, actor=actor)
        advance(
            session,
            dispute,
            ladder,
            actor=actor,
            on=effective,
            reasons=f"no decision by {step.due_on} [{step.article}]",
            automatic=True,
        )
        changed += 1


def _flag(
    session: Session, dispute: Dispute, step: DisputeStep, *, today: date, actor: Actor
) -> int:
    raised = raise_flag(
        session,
        actor=actor,
        kind=STEP_OVERDUE,
        object_type="dispute",
        object_id=dispute.id,
        today=today,
        message=f"dispute {dispute.id}: {step.key} undecided since {step.due_on}",
        due_on=step.due_on,
        details={"step": step.key, "outside_platform": step.outside_platform},
    )
    if raised:
        tell(
            session,
            dispute,
            title=(
                f"Dispute {dispute.id}: step {step.number} ({step.title}) undecided since "
                f"{step.due_on} [{step.article}]"
            ),
        )
    return int(raised)


@rule(
    "disputes.provide_late",
    "Flag a provider that did not provide in time after an outcome 'provide' (GZ 28)",
    order=171,
)
def flag_late_provision(session: Session, *, today: date, actor: Actor) -> int:
    """Raises a flag once per late provider; counts flags raised."""
    count = 0
    for batch in _batches(
        session,
        Dispute.outcome == Outcome.PROVIDE,
        Dispute.provided_on.is_(None),
        Dispute.provide_due_on.is_not(None),
        Dispute.provide_due_on < today,
    ):
        for dispute in batch:
            assert dispute.provide_due_on is not None  # selected on it
            raised = raise_flag(
                session,
                actor=actor,
                kind=PROVIDE_LATE,
                object_type="dispute",
                object_id=dispute.id,
                today=today,
                message=f"dispute {dispute.id}: provide by {dispute.provide_due_on}, not done",
                department_id=dispute.provider_department_id,
                due_on=dispute.provide_due_on,
            )
            if raised:
                tell(
                    session,
                    dispute,
                    title=(
                        f"Dispute {dispute.id}: the data was due by {dispute.provide_due_on} "
                        f"[{dispute.article}] and is late"
                    ),
                )
            count += int(raised)
    return count
