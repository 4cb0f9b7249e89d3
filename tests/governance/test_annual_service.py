"""Annual reports drafted from the records, edited, submitted and published (GZ 37; ZS 35)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.datastore.models import Connection, Load
from govshare.governance import annual_figures, annual_reports
from govshare.governance.annual_report_models import ReportState
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.orgs.models import Role
from govshare.sharing import applications
from tests.applications.conftest import Parties, apply
from tests.governance import annual_support as rows
from tests.governance.annual_support import YEAR
from tests.orgs import builders as org_builders

OPERATOR = Actor.operator()
JAN = date(YEAR + 1, 1, 5)


def _records(session: Session, p: Parties) -> None:
    """A year of the provider's work, as the platform records it."""
    refused = apply(
        session, p, today=date(YEAR, 3, 2), period=(date(YEAR, 3, 2), date(YEAR, 12, 1))
    )
    applications.refuse(
        session,
        actor=p.officer_actor,
        application_id=refused.id,
        reason="不属于申请部门法定职责范围",
        today=date(YEAR, 3, 3),
    )
    approved = apply(
        session, p, today=date(YEAR, 4, 1), period=(date(YEAR, 4, 1), date(YEAR, 12, 1))
    )
    applications.approve(
        session,
        actor=p.officer_actor,
        application_id=approved.id,
        items=["婚姻状况"],
        today=date(YEAR, 4, 2),
    )
    apply(session, p, today=date(YEAR - 1, 12, 1), period=(date(YEAR - 1, 12, 1), date(YEAR, 6, 1)))
    session.add(Connection(resource_id=p.resource.id, records=120, stale_since=date(YEAR, 10, 1)))
    session.add(
        Load(
            resource_id=p.resource.id,
            department_id=p.provider.id,
            actor_name="loader",
            method="file",
            status="done",
            rows_written=120,
        )
    )
    consumer = Actor.system(name="consumer system")
    consumer = Actor(
        kind=consumer.kind,
        id=None,
        name="consumer system",
        method=consumer.method,
        department_id=p.consumer.id,
    )
    for action in ("data.query", "data.query", "data.verify"):
        audit.record(
            session, actor=consumer, action=action, object_type="resource", object_id=p.resource.id
        )
    rows.verification_request(
        session,
        resource_id=p.resource.id,
        consumer=p.consumer.id,
        provider=p.provider.id,
        filed_on=date(YEAR, 5, 6),
        due_on=date(YEAR, 5, 20),
        answered_on=date(YEAR, 5, 12),
        outcome="corrected",
    )
    rows.verification_request(
        session,
        resource_id=p.resource.id,
        consumer=p.consumer.id,
        provider=p.provider.id,
        filed_on=date(YEAR, 12, 20),
        due_on=date(YEAR + 1, 1, 8),
    )
    rows.complaint(
        session,
        complainant=p.consumer.id,
        respondent=p.provider.id,
        filed_on=date(YEAR, 6, 1),
        answered_on=date(YEAR, 6, 15),
        upheld=True,
    )
    rows.notice(
        session,
        department_id=p.provider.id,
        issued_on=date(YEAR, 7, 1),
        closed_on=date(YEAR, 7, 20),
    )
    rows.notice(session, department_id=p.provider.id, issued_on=date(YEAR, 11, 1))
    rows.repeated_material(session, department_id=p.provider.id, resource_id=p.resource.id)
    rows.evaluation(
        session,
        period=str(YEAR),
        starts=date(YEAR, 1, 1),
        ends=date(YEAR, 12, 31),
        scores={p.provider.id: (87.5, 2), p.consumer.id: (91.0, 1)},
    )


