"""The annual reports API, console pages and the public page (GZ 37; ZS 35)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.orgs.models import Role
from tests.orgs import builders
from tests.web_support import login

YEAR = 2025  # the web fixtures' today is 2026-11-20: the previous year


def _users(world: dict[str, Any]) -> dict[Role, Any]:
    users: dict[Role, Any] = world["users"]
    return users


def test_api_draft_edit_submit(client: TestClient, world: dict[str, Any]) -> None:
    # GZ 37: the department drafts, writes and submits its report; past 31 January it is late.
    users = _users(world)
    police = world["police"]
    token = login(client, users[Role.DATA_OFFICER].username)
    h = {"X-CSRF-Token": token}
    r = client.post(
        "/api/v1/annual-reports", json={"year": YEAR, "department_id": police.id}, headers=h
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["due_on"] == "2026-01-31" and body["overdue"] and body["article"] == "GZ 37"
    assert "given" in body["figures"] and "catalogue" in body["figures"]
    rid = body["id"]
    r = client.post(
        "/api/v1/annual-reports", json={"year": YEAR, "department_id": world["civil"].id}, headers=h
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_the_reporter"
    r = client.post(f"/api/v1/annual-reports/{rid}/submit", headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "narrative_required"
    r = client.put(
        f"/api/v1/annual-reports/{rid}/text",
        json={"narrative": "总体平稳", "problems": "无", "plan": "继续"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["narrative"] == "总体平稳"
    r = client.post(f"/api/v1/annual-reports/{rid}/submit", headers=h)
    assert r.status_code == 200 and r.json()["state"] == "submitted" and r.json()["late"]
    r = client.put(f"/api/v1/annual-reports/{rid}/text", json={"narrative": "改"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "report_submitted"
    r = client.get(f"/api/v1/annual-reports/{rid}/file?format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    client.post("/logout", headers=h)
    token = login(client, users[Role.STAFF].username)  # another department's staff
    assert client.get(f"/api/v1/annual-reports/{rid}").status_code == 404
    assert client.get("/api/v1/annual-reports").json()["total"] == 0
    client.post("/logout", headers={"X-CSRF-Token": token})
    login(client, users[Role.AUDITOR].username)
    listed = client.get(f"/api/v1/annual-reports?year={YEAR}&late=true").json()
    assert [i["id"] for i in listed["items"]] == [rid]


def test_console_list_and_editor(client: TestClient, world: dict[str, Any]) -> None:
    # GZ 37: the authority sees each department's state; a department edits and submits its own.
    users = _users(world)
    token = login(client, users[Role.AUTHORITY_ADMIN].username)
    r = client.post(
        "/annual-reports/draft", data={"csrf_token": token, "year": str(YEAR), "scope": "all"}
    )
    assert r.status_code == 303
    page = client.get(f"/annual-reports?year={YEAR}").text
    assert page.count('data-testid="annual-row"') == 2
    assert 'data-testid="authority-report-link"' in page
    client.post("/logout", headers={"X-CSRF-Token": token})
    police = world["police"]
    token = login(client, users[Role.DATA_OFFICER].username)
    editor = client.get(f"/annual-reports/{YEAR}/departments/{police.id}").text
    assert 'data-testid="annual-form"' in editor and 'data-testid="annual-chart"' in editor
    rid = int(editor.split('action="/annual-reports/')[1].split("/")[0])
    r = client.post(
        f"/annual-reports/{rid}/edit",
        data={
            "csrf_token": token,
            "narrative": "本年度共享情况良好",
            "problems": "更新不及时",
            "plan": "加强更新",
            "then": "submit",
        },
    )
    assert r.status_code == 303
    page = client.get(f"/annual-reports/{YEAR}/departments/{police.id}").text
    assert "本年度共享情况良好" in page and 'data-testid="annual-form"' not in page
    assert 'data-testid="annual-late"' in page
    other = client.get(f"/annual-reports/{YEAR}/departments/{world['civil'].id}")
    assert other.status_code == 404
    assert client.get(f"/annual-reports/{YEAR}/authority").status_code == 403
    pdf = client.get(f"/annual-reports/{rid}/download/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post("/logout", headers={"X-CSRF-Token": token})
    login(client, users[Role.AUTHORITY_ADMIN].username)
    page = client.get(f"/annual-reports?year={YEAR}&state=submitted").text
    assert page.count('data-testid="annual-row"') == 1 and police.name in page


def test_published_report_is_public(
    client: TestClient,
    world: dict[str, Any],
    session: Session,
    use_profile: Callable[[str], None],
) -> None:
    # ZS 35: the data department reports by the end of March and releases it to the society.
    use_profile("zhongshan")
    users = _users(world)
    token = login(client, users[Role.AUTHORITY_ADMIN].username)
    r = client.post("/annual-reports/draft", data={"csrf_token": token, "year": str(YEAR)})
    assert r.status_code == 303 and r.headers["location"] == f"/annual-reports/{YEAR}/authority"
    page = client.get(f"/annual-reports/{YEAR}/authority").text
    rid = int(page.split('action="/annual-reports/')[1].split("/")[0])
    assert client.get(f"/public/annual-reports/{YEAR}").status_code == 404
    client.post(
        f"/annual-reports/{rid}/edit",
        data={"csrf_token": token, "narrative": "全市政务数据管理情况", "then": "submit"},
    )
    assert 'data-testid="publish"' in client.get(f"/annual-reports/{YEAR}/authority").text
    assert (
        client.post(f"/annual-reports/{rid}/publish", data={"csrf_token": token}).status_code == 303
    )
    anonymous = TestClient(client.app, follow_redirects=False)
    public = anonymous.get(f"/public/annual-reports/{YEAR}")
    assert public.status_code == 200 and "全市政务数据管理情况" in public.text
    pdf = anonymous.get(f"/public/annual-reports/{YEAR}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # ZS 35 ¶2: the departments' reports come on request.
    r = client.post("/annual-reports/request", data={"csrf_token": token, "year": str(YEAR)})
    assert r.status_code == 303
    listed = client.get(f"/api/v1/annual-reports?year={YEAR}&level=department").json()
    assert listed["total"] == 2 and all(i["due_on"] is None for i in listed["items"])


def test_request_refused_where_reports_are_yearly(
    client: TestClient, world: dict[str, Any], session: Session
) -> None:
    # GZ 37: departments report every year; there is nothing to request.
    builders.department(session)
    token = login(client, _users(world)[Role.AUTHORITY_ADMIN].username)
    r = client.post(
        "/api/v1/annual-reports/requests", json={"year": YEAR}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_on_request"
