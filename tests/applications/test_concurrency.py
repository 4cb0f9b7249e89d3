"""Two `govshare tick` processes at once give each deemed consent exactly once (GZ 26)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.db import make_engine, make_session_factory, transaction
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.models import Grant
from tests.applications.conftest import apply, make_parties


def _count(url: str, stmt: Select[Any]) -> int:
    eng = make_engine(url)
    with eng.connect() as conn:
        value = conn.execute(stmt).scalar_one()
    eng.dispose()
    return int(value)


def test_two_tick_processes_transition_each_application_exactly_once(
    database_factory: Callable[[], str],
) -> None:
    url = database_factory()
    factory = make_session_factory(make_engine(url))
    n = 30
    with transaction(factory) as session:
        parties = make_parties(session)
        for _ in range(n):
            apply(session, parties, today=date(2026, 9, 30))  # due 2026-10-13
    env = {**os.environ, "GOVSHARE_DATABASE_URL": url}
    cmd = [sys.executable, "-m", "govshare", "tick", "--today", "2026-10-14"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    counted = sum(
        int(line.split(":")[1])
        for out, _ in outputs
        for line in out.splitlines()
        if line.startswith("applications.silence:")
    )
    assert counted == n
    deemed = (
        select(func.count())
        .select_from(Application)
        .where(Application.state == ApplicationState.DEEMED_CONSENT)
    )
    assert _count(url, deemed) == n
    assert _count(url, select(func.count()).select_from(Grant)) == n
    entries = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "application.deemed_consent")
    )
    assert _count(url, entries) == n
    with transaction(factory) as session:
        assert audit.verify(session).ok
