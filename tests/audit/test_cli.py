"""`govshare audit verify | checkpoint | export | rotate-key` against a real database."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from govshare import runtime
from govshare.audit import service as audit
from govshare.audit.cli import app
from govshare.audit.models import AuditCheckpoint, AuditEntry
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.actor import Actor, ActorKind, Method

runner = CliRunner()


@pytest.fixture()
def db(
    database_factory: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    url = database_factory()
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    monkeypatch.setenv("GOVSHARE_KEY_DIR", str(tmp_path / "keys"))
    runtime.reset()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    runtime.reset()


def seed(engine: Engine, n: int) -> None:
    actors = [
        Actor(kind=ActorKind.USER, id=1, name="Zhou", method=Method.CONSOLE, department_id=4),
        Actor(
            kind=ActorKind.SERVICE, id=2, name="civil-affairs", method=Method.API, department_id=5
        ),
    ]
    with transaction(make_session_factory(engine)) as session:
        for i in range(n):
            audit.record(
                session,
                actor=actors[i % 2],
                action="sharing.query" if i % 2 else "catalogue.updated",
                object_type="resource",
                object_id=i,
            )


def execute(engine: Engine, statement: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement))


def test_verify_reports_an_intact_log(db: Engine) -> None:
    seed(db, 3)
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 3 entries" in result.stdout


def test_verify_fails_naming_the_first_bad_entry(db: Engine) -> None:
    seed(db, 5)
    execute(db, "DELETE FROM audit_entry WHERE seq = 3")
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "entry 3" in result.stderr
    assert "missing" in result.stderr
    assert result.stdout == ""


def test_checkpoint_signs_and_verify_counts_it(db: Engine) -> None:
    empty = runner.invoke(app, ["checkpoint"])
    assert empty.exit_code == 0
    assert "empty" in empty.stdout

    seed(db, 2)
    made = runner.invoke(app, ["checkpoint"])
    assert made.exit_code == 0, made.output
    assert "seq=2" in made.stdout
    with Session(db) as session:
        assert session.scalar(select(AuditCheckpoint.seq)) == 2  # committed by the command
    assert "1 checkpoints verified" in runner.invoke(app, ["verify"]).stdout


def test_checkpoint_over_a_tampered_chain_fails(db: Engine) -> None:
    seed(db, 3)
    execute(db, "UPDATE audit_entry SET actor_name = 'nobody' WHERE seq = 2")
    result = runner.invoke(app, ["checkpoint"])
    assert result.exit_code == 1
    assert "entry 2" in result.stderr
    with Session(db) as session:
        assert session.scalar(select(AuditCheckpoint.id)) is None


def test_export_writes_filtered_csv_and_is_itself_audited(db: Engine, tmp_path: Path) -> None:
    seed(db, 6)
    out = tmp_path / "audit.csv"
    result = runner.invoke(
        app, ["export", "--out", str(out), "--action-prefix", "sharing.", "--department-id", "5"]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["seq"] for r in rows] == ["2", "4", "6"]
    assert {r["actor_name"] for r in rows} == {"civil-affairs"}
    with Session(db) as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last is not None
        assert (last.seq, last.action, last.method) == (7, "audit.exported", "cli")
        assert last.details["filters"] == {"action_prefix": "sharing.", "department_id": 5}
        assert audit.verify(session).ok


def test_export_to_stdout_with_date_filter(db: Engine) -> None:
    seed(db, 2)
    result = runner.invoke(app, ["export", "--out", "-", "--until", "2000-01-01"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [",".join(audit.CSV_COLUMNS)]


def test_export_refuses_a_bad_date(db: Engine, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--out", str(tmp_path / "x.csv"), "--since", "yesterday"]
    )
    assert result.exit_code == 1
    assert "bad filter" in result.stderr


def test_rotate_key_prints_the_new_key_id(db: Engine, tmp_path: Path) -> None:
    seed(db, 1)
    assert runner.invoke(app, ["checkpoint"]).exit_code == 0
    result = runner.invoke(app, ["rotate-key"])
    assert result.exit_code == 0
    new_id = result.stdout.strip().rsplit(" ", 1)[-1]
    assert (tmp_path / "keys" / "audit" / "public" / f"{new_id}.pem").exists()
    seed(db, 1)
    assert f"key={new_id}" in runner.invoke(app, ["checkpoint"]).stdout
    assert "2 checkpoints verified" in runner.invoke(app, ["verify"]).stdout
