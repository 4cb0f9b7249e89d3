"""`govshare freshness list|file|filings|decide` (GZ 19)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.datastore import freshness_cli as cli
from govshare.db import make_engine, make_session_factory, transaction
from tests.datastore import builders as b
from tests.datastore import freshness_support as fs

runner = CliRunner()


@pytest.fixture()
def world(database_factory, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    url = database_factory()
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    runtime.reset()
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        dept, _ = b.provider(session)
        stale = fs.connected(session, dept, last=date(2026, 10, 1))
        fresh = fs.connected(session, dept, last=date(2026, 11, 20), cycle="yearly")
        codes = SimpleNamespace(stale=stale.code, fresh=fresh.code, dept=dept.code)
    yield codes
    engine.dispose()
    runtime.reset()


def test_list_file_and_decide(world: SimpleNamespace, tmp_path: Path) -> None:
    # GZ Art. 19 ¶3: other data within 5 working days; ¶4: a delay with the authority's approval.
    result = runner.invoke(cli.app, ["list", "--today", "2026-11-20"])
    assert result.exit_code == 2, result.output
    assert f"{world.stale}" in result.stdout and "stale since 2026-11-07" in result.stdout
    only = runner.invoke(cli.app, ["list", "--stale", "--today", "2026-11-20"])
    assert world.fresh not in only.stdout and "1 resource(s)" in only.stdout
    evidence = tmp_path / "notice.pdf"
    evidence.write_bytes(b"%PDF-1.4 notice")
    filed = runner.invoke(
        cli.app,
        [
            "file",
            world.stale,
            "--reason",
            "system migration",
            "--until",
            "2026-11-27",
            "--evidence",
            str(evidence),
            "--today",
            "2026-11-20",
        ],
    )
    assert filed.exit_code == 0, filed.output
    assert "pending [GZ 19]" in filed.stdout
    filing_id = filed.stdout.split()[2].rstrip(":")
    listed = runner.invoke(cli.app, ["filings", "--state", "pending"])
    assert "1 filing(s)" in listed.stdout
    refused = runner.invoke(cli.app, ["decide", filing_id, "reject"])
    assert refused.exit_code == 1 and "state the reason" in refused.stderr
    ok = runner.invoke(cli.app, ["decide", filing_id, "approve", "--today", "2026-11-20"])
    assert ok.exit_code == 0 and "approved" in ok.stdout
    after = runner.invoke(cli.app, ["list", "--today", "2026-11-23"])
    assert after.exit_code == 0, after.output
    assert "filed until 2026-11-27" in after.stdout


def test_bad_input_exits_1(world: SimpleNamespace) -> None:
    # GZ Art. 19: refusals name their reason.
    assert runner.invoke(cli.app, ["list", "--today", "20-11-2026"]).exit_code == 1
    assert runner.invoke(cli.app, ["list", "--department", "NOPE"]).exit_code == 1
    bad = runner.invoke(
        cli.app,
        ["file", world.stale, "--reason", "x", "--until", "2026-11-27", "--evidence", "/nope.pdf"],
    )
    assert bad.exit_code == 1 and "no file" in bad.stderr
    assert runner.invoke(cli.app, ["decide", "1", "maybe"]).exit_code == 1
