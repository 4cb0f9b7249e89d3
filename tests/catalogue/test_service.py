"""Catalogue rules (GZ 8-11, 20; ZS 10, 11, 17, 20; ZZ 13, 18) and the review workflow."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare.catalogue import directory
from govshare.catalogue import service as catalogue
from govshare.catalogue.enums import ResourceStatus
from govshare.catalogue.rules_check import RuleViolations
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid
from govshare.orgs.models import Role
from govshare.profiles import service as profiles
from tests.catalogue import builders
from tests.catalogue.builders import OPERATOR
from tests.orgs import builders as org_builders


@pytest.fixture()
def dept(session: Session):  # type: ignore[no-untyped-def]
    org_builders.department(session, authority=True)
    return org_builders.department(session)


def _fields(err: pytest.ExceptionInfo[RuleViolations]) -> set[str]:
    return {p["field"] for p in err.value.details["problems"]}


def test_state_secret_resource_cannot_be_entered(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 20; ZS Art. 17
    with pytest.raises(RuleViolations) as err:
        builders.resource(session, dept, contains_state_secret=True)
    assert "contains_state_secret" in _fields(err)


def test_basic_information_must_be_unconditional(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 10; ZS Art. 20
    with pytest.raises(RuleViolations) as err:
        builders.resource(
            session,
            dept,
            catalogue_kind="basic",
            basic_category="natural_person",
            sharing_type="conditional",
            sharing_basis="x",
            sharing_conditions="y",
        )
    assert _fields(err) == {"sharing_type"}
    assert "GZ 10" in err.value.message
    ok = builders.resource(session, dept, catalogue_kind="basic", basic_category="natural_person")
    assert ok.code.startswith("101/")


def test_conditional_sharing_needs_basis_and_conditions(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 10: 应当明确相关依据和共享条件
    with pytest.raises(RuleViolations) as err:
        builders.resource(session, dept, sharing_type="conditional")
    assert _fields(err) == {"sharing_basis", "sharing_conditions"}
    builders.resource(
        session,
        dept,
        sharing_type="conditional",
        sharing_basis="《社会保险法》",
        sharing_conditions="办理社保业务",
    )


def test_no_sharing_needs_a_law_regulation_or_central_policy(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 10: 必须有明确的法律、行政法规依据或者党中央、国务院政策依据
    with pytest.raises(RuleViolations) as err:
        builders.resource(
            session, dept, sharing_type="none", sharing_basis="内部规定", sharing_basis_kind="rule"
        )
    assert _fields(err) == {"sharing_basis_kind"}
    builders.resource(
        session,
        dept,
        sharing_type="none",
        sharing_basis="《保守国家秘密法》",
        sharing_basis_kind="law",
    )


def test_zhengzhou_accepts_a_rule_as_basis_for_no_sharing(
    session: Session, dept, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # ZZ Art. 13: laws, regulations and rules (法律、法规、规章)
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhengzhou")
    profiles.clear_profile_cache()
    try:
        builders.resource(
            session,
            dept,
            sharing_type="none",
            sharing_basis="市政府规章",
            sharing_basis_kind="rule",
        )
    finally:
        monkeypatch.setenv("GOVSHARE_PROFILE", "guangzhou")
        profiles.clear_profile_cache()


def test_only_conditional_resources_share_items_in_part(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 9: 仅能够部分提供给政务部门共享使用
    items = [
        {"name": "公民身份号码", "is_subject_key": True, "sharing_type": "unconditional"},
        {"name": "参保状态", "sharing_type": "unconditional"},
        {"name": "缴费基数"},
    ]
    r = builders.resource(
        session,
        dept,
        sharing_type="conditional",
        sharing_basis="b",
        sharing_conditions="c",
        items=items,
    )
    assert [i.sharing_type for i in r.items] == ["unconditional", "unconditional", None]
    with pytest.raises(RuleViolations):
        builders.resource(
            session,
            dept,
            sharing_type="unconditional",
            items=[{"name": "k", "is_subject_key": True, "sharing_type": "none"}],
        )


def test_exactly_one_subject_key(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 20: records are identified by ID number or credit code
    with pytest.raises(RuleViolations) as err:
        builders.resource(session, dept, items=[{"name": "姓名"}])
    assert "items" in _fields(err)


def test_workflow_draft_submit_return_resubmit_approve_publish(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    r = builders.resource(session, dept)
    assert r.status == ResourceStatus.DRAFT
    catalogue.submit(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 2))
    # GZ Art. 8: the authority processes a submission within 15 working days
    assert r.review_due_on == date(2026, 11, 23)
    with pytest.raises(Invalid):
        catalogue.return_entry(
            session, actor=OPERATOR, resource_id=r.id, comment=" ", today=date(2026, 11, 3)
        )
    catalogue.return_entry(
        session, actor=OPERATOR, resource_id=r.id, comment="补充摘要", today=date(2026, 11, 3)
    )
    assert r.status == ResourceStatus.RETURNED and r.review_comment == "补充摘要"
    data = builders.resource_in(dept, name=r.name, abstract="补充后的摘要")
    catalogue.update_resource(session, actor=OPERATOR, resource_id=r.id, data=data)
    catalogue.submit(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 4))
    catalogue.approve(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 5))
    with pytest.raises(IllegalTransition):
        catalogue.approve(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 5))
    catalogue.publish(session, actor=OPERATOR, today=date(2026, 11, 6))
    assert r.status == ResourceStatus.PUBLISHED and r.published_version == 2
    versions = catalogue.versions(session, resource_id=r.id)
    assert [(v.version, v.outcome) for v in versions] == [(1, "returned"), (2, "approved")]
    changes = catalogue.diff_versions(session, resource_id=r.id, old=1, new=2)
    assert {"field": "abstract", "old": "用于测试的信息资源", "new": "补充后的摘要"} in changes


def test_editing_a_published_entry_keeps_the_directory_until_republished(
    session: Session, dept
) -> None:  # type: ignore[no-untyped-def]
    r = builders.published(session, dept)
    data = builders.resource_in(dept, name="新名称")
    catalogue.update_resource(session, actor=OPERATOR, resource_id=r.id, data=data)
    assert r.status == ResourceStatus.DRAFT
    assert directory.get_entry(session, resource_id=r.id).name != "新名称"


def test_officer_edits_only_their_own_catalogue_and_cannot_approve(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    other = org_builders.department(session)
    officer = org_builders.actor_of(org_builders.user(session, role=Role.DATA_OFFICER, dept=other))
    with pytest.raises(Forbidden):
        catalogue.create_resource(session, actor=officer, data=builders.resource_in(dept))
    mine = catalogue.create_resource(session, actor=officer, data=builders.resource_in(other))
    catalogue.submit(session, actor=officer, resource_id=mine.id, today=date(2026, 11, 2))
    with pytest.raises(Forbidden):
        catalogue.approve(session, actor=officer, resource_id=mine.id, today=date(2026, 11, 2))


def test_change_event_sets_the_update_deadline_and_a_submission_resolves_it(
    session: Session, dept
) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 8: 自发生变化之日起15个工作日内更新
    event = catalogue.register_change_event(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        kind="law_amended",
        description="《社会救助暂行办法》修订",
        occurred_on=date(2026, 9, 25),
        today=date(2026, 9, 28),
    )
    # the event falls on Mid-Autumn Festival (Fri 09-25); National Day week not counted, Sat 10-10 is
    assert event.due_on == date(2026, 10, 22)
    r = builders.resource(session, dept)
    catalogue.submit(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 10, 12))
    assert event.resolved_on == date(2026, 10, 12)


def test_sharing_type_dispute_is_decided_by_the_authority_and_kept(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # ZS Art. 10; ZZ Art. 18
    r = builders.published(
        session, dept, sharing_type="none", sharing_basis="《统计法》", sharing_basis_kind="law"
    )
    other = org_builders.department(session)
    staff = org_builders.actor_of(org_builders.user(session, role=Role.STAFF, dept=other))
    with pytest.raises(Forbidden):
        catalogue.raise_dispute(
            session,
            actor=Actor.operator(),
            resource_id=r.id,
            requested_type="conditional",
            reason="x",
            today=date(2026, 11, 3),
        )
    dispute = catalogue.raise_dispute(
        session,
        actor=staff,
        resource_id=r.id,
        requested_type="conditional",
        reason="办理救助业务需要",
        today=date(2026, 11, 3),
    )
    catalogue.decide_dispute(
        session,
        actor=OPERATOR,
        dispute_id=dispute.id,
        decided_type="conditional",
        reason="依申请共享",
        today=date(2026, 11, 10),
    )
    assert r.sharing_type == "conditional"
    assert "dispute" in r.sharing_basis
    entry = directory.get_entry(session, resource_id=r.id)
    assert entry.sharing_type == "conditional"
    assert directory.access_mode(entry)["mode"] == "apply"


def test_directory_search_finds_chinese_abbreviations_and_english(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    builders.published(
        session,
        dept,
        name="户籍登记信息",
        name_en="Household registration",
        catalogue_kind="basic",
        basic_category="natural_person",
    )
    builders.published(session, dept, name="社会保险参保信息", name_en="Social insurance enrolment")
    builders.published(
        session,
        dept,
        name="企业登记信息",
        subject_key_type="credit_code",
        items=[{"name": "统一社会信用代码", "is_subject_key": True}],
    )
    assert [e.name for e in directory.search(session, q="户籍").items] == ["户籍登记信息"]
    assert [e.name for e in directory.search(session, q="社保").items] == ["社会保险参保信息"]
    assert [e.name for e in directory.search(session, q="household").items] == ["户籍登记信息"]
    result = directory.search(session, q="", filters={"catalogue_kind": "basic"})
    assert result.total == 1 and result.facets["catalogue_kind"] == {"basic": 1}
