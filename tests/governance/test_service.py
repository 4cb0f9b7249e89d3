"""Disputes climbing each profile's ladder (GZ 28; ZS 37; ZZ 18; JS 13, 19)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit.models import AuditEntry
from govshare.governance import decisions, disputes
from govshare.governance.models import DisputeState, Outcome, StepState
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.orgs.models import Role
from govshare.sharing import applications
from govshare.sharing import service as sharing
from govshare.sharing.models import Grant
from govshare.sharing.service import GrantState
from tests.applications.conftest import Parties, apply, notes
from tests.governance.conftest import partially_approved, refused
from tests.orgs import builders as org_builders

RAISED = date(2026, 9, 24)


def _admin(p: Parties) -> Actor:
    return org_builders.actor_of(p.admin)


def _actions(session: Session, dispute_id: int) -> list[str]:
    stmt = (
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "dispute", AuditEntry.object_id == str(dispute_id))
        .order_by(AuditEntry.seq)
    )
    return list(session.scalars(stmt))


def test_gz28_four_steps_then_the_provider_provides_within_5_working_days(
    session: Session, parties: Parties
) -> None:
    # GZ Art. 28: negotiation -> coordination -> joint review -> ruling of the government;
    # "经本级人民政府裁定应当共享的,信息提供部门应当在5个工作日内提供相关政务信息".
    p = parties
    application = refused(session, p)
    dispute = disputes.raise_dispute(
        session,
        actor=p.staff_actor,
        application_id=application.id,
        reasons="本部门依法履行社会救助职责,需要婚姻状况",
        today=RAISED,
        uploads=[attachments.Upload("批复.pdf", b"%PDF-1.4 approval")],
    )
    assert dispute.kind == "application" and dispute.ladder_key == "same_level"
    assert [s.key for s in dispute.steps] == ["negotiation"]
    assert dispute.step is not None and dispute.step.due_on is None  # GZ 28 sets no step limit
    assert len(attachments.list_for(session, owner_type="dispute", owner_id=dispute.id)) == 1
    assert notes(session, p.officer, "dispute.step") == 1
    assert notes(session, p.admin, "dispute.step") == 1

    # Negotiation fails: the consumer escalates; the authority coordinates, then escalates twice.
    decisions.escalate(
        session, actor=p.staff_actor, dispute_id=dispute.id, reasons="协商不成", today=RAISED
    )
    with pytest.raises(Forbidden):  # the authority, not a party, leaves its own coordination
        decisions.escalate(
            session, actor=p.officer_actor, dispute_id=dispute.id, reasons="x", today=RAISED
        )
    decisions.escalate(
        session, actor=_admin(p), dispute_id=dispute.id, reasons="协调不成", today=RAISED
    )
    decisions.escalate(
        session,
        actor=_admin(p),
        dispute_id=dispute.id,
        reasons="会审仍不能解决,书面提请市政府裁定",
        today=date(2026, 9, 28),
    )
    with pytest.raises(IllegalTransition) as last:
        decisions.escalate(
            session, actor=_admin(p), dispute_id=dispute.id, reasons="x", today=RAISED
        )
    assert last.value.code == "last_step"
    assert [(s.key, s.state) for s in dispute.steps] == [
        ("negotiation", StepState.ESCALATED),
        ("coordination", StepState.ESCALATED),
        ("joint_review", StepState.ESCALATED),
        ("decision", StepState.OPEN),
    ]
    assert dispute.steps[2].decided_by == _admin(p).name
    assert dispute.steps[2].decided_on == date(2026, 9, 28)
    assert dispute.step is not None and dispute.step.decider == "people_government"

    # The government rules on 2026-09-30 that the data is shared; the authority records it.
    with pytest.raises(Forbidden):
        decisions.decide(
            session,
            actor=p.officer_actor,
            dispute_id=dispute.id,
            outcome="provide",
            reasons="x",
            today=date(2026, 9, 30),
        )
    decisions.decide(
        session,
        actor=_admin(p),
        dispute_id=dispute.id,
        outcome="provide",
        reasons="市人民政府裁定:应当共享",
        today=date(2026, 9, 30),
    )
    assert dispute.state == DisputeState.CLOSED and dispute.outcome == Outcome.PROVIDE
    assert dispute.steps[3].state == StepState.DECIDED and dispute.steps[3].decided_on == date(
        2026, 9, 30
    )
    # 5 WD after 2026-09-30: Oct 8, 9, 10 (adjusted working Saturday), 12, 13.
    assert dispute.provide_due_on == date(2026, 10, 13)
    grant = session.get(Grant, dispute.provided_grant_id)
    assert grant is not None and grant.source == "dispute"
    assert set(grant.items) == set(application.items)
    assert grant.consumer_department_id == p.consumer.id
    assert sharing.grant_state(grant, today=date(2026, 10, 1)) == GrantState.ACTIVE
    assert _actions(session, dispute.id)[:2] == ["attachment.add", "dispute.raise"]
    assert _actions(session, dispute.id)[-1] == "dispute.decided"
    assert _actions(session, dispute.id).count("dispute.escalate") == 3

    with pytest.raises(IllegalTransition):
        decisions.escalate(
            session, actor=_admin(p), dispute_id=dispute.id, reasons="x", today=RAISED
        )
    decisions.mark_provided(
        session, actor=p.officer_actor, dispute_id=dispute.id, today=date(2026, 10, 12)
    )
    assert dispute.provided_on == date(2026, 10, 12)


def test_gz28_negotiation_ends_by_agreement_of_the_conceding_side(
    session: Session, parties: Parties
) -> None:
    # GZ Art. 28: a dispute settled by negotiation (协商) never reaches the authority.
    p = parties
    application = partially_approved(session, p)
    dispute = disputes.raise_dispute(
        session,
        actor=p.staff_actor,
        application_id=application.id,
        reasons="还需要月收入",
        today=RAISED,
    )
    with pytest.raises(Forbidden):  # the consumer cannot "agree" that it is provided
        decisions.decide(
            session,
            actor=p.staff_actor,
            dispute_id=dispute.id,
            outcome="provide",
            reasons="x",
            today=RAISED,
        )
    with pytest.raises(Invalid):
        decisions.decide(
            session,
            actor=p.officer_actor,
            dispute_id=dispute.id,
            outcome="maybe",
            reasons="x",
            today=RAISED,
        )
    decisions.decide(
        session,
        actor=p.officer_actor,
        dispute_id=dispute.id,
        outcome="provide",
        reasons="经协商同意提供月收入",
        today=RAISED,
    )
    assert dispute.steps[0].state == StepState.AGREED
    assert len(dispute.steps) == 1
    grant = session.get(Grant, dispute.provided_grant_id)
    assert grant is not None and set(grant.items) == {"婚姻状况", "月收入"}
    assert grant.id != application.grant_id


def test_only_a_refusal_or_a_partial_answer_is_disputed_by_the_consumer_and_once(
    session: Session, parties: Parties
) -> None:
    p = parties
    full = apply(session, p, today=date(2026, 9, 21))
    with pytest.raises(IllegalTransition):  # still unanswered
        disputes.raise_dispute(
            session, actor=p.staff_actor, application_id=full.id, reasons="x", today=RAISED
        )
    applications.approve(
        session, actor=p.officer_actor, application_id=full.id, today=date(2026, 9, 22)
    )
    with pytest.raises(IllegalTransition) as err:
        disputes.raise_dispute(
            session, actor=p.staff_actor, application_id=full.id, reasons="x", today=RAISED
        )
    assert err.value.code == "nothing_to_dispute"
    application = refused(session, p)
    with pytest.raises(Invalid):
        disputes.raise_dispute(
            session, actor=p.staff_actor, application_id=application.id, reasons=" ", today=RAISED
        )
    disputes.raise_dispute(
        session, actor=p.staff_actor, application_id=application.id, reasons="理由", today=RAISED
    )
    with pytest.raises(Conflict):
        disputes.raise_dispute(
            session,
            actor=p.staff_actor,
            application_id=application.id,
            reasons="再次",
            today=RAISED,
        )


def test_access_only_the_parties_the_authority_and_auditors(
    session: Session, parties: Parties
) -> None:
    p = parties
    application = refused(session, p)
    outsider_dept = org_builders.department(session)
    outsider = org_builders.actor_of(
        org_builders.user(session, role=Role.DATA_OFFICER, dept=outsider_dept)
    )
    auditor = org_builders.actor_of(org_builders.user(session, role=Role.AUDITOR, dept=p.authority))
    with pytest.raises(Forbidden):
        disputes.raise_dispute(
            session, actor=outsider, application_id=application.id, reasons="x", today=RAISED
        )
    with pytest.raises(Forbidden):  # the authority mediates; it does not raise
        disputes.raise_dispute(
            session, actor=_admin(p), application_id=application.id, reasons="x", today=RAISED
        )
    dispute = disputes.raise_dispute(
        session, actor=p.staff_actor, application_id=application.id, reasons="x", today=RAISED
    )
    with pytest.raises(Forbidden):
        disputes.get_dispute(session, actor=outsider, dispute_id=dispute.id)
    with pytest.raises(NotFound):
        disputes.get_dispute(session, actor=auditor, dispute_id=dispute.id + 1000)
    assert disputes.get_dispute(session, actor=auditor, dispute_id=dispute.id) is dispute
    assert disputes.list_disputes(session, actor=outsider, today=RAISED).total == 0
    with pytest.raises(Forbidden):
        disputes.list_disputes(session, actor=outsider, today=RAISED, department_id=p.consumer.id)
    assert disputes.list_disputes(session, actor=p.officer_actor, today=RAISED).total == 1
    with pytest.raises(Forbidden):
        decisions.decide(
            session,
            actor=auditor,
            dispute_id=dispute.id,
            outcome="provide",
            reasons="x",
            today=RAISED,
        )
    # An outsider reads no attachment of the case.
    row = attachments.attach(
        session,
        actor=p.staff_actor,
        owner_type="dispute",
        owner_id=dispute.id,
        uploads=[attachments.Upload("a.txt", b"evidence")],
    )[0]
    with pytest.raises(NotFound):
        attachments.fetch(session, actor=outsider, attachment_id=row.id)
    assert attachments.fetch(session, actor=p.officer_actor, attachment_id=row.id).content


def test_zs37_negotiation_coordination_determination_without_a_provide_limit(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS Art. 37: negotiation; coordination by the municipal government data department; failing
    # which, determination by the municipal government. ZS 37 sets no limit after it.
    use_profile("zhongshan")
    p = parties
    application = refused(session, p)
    dispute = disputes.raise_dispute(
        session, actor=p.staff_actor, application_id=application.id, reasons="x", today=RAISED
    )
    assert dispute.ladder_key == "management" and dispute.article == "ZS 37"
    for reasons in ("协商不成", "协调不成"):
        decisions.escalate(
            session, actor=_admin(p), dispute_id=dispute.id, reasons=reasons, today=RAISED
        )
    assert [s.key for s in dispute.steps] == ["negotiation", "coordination", "decision"]
    decisions.decide(
        session,
        actor=_admin(p),
        dispute_id=dispute.id,
        outcome="provide",
        reasons="市政府决定共享",
        today=date(2026, 9, 30),
    )
    assert dispute.provided_grant_id is not None
    assert dispute.provide_due_on is None  # the text sets no limit: nothing to be late for


def test_zz18_the_authority_coordinates_and_nothing_is_above_it(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZZ Art. 18: disputes on the conditions of sharing are coordinated by the authority.
    use_profile("zhengzhou")
    p = parties
    application = refused(session, p)
    dispute = disputes.raise_dispute(
        session, actor=p.staff_actor, application_id=application.id, reasons="x", today=RAISED
    )
    assert [s.key for s in dispute.steps] == ["coordination"]
    with pytest.raises(IllegalTransition):
        decisions.escalate(
            session, actor=_admin(p), dispute_id=dispute.id, reasons="x", today=RAISED
        )
    with pytest.raises(Forbidden):  # not a negotiation: the consumer cannot close it
        decisions.decide(
            session,
            actor=p.staff_actor,
            dispute_id=dispute.id,
            outcome="not_provide",
            reasons="x",
            today=RAISED,
        )
    decisions.decide(
        session,
        actor=_admin(p),
        dispute_id=dispute.id,
        outcome="not_provide",
        reasons="拒绝理由成立",
        today=RAISED,
    )
    assert dispute.outcome == Outcome.NOT_PROVIDE and dispute.provided_grant_id is None
    # ZZ has no general ladder: a dispute about a grant has no procedure; it is refused.
    grant = partially_approved(session, p).grant_id
    with pytest.raises(Invalid) as silent:
        disputes.raise_dispute(
            session, actor=p.officer_actor, grant_id=grant, reasons="x", today=RAISED
        )
    assert silent.value.code == "profile_silent"


def test_js13_consultation_then_the_government_and_js19_secrets(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # JS Art. 13: consultation, failing which the people's government decides.
    # JS Art. 19: state secrets -> the secrecy department; trade secrets or privacy -> the
    # parties apply to the competent state organ (outside the platform).
    use_profile("jiangsu")
    p = parties
    first = disputes.raise_dispute(
        session,
        actor=p.staff_actor,
        application_id=refused(session, p).id,
        reasons="x",
        today=RAISED,
    )
    assert [s.key for s in first.steps] == ["consultation"] and first.article == "JS 13"
    decisions.escalate(
        session, actor=p.officer_actor, dispute_id=first.id, reasons="协商不成", today=RAISED
    )
    assert first.step is not None and first.step.decider == "people_government"

    secret = disputes.raise_dispute(
        session,
        actor=p.staff_actor,
        application_id=refused(session, p).id,
        kind="state_secret",
        reasons="x",
        today=RAISED,
    )
    assert secret.article == "JS 19" and secret.step is not None
    assert secret.step.decider == "secrecy_department"
    privacy = disputes.raise_dispute(
        session,
        actor=p.staff_actor,
        application_id=refused(session, p).id,
        kind="trade_secret_or_privacy",
        reasons="x",
        today=RAISED,
    )
    assert privacy.step is not None and privacy.step.outside_platform
    decisions.decide(
        session,
        actor=_admin(p),
        dispute_id=privacy.id,
        outcome="not_provide",
        reasons="有关国家机关依法认定属于个人隐私",
        today=RAISED,
    )
    assert privacy.state == DisputeState.CLOSED
    with pytest.raises(Invalid):
        disputes.raise_dispute(
            session,
            actor=p.staff_actor,
            application_id=refused(session, p).id,
            kind="nonsense",
            reasons="x",
            today=RAISED,
        )
