"""Fixtures of the sharing tests: the profile in force, a provider with consumers, the API mounted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.orgs.models import Department, DepartmentKind
from govshare.profiles.service import clear_profile_cache
from tests.orgs import builders as org_builders


@pytest.fixture()
def use_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switches the active profile for the test."""

    def use(name: str) -> None:
        monkeypatch.setenv("GOVSHARE_PROFILE", name)
        clear_profile_cache()

    yield use
    clear_profile_cache()


@pytest.fixture()
def depts(session: Session) -> dict[str, Department]:
    """The authority, a provider, a civil-affairs consumer and a public-security consumer."""
    return {
        "authority": org_builders.department(session, authority=True),
        "provider": org_builders.department(session, kind=DepartmentKind.HEALTH),
        "civil": org_builders.department(session, kind=DepartmentKind.CIVIL_AFFAIRS),
        "police": org_builders.department(session, kind=DepartmentKind.PUBLIC_SECURITY),
    }


@pytest.fixture()
def api(app: FastAPI) -> FastAPI:
    """The app, with the data, grant and application routes the factory mounts."""
    return app


def last_audit(session: Session) -> AuditEntry | None:
    """The newest audit entry."""
    return session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


def audit_text(entry: AuditEntry) -> str:
    """Every column of an audit entry as one string, to search for what must not be there."""
    import json

    row: dict[str, Any] = {c.name: getattr(entry, c.name) for c in AuditEntry.__table__.columns}
    return json.dumps(row, ensure_ascii=False, default=str)
