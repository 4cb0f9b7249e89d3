"""The dispute API (/api/v1/disputes) and console (/disputes) (GZ 28)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.applications.conftest import Parties, make_parties
from tests.governance.conftest import refused
from tests.orgs import builders as org_builders
from tests.web_support import login


def _as(client: TestClient, user: object) -> str:
    """Logs the client in as the user (a new session); returns its CSRF token."""
    client.cookies.clear()
    return login(client, user.username)  # type: ignore[attr-defined]


def _api(client: TestClient, user: object) -> dict[str, str]:
    return {"X-CSRF-Token": _as(client, user)}


def _raise(client: TestClient, p: Parties, application_id: int) -> dict[str, Any]:
    headers = _api(client, p.staff)
    r = client.post(
        "/api/v1/disputes",
        json={"application_id": application_id, "reasons": "拒绝理由不成立"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_api_raise_escalate_decide_and_list(client: TestClient, session: Session) -> None:
    # GZ Art. 28 through the API: the consumer raises and escalates, the authority decides.
    p = make_parties(session)
    application = refused(session, p)
    body = _raise(client, p, application.id)
    dispute_id = body["id"]
    assert body["state"] == "open" and body["article"] == "GZ 28"
    assert [s["key"] for s in body["steps"]] == ["negotiation"]

    headers = _api(client, p.staff)
    r = client.post(
        f"/api/v1/disputes/{dispute_id}/escalate", json={"reasons": "协商不成"}, headers=headers
    )
    assert r.status_code == 200 and r.json()["current_step"] == 2
    r = client.post(
        f"/api/v1/disputes/{dispute_id}/escalate", json={"reasons": "x"}, headers=headers
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_yours_to_escalate"
    r = client.post(
        f"/api/v1/disputes/{dispute_id}/decide",
        json={"outcome": "maybe", "reasons": "x"},
        headers=headers,
    )
    assert r.status_code == 422

    admin = _api(client, p.admin)
    r = client.get("/api/v1/disputes?state=open&step=coordination", headers=admin)
    assert [d["id"] for d in r.json()["items"]] == [dispute_id]
    r = client.get("/api/v1/disputes?step=negotiation", headers=admin)
    assert r.json()["total"] == 0
    r = client.post(
        f"/api/v1/disputes/{dispute_id}/decide",
        json={"outcome": "not_provide", "reasons": "协调:拒绝理由成立"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "closed" and r.json()["steps"][1]["state"] == "decided"
    r = client.get(f"/api/v1/disputes?department_id={p.provider.id}&state=closed", headers=admin)
    assert r.json()["total"] == 1
    r = client.post(f"/api/v1/disputes/{dispute_id}/escalate", json={"reasons": "x"}, headers=admin)
    assert r.status_code == 409 and r.json()["error"]["code"] == "dispute_closed"


def test_api_access_and_service_accounts(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    application = refused(session, p)
    outsider_dept = org_builders.department(session)
    outsider = org_builders.user(session, role=Role.DATA_OFFICER, dept=outsider_dept)
    key = orgs.create_api_key(
        session,
        actor=Actor.operator(),
        department_id=p.consumer.id,
        name="社会救助系统",
        scopes=["applications:write"],
    )
    bearer = {"Authorization": f"Bearer {key.token}"}
    r = client.post(
        "/api/v1/disputes",
        json={"application_id": application.id, "reasons": "系统提出争议"},
        headers=bearer,
    )
    assert r.status_code == 201, r.text
    dispute_id = r.json()["id"]
    assert client.get(f"/api/v1/disputes/{dispute_id}", headers=bearer).status_code == 200
    headers = _api(client, outsider)
    r = client.get(f"/api/v1/disputes/{dispute_id}", headers=headers)
    assert r.status_code == 403
    assert client.get("/api/v1/disputes", headers=headers).json()["total"] == 0
    r = client.post(
        "/api/v1/disputes",
        json={"application_id": application.id, "reasons": "again"},
        headers=_api(client, p.staff),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_disputed"
    r = client.post(
        "/api/v1/disputes",
        json={"application_id": application.id, "reasons": "the provider"},
        headers=_api(client, p.officer),
    )  # a refusal is the consumer's to dispute
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_dispute"
    assert client.get("/api/v1/disputes/999999", headers=bearer).status_code == 404


def test_openapi_documents_the_dispute_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/disputes" in schema["paths"]
    assert "/api/v1/disputes/{dispute_id}/decide" in schema["paths"]
    assert schema["components"]["schemas"]["DisputeRaiseIn"]["examples"]


def test_console_list_detail_and_actions(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    application = refused(session, p)
    token = _as(client, p.staff)
    r = client.post(
        "/disputes",
        data={
            "csrf_token": token,
            "application_id": str(application.id),
            "reasons": "本部门依法需要该数据",
            "back": f"/applications/{application.id}",
        },
        files=[("files", ("批复.pdf", b"%PDF-1.4 approval", "application/pdf"))],
    )
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/disputes/(\d+)", r.headers["location"])
    assert match
    url = r.headers["location"]
    page = client.get(url).text
    assert 'data-testid="timeline"' in page and "批复.pdf" in page
    assert page.count('data-testid="step"') == 4  # the GZ 28 ladder, all four rungs shown
    assert 'data-testid="escalate-form"' in page  # a party may leave the negotiation
    assert 'value="not_provide"' in page and 'value="provide"' not in page
    r = client.post(url + "/escalate", data={"csrf_token": token, "reasons": ""})
    assert r.status_code == 303 and r.headers["location"] == url  # refused: reasons required
    r = client.post(url + "/escalate", data={"csrf_token": token, "reasons": "协商不成"})
    assert r.status_code == 303
    page = client.get(url).text
    assert 'data-testid="step-actions"' not in page  # the authority's step now

    token = _as(client, p.admin)
    listing = client.get("/disputes?state=open&step=coordination").text
    assert url in listing
    assert url not in client.get("/disputes?state=closed").text
    page = client.get(url).text
    assert 'data-testid="decide-form"' in page and 'data-testid="escalate-form"' in page
    r = client.post(
        url + "/decide", data={"csrf_token": token, "outcome": "provide", "reasons": "应当共享"}
    )
    assert r.status_code == 303
    page = client.get(url).text
    assert 'data-testid="dispute-outcome"' in page and 'data-testid="provide-due"' in page

    # The provider records the provision.
    token = _as(client, p.officer)
    assert 'data-testid="provided-form"' in client.get(url).text
    r = client.post(url + "/provided", data={"csrf_token": token})
    assert r.status_code == 303
    assert 'data-testid="provided-form"' not in client.get(url).text


def test_console_list_is_a_departments_own(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    application = refused(session, p)
    _raise(client, p, application.id)
    outsider = org_builders.user(session, role=Role.STAFF, dept=org_builders.department(session))
    _as(client, outsider)
    page = client.get("/disputes").text
    assert 'data-testid="dispute-row"' not in page
    _as(client, p.officer)
    assert client.get("/disputes").text.count('data-testid="dispute-row"') == 1


def test_the_application_page_shows_its_disputes_and_the_raise_form(
    client: TestClient, session: Session
) -> None:
    p = make_parties(session)
    application = refused(session, p)
    _as(client, p.staff)
    page = client.get(f"/applications/{application.id}").text
    assert 'data-testid="application-disputes"' in page
    assert 'data-testid="raise-dispute-form"' in page
    _raise(client, p, application.id)
    page = client.get(f"/applications/{application.id}").text
    assert 'data-testid="application-dispute"' in page
    assert 'data-testid="raise-dispute-form"' not in page  # one open dispute at a time
