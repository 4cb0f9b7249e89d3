"""The sweep on disputes: overdue steps escalate in order with real working days; late providers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.governance import decisions, disputes
from govshare.governance import rules as dispute_rules
from govshare.governance.models import Dispute, DisputeState, StepState
from govshare.jobs import service as jobs
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.kit.errors import IllegalTransition
from govshare.sharing import service as sharing
from govshare.sharing.models import Grant
from govshare.sharing.service import GrantState
from tests.applications.conftest import Parties, notes
from tests.governance.conftest import partially_approved, refused
from tests.orgs import builders as org_builders

SWEEP = Actor.system()


def _sweep(session: Session, today: date) -> int:
    return dispute_rules.escalate_overdue(session, today=today, actor=SWEEP)


def _raise(session: Session, p: Parties, today: date = date(2026, 9, 24)) -> Dispute:
    return disputes.raise_dispute(
        session,
        actor=p.staff_actor,
        application_id=refused(session, p).id,
        reasons="拒绝理由不成立",
        today=today,
    )


def _flags(session: Session, kind: str, dispute: Dispute) -> list[Flag]:
    stmt = select(Flag).where(Flag.kind == kind, Flag.object_id == str(dispute.id))
    return list(session.scalars(stmt))


def test_the_rules_are_registered_with_the_sweep() -> None:
    names = {r.name for r in jobs.rules()}
    assert {"disputes.escalation", "disputes.provide_late"} <= names


def test_a_late_tick_escalates_each_step_in_order_with_its_own_dates(
    session: Session, parties: Parties, gz_with_deadlines: Path
) -> None:
    # GZ Art. 28 ladder with 3 working days per step (a customised profile). Raised on Thursday
    # 2026-09-24, the day before the Mid-Autumn holiday; the National Day week follows.
    p = parties
    dispute = _raise(session, p)
    first = dispute.step
    assert first is not None and first.due_on == date(2026, 9, 30)  # Sep 28, 29, 30

    assert _sweep(session, date(2026, 9, 30)) == 0  # the last day still counts
    assert _sweep(session, date(2026, 11, 30)) == 4  # three escalations and one flag
    steps = dispute.steps
    assert [(s.key, s.started_on, s.due_on, s.state) for s in steps] == [
        ("negotiation", date(2026, 9, 24), date(2026, 9, 30), StepState.ESCALATED),
        # from the day after the deadline: Oct 8, 9 and 10 (the adjusted working Saturday)
        ("coordination", date(2026, 10, 1), date(2026, 10, 10), StepState.ESCALATED),
        ("joint_review", date(2026, 10, 11), date(2026, 10, 14), StepState.ESCALATED),
        ("decision", date(2026, 10, 15), date(2026, 10, 20), StepState.OPEN),
    ]
    assert [s.decided_on for s in steps[:3]] == [
        date(2026, 10, 1),
        date(2026, 10, 11),
        date(2026, 10, 15),
    ]
    assert all(s.automatic and s.decided_by == SWEEP.name for s in steps[:3])
    # The last step has nothing above it: the authority is told, once.
    flags = _flags(session, disputes.STEP_OVERDUE, dispute)
    assert len(flags) == 1 and flags[0].raised_on == date(2026, 10, 21)
    assert dispute.state == DisputeState.OPEN
    assert notes(session, p.officer, "dispute.step") == 1 + 3 + 1
    assert notes(session, p.staff, "dispute.step") == 1 + 3 + 1
    assert notes(session, p.admin, "dispute.step") == 1 + 3 + 1
    escalations = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "dispute.escalate", AuditEntry.object_id == str(dispute.id))
    )
    assert escalations == 3

    # Idempotent: a second run, or two more days, change nothing.
    assert _sweep(session, date(2026, 11, 30)) == 0
    assert _sweep(session, date(2026, 12, 2)) == 0
    assert len(dispute.steps) == 4

    # The authority records the ruling: the flag is resolved.
    decisions.decide(
        session,
        actor=org_builders.actor_of(p.admin),
        dispute_id=dispute.id,
        outcome="not_provide",
        reasons="裁定维持拒绝",
        today=date(2026, 12, 2),
    )
    assert _flags(session, disputes.STEP_OVERDUE, dispute)[0].resolved_on == date(2026, 12, 2)


def test_a_tick_on_a_day_between_deadlines_stops_at_the_open_step(
    session: Session, parties: Parties, gz_with_deadlines: Path
) -> None:
    p = parties
    dispute = _raise(session, p)
    assert _sweep(session, date(2026, 10, 10)) == 1
    assert [s.key for s in dispute.steps] == ["negotiation", "coordination"]
    assert disputes.is_overdue(dispute, date(2026, 10, 10)) is False
    assert disputes.is_overdue(dispute, date(2026, 10, 11)) is True
    overdue = disputes.list_disputes(
        session, actor=org_builders.actor_of(p.admin), today=date(2026, 10, 11), overdue=True
    )
    assert [d.id for d in overdue.items] == [dispute.id]
    assert _sweep(session, date(2026, 10, 10)) == 0


def test_jobs_tick_runs_the_escalation(
    session: Session, parties: Parties, gz_with_deadlines: Path
) -> None:
    p = parties
    dispute = _raise(session, p)
    report_rules = {r.name: r for r in jobs.rules()}
    n = report_rules["disputes.escalation"].fn(session, today=date(2026, 10, 2), actor=SWEEP)
    assert n == 1 and dispute.current_step == 2


def test_late_provision_after_a_ruling_is_flagged_once(session: Session, parties: Parties) -> None:
    # GZ Art. 28: provide within 5 working days of the ruling (2026-09-30 -> 2026-10-13).
    p = parties
    dispute = _raise(session, p)
    admin = org_builders.actor_of(p.admin)
    for _ in range(3):
        decisions.escalate(
            session, actor=admin, dispute_id=dispute.id, reasons="不成", today=date(2026, 9, 28)
        )
    decisions.decide(
        session,
        actor=admin,
        dispute_id=dispute.id,
        outcome="provide",
        reasons="应当共享",
        today=date(2026, 9, 30),
    )
    late = dispute_rules.flag_late_provision
    assert late(session, today=date(2026, 10, 13), actor=SWEEP) == 0
    assert late(session, today=date(2026, 10, 14), actor=SWEEP) == 1
    assert late(session, today=date(2026, 10, 15), actor=SWEEP) == 0
    assert disputes.is_overdue(dispute, date(2026, 10, 14))
    decisions.mark_provided(
        session, actor=p.officer_actor, dispute_id=dispute.id, today=date(2026, 10, 16)
    )
    assert _flags(session, disputes.PROVIDE_LATE, dispute)[0].resolved_on == date(2026, 10, 16)
    with pytest.raises(IllegalTransition):
        decisions.mark_provided(
            session, actor=p.officer_actor, dispute_id=dispute.id, today=date(2026, 10, 16)
        )


def test_a_grant_in_dispute_is_suspended_and_refuses_queries_until_closure(
    session: Session, parties: Parties, gz_with_deadlines: Path
) -> None:
    # Where the profile says so (`suspends_grants`), a grant in dispute is not used meanwhile.
    p = parties
    application = partially_approved(session, p)
    grant = session.get(Grant, application.grant_id)
    assert grant is not None
    day = date(2026, 9, 24)
    entry = sharing.published(session, resource_id=p.resource.id)

    def items() -> tuple[str, ...]:
        return sharing.entitlement(
            session,
            consumer_department_id=p.consumer.id,
            resource=entry,
            purpose_code=application.purposes[0],
            today=day,
        ).items

    assert "婚姻状况" in items()
    dispute = disputes.raise_dispute(
        session, actor=p.officer_actor, grant_id=grant.id, reasons="超范围使用", today=day
    )
    assert dispute.kind == "general" and dispute.suspended_grant
    assert sharing.grant_state(grant, today=day) == GrantState.SUSPENDED
    assert "婚姻状况" not in items()
    decisions.decide(
        session,
        actor=p.officer_actor,  # the provider concedes: the grant goes on
        dispute_id=dispute.id,
        outcome="provide",
        reasons="经协商,使用方已整改",
        today=day,
    )
    assert sharing.grant_state(grant, today=day) == GrantState.ACTIVE
    assert "婚姻状况" in items()

    again = disputes.raise_dispute(
        session, actor=p.officer_actor, grant_id=grant.id, reasons="再次超范围", today=day
    )
    decisions.decide(
        session,
        actor=p.staff_actor,  # the consumer concedes: the grant ends
        dispute_id=again.id,
        outcome="not_provide",
        reasons="同意停止使用",
        today=day,
    )
    assert sharing.grant_state(grant, today=day) == GrantState.REVOKED
    assert not grant.suspended


def test_without_the_profile_saying_so_a_grant_in_dispute_stays_active(
    session: Session, parties: Parties
) -> None:
    # GZ 28 is silent on suspension: the documented default is no suspension.
    p = parties
    grant_id = partially_approved(session, p).grant_id
    assert grant_id is not None
    dispute = disputes.raise_dispute(
        session, actor=p.officer_actor, grant_id=grant_id, reasons="x", today=date(2026, 9, 24)
    )
    grant = session.get(Grant, grant_id)
    assert grant is not None and not grant.suspended and not dispute.suspended_grant
