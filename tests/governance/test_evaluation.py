"""Evaluation scorecards computed from the platform's records (GZ 35; ZS 34; ZZ 31; JS 29)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.catalogue import service as catalogue
from govshare.catalogue.models import Resource
from govshare.datastore.models import Connection
from govshare.governance import evaluation as ev
from govshare.governance import evaluation_metrics as metrics
from govshare.governance.complaint_models import Complaint, ComplaintState
from govshare.governance.evaluation_models import EvaluationState, Score
from govshare.governance.material_models import Material, MaterialState, ServiceGuide
from govshare.governance.rectification_models import NoticeState, RectificationNotice
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid
from govshare.notify.models import Notification
from govshare.orgs.models import Department, Role, User
from govshare.quality.verification_models import RequestState, VerificationRequest
from govshare.sharing import applications
from govshare.sharing.application_models import Application
from tests.applications.conftest import Parties, apply, make_parties
from tests.catalogue import builders as catalogue_builders
from tests.catalogue.builders import OPERATOR
from tests.orgs import builders as org_builders

Q3 = "2026Q3"
AFTER = date(2026, 10, 2)  # the day the authority computes Q3 (after its end)


@dataclass
class World:
    p: Parties
    idle: Department
    officer2: User
    ids: dict[str, int]

    @property
    def admin(self) -> Actor:
        return org_builders.actor_of(self.p.admin)


def _verification(p: Parties, **values: object) -> VerificationRequest:
    row = VerificationRequest(
        resource_id=p.resource.id,
        subject_hash="h",
        subject_enc="x",
        consumer_department_id=p.consumer.id,
        provider_department_id=p.provider.id,
        claims_enc="x",
        answered_by_rule="provider",
        filed_by="staff",
        **values,
    )
    return row


def build(session: Session) -> World:
    """A provider with a record of every kind in 2026Q3, a consumer that holds one grant, an idle department."""
    p = make_parties(session)
    idle = org_builders.department(session)
    ids: dict[str, int] = {}
    prov = p.provider
    # catalogue: one entry published in Q3, one submitted and returned, one draft (not filed)
    r1 = catalogue_builders.published(session, prov, today=date(2026, 7, 20))
    r2 = catalogue_builders.resource(session, prov)
    catalogue.submit(session, actor=OPERATOR, resource_id=r2.id, today=date(2026, 8, 3))
    catalogue.return_entry(
        session, actor=OPERATOR, resource_id=r2.id, comment="补充共享依据", today=date(2026, 8, 5)
    )
    catalogue_builders.resource(session, prov)
    ids |= {"r1": r1.id, "r2": r2.id}
    # catalogue updates owed after change events: one made in time, one not made
    e1 = catalogue.register_change_event(
        session,
        actor=OPERATOR,
        department_id=prov.id,
        kind="law_amended",
        description="《社会救助暂行办法》修订",
        occurred_on=date(2026, 7, 1),
        today=date(2026, 7, 1),
    )
    catalogue.resolve_change_event(
        session, actor=OPERATOR, event_id=e1.id, resolution="目录无需调整", today=date(2026, 7, 10)
    )
    e2 = catalogue.register_change_event(
        session,
        actor=OPERATOR,
        department_id=prov.id,
        kind="function_changed",
        description="职能调整",
        occurred_on=date(2026, 8, 20),
        today=date(2026, 8, 20),
    )
    ids |= {"e1": e1.id, "e2": e2.id}
    # freshness: r1 fresh, the conditional resource stale since September
    connected = datetime(2026, 7, 1, 2, tzinfo=UTC)
    session.add_all(
        [
            Connection(resource_id=r1.id, connected_at=connected, records=3),
            Connection(
                resource_id=p.resource.id,
                connected_at=connected,
                records=3,
                stale_since=date(2026, 9, 1),
            ),
        ]
    )
    # applications: answered in time, never answered (overdue), received at the end (not yet due)
    a1 = apply(session, p, today=date(2026, 8, 3))
    applications.approve(
        session, actor=p.officer_actor, application_id=a1.id, today=date(2026, 8, 4)
    )
    a2 = apply(session, p, today=date(2026, 8, 10))
    a3 = apply(session, p, today=date(2026, 9, 30))
    ids |= {"a1": a1.id, "a2": a2.id, "a3": a3.id}
    # verification requests: in time, late, open past its due date, withdrawn
    v = [
        _verification(p, filed_on=date(2026, 7, 6), due_on=date(2026, 7, 13),
                      state=RequestState.ANSWERED, answered_on=date(2026, 7, 10)),
        _verification(p, filed_on=date(2026, 8, 6), due_on=date(2026, 8, 13),
                      state=RequestState.ANSWERED, answered_on=date(2026, 8, 20), late=True),
        _verification(p, filed_on=date(2026, 9, 14), due_on=date(2026, 9, 21), state=RequestState.OPEN),
        _verification(p, filed_on=date(2026, 9, 15), due_on=date(2026, 9, 22),
                      state=RequestState.WITHDRAWN),
    ]  # fmt: skip
    session.add_all(v)
    # complaints against the provider answered in Q3: one upheld, one not
    c = [
        Complaint(complainant_department_id=p.consumer.id, respondent_department_id=prov.id,
                  ground="refused_data", subject="拒绝提供", description="无理由拒绝",
                  filed_on=date(2026, 7, 1), filed_by="staff", state=ComplaintState.ANSWERED,
                  upheld=upheld, answered_on=day)
        for upheld, day in ((True, date(2026, 8, 20)), (False, date(2026, 9, 1)))
    ]  # fmt: skip
    session.add_all(c)
    # rectification notices: closed in time, still open past its due date, settled before Q3
    n = [
        RectificationNotice(department_id=prov.id, ground="stale_data", article="GZ 43",
                            facts="数据未及时更新", issued_on=date(2026, 8, 1), issued_by="admin",
                            due_on=due, state=state, closed_on=closed)
        for due, state, closed in (
            (date(2026, 8, 31), NoticeState.CLOSED, date(2026, 8, 25)),
            (date(2026, 9, 15), NoticeState.ISSUED, None),
            (date(2026, 5, 30), NoticeState.CLOSED, date(2026, 6, 1)),
        )
    ]  # fmt: skip
    session.add_all(n)
    # a service guide still asking for one material that r1 supplies, another one dropped
    guide = ServiceGuide(
        department_id=prov.id,
        code="SG-1",
        name="最低生活保障申请",
        created_by="officer",
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    session.add(guide)
    session.flush()
    m = [
        Material(guide_id=guide.id, name="户口簿", resource_id=r1.id, state=MaterialState.REQUIRED),
        Material(guide_id=guide.id, name="身份证", resource_id=r1.id, state=MaterialState.REMOVED,
                 changed_at=datetime(2026, 9, 1, tzinfo=UTC)),
        Material(guide_id=guide.id, name="申请书", state=MaterialState.REQUIRED),
    ]  # fmt: skip
    session.add_all(m)
    session.flush()
    ids |= {f"v{i + 1}": x.id for i, x in enumerate(v)}
    ids |= {f"c{i + 1}": x.id for i, x in enumerate(c)}
    ids |= {f"n{i + 1}": x.id for i, x in enumerate(n)}
    ids |= {f"m{i + 1}": x.id for i, x in enumerate(m)}
    officer2 = org_builders.user(session, role=Role.DATA_OFFICER, dept=p.consumer)
    return World(p, idle, officer2, ids)


@pytest.fixture()
def world(session: Session) -> World:
    return build(session)


def scores(session: Session, evaluation_id: int, department_id: int) -> dict[str, Score]:
    stmt = select(Score).where(
        Score.evaluation_id == evaluation_id, Score.department_id == department_id
    )
    return {s.metric: s for s in session.scalars(stmt)}


def test_periods_are_quarters_half_years_or_years() -> None:
    # GZ Art. 35 (定期) and ZS Art. 34 set no period: the authority names one.
    assert ev.parse_period("2026q3") == ("2026Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert ev.parse_period("2026H2") == ("2026H2", date(2026, 7, 1), date(2026, 12, 31))
    assert ev.parse_period("2025") == ("2025", date(2025, 1, 1), date(2025, 12, 31))
    for bad in ("2026Q5", "2026H3", "26Q1", "2026-Q1", "", "1999"):
        with pytest.raises(Invalid) as err:
            ev.parse_period(bad)
        assert err.value.code == "invalid_period"
    assert ev.previous_quarters(date(2026, 11, 20), 4) == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


def test_each_metric_is_computed_from_the_records_of_the_period(
    session: Session, world: World
) -> None:
    # GZ Art. 35: the authority evaluates the sharing work of departments regularly.
    evaluation = ev.compute(session, actor=world.admin, period=Q3, today=AFTER)
    assert evaluation.state == EvaluationState.DRAFT and evaluation.computed_on == AFTER
    got = scores(session, evaluation.id, world.p.provider.id)
    i = world.ids

    def figure(metric: str) -> tuple[float, float, float | None, list[int], list[int]]:
        s = got[metric]
        return s.numerator, s.denominator, s.score, s.evidence["met"], s.evidence["missed"]

    # GZ Art. 8, 11: entries filed by the period's end, published by then (the draft is not filed)
    assert figure("catalogue_completeness") == (1, 2, 50.0, [i["r1"]], [i["r2"]])
    # GZ Art. 8: the catalogue update owed after a change, within 15 working days
    assert figure("catalogue_timeliness") == (1, 2, 50.0, [i["e1"]], [i["e2"]])
    # GZ Art. 19: the stale resource counts against the department
    assert figure("data_freshness") == (1, 2, 50.0, [i["r1"]], [world.p.resource.id])
    # GZ Art. 26: answered within 5 working days; the application received on 30 September
    # is still inside its deadline on the day of computation and is not counted yet
    assert figure("applications_in_time") == (1, 2, 50.0, [i["a1"]], [i["a2"]])
    # GZ Art. 30: a late answer and an unanswered overdue request miss; a withdrawn one is out
    assert figure("verification_requests_in_time") == (1, 3, 33.3, [i["v1"]], [i["v2"], i["v3"]])
    # GZ Art. 36: one complaint upheld out of two answered
    assert figure("complaints_upheld") == (1, 2, 50.0, [i["c2"]], [i["c1"]])
    # GZ Art. 43: the notice settled before the period is not counted again
    assert figure("rectifications_closed") == (1, 2, 50.0, [i["n1"]], [i["n2"]])
    # GZ Art. 32: the material r1 supplies and the guide still asks for is a repeated material
    assert figure("repeated_materials") == (1, 2, 50.0, [i["m2"]], [i["m1"]])
    # The provider holds no grant: the use of shared data does not apply (None, not 0)
    assert "data_use" not in got
    total = got["total"]
    # Equal weights (the profile is silent), re-normalised over the 8 metrics that apply
    assert total.score == round((7 * 50 + 100 / 3) / 8, 1) and total.rank == 1
    assert sum(total.evidence["weights"].values()) == pytest.approx(8 / 9, abs=1e-4)
    # The consumer holds a grant it never used in the period: 0 on its only metric
    consumer = scores(session, evaluation.id, world.p.consumer.id)
    assert consumer["data_use"].score == 0.0 and consumer["data_use"].evidence["missed"]
    assert consumer["total"].score == 0.0 and consumer["total"].rank == 2
    # A department with nothing to measure has no scorecard and no rank
    assert scores(session, evaluation.id, world.idle.id) == {}


def test_use_of_shared_data_is_read_from_the_audit_log(session: Session) -> None:
    # ZZ Art. 31: the evaluation assesses the use of shared information.
    from govshare.audit import service as audit

    p = make_parties(session)
    today = date.today()  # audit entries carry the real time of the query
    period = ev.quarter_of(today)
    granted = apply(session, p, today=today)
    applications.approve(session, actor=p.officer_actor, application_id=granted.id, today=today)
    audit.record(
        session,
        actor=p.staff_actor,
        action="data.query",
        object_type="resource",
        object_id=p.resource.id,
        purpose="440100-MZ-0031: 低保核对",
    )
    actor = org_builders.actor_of(p.admin)
    evaluation = ev.compute(session, actor=actor, period=period, today=today)
    use = scores(session, evaluation.id, p.consumer.id)["data_use"]
    assert (use.numerator, use.denominator, use.score) == (1, 1, 100.0)
    assert use.evidence["kind"] == "grant" and len(use.evidence["audit"]) == 1


def test_recomputing_replaces_the_draft_and_publishing_makes_it_final(
    session: Session, world: World
) -> None:
    # GZ Art. 35: the results are circulated (通报) once the authority publishes them.
    admin = world.admin
    early = ev.compute(session, actor=admin, period=Q3, today=date(2026, 9, 20))
    with pytest.raises(IllegalTransition) as err:
        ev.publish(session, actor=admin, evaluation_id=early.id, today=date(2026, 9, 21))
    assert err.value.code == "period_not_ended"
    with pytest.raises(IllegalTransition) as err:  # computed before the period ended
        ev.publish(session, actor=admin, evaluation_id=early.id, today=AFTER)
    assert err.value.code == "evaluation_stale"
    again = ev.compute(session, actor=admin, period=Q3, today=AFTER)
    assert again.id == early.id
    count = session.scalar(
        select(func.count()).select_from(Score).where(Score.evaluation_id == again.id)
    )
    assert count == len(scores(session, again.id, world.p.provider.id)) + 2  # consumer: use, total
    with pytest.raises(Forbidden):
        ev.publish(session, actor=world.p.officer_actor, evaluation_id=again.id, today=AFTER)
    ev.publish(session, actor=admin, evaluation_id=again.id, today=AFTER)
    assert again.state == EvaluationState.PUBLISHED and again.published_on == AFTER
    told = session.scalars(
        select(Notification.user_id).where(Notification.kind == "evaluation.published")
    ).all()
    assert {world.p.officer.id, world.p.staff.id, world.officer2.id} <= set(told)
    with pytest.raises(IllegalTransition) as err:
        ev.compute(session, actor=admin, period=Q3, today=AFTER)
    assert err.value.code == "evaluation_published"
    with pytest.raises(Invalid) as bad:
        ev.compute(session, actor=admin, period="2027Q1", today=AFTER)
    assert bad.value.code == "period_in_future"


def test_departments_see_their_own_scorecard_and_the_ranking_once_published(
    session: Session, world: World
) -> None:
    # GZ Art. 35: results circulated within government; before that only the authority sees them.
    evaluation = ev.compute(session, actor=world.admin, period=Q3, today=AFTER)
    officer = world.p.officer_actor
    with pytest.raises(Forbidden) as err:
        ev.get_evaluation(session, actor=officer, evaluation_id=evaluation.id)
    assert err.value.code == "not_published"
    assert ev.list_evaluations(session, actor=officer).total == 0
    ev.publish(session, actor=world.admin, evaluation_id=evaluation.id, today=AFTER)
    table = ev.ranking(session, actor=officer, evaluation_id=evaluation.id)
    assert [r.department_id for r in table] == [world.p.provider.id, world.p.consumer.id]
    # The ranking circulates totals; another department's figures stay its own
    assert table[0].scores and table[1].scores == {} and table[1].total is not None
    own = ev.scorecard(
        session, actor=officer, evaluation_id=evaluation.id, department_id=world.p.provider.id
    )
    assert own.rank == 1 and "applications_in_time" in own.scores
    with pytest.raises(Forbidden):
        ev.scorecard(
            session, actor=officer, evaluation_id=evaluation.id, department_id=world.p.consumer.id
        )
    assert [
        e.period for e, _ in ev.trend(session, actor=officer, department_id=world.p.provider.id)
    ] == [Q3]


def test_where_publication_is_silent_a_department_sees_only_its_own_standing(
    session: Session, world: World, use_profile: Callable[[str], None]
) -> None:
    # ZS Art. 34: results feed project approval; the text does not circulate a ranking.
    use_profile("zhongshan")
    evaluation = ev.compute(session, actor=world.admin, period=Q3, today=AFTER)
    ev.publish(session, actor=world.admin, evaluation_id=evaluation.id, today=AFTER)
    mine = ev.ranking(session, actor=world.p.officer_actor, evaluation_id=evaluation.id)
    assert [r.department_id for r in mine] == [world.p.provider.id]
    everyone = ev.ranking(session, actor=world.admin, evaluation_id=evaluation.id)
    assert len(everyone) == 2


def test_named_metrics_and_profile_weights_decide_the_total(
    session: Session, world: World, use_profile: Callable[[str], None], tmp_path: Path
) -> None:
    # ZZ Art. 31: the number, the updating and the use of shared information.
    use_profile("zhengzhou")
    assert metrics.weights() == {
        "catalogue_completeness": 0.25,
        "catalogue_timeliness": 0.25,
        "data_freshness": 0.25,
        "data_use": 0.25,
    }
    evaluation = ev.compute(session, actor=world.admin, period=Q3, today=AFTER)
    got = scores(session, evaluation.id, world.p.provider.id)
    assert "complaints_upheld" not in got and got["total"].score == 50.0
    # A custom profile that sets weights: the named metric's weight is shared by its metrics
    from tests.governance.conftest import DATA

    text = (DATA / "guangzhou.toml").read_text(encoding="utf-8")
    silent = '[evaluation.weights]\nsilent = true\nnote = "No text sets weights."'
    assert silent in text
    custom = text.replace(
        silent,
        '[evaluation.weights]\narticle = "local plan"\n'
        "values = { catalogue_completeness = 3.0, complaints_upheld = 1.0 }",
    )
    path = tmp_path / "gz-weights.toml"
    path.write_text(custom.replace('name = "guangzhou"', 'name = "gz-weights"', 1), "utf-8")
    use_profile(str(path))
    assert metrics.weights()["catalogue_completeness"] == 0.75
    assert metrics.weights()["data_freshness"] == 0.0
    assert (
        metrics.weighted_total(
            {"catalogue_completeness": None, "complaints_upheld": 40.0}, metrics.weights()
        )
        == 40.0
    )


def test_a_projects_approval_check_shows_the_departments_standing(
    session: Session, world: World
) -> None:
    # GZ Art. 38; ZS Art. 14, 34 ¶2; JS Art. 29: evaluation results are a basis of project approval.
    from govshare.catalogue import projects

    project = projects.register_project(
        session, actor=world.admin, department_id=world.p.provider.id, name="救助平台", today=AFTER
    )
    before = projects.check(session, project_id=project.id, stage="approval").standing
    assert before is not None and before.period is None and before.open_rectifications == 1
    evaluation = ev.compute(session, actor=world.admin, period=Q3, today=AFTER)
    ev.publish(session, actor=world.admin, evaluation_id=evaluation.id, today=AFTER)
    after = projects.check(session, project_id=project.id, stage="approval").standing
    assert after is not None
    assert (after.period, after.rank, after.ranked) == (Q3, 1, 2)
    assert after.total == scores(session, evaluation.id, world.p.provider.id)["total"].score


def test_applications_late_answered_count_against_the_provider(session: Session) -> None:
    # GZ Art. 26: an application answered after its deadline was not answered in time.
    p = make_parties(session)
    late = apply(session, p, today=date(2026, 7, 1))
    session.get(Application, late.id).answered_on = date(2026, 7, 30)  # type: ignore[union-attr]
    session.flush()
    window = metrics.Window(date(2026, 7, 1), date(2026, 9, 30), AFTER)
    fig = metrics.applications_in_time(session, window)[p.provider.id]
    assert (fig.met, fig.missed) == ([], [late.id])
    assert session.get(Resource, p.resource.id) is not None


def test_the_demo_publishes_four_quarters_and_drafts_the_current_one(
    session: Session, world: World
) -> None:
    # GZ Art. 35: evaluations held regularly; the demo shows a year of them.
    from govshare import demo_evaluation
    from govshare.governance.evaluation_models import Evaluation

    today = date(2026, 11, 20)
    counts = demo_evaluation.load(session, depts={}, today=today)
    assert counts == {"published": 4, "draft": 1}
    states = dict(session.execute(select(Evaluation.period, Evaluation.state)).all())
    assert states == {
        "2025Q4": "published",
        "2026Q1": "published",
        "2026Q2": "published",
        "2026Q3": "published",
        "2026Q4": "draft",
    }
    provider = world.p.provider.id
    trend = ev.trend(session, actor=world.admin, department_id=provider)
    # The records' own dates decide the periods: in 2026Q2 the notice settled in June and the
    # guide registered in June (both materials still asked for: one was dropped in September);
    # the rest of the provider's records in 2026Q3; nothing of it in 2025Q4 or 2026Q1.
    assert [e.period for e, _ in trend] == ["2026Q2", "2026Q3"]
    q2 = {e.period: e for e, _ in trend}["2026Q2"]
    got = scores(session, q2.id, provider)
    assert set(got) == {"rectifications_closed", "repeated_materials", "total"}
    assert got["repeated_materials"].score == 0.0 and got["rectifications_closed"].score == 100.0


def test_the_sweep_flags_a_year_without_evaluation_where_the_text_asks_for_one(
    session: Session, world: World, use_profile: Callable[[str], None]
) -> None:
    # ZZ Art. 31: at least once a year; GZ Art. 35 (定期) sets no interval, so nothing is flagged.
    from govshare.governance import evaluation_rules
    from govshare.jobs.models import Flag

    sweep = Actor.system()
    old = ev.compute(session, actor=world.admin, period="2025H1", today=date(2025, 7, 3))
    ev.publish(session, actor=world.admin, evaluation_id=old.id, today=date(2025, 7, 3))

    def flagged() -> bool:
        stmt = select(Flag).where(Flag.kind == "evaluation.overdue", Flag.resolved_on.is_(None))
        return session.scalar(stmt) is not None

    today = date(2026, 7, 2)
    assert evaluation_rules.flag_missing_evaluation(session, today=today, actor=sweep) == 0
    use_profile("zhengzhou")
    assert not evaluation_rules.flag_missing_evaluation(
        session, today=date(2026, 6, 30), actor=sweep
    )
    assert evaluation_rules.flag_missing_evaluation(session, today=today, actor=sweep) == 1
    assert flagged()
    assert evaluation_rules.flag_missing_evaluation(session, today=today, actor=sweep) == 0
    newer = ev.compute(session, actor=world.admin, period="2026Q2", today=today)
    ev.publish(session, actor=world.admin, evaluation_id=newer.id, today=today)
    assert evaluation_rules.flag_missing_evaluation(session, today=today, actor=sweep) == 1
    assert not flagged()
