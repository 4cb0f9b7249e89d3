"""Verification requests: filing, answering with correction, withdrawal (GZ 30, 33; ZS 23; ZZ 21)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.datastore import records
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid
from govshare.notify.models import Notification
from govshare.quality import verification, verification_answer, verification_queries
from govshare.quality.verification_models import VerificationRequest
from govshare.sharing import service as sharing
from tests.quality.test_verification_world import PURPOSE, TODAY, World, build, query


@pytest.fixture()
def w(session: Session) -> World:
    return build(session)


def file(session: Session, w: World, **overrides: object) -> VerificationRequest:
    values: dict[str, object] = {
        "actor": w.staff,
        "resource_id": w.resource.id,
        "subject": w.subjects[0],
        "purpose_code": PURPOSE,
        "claims": {"婚姻状况": "离婚"},
        "reason": "当事人提交离婚证,与共享数据不一致",
        "party_objected": True,
        "today": TODAY,
    }
    values.update(overrides)
    return verification.file_request(session, **values)  # type: ignore[arg-type]


def notices(session: Session, kind: str) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.kind == kind)))


def test_filed_request_is_due_in_the_profiles_working_days_and_sealed(
    session: Session, w: World
) -> None:
    # GZ 30: the provider verifies within 5 working days; Fri 20 Nov 2026 -> Fri 27 Nov.
    req = file(session, w, uploads=[verification.attachments.Upload("离婚证.pdf", b"%PDF-1.4")])
    assert req.due_on == date(2026, 11, 27)
    assert req.answered_by_rule == "provider"
    assert req.provider_department_id == w.provider.id
    assert req.items == ["婚姻状况"]
    # The subject and the values are stored sealed; only the blind index is in clear.
    assert w.subjects[0] not in req.subject_enc and "离婚" not in req.claims_enc
    assert req.subject_hash == records.subject_hash(w.subjects[0])
    assert verification.subject_of(req) == w.subjects[0]
    sealed = verification.sealed_values(req)
    assert sealed["claimed"] == {"婚姻状况": "离婚"}
    assert sealed["stored"]["婚姻状况"] in ("已婚", "未婚")
    # The provider's data officer is told.
    assert [n.user_id for n in notices(session, "verification.filed")] == [w.users["officer"].id]
    files = verification.attachments.list_for(
        session, owner_type=verification.OWNER, owner_id=req.id
    )
    assert [f.filename for f in files] == ["离婚证.pdf"]


def test_items_outside_the_grant_or_unknown_are_refused_alike(session: Session, w: World) -> None:
    # GZ 30: the consumer questions what it received; never what it may not see.
    with pytest.raises(Forbidden) as unknown:
        file(session, w, claims={"病历摘要": "x"})
    assert unknown.value.code == "item_not_entitled"
    with pytest.raises(Invalid) as none:
        file(session, w, claims={})
    assert none.value.code == "items_required"
    with pytest.raises(Invalid) as blank:
        file(session, w, claims={"婚姻状况": " "})
    assert blank.value.code == "claim_required"


def test_a_conditional_resource_without_a_grant_cannot_be_questioned(
    session: Session, w: World
) -> None:
    # GZ 26 ¶2: without a grant for the purpose nothing is entitled, so nothing is questioned.
    from tests.datastore import builders as data

    closed = data.resource(
        session,
        w.provider,
        sharing_type="conditional",
        sharing_basis="《社会救助暂行办法》第十一条",
        sharing_conditions="用于社会救助审核",
    )
    with pytest.raises(Forbidden) as refused:
        file(session, w, resource_id=closed.id)
    assert refused.value.code == "not_entitled"


def test_own_data_and_other_roles_are_refused(session: Session, w: World) -> None:
    with pytest.raises(Invalid) as own:
        file(session, w, actor=w.officer)
    assert own.value.code == "own_data"
    with pytest.raises(Forbidden):
        file(session, w, actor=w.admin)


def test_valid_documents_mean_the_case_goes_on_and_that_is_recorded(
    session: Session, w: World
) -> None:
    # GZ 33: the consumer may not refuse on the ground of the inconsistency.
    with pytest.raises(Invalid) as refused:
        file(session, w, party_documents=True, handled_on_documents=False)
    assert refused.value.code == "must_handle_on_documents"
    assert "GZ 33" in refused.value.message
    req = file(session, w, party_documents=True, handled_on_documents=True, case_reference="MZ-1")
    assert (req.party_objected, req.party_documents, req.handled_on_documents) == (True, True, True)
    assert req.case_reference == "MZ-1"


def test_provider_confirms_and_nothing_is_written(session: Session, w: World) -> None:
    # GZ 30: feedback to the user; a confirmed value stays as it was.
    req = file(session, w)
    before = records.history(session, resource_id=w.resource.id, subject_hash_=req.subject_hash)
    with pytest.raises(Forbidden):
        verification_answer.answer(
            session, actor=w.staff, request_id=req.id, outcome="confirmed", text="x", today=TODAY
        )
    done = verification_answer.answer(
        session,
        actor=w.officer,
        request_id=req.id,
        outcome="confirmed",
        text="经核查,登记信息无误",
        today=TODAY,
    )
    assert (done.state, done.outcome, done.correction_version) == ("answered", "confirmed", None)
    after = records.history(session, resource_id=w.resource.id, subject_hash_=req.subject_hash)
    assert len(after) == len(before)
    assert notices(session, "verification.answered")
    with pytest.raises(IllegalTransition):
        verification_answer.withdraw(
            session, actor=w.staff, request_id=req.id, reason="", today=TODAY
        )


def test_correction_is_written_with_the_answer_and_past_recipients_are_told(
    session: Session, w: World
) -> None:
    # GZ 30: where the value is wrong, the provider corrects it at the same time.
    subject = w.subjects[0]
    query(session, w.staff, w, subject)
    query(session, w.other_staff, w, subject)  # another department received the old value
    query(session, w.other_staff, w, w.subjects[1])  # ...and a different subject: not counted
    req = file(session, w)
    old = verification.sealed_values(req)["stored"]["婚姻状况"]
    with pytest.raises(Invalid) as same:
        verification_answer.answer(
            session,
            actor=w.officer,
            request_id=req.id,
            outcome="corrected",
            corrected={"婚姻状况": old},
            text="x",
            today=TODAY,
        )
    assert same.value.code == "correction_unchanged"
    done = verification_answer.answer(
        session,
        actor=w.officer,
        request_id=req.id,
        outcome="corrected",
        corrected={"婚姻状况": "离婚"},
        text="经核查已更正",
        today=TODAY,
    )
    assert (done.state, done.outcome) == ("answered", "corrected")
    history = records.history(session, resource_id=w.resource.id, subject_hash_=req.subject_hash)
    assert history[-1].version == done.correction_version == 2
    assert history[-1].reason == f"verification request #{req.id}"
    current = records.current_one(
        session, resource_id=w.resource.id, subject_hash_=req.subject_hash
    )
    assert current is not None and current.payload["婚姻状况"] == "离婚"
    assert current.payload["姓名"] == records.open_row(history[0]).payload["姓名"]
    lines = verification_queries.record_history(session, done)
    assert [(h.values["婚姻状况"], h.reason) for h in lines] == [
        (old, ""),
        ("离婚", f"verification request #{req.id}"),
    ]
    sealed = verification.sealed_values(done)
    assert sealed["previous"] == {"婚姻状况": old} and sealed["corrected"] == {"婚姻状况": "离婚"}
    # The other department is told; the requester gets the answer itself.
    assert done.recipients_told == 1
    told = {n.user_id for n in notices(session, "verification.corrected")}
    assert told == {w.users["other_staff"].id}


def test_recipients_outside_the_window_are_not_told(session: Session, w: World) -> None:
    # The audit entries of the queries are from now; answering far later looks back only N days.
    query(session, w.other_staff, w, w.subjects[0])
    req = file(session, w)
    later = date.today() + timedelta(days=verification.RECIPIENT_WINDOW_DAYS + 30)
    done = verification_answer.answer(
        session,
        actor=w.officer,
        request_id=req.id,
        outcome="corrected",
        corrected={"婚姻状况": "丧偶"},
        text="已更正",
        today=later,
    )
    assert done.recipients_told == 0


def test_invalid_corrected_value_is_refused_and_nothing_changes(session: Session, w: World) -> None:
    req = file(session, w, claims={"子女数": "二"})
    with pytest.raises(Invalid) as bad:
        verification_answer.answer(
            session,
            actor=w.officer,
            request_id=req.id,
            outcome="corrected",
            corrected={"子女数": "two"},
            text="x",
            today=TODAY,
        )
    assert bad.value.code == "correction_invalid" and "子女数" in bad.value.message
    assert (
        len(records.history(session, resource_id=w.resource.id, subject_hash_=req.subject_hash))
        == 1
    )


def test_consumer_withdraws_before_an_answer(session: Session, w: World) -> None:
    req = file(session, w)
    with pytest.raises(Forbidden):
        verification_answer.withdraw(
            session, actor=w.other_staff, request_id=req.id, reason="", today=TODAY
        )
    done = verification_answer.withdraw(
        session, actor=w.staff, request_id=req.id, reason="当事人撤回异议", today=TODAY
    )
    assert done.state == "withdrawn"
    with pytest.raises(IllegalTransition):
        verification_answer.answer(
            session, actor=w.officer, request_id=req.id, outcome="confirmed", text="x", today=TODAY
        )


def test_zhongshan_the_data_department_answers_with_the_providers_input(
    session: Session, w: World, use_profile: Callable[[str], None]
) -> None:
    # ZS 23: the data department reviews together with the provider within 5 business days.
    use_profile("zhongshan")
    req = file(session, w)
    assert req.answered_by_rule == "authority_with_provider"
    assert req.due_on == date(2026, 11, 27)
    with pytest.raises(Forbidden):  # the provider does not answer alone
        verification_answer.answer(
            session, actor=w.officer, request_id=req.id, outcome="confirmed", text="x", today=TODAY
        )
    with pytest.raises(Conflict) as early:
        verification_answer.answer(
            session, actor=w.admin, request_id=req.id, outcome="confirmed", text="x", today=TODAY
        )
    assert early.value.code == "provider_input_missing"
    verification_answer.propose(
        session,
        actor=w.officer,
        request_id=req.id,
        outcome="corrected",
        corrected={"婚姻状况": "离婚"},
        note="民政登记已变更",
        today=TODAY,
    )
    assert verification.sealed_values(req)["proposed"] == {"婚姻状况": "离婚"}
    done = verification_answer.answer(
        session,
        actor=w.admin,
        request_id=req.id,
        outcome="corrected",
        corrected={"婚姻状况": "离婚"},
        text="会同提供部门核查,已更正",
        today=TODAY,
    )
    history = records.history(session, resource_id=w.resource.id, subject_hash_=req.subject_hash)
    assert history[-1].reason == f"verification request #{req.id}"
    assert history[-1].changed_by == w.admin.name
    assert done.outcome == "corrected"


def test_zhengzhou_the_authority_answers_without_a_due_date(
    session: Session, w: World, use_profile: Callable[[str], None]
) -> None:
    # ZZ 21: the authority processes "in a timely manner": no number, so no due date.
    use_profile("zhengzhou")
    req = file(session, w)
    assert (req.answered_by_rule, req.due_on) == ("authority", None)
    done = verification_answer.answer(
        session, actor=w.admin, request_id=req.id, outcome="confirmed", text="无误", today=TODAY
    )
    assert done.state == "answered"


def test_jiangsu_silent_text_leaves_the_answer_to_the_provider(
    session: Session, w: World, use_profile: Callable[[str], None]
) -> None:
    # docs/profiles.md: a silent `answered_by` -> the provider answers, with no deadline.
    use_profile("jiangsu")
    # JS shares nothing unconditionally by default (its flag is silent): the consumer holds a grant.
    sharing.create_grant(
        session,
        actor=Actor.operator(),
        consumer_department_id=w.consumer.id,
        resource_id=w.resource.id,
        items=["婚姻状况"],
        purposes=[PURPOSE],
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        today=TODAY,
        approved_by="审批人",
    )
    req = file(session, w)
    assert (req.answered_by_rule, req.due_on) == ("provider", None)
    with pytest.raises(Forbidden):  # still only the granted items
        file(session, w, claims={"姓名": "某某"})


def test_lists_by_side_state_and_overdue(session: Session, w: World) -> None:
    a = file(session, w)
    b = file(session, w, subject=w.subjects[1])
    verification_answer.withdraw(session, actor=w.staff, request_id=b.id, reason="", today=TODAY)
    late = TODAY + timedelta(days=10)
    mine = verification_queries.list_requests(session, actor=w.staff, today=TODAY)
    assert [r.id for r in mine.items] == [b.id, a.id]
    theirs = verification_queries.list_requests(session, actor=w.officer, today=late, overdue=True)
    assert [r.id for r in theirs.items] == [a.id]
    opened = verification_queries.list_requests(
        session, actor=w.admin, today=TODAY, state="withdrawn"
    )
    assert [r.id for r in opened.items] == [b.id]
    assert verification_queries.list_requests(session, actor=w.other_staff, today=TODAY).total == 0
    with pytest.raises(verification_queries.NotFound):
        verification_queries.get_request(session, actor=w.other_staff, request_id=a.id)
    v = verification_queries.view(session, actor=w.staff, request_id=a.id, today=TODAY)
    assert v.days_left == 5 and v.may_withdraw and not v.may_answer
    assert [e.action for e in v.timeline] == ["verification.file"]
