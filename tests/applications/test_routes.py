"""/api/v1/applications: the flow over HTTP and the 4xx answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.applications.conftest import CONDITIONAL, PURPOSE
from tests.sharing import builders
from tests.web_support import login


@pytest.fixture()
def api(app: FastAPI) -> FastAPI:
    """The app, with the data, grant and application routes the factory mounts."""
    return app


@pytest.fixture()
def resource_id(session: Session, world: dict[str, Any]) -> int:
    """A conditional resource of the provider ("police" in the web world; TODAY is 2026-11-20)."""
    return builders.published(session, world["police"], "conditional").id


def _body(resource_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "resource_id": resource_id,
        **PURPOSE,
        "items": CONDITIONAL,
        "expected_volume": "2,000 a month",
        "period_from": "2026-12-01",
        "period_until": "2027-11-30",
        **overrides,
    }


def _as(client: TestClient, world: dict[str, Any], role: Role) -> dict[str, str]:
    client.cookies.clear()  # log the previous user out
    return {"X-CSRF-Token": login(client, world["users"][role].username)}


def test_apply_then_approve_over_http(
    api: FastAPI, client: TestClient, world: dict[str, Any], resource_id: int
) -> None:
    staff = _as(client, world, Role.STAFF)
    r = client.post("/api/v1/applications", json=_body(resource_id), headers=staff)
    assert r.status_code == 201, r.text
    made = r.json()
    # GZ 26: Fri 2026-11-20 + 5 working days
    assert made["state"] == "submitted" and made["due_on"] == "2026-11-27"
    assert made["working_days_left"] == 5
    assert client.get("/api/v1/applications", headers=staff).json()["total"] == 1
    officer = _as(client, world, Role.DATA_OFFICER)
    inbox = client.get("/api/v1/applications?box=inbox", headers=officer).json()
    assert [a["id"] for a in inbox["items"]] == [made["id"]]
    r = client.post(
        f"/api/v1/applications/{made['id']}/approve",
        json={"items": ["婚姻状况"]},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "approved" and r.json()["grant_id"]
    r = client.post(f"/api/v1/applications/{made['id']}/deliver", headers=officer)
    assert r.status_code == 200 and r.json()["state"] == "delivered"


def test_4xx(
    api: FastAPI,
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    resource_id: int,
) -> None:
    assert client.get("/api/v1/applications").status_code == 401
    staff = _as(client, world, Role.STAFF)
    r = client.post("/api/v1/applications", json=_body(resource_id, items=["姓名"]), headers=staff)
    assert r.status_code == 422 and r.json()["error"]["code"] == "item_unconditional"
    r = client.post("/api/v1/applications", json=_body(999_999), headers=staff)
    assert r.status_code == 404
    r = client.post("/api/v1/applications", json=_body(resource_id, colour="red"), headers=staff)
    assert r.status_code == 422
    made = client.post("/api/v1/applications", json=_body(resource_id), headers=staff).json()
    url = f"/api/v1/applications/{made['id']}"
    # staff may not answer (role), and the list of every application is the authority's
    assert client.post(f"{url}/approve", json={}, headers=staff).status_code == 403
    assert client.get("/api/v1/applications?box=all", headers=staff).status_code == 403
    assert client.get("/api/v1/applications/999999", headers=staff).status_code == 404
    officer = _as(client, world, Role.DATA_OFFICER)
    r = client.post(f"{url}/refuse", json={"reason": ""}, headers=officer)
    assert r.status_code == 422 and r.json()["error"]["code"] == "refusal_reason_required"
    assert client.post(f"{url}/withdraw", headers=officer).status_code == 403
    staff = _as(client, world, Role.STAFF)
    assert client.post(f"{url}/withdraw", headers=staff).json()["state"] == "withdrawn"
    r = client.post(f"{url}/withdraw", headers=staff)
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"


def test_a_department_outside_the_application_cannot_read_it(
    api: FastAPI,
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    resource_id: int,
) -> None:
    staff = _as(client, world, Role.STAFF)
    made = client.post("/api/v1/applications", json=_body(resource_id), headers=staff).json()
    issued = orgs.create_api_key(
        session,
        actor=Actor.operator(),
        department_id=world["authority"].id,
        name="other system",
        scopes=["applications:write"],
    )
    other = {"Authorization": f"Bearer {issued.token}"}
    assert client.get(f"/api/v1/applications/{made['id']}", headers=other).status_code == 403
    admin = _as(client, world, Role.AUTHORITY_ADMIN)
    r = client.get("/api/v1/applications?overdue=true", headers=admin)
    assert r.status_code == 200 and r.json()["total"] == 0
