"""The demo: a realistic Guangzhou set-up with a log-in per role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from govshare import demo
from govshare.audit import service as audit
from govshare.db import make_engine, make_session_factory, transaction
from govshare.governance.annual_report_models import AnnualReport
from govshare.governance.evaluation_models import Evaluation
from govshare.governance.models import Dispute, DisputeStep
from govshare.jobs.models import Flag
from govshare.kit.errors import Conflict
from govshare.orgs import service as orgs
from govshare.orgs.models import Department, Level, Role
from govshare.profiles.service import get_active_profile
from govshare.quality.models import Divergence
from govshare.sharing.application_models import Application, ApplicationState


def test_demo_builds_guangzhou_with_every_role(database_factory) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    logins = demo.create(url, force=True, today=date(2026, 11, 20), people=200, organisations=60)
    assert {role for role, *_ in logins} == {r.value for r in Role if r != Role.SERVICE}
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        municipal = session.scalar(
            select(func.count()).select_from(Department).where(Department.level == Level.MUNICIPAL)
        )
        districts = set(
            session.scalars(select(Department.region).where(Department.level == Level.DISTRICT))
        )
        assert municipal is not None and municipal >= 10
        assert len(districts) == 2
        assert orgs.authority(session).name == "广州市政务服务数据管理局"
        for _, username, password, _ in logins:
            assert (
                orgs.authenticate(session, username=username, password=password).username
                == username
            )
        # GZ Art. 17: the demo carries one late filing and one overdue vacancy for the sweep to show
        kinds = set(session.scalars(select(Flag.kind).where(Flag.resolved_on.is_(None))))
        assert {"personnel.filed_late", "personnel.vacancy_overdue"} <= kinds
        assert audit.verify(session).ok


def test_demo_has_applications_in_every_state_and_a_dispute_at_each_step(database_factory) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    demo.create(url, force=True, today=date(2026, 11, 20), people=200, organisations=60)
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        states = set(session.scalars(select(Application.state)))
        # GZ 26: silence past the limit became deemed consent when the demo's sweep ran
        assert {s.value for s in ApplicationState} - {"referred_to_authority"} <= {
            str(s) for s in states
        }
        # GZ 28: one case resting at each step of the ladder, and one decided
        ladder = get_active_profile().disputes.ladder_for("application")
        assert ladder is not None
        resting = set(
            session.scalars(select(DisputeStep.number).where(DisputeStep.decided_on.is_(None)))
        )
        assert resting == set(range(1, len(ladder.steps) + 1))
        assert (
            session.scalar(
                select(func.count()).select_from(Dispute).where(Dispute.outcome == "provide")
            )
            == 1
        )
        # ZS 17; JS 11: the seeded divergent values opened cases once the links were declared
        assert (session.scalar(select(func.count()).select_from(Divergence)) or 0) >= 1
        # GZ 35, 37: a year of history, so that last year's report and past scorecards have figures
        months = {
            d.month for d in session.scalars(select(Application.submitted_on)) if d.year == 2025
        }
        assert months == set(range(1, 13))
        report = session.scalar(
            select(AnnualReport).where(
                AnnualReport.year == 2025, AnnualReport.department_id.is_(None)
            )
        )
        assert report is not None
        given = report.figures["given"]
        assert given["applications_received"] > 0 and given["deemed_consents"] > 0
        assert given["answered_in_time"] <= given["answered"] <= given["applications_received"]
        published = session.scalars(
            select(Evaluation.period).where(Evaluation.state == "published")
        ).all()
        assert sorted(published) == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
        assert audit.verify(session).ok


def test_demo_refuses_to_overwrite_without_force(database_factory) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    with pytest.raises(Conflict):
        demo.create(url, force=False)
