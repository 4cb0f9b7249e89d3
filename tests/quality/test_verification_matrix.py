"""The route matrix walk, restricted to the verification-request routes: who may call each one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.web.test_route_matrix import ROLES, _allow_of, _routes
from tests.web_support import login

EXPECTED = {
    ("POST", "/api/v1/verification-requests"): {Role.STAFF, Role.DATA_OFFICER, Role.SERVICE},
    ("POST", "/api/v1/verification-requests/{request_id}/answer"): {
        Role.AUTHORITY_ADMIN,
        Role.DATA_OFFICER,
        Role.SERVICE,
    },
    ("POST", "/verification-requests"): {Role.STAFF, Role.DATA_OFFICER},
    ("POST", "/verification-requests/{request_id}/answer"): {
        Role.AUTHORITY_ADMIN,
        Role.DATA_OFFICER,
    },
}


def test_declared_audiences(app: Any) -> None:
    declared = {(m, p): _allow_of(r) for m, p, r in _routes(app)}
    for key, roles in EXPECTED.items():
        allow = declared[key]
        assert allow is not None and set(allow.roles) == roles, key


@pytest.mark.parametrize("role", ROLES)
def test_walk_verification_routes_as_each_role(
    app: Any, world: dict[str, Any], session: Session, role: Role
) -> None:
    client = TestClient(app, follow_redirects=False)
    headers: dict[str, str] = {}
    if role == Role.SERVICE:
        issued = orgs.create_api_key(
            session,
            actor=Actor.operator(),
            department_id=world["civil"].id,
            name="matrix",
            scopes=list(orgs.API_KEY_SCOPES),
        )
        headers["Authorization"] = f"Bearer {issued.token}"
    else:
        headers["X-CSRF-Token"] = login(client, world["users"][role].username)
    checked = 0
    for method, path, route in _routes(app):
        allow = _allow_of(route)
        if allow is None or "/verification-requests" not in path:
            continue
        url = re.sub(r"\{[^}]+\}", "999999", path)
        kwargs: dict[str, object] = {"headers": headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json" if path.startswith("/api/") else "data"] = {}
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        if role in allow.roles:
            assert response.status_code not in (401, 403, 500), (method, path, role, response.text)
        else:
            assert response.status_code == 403, (method, path, role, response.status_code)
        checked += 1
    assert checked >= 14
