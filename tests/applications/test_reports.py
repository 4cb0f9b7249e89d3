"""The reports of applications: each measure against a small arranged set, the JSON API, Excel.

Real calendar (chinesecalendar 2026). Period: the first half of 2026. Provider A receives five
applications in it (and one before it); provider B one, across the Labour Day holiday.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.orgs.models import DepartmentKind, Role
from govshare.sharing import application_reports as reports
from govshare.sharing import application_rules as rules
from govshare.sharing import applications
from govshare.sharing.application_models import Application
from tests.applications.conftest import Parties, apply
from tests.orgs import builders as org_builders
from tests.sharing import builders as sharing_builders
from tests.web_support import login

H1 = (date(2026, 1, 1), date(2026, 6, 30))


@dataclass
class Arranged:
    p: Parties
    other: int  # provider B's department id
    refused: Application


def _approve(session: Session, p: Parties, a: Application, today: date) -> None:
    applications.approve(session, actor=p.officer_actor, application_id=a.id, today=today)


@pytest.fixture()
def arranged(session: Session, parties: Parties) -> Arranged:
    p = parties
    officer = p.officer_actor
    # Before the period: counted nowhere.
    _approve(session, p, apply(session, p, today=date(2025, 12, 29)), date(2025, 12, 30))
    # a1: Mon 03-02, approved Wed 03-04: 2 working days, in time.
    _approve(session, p, apply(session, p, today=date(2026, 3, 2)), date(2026, 3, 4))
    # a2: Mon 03-02, refused on its last day (03-09): 5 working days, in time.
    a2 = apply(session, p, today=date(2026, 3, 2))
    applications.refuse(
        session, actor=officer, application_id=a2.id, reason="超出职责范围", today=date(2026, 3, 9)
    )
    # a3: Tue 03-10, never answered: deemed consent from 03-18 (GZ 26).
    a3 = apply(session, p, today=date(2026, 3, 10))
    rules.apply_silence(session, today=date(2026, 3, 18), actor=Actor.system())
    assert a3.state == "deemed_consent"
    # a5: withdrawn: received, never answered.
    a5 = apply(session, p, today=date(2026, 4, 1))
    applications.withdraw(
        session, actor=p.staff_actor, application_id=a5.id, today=date(2026, 4, 2)
    )
    # a6: Mon 03-16 due 03-23, answered Wed 03-25 (as under a profile whose silence has no
    # effect: the row is arranged): 7 working days, late.
    a6 = apply(session, p, today=date(2026, 3, 16))
    _approve(session, p, a6, date(2026, 3, 17))
    a6.answered_on = date(2026, 3, 25)
    # Provider B: Thu 04-30, answered Thu 05-07 across Labour Day (05-01..05-05 off): 2 working
    # days (Monday-to-Friday counting would give 5).
    other = org_builders.department(session, kind=DepartmentKind.HEALTH)
    resource = sharing_builders.published(session, other, "conditional")
    officer_b = org_builders.user(session, role=Role.DATA_OFFICER, dept=other)
    b1 = applications.submit(
        session,
        actor=p.staff_actor,
        resource_id=resource.id,
        purpose_text="核对",
        legal_basis="《社会救助暂行办法》第十一条",
        purposes=["440100-MZ-0031"],
        items=["婚姻状况"],
        expected_volume="",
        period_from=date(2026, 5, 1),
        period_until=date(2026, 12, 31),
        involves_secret_or_privacy=False,
        today=date(2026, 4, 30),
    )
    applications.approve(
        session,
        actor=org_builders.actor_of(officer_b),
        application_id=b1.id,
        today=date(2026, 5, 7),
    )
    session.flush()
    return Arranged(p, other.id, a2)


def _row(rep: reports.Report, dept: int) -> reports.ReportRow:
    return next(r for r in rep.rows if r.department_id == dept)


def test_each_measure_per_department(session: Session, arranged: Arranged) -> None:
    # GZ 26: answered within 5 working days, refusals with reasons, silence is consent.
    rep = reports.report(session, period_from=H1[0], period_until=H1[1])
    a = _row(rep, arranged.p.provider.id)
    assert a.received == 5
    assert a.answered == 3
    assert a.answered_in_time == 2
    assert a.refused == 1
    assert a.deemed_consents == 1
    assert a.median_working_days == 5.0  # of 2, 5, 7
    b = _row(rep, arranged.other)
    assert (b.received, b.answered, b.answered_in_time, b.refused, b.deemed_consents) == (
        1,
        1,
        1,
        0,
        0,
    )
    assert b.median_working_days == 2.0  # the holiday does not count
    t = rep.total
    assert (t.received, t.answered, t.answered_in_time, t.refused, t.deemed_consents) == (
        6,
        4,
        3,
        1,
        1,
    )
    assert t.median_working_days == 3.5  # of 2, 2, 5, 7
    assert [(f.application_id, f.reason) for f in rep.refusals] == [
        (arranged.refused.id, "超出职责范围")
    ]


def test_period_and_department_filters(session: Session, arranged: Arranged) -> None:
    rep = reports.report(session, period_from=date(2026, 3, 3), period_until=date(2026, 3, 31))
    # only a3 and a6 were received in that span
    assert [(r.department_id, r.received) for r in rep.rows] == [(arranged.p.provider.id, 2)]
    only_b = reports.report(
        session, period_from=H1[0], period_until=H1[1], department_id=arranged.other
    )
    assert [r.department_id for r in only_b.rows] == [arranged.other]
    assert only_b.refusals == []


def test_open_items_by_department(session: Session, parties: Parties) -> None:
    # One overdue under a profile that gives silence an effect is still open until the sweep runs.
    apply(session, parties, today=date(2026, 11, 2))  # due 11-09
    apply(session, parties, today=date(2026, 11, 16))  # due 11-23
    rows = reports.open_by_department(session, today=date(2026, 11, 20))
    assert [(r.department_id, r.open, r.overdue, r.to_answer) for r in rows] == [
        (parties.provider.id, 2, 1, 2)
    ]


def test_reports_api_and_excel(
    app: object, client: TestClient, session: Session, arranged: Arranged
) -> None:
    headers = {"X-CSRF-Token": login(client, arranged.p.admin.username)}
    query = "period_from=2026-01-01&period_until=2026-06-30"
    r = client.get(f"/api/v1/applications/reports?{query}", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"]["received"] == 6 and body["total"]["median_working_days"] == 3.5
    assert body["refusals"][0]["reason"] == "超出职责范围"
    r = client.get(f"/applications/reports.xlsx?{query}", headers=headers)
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    first, reasons = book.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert len(rows[0]) == len(reports.COLUMNS) and rows[0][1]  # the header row
    by_name = {row[0]: row[1:] for row in rows[1:] if row and row[0]}
    assert by_name[arranged.p.provider.name] == (5, 3, 2, 1, 1, 5.0)
    refusal_rows = list(reasons.iter_rows(values_only=True))
    assert len(refusal_rows) == 2 and refusal_rows[1][-1] == "超出职责范围"
    # the overview shows the same numbers as a table and a chart
    page = client.get(f"/applications/overview?{query}", headers=headers)
    assert page.status_code == 200
    assert 'data-series="refused" data-value="1"' in page.text
    assert "超出职责范围" in page.text


def test_reports_are_the_authoritys(
    app: object, client: TestClient, session: Session, parties: Parties
) -> None:
    headers = {"X-CSRF-Token": login(client, parties.staff.username)}
    assert client.get("/api/v1/applications/reports", headers=headers).status_code == 403
    assert client.get("/applications/reports.xlsx", headers=headers).status_code == 403
    assert client.get("/applications/overview", headers=headers).status_code == 403
