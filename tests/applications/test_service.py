"""Applying, answering, withdrawing, delivering (GZ 25-26; ZS 22; JS 18)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.catalogue.models import Resource
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.sharing import applications
from govshare.sharing import service as sharing
from govshare.sharing.application_models import ApplicationState
from govshare.sharing.models import Grant
from tests.applications.conftest import CONDITIONAL, Parties, apply, notes
from tests.catalogue import builders as catalogue_builders
from tests.sharing import builders as sharing_builders

DAY = date(2026, 11, 2)  # a Monday


def _actions(session: Session, application_id: int) -> list[str]:
    stmt = (
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "application", AuditEntry.object_id == str(application_id))
        .order_by(AuditEntry.seq)
    )
    return list(session.scalars(stmt))


def test_submission_computes_due_date_and_tells_the_providers_officers(
    session: Session, parties: Parties
) -> None:
    # GZ 26: 5 working days, the submission day not counted: Mon 11-02 -> Mon 11-09
    a = apply(session, parties, today=DAY)
    assert a.state == ApplicationState.SUBMITTED
    assert a.due_on == date(2026, 11, 9)
    assert a.items == CONDITIONAL and a.provider_department_id == parties.provider.id
    assert notes(session, parties.officer, "application.new") == 1
    assert notes(session, parties.staff, "application.new") == 0
    assert _actions(session, a.id) == ["application.submit"]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        (["姓名"], "item_unconditional"),  # open anyway (GZ 26 ¶1)
        (["婚姻状况", "血型"], "unknown_item"),
        ([], "missing_item"),
    ],
)
def test_only_existing_conditional_items_may_be_asked_for(
    session: Session, parties: Parties, items: list[str], code: str
) -> None:
    with pytest.raises(Invalid) as err:
        apply(session, parties, today=DAY, items=items)
    assert err.value.code == code


def _submit(session: Session, p: Parties, resource_id: int) -> None:
    applications.submit(
        session,
        actor=p.staff_actor,
        resource_id=resource_id,
        purpose_text="x",
        legal_basis="y",
        purposes=["P-1"],
        items=["姓名"],
        expected_volume="",
        period_from=DAY,
        period_until=date(2027, 1, 1),
        involves_secret_or_privacy=False,
        today=DAY,
    )


def test_only_published_conditional_resources_take_applications(
    session: Session, parties: Parties
) -> None:
    open_resource = sharing_builders.published(session, parties.provider, "unconditional")
    with pytest.raises(Invalid) as err:
        _submit(session, parties, open_resource.id)
    assert err.value.code == "not_conditional"
    draft: Resource = catalogue_builders.resource(session, parties.provider)
    with pytest.raises(NotFound):
        _submit(session, parties, draft.id)


def test_purpose_legal_basis_and_period_are_required(session: Session, parties: Parties) -> None:
    with pytest.raises(Invalid) as err:
        apply(session, parties, today=DAY, legal_basis=" ")
    assert err.value.code == "legal_basis_required"
    with pytest.raises(Invalid) as err:
        apply(session, parties, today=DAY, purposes=["bad code!"])
    assert err.value.code == "invalid_purpose_code"
    with pytest.raises(Invalid) as err:
        apply(session, parties, today=DAY, period=(date(2026, 12, 1), date(2026, 11, 30)))
    assert err.value.code == "invalid_period"


def test_approval_of_fewer_items_and_a_shorter_period_grants_only_those(
    session: Session, parties: Parties
) -> None:
    # GZ 26: the answer starts the 5-working-day delivery limit
    a = apply(session, parties, today=DAY, period=(date(2026, 12, 1), date(2027, 11, 30)))
    applications.approve(
        session,
        actor=parties.officer_actor,
        application_id=a.id,
        today=date(2026, 11, 4),
        items=["婚姻状况"],
        valid_until=date(2027, 5, 31),
    )
    assert a.state == ApplicationState.APPROVED
    grant = session.get(Grant, a.grant_id)
    assert grant is not None
    assert grant.items == ["婚姻状况"] and grant.source == "application"
    assert grant.approved_by == parties.officer_actor.name
    assert (grant.valid_from, grant.valid_until) == (date(2026, 12, 1), date(2027, 5, 31))
    assert grant.purposes == ["440100-MZ-0031"]
    assert a.delivery_due_on == date(2026, 11, 11)
    assert notes(session, parties.staff, "application.decision") == 1
    assert _actions(session, a.id) == ["application.submit", "application.approve"]


def test_approval_cannot_widen_the_application(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=DAY, items=["婚姻状况"])
    with pytest.raises(Invalid) as err:
        applications.approve(
            session, actor=parties.officer_actor, application_id=a.id, today=DAY, items=CONDITIONAL
        )
    assert err.value.code == "items_not_requested"
    with pytest.raises(Invalid):
        applications.approve(
            session,
            actor=parties.officer_actor,
            application_id=a.id,
            today=DAY,
            valid_until=date(2030, 1, 1),
        )
    assert a.state == ApplicationState.SUBMITTED and a.grant_id is None


def test_refusal_without_a_reason_is_rejected(session: Session, parties: Parties) -> None:
    # GZ 26: 拒绝提供的,应当说明理由
    a = apply(session, parties, today=DAY)
    with pytest.raises(Invalid) as err:
        applications.refuse(
            session, actor=parties.officer_actor, application_id=a.id, reason="  ", today=DAY
        )
    assert err.value.code == "refusal_reason_required"
    assert a.state == ApplicationState.SUBMITTED
    applications.refuse(
        session,
        actor=parties.officer_actor,
        application_id=a.id,
        reason="不属于法定职责",
        today=DAY,
    )
    assert a.state == ApplicationState.REFUSED and a.refusal_reason == "不属于法定职责"
    assert notes(session, parties.staff, "application.decision") == 1


def test_refusal_reason_is_optional_where_the_text_is_silent(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    use_profile("zhengzhou")  # ZZ 17 requires no stated reasons
    a = apply(session, parties, today=DAY)
    assert a.due_on is None  # ZZ 18: no response limit, so no due date
    applications.refuse(
        session, actor=parties.officer_actor, application_id=a.id, reason="", today=DAY
    )
    assert a.state == ApplicationState.REFUSED


def test_withdraw_only_before_an_answer(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=DAY)
    applications.withdraw(session, actor=parties.staff_actor, application_id=a.id, today=DAY)
    assert a.state == ApplicationState.WITHDRAWN
    assert notes(session, parties.officer, "application.withdrawn") == 1
    with pytest.raises(IllegalTransition):
        applications.approve(session, actor=parties.officer_actor, application_id=a.id, today=DAY)
    b = apply(session, parties, today=DAY)
    applications.approve(session, actor=parties.officer_actor, application_id=b.id, today=DAY)
    with pytest.raises(IllegalTransition):
        applications.withdraw(session, actor=parties.staff_actor, application_id=b.id, today=DAY)


def test_only_the_provider_answers_and_only_the_consumer_withdraws(
    session: Session, parties: Parties
) -> None:
    a = apply(session, parties, today=DAY)
    with pytest.raises(Forbidden):
        applications.approve(session, actor=parties.staff_actor, application_id=a.id, today=DAY)
    with pytest.raises(Forbidden):
        applications.withdraw(session, actor=parties.officer_actor, application_id=a.id, today=DAY)


def test_an_answer_after_the_deadline_is_too_late_under_deemed_consent(
    session: Session, parties: Parties
) -> None:
    # GZ 26: from the day after the deadline the application is deemed agreed
    a = apply(session, parties, today=DAY)
    with pytest.raises(IllegalTransition) as err:
        applications.refuse(
            session,
            actor=parties.officer_actor,
            application_id=a.id,
            reason="late",
            today=date(2026, 11, 10),
        )
    assert err.value.code == "answer_too_late"


def test_delivery_closes_an_approved_application(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=DAY)
    with pytest.raises(IllegalTransition):
        applications.mark_delivered(
            session, actor=parties.officer_actor, application_id=a.id, today=DAY
        )
    applications.approve(session, actor=parties.officer_actor, application_id=a.id, today=DAY)
    applications.mark_delivered(
        session, actor=parties.officer_actor, application_id=a.id, today=date(2026, 11, 5)
    )
    assert a.state == ApplicationState.DELIVERED and a.delivered_on == date(2026, 11, 5)
    assert notes(session, parties.staff, "application.delivered") == 1


def test_the_grant_of_an_application_can_be_revoked(session: Session, parties: Parties) -> None:
    # smoke test: revocation belongs to the grants; the application keeps pointing at it
    a = apply(session, parties, today=DAY)
    applications.approve(session, actor=parties.officer_actor, application_id=a.id, today=DAY)
    assert a.grant_id is not None
    sharing.revoke_grant(
        session, actor=parties.officer_actor, grant_id=a.grant_id, reason="用途已结束"
    )
    grant = session.get(Grant, a.grant_id)
    assert grant is not None
    assert sharing.grant_state(grant, today=DAY) == sharing.GrantState.REVOKED


def test_lists_mine_inbox_and_overdue(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=DAY)
    mine = applications.list_applications(session, actor=parties.staff_actor, today=DAY)
    inbox = applications.list_applications(session, actor=parties.officer_actor, today=DAY)
    assert [v.application.id for v in mine.items] == [a.id]
    assert [v.application.id for v in inbox.items] == [a.id]
    assert inbox.items[0].working_days_left == 5 and not inbox.items[0].overdue
    with pytest.raises(Forbidden):
        applications.list_applications(session, actor=parties.staff_actor, today=DAY, box="all")
    late = date(2026, 11, 10)
    overdue = applications.list_applications(
        session, actor=parties.officer_actor, today=late, overdue=True
    )
    assert [v.application.id for v in overdue.items] == [a.id] and overdue.items[0].overdue
    assert (
        applications.list_applications(
            session, actor=parties.officer_actor, today=DAY, overdue=True
        ).total
        == 0
    )