def test_department_report_is_drafted_from_the_records(session: Session, parties: Parties) -> None:
    # GZ 37: the department reports on the previous year; the platform drafts the figures.
    _records(session, parties)
    report = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
    )
    f = report.figures
    assert report.state == ReportState.DRAFT and report.due_on == date(YEAR + 1, 1, 31)
    assert report.article == "GZ 37"
    assert f["catalogue"]["published"] == 1 and f["catalogue"]["conditional"] == 1
    assert f["catalogue"]["published_in_year"] == 1
    assert f["data"] == {
        "connected": 1,
        "records": 120,
        "loads": 1,
        "rows_written": 120,
        "fresh": 0,
        "stale": 1,
    }
    given = f["given"]
    # The application of last December is not of this year.
    assert (given["applications_received"], given["answered"], given["refused"]) == (2, 2, 1)
    assert given["answered_in_time"] == 2 and given["grants_given"] == 1
    assert (given["queries_received"], given["verifications_received"]) == (2, 1)
    assert f["verification_requests"]["received"] == 2
    assert f["verification_requests"]["answered_in_time"] == 1
    assert f["verification_requests"]["corrected"] == 1
    assert f["verification_requests"]["open_at_year_end"] == 1
    assert f["complaints"] == {"filed": 0, "against": 1, "upheld_against": 1}
    assert f["rectification"]["received"] == 2 and f["rectification"]["closed"] == 1
    assert f["rectification"]["open_at_year_end"] == 1
    assert f["materials"] == {"services_asking": 1, "repeated_left": 1}
    assert f["evaluation"] == {"period": str(YEAR), "total": 87.5, "rank": 2, "of": 2}
    mine = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.consumer.id, year=YEAR, today=JAN
    ).figures
    assert mine["received"]["applications_made"] == 2
    assert mine["received"]["applications_granted"] == 1
    assert (mine["received"]["queries_made"], mine["received"]["verifications_made"]) == (2, 1)
    assert mine["complaints"]["filed"] == 1 and mine["verification_requests"]["filed"] == 2


def test_only_a_year_that_is_over_and_each_report_once(session: Session, parties: Parties) -> None:
    # GZ 37: "上一年度" — the report covers the previous year.
    with pytest.raises(Invalid) as e:
        annual_reports.draft_department(
            session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR + 1, today=JAN
        )
    assert e.value.code == "year_not_over"
    first = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
    )
    again = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
    )
    assert first.id == again.id
    with pytest.raises(NotFound):
        annual_reports.draft_department(
            session, actor=OPERATOR, department_id=parties.authority.id, year=YEAR, today=JAN
        )


def test_edit_and_submit_by_the_department(session: Session, parties: Parties) -> None:
    # GZ 37: the department reports to the authority by the end of January.
    report = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
    )
    officer = parties.officer_actor
    with pytest.raises(Invalid) as e:
        annual_reports.submit(session, actor=officer, report_id=report.id, today=JAN)
    assert e.value.code == "narrative_required"
    other = org_builders.user(session, role=Role.DATA_OFFICER, dept=parties.consumer)
    with pytest.raises(NotFound):
        annual_reports.edit(
            session,
            actor=org_builders.actor_of(other),
            report_id=report.id,
            narrative="x",
            problems="",
            plan="",
            today=JAN,
        )
    with pytest.raises(Forbidden):  # the authority reads it but does not write it
        annual_reports.edit(
            session,
            actor=org_builders.actor_of(parties.admin),
            report_id=report.id,
            narrative="x",
            problems="",
            plan="",
            today=JAN,
        )
    annual_reports.edit(
        session,
        actor=officer,
        report_id=report.id,
        narrative="本年度共享工作总体平稳。",
        problems="部分数据更新不及时。",
        plan="完善更新机制。",
        today=JAN,
    )
    annual_reports.submit(session, actor=officer, report_id=report.id, today=date(YEAR + 1, 1, 31))
    assert report.state == ReportState.SUBMITTED and not report.late
    assert (
        report.submitted_on == date(YEAR + 1, 1, 31) and report.problems == "部分数据更新不及时。"
    )
    with pytest.raises(IllegalTransition):
        annual_reports.redraft(session, actor=officer, report_id=report.id, today=JAN)


def test_submitted_after_the_due_date_is_late(session: Session, parties: Parties) -> None:
    # GZ 37 "1月底前": from 1 February the report is late.
    report = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
    )
    annual_reports.edit(
        session,
        actor=parties.officer_actor,
        report_id=report.id,
        narrative="迟交。",
        problems="",
        plan="",
        today=JAN,
    )
    annual_reports.submit(
        session, actor=parties.officer_actor, report_id=report.id, today=date(YEAR + 1, 2, 1)
    )
    assert report.late


