"""Service guides and the materials shared data supplies (GZ 32; ZS 15)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.catalogue.models import Resource
from govshare.governance import materials
from govshare.governance.material_models import MatchSource, MaterialState
from govshare.governance.material_schemas import GuideIn, MaterialIn
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid
from govshare.orgs.models import Department, Role
from tests.catalogue import builders as cat
from tests.orgs import builders

OPERATOR = cat.OPERATOR


@dataclass
class Setup:
    police: Department
    civil: Department
    household: Resource
    officer: Actor


@pytest.fixture()
def setup(session: Session) -> Setup:
    police = builders.department(session)
    civil = builders.department(session)
    household = cat.published(
        session,
        police,
        name="户籍登记信息",
        items=[
            {"name": "公民身份号码", "data_type": "string", "is_subject_key": True},
            {"name": "户号", "data_type": "string"},
        ],
    )
    cat.published(
        session,
        police,
        name="刑事案件信息",
        sharing_type="none",
        sharing_basis="法律规定",
        sharing_basis_kind="law",
    )
    cat.resource(session, police, name="婚姻登记信息")  # a draft: not in the directory
    officer = builders.actor_of(builders.user(session, role=Role.DATA_OFFICER, dept=civil))
    return Setup(police, civil, household, officer)


def _guide(dept: Department, *names: str, code: str = "S-1") -> GuideIn:
    return GuideIn(
        department_id=dept.id,
        code=code,
        name="最低生活保障申请",
        materials=[MaterialIn(name=n) for n in names],
    )


def _materials(session: Session, guide_id: int) -> dict[str, materials.Material]:
    return {m.name: m for m in materials.materials_of(session, guide_ids=[guide_id])[guide_id]}


def test_registering_a_guide_marks_what_a_published_shared_resource_supplies(
    session: Session, setup: Setup
) -> None:
    # GZ 32: the platform marks each material shared data already supplies
    civil, officer = setup.civil, setup.officer
    guide = materials.create_guide(
        session,
        actor=officer,
        data=_guide(civil, "户口簿", "结婚证", "刑事案件信息", "申请表"),
    )
    found = _materials(session, guide.id)
    assert found["户口簿"].resource_id == setup.household.id
    assert found["户口簿"].match_source == MatchSource.AUTO
    assert "户籍登记信息" in found["户口簿"].match_note
    assert found["结婚证"].resource_id is None  # its resource is only a draft
    assert found["刑事案件信息"].resource_id is None  # not shared
    assert found["申请表"].resource_id is None
    assert materials.still_required_count(session, department_id=civil.id) == 1
    counts = materials.counts_by_department(session)[civil.id]
    assert (counts.services, counts.materials, counts.supplied, counts.still_required) == (
        1,
        4,
        1,
        1,
    )


def test_publishing_a_resource_then_rechecking_marks_more(session: Session, setup: Setup) -> None:
    civil, officer, police = setup.civil, setup.officer, setup.police
    guide = materials.create_guide(session, actor=officer, data=_guide(civil, "结婚证"))
    cat.published(session, police, name="婚姻登记信息")
    result = materials.recheck(session, actor=officer, department_id=civil.id)
    assert (result.newly_supplied, result.supplied) == (1, 1)
    assert _materials(session, guide.id)["结婚证"].resource_id is not None
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "guide.check").order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None and entry.details["newly_supplied"] == 1


def test_the_department_removes_or_marks_a_supplied_material_audited(
    session: Session, setup: Setup
) -> None:
    # GZ 32 ¶2: removed from, or marked in, the published guide
    civil, officer = setup.civil, setup.officer
    guide = materials.create_guide(
        session,
        actor=officer,
        data=_guide(civil, "户口簿", "居民户口簿复印件", "申请表"),
    )
    found = _materials(session, guide.id)
    materials.change_state(
        session,
        actor=officer,
        material_id=found["户口簿"].id,
        state=MaterialState.REMOVED,
    )
    marked = materials.change_state(
        session,
        actor=officer,
        material_id=found["居民户口簿复印件"].id,
        state=MaterialState.MARKED,
    )
    assert marked.changed_by == officer.name and marked.changed_at is not None
    assert materials.still_required_count(session, department_id=civil.id) == 0
    with pytest.raises(Conflict):  # nothing supplies it: it stays required
        materials.change_state(
            session,
            actor=officer,
            material_id=found["申请表"].id,
            state=MaterialState.REMOVED,
        )
    with pytest.raises(IllegalTransition):
        materials.change_state(
            session,
            actor=officer,
            material_id=found["户口簿"].id,
            state=MaterialState.REMOVED,
        )
    with pytest.raises(Forbidden):  # the department decides, not the authority
        materials.change_state(
            session, actor=OPERATOR, material_id=found["户口簿"].id, state=MaterialState.REQUIRED
        )
    actions = set(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "service_material")
        )
    )
    assert {"material.removed", "material.marked"} <= actions


def test_marking_is_refused_where_the_profile_is_silent(
    session: Session, setup: Setup, use_profile: Callable[[str], None]
) -> None:
    # ZZ: guides_marked is silent → the department removes the material instead
    use_profile("zhengzhou")
    civil, officer = setup.civil, setup.officer
    guide = materials.create_guide(session, actor=officer, data=_guide(civil, "户口簿"))
    mid = _materials(session, guide.id)["户口簿"].id
    with pytest.raises(Invalid) as refused:
        materials.change_state(session, actor=officer, material_id=mid, state=MaterialState.MARKED)
    assert refused.value.code == "profile_silent"
    materials.change_state(session, actor=officer, material_id=mid, state=MaterialState.REMOVED)


def test_a_cleared_match_stays_cleared_and_a_manual_link_stays(
    session: Session, setup: Setup
) -> None:
    civil, officer, police = setup.civil, setup.officer, setup.police
    other = cat.published(session, police, name="人口综合信息")
    guide = materials.create_guide(
        session,
        actor=officer,
        data=_guide(civil, "户口簿", "居住情况说明"),
    )
    found = _materials(session, guide.id)
    materials.clear(session, actor=officer, material_id=found["户口簿"].id, reason="wrong")
    materials.link(
        session, actor=OPERATOR, material_id=found["居住情况说明"].id, resource_code=other.code
    )
    materials.recheck(session, actor=OPERATOR)
    found = _materials(session, guide.id)
    assert found["户口簿"].resource_id is None
    assert found["户口簿"].match_source == MatchSource.CLEARED
    assert found["居住情况说明"].resource_id == other.id
    assert "by hand" in found["居住情况说明"].match_note
    with pytest.raises(Invalid):
        materials.link(
            session, actor=OPERATOR, material_id=found["户口簿"].id, resource_code="NO-SUCH"
        )


def test_another_department_may_not_read_or_edit_the_guide(session: Session, setup: Setup) -> None:
    civil, officer, police = setup.civil, setup.officer, setup.police
    guide = materials.create_guide(session, actor=officer, data=_guide(civil, "户口簿"))
    stranger = builders.actor_of(builders.user(session, role=Role.STAFF, dept=police))
    with pytest.raises(Forbidden):
        materials.get_guide(session, actor=stranger, guide_id=guide.id)
    with pytest.raises(Forbidden):
        materials.create_guide(session, actor=stranger, data=_guide(civil, "户口簿", code="S-2"))
    assert materials.list_guides(session, actor=stranger).total == 0


def test_editing_keeps_the_state_of_kept_materials_and_code_is_unique(
    session: Session, setup: Setup
) -> None:
    civil, officer = setup.civil, setup.officer
    guide = materials.create_guide(session, actor=officer, data=_guide(civil, "户口簿", "申请表"))
    mid = _materials(session, guide.id)["户口簿"].id
    materials.change_state(session, actor=officer, material_id=mid, state=MaterialState.MARKED)
    materials.update_guide(
        session,
        actor=officer,
        guide_id=guide.id,
        data=_guide(civil, "户口簿", "收入证明"),
    )
    found = _materials(session, guide.id)
    assert set(found) == {"户口簿", "收入证明"}
    assert found["户口簿"].state == MaterialState.MARKED
    with pytest.raises(Conflict):
        materials.create_guide(session, actor=officer, data=_guide(civil, "户口簿"))
    with pytest.raises(Invalid):
        materials.create_guide(
            session,
            actor=officer,
            data=_guide(civil, "户口簿", "户口簿", code="S-9"),
        )
    materials.set_active(session, actor=officer, guide_id=guide.id, active=False)
    assert civil.id not in materials.counts_by_department(session)
