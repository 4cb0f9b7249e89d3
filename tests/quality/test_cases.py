"""Divergence cases: who sees what, assignment per profile, resolution and dismissal (ZS Art. 17; JS Art. 11)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.notify.models import Notification
from govshare.orgs.models import Role
from govshare.quality import cases, links
from govshare.quality.cases import HIDDEN, mask
from govshare.quality.models import DivergenceState
from tests.datastore import builders as datastore
from tests.orgs import builders as orgs
from tests.quality import builders as q


def _admin(p: q.Pair) -> Actor:
    return orgs.actor_of(p.admin)


def test_mask_hides_the_middle_of_an_identity_number() -> None:
    assert mask("440103199003070012") == "440103********0012"
    assert mask("AB12") == "****"


def test_the_authority_sees_every_case_with_subject_and_both_values(session: Session) -> None:
    # ZS Art. 17: the data department organises the review, so it sees the whole case.
    p = q.pair(session)
    case_id = q.one_case(session, p)
    view = cases.get_case(session, actor=_admin(p), divergence_id=case_id)
    assert len(view.subject) == 18 and "*" not in view.subject
    assert view.value_b == "离异" and view.value_a in ("已婚", "未婚")
    assert view.may_assign and view.may_dismiss and view.may_resolve


def test_a_provider_sees_its_own_cases_masked_with_only_its_own_value(session: Session) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    view = cases.get_case(session, actor=p.health_officer, divergence_id=case_id)
    assert "********" in view.subject
    assert view.value_b == "离异" and view.value_a is HIDDEN
    assert not (view.may_assign or view.may_dismiss or view.may_resolve)
    listed = cases.list_cases(session, actor=p.health_officer)
    assert [v.case.id for v in listed.items] == [case_id]


def test_other_departments_and_staff_see_nothing(session: Session) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    _, other_officer = datastore.provider(session)
    assert cases.list_cases(session, actor=other_officer).total == 0
    with pytest.raises(NotFound):
        cases.get_case(session, actor=other_officer, divergence_id=case_id)
    staff = orgs.actor_of(orgs.user(session, role=Role.STAFF, dept=p.civil))
    with pytest.raises(Forbidden):
        cases.list_cases(session, actor=staff)


def test_lists_filter_by_state_department_and_resource(session: Session) -> None:
    p = q.pair(session)
    first = q.one_case(session, p)
    second = q.one_case(session, p)
    admin = _admin(p)
    cases.dismiss(session, actor=admin, divergence_id=first, reason="both right")
    assert [v.case.id for v in cases.list_cases(session, actor=admin, state="open").items] == [
        second
    ]
    assert cases.list_cases(session, actor=admin, state="dismissed").total == 1
    assert cases.list_cases(session, actor=admin, state="active").total == 1
    assert cases.list_cases(session, actor=admin, department_id=p.civil.id).total == 2
    assert cases.list_cases(session, actor=admin, resource_id=p.health_resource_id).total == 2
    page = cases.list_cases(session, actor=admin, per_page=1, page=2)
    assert page.pages == 2 and [v.case.id for v in page.items] == [first]
    with pytest.raises(Invalid):
        cases.list_cases(session, actor=admin, state="lost")


def test_zhongshan_the_authority_organises_and_may_pick_a_provider(
    session: Session, use_profile: Callable[[str], None]
) -> None:
    # ZS Art. 17: the municipal data department organises the departments concerned.
    use_profile("zhongshan")
    p = q.pair(session)
    case_id = q.one_case(session, p)
    view = cases.assign(session, actor=_admin(p), divergence_id=case_id, today=q.TODAY)
    assert view.case.assigned_department_id == p.authority.id
    assert view.case.assign_basis == "authority" and view.case.due_on is None
    other = q.one_case(session, p)
    view = cases.assign(
        session, actor=_admin(p), divergence_id=other, department_id=p.civil.id, today=q.TODAY
    )
    assert view.case.assigned_department_id == p.civil.id
    stranger, _ = datastore.provider(session)
    third = q.one_case(session, p)
    with pytest.raises(Invalid):
        cases.assign(session, actor=_admin(p), divergence_id=third, department_id=stranger.id)


def test_jiangsu_the_collecting_department_verifies(
    session: Session, use_profile: Callable[[str], None]
) -> None:
    # JS Art. 11: the organ in charge of collecting the data verifies and explains.
    use_profile("jiangsu")
    p = q.pair(session, source="health")
    case_id = q.one_case(session, p)
    view = cases.assign(session, actor=_admin(p), divergence_id=case_id, today=q.TODAY)
    assert view.case.assigned_department_id == p.health.id
    assert view.case.assign_basis == "collecting_department"
    other = q.one_case(session, p)
    with pytest.raises(Invalid) as refused:
        cases.assign(session, actor=_admin(p), divergence_id=other, department_id=p.civil.id)
    assert refused.value.code == "collecting_department_verifies"


def test_jiangsu_without_a_known_source_the_authority_names_the_collector(
    session: Session, use_profile: Callable[[str], None]
) -> None:
    use_profile("jiangsu")
    p = q.pair(session)
    case_id = q.one_case(session, p)
    with pytest.raises(Invalid) as refused:
        cases.assign(session, actor=_admin(p), divergence_id=case_id)
    assert refused.value.code == "collecting_department_required"
    view = cases.assign(session, actor=_admin(p), divergence_id=case_id, department_id=p.civil.id)
    assert view.case.assigned_department_id == p.civil.id


def test_the_verifier_resolves_and_the_wrong_provider_is_told_to_correct(
    session: Session, use_profile: Callable[[str], None]
) -> None:
    use_profile("jiangsu")
    p = q.pair(session, source="civil")
    case_id = q.one_case(session, p)
    with pytest.raises(Forbidden):  # not assigned yet: only the authority may resolve
        cases.resolve(session, actor=p.civil_officer, divergence_id=case_id, correct="a", note="x")
    cases.assign(session, actor=_admin(p), divergence_id=case_id, today=q.TODAY)
    # While verifying, the civil officer sees both values.
    seen = cases.get_case(session, actor=p.civil_officer, divergence_id=case_id)
    assert seen.value_b == "离异" and seen.may_resolve
    with pytest.raises(Forbidden):
        cases.resolve(session, actor=p.health_officer, divergence_id=case_id, correct="a", note="x")
    with pytest.raises(Invalid):
        cases.resolve(session, actor=p.civil_officer, divergence_id=case_id, correct="a", note=" ")
    view = cases.resolve(
        session,
        actor=p.civil_officer,
        divergence_id=case_id,
        correct="a",
        note="checked the marriage register",
        today=q.TODAY,
    )
    assert view.case.state == DivergenceState.RESOLVED and view.case.correct_side == "a"
    health_users = {
        u.id
        for u in session.scalars(select(orgs.User).where(orgs.User.department_id == p.health.id))
    }
    told = session.scalars(
        select(Notification).where(Notification.kind == "divergence.correct")
    ).all()
    assert told and {n.user_id for n in told} <= health_users
    actions = [
        e.action
        for e in session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "divergence", AuditEntry.object_id == str(case_id)
            )
        )
    ]
    assert actions == ["quality.divergence_assign", "quality.divergence_resolve"]
    with pytest.raises(IllegalTransition):
        cases.dismiss(session, actor=_admin(p), divergence_id=case_id, reason="late")


def test_only_the_authority_assigns_and_dismisses_and_a_reason_is_required(
    session: Session,
) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    with pytest.raises(Forbidden):
        cases.assign(session, actor=p.civil_officer, divergence_id=case_id)
    with pytest.raises(Forbidden):
        cases.dismiss(session, actor=p.civil_officer, divergence_id=case_id, reason="no")
    with pytest.raises(Invalid):
        cases.dismiss(session, actor=_admin(p), divergence_id=case_id, reason="")
    view = cases.dismiss(session, actor=_admin(p), divergence_id=case_id, reason="both right")
    assert view.case.state == DivergenceState.DISMISSED


def test_links_need_published_resources_of_one_key_type_and_existing_items(
    session: Session,
) -> None:
    p = q.pair(session, linked=False)
    admin = _admin(p)
    with pytest.raises(Forbidden):
        links.create_link(
            session,
            actor=p.civil_officer,
            resource_a_id=p.civil_resource_id,
            item_a=q.ITEM,
            resource_b_id=p.health_resource_id,
            item_b=q.ITEM,
        )
    with pytest.raises(Invalid) as refused:
        links.create_link(
            session,
            actor=admin,
            resource_a_id=p.civil_resource_id,
            item_a="不存在",
            resource_b_id=p.health_resource_id,
            item_b=q.ITEM,
        )
    assert refused.value.code == "unknown_item"
    from tests.catalogue import builders as catalogue

    draft = catalogue.resource(session, p.health)
    with pytest.raises(Invalid) as refused:
        links.create_link(
            session,
            actor=admin,
            resource_a_id=p.civil_resource_id,
            item_a=q.ITEM,
            resource_b_id=draft.id,
            item_b=q.ITEM,
        )
    assert refused.value.code == "not_published"
    firms = catalogue.published(
        session,
        p.health,
        subject_key_type="credit_code",
        items=[
            {
                "name": "统一社会信用代码",
                "data_type": "string",
                "length": 18,
                "is_subject_key": True,
            },
            {"name": q.ITEM, "data_type": "string", "length": 10},
        ],
    )
    with pytest.raises(Invalid) as refused:
        links.create_link(
            session,
            actor=admin,
            resource_a_id=p.civil_resource_id,
            item_a=q.ITEM,
            resource_b_id=firms.id,
            item_b=q.ITEM,
        )
    assert refused.value.code == "subject_key_mismatch"
    link = links.create_link(
        session,
        actor=admin,
        resource_a_id=p.civil_resource_id,
        item_a=q.ITEM,
        resource_b_id=p.health_resource_id,
        item_b=q.ITEM,
        source_resource_id=p.civil_resource_id,
    )
    from govshare.kit.errors import Conflict

    with pytest.raises(Conflict):  # the same pair, in the other order
        links.create_link(
            session,
            actor=admin,
            resource_a_id=p.health_resource_id,
            item_a=q.ITEM,
            resource_b_id=p.civil_resource_id,
            item_b=q.ITEM,
        )
    assert links.list_links(session, actor=p.health_officer).total == 1
    stranger = datastore.provider(session)[1]
    assert links.list_links(session, actor=stranger).total == 0
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "quality.source_link_create")
    ).one()
    assert entry.object_id == str(link.id)