def test_authority_report_is_drafted_from_the_departments(
    session: Session, parties: Parties
) -> None:
    # GZ 37 ¶2: the authority reports on the level to the people's government by end of February.
    _records(session, parties)
    annual_reports.draft_department(
        session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
    )
    report = annual_reports.draft_authority(session, actor=OPERATOR, year=YEAR, today=JAN)
    f = report.figures
    assert report.due_on == date(YEAR + 1, 2, 28 if (YEAR + 1) % 4 else 29)
    assert [r["id"] for r in f["departments"]] == sorted(
        [parties.provider.id, parties.consumer.id],
        key=lambda i: next(r["code"] for r in f["departments"] if r["id"] == i),
    )
    assert f["given"]["applications_received"] == 2 and f["received"]["queries_made"] == 2
    assert f["reports"] == {"departments": 2, "submitted": 0, "drafts": 1, "missing": 1, "late": 0}
    with pytest.raises(Invalid) as e:  # GZ does not require publication
        annual_reports.edit(
            session,
            actor=OPERATOR,
            report_id=report.id,
            narrative="总体情况",
            problems="",
            plan="",
            today=JAN,
        )
        annual_reports.submit(session, actor=OPERATOR, report_id=report.id, today=JAN)
        annual_reports.publish(session, actor=OPERATOR, report_id=report.id, today=JAN)
    assert e.value.code == "not_published_to_public"


def test_zhongshan_reports_on_request_and_publishes(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 35: the data department reports by the end of March and releases it to the society;
    # ZS 35 ¶2: departments report only when it requests — no due date, so never late.
    use_profile("zhongshan")
    with pytest.raises(Invalid) as e:
        annual_reports.draft_department(
            session, actor=OPERATOR, department_id=parties.provider.id, year=YEAR, today=JAN
        )
    assert e.value.code == "on_request_only"
    assert annual_reports.draft_all(session, actor=OPERATOR, year=YEAR, today=JAN) == 1
    made = annual_reports.request_reports(
        session, actor=OPERATOR, year=YEAR, today=JAN, department_ids=[parties.provider.id]
    )
    assert [(r.department_id, r.due_on, r.requested_on) for r in made] == [
        (parties.provider.id, None, JAN)
    ]
    authority = annual_reports.find(session, year=YEAR, department_id=None)
    assert authority is not None and authority.due_on == date(YEAR + 1, 3, 31)
    with pytest.raises(NotFound):
        annual_reports.published(session, year=YEAR)
    annual_reports.edit(
        session,
        actor=OPERATOR,
        report_id=authority.id,
        narrative="全市政务数据管理情况",
        problems="",
        plan="",
        today=JAN,
    )
    annual_reports.submit(
        session, actor=OPERATOR, report_id=authority.id, today=date(YEAR + 1, 3, 20)
    )
    annual_reports.publish(
        session, actor=OPERATOR, report_id=authority.id, today=date(YEAR + 1, 3, 21)
    )
    assert annual_reports.published(session, year=YEAR).id == authority.id
    late_day = date(YEAR + 1, 12, 1)
    assert not annual_reports.is_overdue(made[0], late_day)


def test_silent_profiles_require_no_report_but_draft_one_on_demand(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZZ and JS require no annual report: the sweep drafts none; one drafted on demand has no
    # due date and is never late (docs/profiles.md: a silent report rule).
    for name in ("zhengzhou", "jiangsu"):
        use_profile(name)
        assert annual_reports.draft_all(session, actor=OPERATOR, year=YEAR, today=JAN) == 0
        assert annual_reports.find(session, year=YEAR, department_id=None) is None
    report = annual_reports.draft_authority(session, actor=OPERATOR, year=YEAR, today=JAN)
    assert report.due_on is None
    assert not annual_reports.is_overdue(report, date(YEAR + 1, 12, 31))


def test_summed_leaves_out_medians() -> None:
    a = {"given": {"applications_received": 2, "median_working_days": 3.0}}
    b = {"given": {"applications_received": 5, "median_working_days": 1.0}}
    assert annual_figures.summed([a, b])["given"] == {"applications_received": 7}
