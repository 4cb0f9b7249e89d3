"""`govshare data load|export`: problems on stderr as `row N, column C: reason`, exit 1 when nothing loaded."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from govshare import runtime
from govshare.datastore import cli
from govshare.datastore.models import Load, RecordVersion
from govshare.db import make_engine, make_session_factory, transaction
from tests.datastore import builders as b

runner = CliRunner()


@pytest.fixture()
def world(database_factory, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:  # type: ignore[no-untyped-def]
    url = database_factory()
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    runtime.reset()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        dept, _ = b.provider(session)
        resource = b.resource(session, dept)
        code = resource.code
    yield SimpleNamespace(factory=factory, code=code)
    engine.dispose()
    runtime.reset()


def _counts(world: SimpleNamespace) -> tuple[int, list[str]]:
    with transaction(world.factory) as session:
        versions = session.scalar(select(func.count()).select_from(RecordVersion)) or 0
        statuses = list(session.scalars(select(Load.status).order_by(Load.id)))
    return versions, statuses


def test_load_a_valid_file(world: SimpleNamespace, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b.csv_bytes([b.person(b.next_n()) for _ in range(3)], encoding="gb18030"))
    result = runner.invoke(cli.app, ["load", world.code, str(path), "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "3 rows, 3 new or changed, 0 unchanged, 0 deleted, 0 rejected" in result.stdout
    assert "checked and loaded 3 of about 3 rows" in result.stderr
    assert _counts(world) == (3, ["loaded"])


def test_a_bad_row_loads_nothing_lists_problems_and_exits_1(
    world: SimpleNamespace, tmp_path: Path
) -> None:
    # GZ 18; ZS 17: invalid data is not shared; the provider gets every problem to fix.
    people = [b.person(b.next_n()) for _ in range(3)]
    people[1]["子女数"] = "两个"
    path = tmp_path / "people.csv"
    path.write_bytes(b.csv_bytes(people))
    result = runner.invoke(cli.app, ["load", world.code, str(path)])
    assert result.exit_code == 1
    assert "row 3, column 子女数: expected a whole number" in result.stderr
    assert "nothing was loaded" in result.stderr
    # Nothing written; the refusal itself is recorded (in its own transaction).
    assert _counts(world) == (0, ["rejected"])


def test_partial_writes_the_rejected_rows_to_fix_and_load_again(
    world: SimpleNamespace, tmp_path: Path
) -> None:
    people = [b.person(b.next_n()) for _ in range(4)]
    people[2]["出生日期"] = "1990-02-30"
    path = tmp_path / "people.csv"
    path.write_bytes(b.csv_bytes(people))
    result = runner.invoke(cli.app, ["load", world.code, str(path), "--partial"])
    assert result.exit_code == 0, result.output
    assert "row 4, column 出生日期: not a calendar date" in result.stderr
    rejected = tmp_path / "people.rejected.csv"
    with rejected.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["公民身份号码"] for r in rows] == [people[2]["公民身份号码"]]
    assert rows[0]["_problems"] == "出生日期: not a calendar date"
    # The provider fixes the file and loads it as it is (the _problems column is ignored).
    fixed = rejected.read_text(encoding="utf-8-sig").replace("1990-02-30", "1990-02-28")
    rejected.write_text(fixed, encoding="utf-8-sig")
    again = runner.invoke(cli.app, ["load", world.code, str(rejected)])
    assert again.exit_code == 0, again.output
    assert _counts(world) == (4, ["partial", "loaded"])


def test_partial_with_every_row_bad_exits_1(world: SimpleNamespace, tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_bytes(b.jsonl_bytes([{"公民身份号码": "x"}, "not an object"]))
    result = runner.invoke(cli.app, ["load", world.code, str(path), "--partial"])
    assert result.exit_code == 1
    assert "row 2: each record is a JSON object" in result.stderr
    assert "every row has problems" in result.stderr


def test_unknown_resource_file_or_format_exits_1(world: SimpleNamespace, tmp_path: Path) -> None:
    assert runner.invoke(cli.app, ["load", "999/000000", str(tmp_path / "x.csv")]).exit_code == 1
    path = tmp_path / "people.txt"
    path.write_text("x")
    result = runner.invoke(cli.app, ["load", world.code, str(path)])
    assert result.exit_code == 1 and "load a .csv, .xlsx or .jsonl file" in result.stderr
    result = runner.invoke(cli.app, ["load", world.code, str(path), "--today", "soon"])
    assert result.exit_code == 1 and "is not a date" in result.stderr


def test_export_writes_the_current_records(world: SimpleNamespace, tmp_path: Path) -> None:
    people = [b.person(b.next_n()) for _ in range(2)]
    path = tmp_path / "people.csv"
    path.write_bytes(b.csv_bytes(people))
    assert runner.invoke(cli.app, ["load", world.code, str(path)]).exit_code == 0
    out = tmp_path / "export.csv"
    result = runner.invoke(cli.app, ["export", world.code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["公民身份号码"] for r in rows] == [p["公民身份号码"] for p in people]
    assert rows[0]["是否户主"] in ("true", "false")
    to_stdout = runner.invoke(cli.app, ["export", world.code])
    assert to_stdout.stdout.splitlines()[0] == ",".join(i["name"] for i in b.ITEMS)
