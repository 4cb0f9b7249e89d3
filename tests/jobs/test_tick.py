"""The sweep: idempotent, one transition per item with two processes at once, in order after downtime."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from sqlalchemy import func, select

from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.db import make_engine, make_session_factory, transaction
from govshare.jobs import service as jobs
from govshare.jobs.models import Flag, TickRun
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import PersonnelRole
from tests.orgs import builders

OPERATOR = Actor.operator()


def _seed_vacancies(url: str, n: int, ended_on: date) -> None:
    """N departments whose data administrator left on `ended_on` with no successor (GZ 17)."""
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        builders.department(session, authority=True)
        for _ in range(n):
            dept = builders.department(session)
            person = orgs.file_person(
                session,
                actor=OPERATOR,
                department_id=dept.id,
                post=PersonnelRole.DATA_ADMINISTRATOR,
                name="王五",
                started_on=date(2026, 1, 5),
                today=date(2026, 1, 5),
            )
            orgs.end_person(
                session, actor=OPERATOR, person_id=person.id, ended_on=ended_on, today=ended_on
            )


def _count(url: str, stmt) -> int:  # type: ignore[no-untyped-def]
    eng = make_engine(url)
    with eng.connect() as conn:
        value = conn.execute(stmt).scalar_one()
    eng.dispose()
    return int(value)


def test_tick_twice_changes_nothing_the_second_time(database_factory) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    _seed_vacancies(url, 3, date(2026, 11, 2))
    factory = make_session_factory(make_engine(url))
    first = jobs.tick(factory, today=date(2026, 11, 20))
    assert first.errors == {}
    assert first.changed["personnel.vacancy_overdue"] == 3
    second = jobs.tick(factory, today=date(2026, 11, 20))
    assert second.errors == {}
    assert all(n == 0 for n in second.changed.values()), second.changed


def test_nothing_is_flagged_before_the_deadline_passes(database_factory) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 17: left on Monday 2026-11-02, successor due by Monday 2026-11-09; late from the 10th
    url = database_factory()
    _seed_vacancies(url, 1, date(2026, 11, 2))
    factory = make_session_factory(make_engine(url))
    assert jobs.tick(factory, today=date(2026, 11, 9)).changed["personnel.vacancy_overdue"] == 0
    assert jobs.tick(factory, today=date(2026, 11, 10)).changed["personnel.vacancy_overdue"] == 1


def test_two_tick_processes_transition_each_item_exactly_once(database_factory) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    _seed_vacancies(url, 40, date(2026, 11, 2))
    env = {**os.environ, "GOVSHARE_DATABASE_URL": url}
    cmd = [sys.executable, "-m", "govshare", "tick", "--today", "2026-11-20"]
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
        if line.startswith("personnel.vacancy_overdue:")
    )
    assert counted == 40
    assert (
        _count(
            url,
            select(func.count()).select_from(Flag).where(Flag.kind == "personnel.vacancy_overdue"),
        )
        == 40
    )
    raised = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "flag.raise.personnel.vacancy_overdue")
    )
    assert _count(url, raised) == 40
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        assert audit.verify(session).ok


def test_a_failing_rule_is_reported_and_the_others_still_run(database_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    _seed_vacancies(url, 2, date(2026, 11, 2))

    def broken(session, *, today, actor):  # type: ignore[no-untyped-def]
        session.add(Flag(kind="half.written", object_type="x", object_id="1", raised_on=today))
        session.flush()
        raise RuntimeError("disk on fire")

    jobs.rules()
    monkeypatch.setitem(
        jobs._RULES, "aaa.broken", jobs.Rule(name="aaa.broken", fn=broken, description="", order=1)
    )
    report = jobs.tick(make_session_factory(make_engine(url)), today=date(2026, 11, 20))
    assert "disk on fire" in report.errors["aaa.broken"]
    assert report.changed["personnel.vacancy_overdue"] == 2
    # the failed rule's transaction left nothing behind, and its failure is on record
    assert (
        _count(url, select(func.count()).select_from(Flag).where(Flag.kind == "half.written")) == 0
    )
    assert (
        _count(url, select(func.count()).select_from(TickRun).where(TickRun.error.is_not(None)))
        == 1
    )
