"""Every service-guide route as each role: allowed roles are never refused for their role."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.web.test_route_matrix import _allow_of, _routes
from tests.web_support import login


@pytest.mark.parametrize("role", list(Role))
def test_service_guide_routes_as_each_role(app, world, session: Session, role: Role) -> None:  # type: ignore[no-untyped-def]
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
        if allow is None or "service-guides" not in path:
            continue
        url = re.sub(r"\{[^}]+\}", "999999", path)
        kwargs: dict[str, object] = {"headers": headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json" if path.startswith("/api/") else "data"] = {}
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        if role in allow.roles:
            assert response.status_code not in (401, 403), (method, path, response.text[:300])
        else:
            assert response.status_code == 403, (method, path, response.status_code)
        checked += 1
    assert checked >= 20
