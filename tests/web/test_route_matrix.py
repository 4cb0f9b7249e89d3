"""Every route declares who may call it; this walks every route with every role."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.http.deps import Allow
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.web_support import login

PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/lang/{code}"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("HEAD", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("HEAD", "/openapi.json"),
    ("HEAD", "/docs/oauth2-redirect"),
    # ZS 35: the authority's annual report, once released to the public
    ("GET", "/public/annual-reports/{year}"),
    ("GET", "/public/annual-reports/{year}/report.pdf"),
}

# Routes whose audience the regulations fix, written out so a changed declaration fails here too.
EXPECTED = {
    ("GET", "/api/v1/users"): {Role.AUTHORITY_ADMIN},
    ("POST", "/api/v1/users"): {Role.AUTHORITY_ADMIN},
    ("POST", "/api/v1/departments"): {Role.AUTHORITY_ADMIN},
    ("POST", "/api/v1/api-keys"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("GET", "/users"): {Role.AUTHORITY_ADMIN},
    ("GET", "/audit"): {Role.AUDITOR, Role.AUTHORITY_ADMIN},
    ("GET", "/api/v1/audit/entries"): {Role.AUDITOR, Role.AUTHORITY_ADMIN},
    ("POST", "/api/v1/calendar/schedule"): {Role.AUTHORITY_ADMIN},
    ("GET", "/api/v1/personnel"): {
        Role.AUTHORITY_ADMIN,
        Role.DATA_OFFICER,
        Role.STAFF,
        Role.AUDITOR,
        Role.SERVICE,
    },
}

ROLES = [Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.STAFF, Role.AUDITOR, Role.SERVICE]


def _allow_of(route: APIRoute) -> Allow | None:
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow):
            return dep.call
        stack.extend(dep.dependencies)
    return None


def _walk(routes: list[object], prefix: str = "") -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # routers included lazily by newer FastAPI releases
            out += _walk(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, APIRoute):
            out += [(m, prefix + route.path, route) for m in sorted(route.methods)]
    return out


def _routes(app) -> list[tuple[str, str, APIRoute]]:  # type: ignore[no-untyped-def]
    return _walk(app.routes)


def test_every_route_declares_its_audience(app) -> None:  # type: ignore[no-untyped-def]
    undeclared = [
        (m, p) for m, p, r in _routes(app) if (m, p) not in PUBLIC and _allow_of(r) is None
    ]
    assert undeclared == []


def test_expected_audiences_match_declarations(app) -> None:  # type: ignore[no-untyped-def]
    declared = {(m, p): _allow_of(r) for m, p, r in _routes(app)}
    for key, roles in EXPECTED.items():
        assert key in declared, f"{key} is not a route"
        allow = declared[key]
        assert allow is not None and set(allow.roles) == roles, key


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_route_as_each_role(app, world, session: Session, role: Role) -> None:  # type: ignore[no-untyped-def]
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
        user = world["users"][role]
        headers["X-CSRF-Token"] = login(client, user.username)
    checked = 0
    for method, path, route in _routes(app):
        allow = _allow_of(route)
        if allow is None:
            continue
        url = re.sub(r"\{[^}]+\}", "999999", path)
        kwargs: dict[str, object] = {"headers": headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json" if path.startswith("/api/") else "data"] = {}
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        if role in allow.roles:
            assert response.status_code not in (401, 403), (method, path, role, response.text[:300])
        else:
            assert response.status_code == 403, (method, path, role, response.status_code)
        checked += 1
        if path == "/logout" and role in allow.roles:
            headers["X-CSRF-Token"] = login(client, world["users"][role].username)
    assert checked > 10


def test_anonymous_gets_401_on_api_and_login_redirect_on_console(app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    for method, path, route in _routes(app):
        if _allow_of(route) is None:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.request(method, url)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.json()["error"]["code"] == "not_authenticated"
        else:
            assert response.status_code == 303 and response.headers["location"].startswith(
                "/login"
            ), (method, path)
