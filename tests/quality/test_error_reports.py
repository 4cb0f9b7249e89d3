"""Error reports (差错报备, GZ 31): reported by the consumer, filed or returned by the authority."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from govshare.kit.errors import Forbidden, IllegalTransition, Invalid
from govshare.orgs.models import Role
from govshare.quality import error_reports
from govshare.quality.error_report_models import ErrorReport, ReportState
from tests.applications.conftest import Parties, make_parties, notes
from tests.orgs import builders as org_builders
from tests.web_support import login

DAY = date(2026, 9, 16)


@pytest.fixture()
def parties(session: Session) -> Parties:
    return make_parties(session)


def _report(session: Session, p: Parties, **kw: object) -> ErrorReport:
    values: dict[str, object] = {
        "resource_id": p.resource.id,
        "items": ["婚姻状况"],
        "decision_reference": "穗民低保〔2026〕118号",
        "decided_on": date(2026, 9, 14),
        "description": "共享的婚姻状况为未婚,实为已婚,致低保认定错误。",
        "remedy": "已撤销认定。",
        "today": DAY,
    }
    values.update(kw)
    return error_reports.report_error(session, actor=p.staff_actor, **values)  # type: ignore[arg-type]


def test_a_consumer_reports_and_the_authority_files_it(session: Session, parties: Parties) -> None:
    # GZ Art. 31: reported to the authority for filing; the consumer is not held liable.
    report = _report(session, parties)
    assert (report.state, report.provider_department_id) == (
        ReportState.REPORTED,
        parties.provider.id,
    )
    assert notes(session, parties.admin, "error_report.reported") == 1
    admin = org_builders.actor_of(parties.admin)
    error_reports.file_report(session, actor=admin, report_id=report.id, note="已备案", today=DAY)
    assert (report.state, report.filed_on, report.filed_by) == (ReportState.FILED, DAY, admin.name)
    assert notes(session, parties.staff, "error_report.filed") == 1
    rule = error_reports.rules()
    assert rule.consumer_not_liable.enabled and rule.consumer_not_liable.citation() == "GZ 31"
    assert rule.filing.is_silent  # "promptly": no due date, no sweep rule
    with pytest.raises(IllegalTransition):
        error_reports.return_report(session, actor=admin, report_id=report.id, note="x", today=DAY)


def test_a_returned_report_is_completed_and_sent_again(session: Session, parties: Parties) -> None:
    report = _report(session, parties)
    admin = org_builders.actor_of(parties.admin)
    with pytest.raises(Invalid):  # returning says what is missing
        error_reports.return_report(session, actor=admin, report_id=report.id, note="", today=DAY)
    error_reports.return_report(
        session, actor=admin, report_id=report.id, note="请补充撤销文号", today=DAY
    )
    assert (report.state, report.returned_on) == (ReportState.RETURNED, DAY)
    with pytest.raises(Forbidden):  # the provider does not complete the consumer's report
        error_reports.resubmit(
            session,
            actor=parties.officer_actor,
            report_id=report.id,
            description="x",
            remedy="",
            today=DAY,
        )
    error_reports.resubmit(
        session,
        actor=parties.staff_actor,
        report_id=report.id,
        description="补充:已撤销。",
        remedy="穗民〔2026〕9号",
        today=date(2026, 9, 18),
    )
    assert (report.state, report.reported_on) == (ReportState.REPORTED, date(2026, 9, 18))


def test_bad_reports_are_refused(session: Session, parties: Parties) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"items": ["身高"]}, "unknown_items"),
        ({"items": []}, "items_required"),
        ({"decision_reference": " "}, "decision_reference_required"),
        ({"decided_on": date(2026, 9, 30)}, "decided_in_future"),
    ]
    for kw, code in cases:
        with pytest.raises(Invalid) as caught:
            _report(session, parties, **kw)
        assert caught.value.code == code
    with pytest.raises(Invalid) as caught:  # its own data is corrected, not reported
        error_reports.report_error(
            session,
            actor=parties.officer_actor,
            resource_id=parties.resource.id,
            items=["姓名"],
            decision_reference="x",
            decided_on=None,
            description="y",
            remedy="",
            today=DAY,
        )
    assert caught.value.code == "own_resource"
    with pytest.raises(Forbidden):
        error_reports.file_report(
            session,
            actor=parties.staff_actor,
            report_id=_report(session, parties).id,
            note="",
            today=DAY,
        )


def test_lists_by_provider_and_resource_and_who_reads(session: Session, parties: Parties) -> None:
    first, _second = _report(session, parties), _report(session, parties, items=["月收入"])
    admin = org_builders.actor_of(parties.admin)
    error_reports.file_report(session, actor=admin, report_id=first.id, note="", today=DAY)
    [by_provider] = error_reports.counts_by_provider(session, actor=admin)
    assert (by_provider.id, by_provider.total, by_provider.filed) == (parties.provider.id, 2, 1)
    [by_resource] = error_reports.counts_by_resource(session, actor=admin)
    assert (by_resource.id, by_resource.total) == (parties.resource.id, 2)
    filed = error_reports.list_reports(session, actor=admin, state=ReportState.FILED)
    assert [r.id for r in filed.items] == [first.id]
    # The provider reads the reports about its data; another department sees none.
    assert error_reports.list_reports(session, actor=parties.officer_actor).total == 2
    outsider = org_builders.user(session, role=Role.STAFF, dept=org_builders.department(session))
    assert error_reports.list_reports(session, actor=org_builders.actor_of(outsider)).total == 0
    with pytest.raises(Forbidden):
        error_reports.get(session, actor=org_builders.actor_of(outsider), report_id=first.id)
    with pytest.raises(Forbidden):
        error_reports.counts_by_provider(session, actor=parties.staff_actor)


def test_under_a_profile_without_the_rule_nothing_says_not_liable(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    use_profile("zhongshan")
    assert not error_reports.rules().consumer_not_liable.enabled
    assert _report(session, parties).state == ReportState.REPORTED  # still accepted


def test_api_console_and_excel_export(
    client: TestClient, session: Session, parties: Parties
) -> None:
    # GZ Art. 31 through the API and the console.
    token = login(client, parties.staff.username)
    r = client.post(
        "/api/v1/error-reports",
        json={
            "resource_id": parties.resource.id,
            "items": ["婚姻状况"],
            "decision_reference": '=HYPERLINK("x")',
            "description": "婚姻状况有误",
        },
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["consumer_not_liable"] is None  # only on a filed report

    client.cookies.clear()
    token = login(client, parties.admin.username)
    assert client.post(f"/error-reports/{rid}/file", data={"csrf_token": token}).status_code == 303
    api = client.get(f"/api/v1/error-reports/{rid}", headers={"X-CSRF-Token": token}).json()
    assert (
        api["state"] == "filed" and api["consumer_not_liable"] is True and api["article"] == "GZ 31"
    )
    page = client.get(f"/error-reports/{rid}").text
    assert 'data-testid="not-liable"' in page and "GZ 31" in page
    overview = client.get("/error-reports").text
    assert 'data-testid="by-provider"' in overview and parties.provider.name in overview
    counts = client.get("/api/v1/error-reports/counts", headers={"X-CSRF-Token": token}).json()
    assert counts["by_resource"][0]["total"] == 1
    xlsx = client.get("/error-reports/export.xlsx?state=filed")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == rid and rows[1][6] == '\'=HYPERLINK("x")'  # never a formula

    client.cookies.clear()
    login(client, parties.staff.username)
    assert client.get("/error-reports/export.xlsx").status_code == 403
    mine = client.get("/error-reports").text
    assert f'data-report="{rid}"' in mine and 'data-testid="by-provider"' not in mine
