"""Grants in the console and the JSON API: lists, filters, record, revoke / suspend / lift with
reasons, renewal, export to Excel and CSV, and the OpenAPI examples of every /grants endpoint.

The web app's day is 2026-11-20 (tests/web_support.py).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from govshare.http.rendering import templates
from govshare.sharing import applications
from govshare.sharing.application_models import Application
from govshare.sharing.models import Grant
from tests.applications.conftest import Parties, apply, make_parties
from tests.orgs import builders as org_builders
from tests.web_support import login

DAY = date(2026, 11, 2)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def parties(session: Session) -> Parties:
    return make_parties(session)


def _grant(session: Session, p: Parties, end: date = date(2026, 12, 31)) -> Grant:
    a = apply(session, p, today=DAY, period=(DAY, end))
    applications.approve(session, actor=p.officer_actor, application_id=a.id, today=DAY)
    grant = session.get(Grant, a.grant_id)
    assert grant is not None
    return grant


def _as(client: TestClient, username: str) -> str:
    """Logs in afresh as another user; returns the CSRF token."""
    client.cookies.clear()
    return login(client, username)


def _rows(html: str) -> int:
    return html.count("data-grant=")


# --- lists -------------------------------------------------------------------------------------


def test_my_grants_and_grants_given_with_filters(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties)
    _as(client, parties.staff.username)
    page = client.get("/grants")
    assert page.status_code == 200 and f'data-grant="{grant.id}"' in page.text
    assert _rows(client.get("/grants?state=active").text) == 1
    assert _rows(client.get("/grants?state=revoked").text) == 0
    assert _rows(client.get(f"/grants?resource={parties.resource.code}").text) == 1
    assert _rows(client.get("/grants?resource=NO-SUCH").text) == 0
    assert client.get("/grants/given").status_code == 403  # staff hold, officers give
    _as(client, parties.officer.username)
    assert f'data-grant="{grant.id}"' in client.get("/grants/given").text
    assert _rows(client.get("/grants").text) == 0  # the provider's department holds none


def test_the_authority_sees_all_and_filters_by_department(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties)
    _as(client, parties.admin.username)
    assert f'data-grant="{grant.id}"' in client.get("/grants").text
    assert _rows(client.get(f"/grants?department_id={parties.consumer.id}").text) == 1
    assert _rows(client.get(f"/grants?department_id={parties.provider.id}").text) == 0
    assert _rows(client.get(f"/grants/given?department_id={parties.provider.id}").text) == 1


# --- one grant ---------------------------------------------------------------------------------


def test_the_provider_revokes_with_a_mandatory_reason(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties)
    token = _as(client, parties.officer.username)
    page = client.get(f"/grants/{grant.id}")
    assert 'data-testid="revoke-form"' in page.text and "grant.create" in page.text
    r = client.post(f"/grants/{grant.id}/revoke", data={"csrf_token": token, "reason": " "})
    assert r.status_code == 303
    session.refresh(grant)
    assert grant.revoked_at is None  # refused: no reason
    r = client.post(
        f"/grants/{grant.id}/revoke", data={"csrf_token": token, "reason": "业务事项已办结"}
    )
    assert r.status_code == 303
    session.refresh(grant)
    assert grant.revoked_at is not None and grant.revoked_reason == "业务事项已办结"
    # the consumer sees who revoked it, when and why; it cannot act on it
    _as(client, parties.staff.username)
    page = client.get(f"/grants/{grant.id}")
    assert 'data-testid="revoked"' in page.text and "业务事项已办结" in page.text
    assert "grant.revoke" in page.text and 'data-testid="grant-actions"' not in page.text
    token = _as(client, parties.staff.username)
    r = client.post(f"/grants/{grant.id}/suspend", data={"csrf_token": token, "reason": "x"})
    assert r.status_code == 403


def test_the_authority_suspends_and_lifts_in_the_console(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties)
    token = _as(client, parties.admin.username)
    data = {"csrf_token": token, "reason": "争议调解中", "cause": "dispute:4"}
    assert client.post(f"/grants/{grant.id}/suspend", data=data).status_code == 303
    page = client.get(f"/grants/{grant.id}")
    assert 'data-testid="suspended"' in page.text and "dispute:4" in page.text
    assert 'data-testid="lift-form"' in page.text
    data = {"csrf_token": token, "reason": "已调解"}
    assert client.post(f"/grants/{grant.id}/lift", data=data).status_code == 303
    session.refresh(grant)
    assert grant.suspended is False


def test_an_outsider_cannot_see_a_grant(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties)
    other = org_builders.department(session)
    stranger = org_builders.user(session, role=org_builders.Role.STAFF, dept=other)
    _as(client, stranger.username)
    assert client.get(f"/grants/{grant.id}").status_code == 403
    assert client.get(f"/api/v1/grants/{grant.id}").status_code == 403


def test_renewal_in_the_console_is_prefilled_and_names_the_grant(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties, end=date(2026, 11, 30))  # 6 working days left on 11-20
    token = _as(client, parties.staff.username)
    assert 'data-testid="renew"' in client.get(f"/grants/{grant.id}").text
    form = client.get(f"/grants/{grant.id}/renew")
    assert form.status_code == 200
    assert "最低生活保障对象家庭经济状况核对" in form.text and 'value="2026-12-01"' in form.text
    data: dict[str, Any] = {
        "csrf_token": token,
        "purpose_text": "最低生活保障对象家庭经济状况核对(续)",
        "legal_basis": "《社会救助暂行办法》第十一条",
        "purposes": "440100-MZ-0031",
        "items": ["婚姻状况"],
        "period_from": "2026-12-01",
        "period_until": "2027-11-30",
    }
    r = client.post(f"/grants/{grant.id}/renew", data=data)
    assert r.status_code == 303, r.text
    renewal = session.query(Application).filter_by(renews_grant_id=grant.id).one()
    assert renewal.items == ["婚姻状况"] and renewal.purpose_text.endswith("(续)")
    # a second renewal is refused, and the form says why
    again = client.post(f"/grants/{grant.id}/renew", data=data)
    assert again.status_code == 422 and "flash error" in again.text


# --- export ------------------------------------------------------------------------------------


def test_export_in_the_console_and_over_the_api(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties)
    _as(client, parties.staff.username)
    x = client.get("/grants/export?format=xlsx&side=held&state=active")
    assert x.status_code == 200 and x.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(x.content))["grants"]
    assert [c.value for c in sheet[1]][:4] == [
        "id",
        "consumer_department",
        "provider_department",
        "resource_code",
    ]
    assert sheet[2][0].value == grant.id and sheet.max_row == 2
    c = client.get("/api/v1/grants/export?format=csv")
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(c.text.lstrip("\ufeff"))))
    assert rows[1][0] == str(grant.id) and rows[1][8] == "active"
    assert "attachment;" in c.headers["content-disposition"]
    assert client.get("/api/v1/grants/export?format=csv&side=given").status_code == 403
    assert client.get("/api/v1/grants/export?format=pdf").status_code == 422


# --- API ---------------------------------------------------------------------------------------


def test_api_record_suspend_lift_renewal(
    client: TestClient, session: Session, parties: Parties
) -> None:
    grant = _grant(session, parties, end=date(2026, 11, 30))
    token = _as(client, parties.officer.username)
    headers = {"X-CSRF-Token": token}
    r = client.post(
        f"/api/v1/grants/{grant.id}/suspend",
        json={"reason": "争议调解中", "cause": "dispute:4"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["grant"]["state"] == "suspended" and body["suspended_for"] == "dispute:4"
    assert [e["action"] for e in body["history"]] == ["grant.create", "grant.suspend"]
    r = client.post(f"/api/v1/grants/{grant.id}/lift", json={"reason": ""}, headers=headers)
    assert r.status_code == 422
    r = client.post(f"/api/v1/grants/{grant.id}/lift", json={"reason": "已调解"}, headers=headers)
    assert r.json()["grant"]["state"] == "active"
    token = _as(client, parties.staff.username)
    prefill = client.get(f"/api/v1/grants/{grant.id}/renewal").json()
    assert prefill["period_from"] == "2026-12-01" and prefill["items"] == ["婚姻状况", "月收入"]
    r = client.post(
        f"/api/v1/grants/{grant.id}/renew",
        json={"items": ["月收入"]},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201, r.text
    assert r.json()["renews_grant_id"] == grant.id and r.json()["due_on"] == "2026-11-27"
    detail = client.get(f"/api/v1/grants/{grant.id}").json()
    assert detail["renewal_application_ids"] == [r.json()["application_id"]]


GRANT_ENDPOINTS = [
    ("get", "/api/v1/grants"),
    ("post", "/api/v1/grants"),
    ("get", "/api/v1/grants/given"),
    ("get", "/api/v1/grants/export"),
    ("get", "/api/v1/grants/{grant_id}"),
    ("post", "/api/v1/grants/{grant_id}/revoke"),
    ("post", "/api/v1/grants/{grant_id}/suspend"),
    ("post", "/api/v1/grants/{grant_id}/lift"),
    ("get", "/api/v1/grants/{grant_id}/renewal"),
    ("post", "/api/v1/grants/{grant_id}/renew"),
]


def _schema(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    name = ref.rsplit("/", 1)[-1]
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def test_openapi_has_examples_for_every_grants_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    grant_paths = {p for p in spec["paths"] if p.startswith("/api/v1/grants")}
    assert grant_paths == {p for _, p in GRANT_ENDPOINTS}
    for method, path in GRANT_ENDPOINTS:
        op = spec["paths"][path][method]
        body = op.get("requestBody")
        if body is not None:
            ref = body["content"]["application/json"]["schema"]["$ref"]
            assert _schema(spec, ref).get("examples"), (method, path, "request")
        ok = op["responses"].get("200") or op["responses"]["201"]
        content = ok["content"]
        if "application/json" in content:
            ref = content["application/json"]["schema"]["$ref"]
            assert _schema(spec, ref).get("examples"), (method, path, "response")
        else:
            assert content["text/csv"]["example"].startswith("id,consumer_department")


# --- the route partial -------------------------------------------------------------------------


def test_the_route_partial_shows_each_hop() -> None:
    application = Application(
        route={
            "procedure": "via_authority",
            "article": "ZS 24",
            "profile_silent": False,
            "cross_level": True,
            "cross_region": False,
            "hops": [
                {
                    "department_id": 9,
                    "name": "越秀区住建局",
                    "level": "district",
                    "role": "applicant",
                },
                {
                    "department_id": 8,
                    "name": "越秀区政数局",
                    "level": "district",
                    "role": "data_department",
                },
                {"department_id": 1, "name": "市卫健委", "level": "municipal", "role": "provider"},
            ],
        }
    )
    html = templates.get_template("sharing/_route.html").render(
        application=application, _=lambda s, **kw: s.format(**kw) if kw else s
    )
    assert "ZS 24" in html and html.index("越秀区住建局") < html.index("越秀区政数局") < html.index(
        "市卫健委"
    )
    assert html.count("<li") == 3 and 'data-hop-role="data_department"' in html
    empty = templates.get_template("sharing/_route.html").render(
        application=Application(route=None), _=lambda s, **kw: s
    )
    assert "application-route" not in empty
