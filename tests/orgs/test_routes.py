"""The API and console of departments and accounts: bad input gets a clear 4xx and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.kit.demo_codes import make_uscc
from govshare.orgs import service as orgs
from govshare.orgs.models import Department, Role
from tests.web_support import csrf_of, login


def _admin(client: TestClient, world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"X-CSRF-Token": login(client, world["users"][Role.AUTHORITY_ADMIN].username)}


def _body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "广州市统计局",
        "code": "GZ-TJJ",
        "uscc": make_uscc("440100", 777),
        "level": "municipal",
        "kind": "statistics",
    }
    body.update(overrides)
    return body


def _departments(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Department)) or 0


def test_admin_registers_a_department_over_the_api(
    client: TestClient, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/departments", json=_body(), headers=_admin(client, world))
    assert r.status_code == 201, r.text
    assert r.json()["uscc"] == make_uscc("440100", 777)


def test_invalid_credit_code_is_a_422_with_a_code_and_changes_nothing(
    client: TestClient, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    before = _departments(session)
    r = client.post(
        "/api/v1/departments", json=_body(uscc="91440101MA59XXXXX0"), headers=_admin(client, world)
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_uscc"
    assert "unified social credit code" in r.json()["error"]["message"]
    assert _departments(session) == before


def test_duplicate_department_is_a_409(client: TestClient, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    headers = _admin(client, world)
    assert client.post("/api/v1/departments", json=_body(), headers=headers).status_code == 201
    r = client.post("/api/v1/departments", json=_body(code="OTHER"), headers=headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "duplicate_department"


def test_unknown_field_and_bad_enum_are_422(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    headers = _admin(client, world)
    r = client.post("/api/v1/departments", json=_body(level="galactic"), headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    assert "level" in r.json()["error"]["message"]


def test_expired_and_revoked_keys_get_401_with_their_codes(
    client: TestClient, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    past = datetime.now(UTC) - timedelta(days=40)
    expired = orgs.create_api_key(
        session,
        actor=Actor.operator(),
        department_id=world["civil"].id,
        name="old",
        scopes=["data:query"],
        valid_days=30,
        now=past,
    )
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired.token}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "api_key_expired"
    live = orgs.create_api_key(
        session,
        actor=Actor.operator(),
        department_id=world["civil"].id,
        name="new",
        scopes=["data:query"],
    )
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {live.token}"})
    assert r.status_code == 200 and r.json()["roles"] == ["service"]
    orgs.revoke_api_key(session, actor=Actor.operator(), key_id=live.key.id, reason="leaked")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {live.token}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "api_key_revoked"


def test_wrong_password_shows_the_form_again(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    token = csrf_of(client)
    user = world["users"][Role.STAFF]
    r = client.post(
        "/login",
        data={"username": user.username, "password": "not the password", "csrf_token": token},
    )
    assert r.status_code == 401
    assert "govshare_session" not in r.headers.get("set-cookie", "") or "user_id" not in r.text
    assert client.get("/dashboard").status_code == 303


def test_console_post_without_csrf_token_is_refused(
    client: TestClient, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    login(client, world["users"][Role.AUTHORITY_ADMIN].username)
    before = _departments(session)
    r = client.post("/departments", data=_body())
    assert r.status_code == 403
    assert _departments(session) == before


def test_console_form_error_is_flashed_and_nothing_written(
    client: TestClient, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    token = login(client, world["users"][Role.AUTHORITY_ADMIN].username)
    before = _departments(session)
    r = client.post("/departments", data={**_body(uscc="123"), "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/departments"
    client.cookies.set("lang", "en")
    page = client.get("/departments").text
    assert "not a valid unified social credit code" in page
    assert _departments(session) == before


def test_api_key_token_is_shown_once_on_the_console(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    officer = world["users"][Role.DATA_OFFICER]
    token = login(client, officer.username)
    r = client.post(
        "/api-keys",
        data={
            "name": "户籍系统",
            "department_id": str(officer.department_id),
            "scopes": "data:query",
            "csrf_token": token,
        },
    )
    assert r.status_code == 303
    first = client.get("/api-keys").text
    assert 'data-testid="new-token"' in first
    assert 'data-testid="new-token"' not in client.get("/api-keys").text
