"""Informatization projects: approval needs the project's catalogue filed, acceptance its entries in the directory (GZ 38)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare.catalogue import projects
from govshare.catalogue import service as catalogue
from govshare.kit.errors import Conflict
from tests.catalogue import builders
from tests.catalogue.builders import OPERATOR
from tests.orgs import builders as org_builders

DAY = date(2026, 11, 2)


def test_project_needs_a_filed_catalogue_to_be_approved_and_a_published_one_to_be_accepted(
    session: Session,
) -> None:
    org_builders.department(session, authority=True)
    dept = org_builders.department(session)
    project = projects.register_project(
        session, actor=OPERATOR, department_id=dept.id, name="社会救助一体化平台", today=DAY
    )
    # GZ Art. 38: 立项申请前应当预编形成项目政务信息目录,作为项目审批要件
    assert not projects.check(session, project_id=project.id, stage="approval").passed
    with pytest.raises(Conflict) as err:
        projects.advance(
            session, actor=OPERATOR, project_id=project.id, stage="approval", today=DAY
        )
    assert "GZ 38" in err.value.message
    entry = builders.resource(session, dept, project_id=project.id)
    catalogue.submit(session, actor=OPERATOR, resource_id=entry.id, today=DAY)
    projects.advance(session, actor=OPERATOR, project_id=project.id, stage="approval", today=DAY)
    assert project.stage == "approved"
    # GZ Art. 38: 项目建成后应当将项目政务信息目录纳入共享平台目录管理系统,作为项目验收要求
    with pytest.raises(Conflict):
        projects.advance(
            session, actor=OPERATOR, project_id=project.id, stage="acceptance", today=DAY
        )
    catalogue.approve(session, actor=OPERATOR, resource_id=entry.id, today=DAY)
    catalogue.publish(session, actor=OPERATOR, today=DAY)
    projects.advance(session, actor=OPERATOR, project_id=project.id, stage="acceptance", today=DAY)
    assert project.stage == "accepted" and project.accepted_on == DAY
