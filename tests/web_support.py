"""Fixtures of the web layer (a plugin of the root conftest): the app on the test session, log-ins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.orgs.models import Role
from govshare.web.app import create_app
from tests.orgs import builders

TODAY = date(2026, 11, 20)


@pytest.fixture()
def app(session: Session):  # type: ignore[no-untyped-def]
    @contextmanager
    def opener() -> Iterator[Session]:
        # What the test arranged is committed (into the test's outer transaction) before the
        # request runs, as it would be in production; a failing request rolls back only itself.
        session.commit()
        yield session

    return create_app(open_session=opener, today=lambda: TODAY)


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token the page at `path` carries."""
    html = client.get(path).text
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, username: str, password: str = builders.PASSWORD) -> str:
    """Logs the client in; returns the session's CSRF token."""
    token = csrf_of(client)
    r = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert r.status_code == 303, r.text
    return csrf_of(client, "/dashboard")  # the session (and its token) is new after log-in


@pytest.fixture()
def world(session: Session) -> dict[str, object]:
    """An authority, two departments and one user of each role."""
    authority = builders.department(session, authority=True)
    police = builders.department(session)
    civil = builders.department(session)
    users = {
        Role.AUTHORITY_ADMIN: builders.user(session, role=Role.AUTHORITY_ADMIN, dept=authority),
        Role.AUDITOR: builders.user(session, role=Role.AUDITOR, dept=authority),
        Role.DATA_OFFICER: builders.user(session, role=Role.DATA_OFFICER, dept=police),
        Role.STAFF: builders.user(session, role=Role.STAFF, dept=civil),
    }
    return {"authority": authority, "police": police, "civil": civil, "users": users}
