"""The top-level commands: init, tick, and errors on stderr with a non-zero exit."""

from __future__ import annotations

from typer.testing import CliRunner

from govshare import runtime
from govshare.cli import app

runner = CliRunner()


def _use(monkeypatch, url: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    runtime.reset()


def test_init_and_tick_on_a_fresh_database(database_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _use(monkeypatch, database_factory())
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["tick", "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "personnel.vacancy_overdue: 0" in result.output
    runtime.reset()


def test_tick_with_a_malformed_date_exits_non_zero(database_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _use(monkeypatch, database_factory())
    result = runner.invoke(app, ["tick", "--today", "2026-13-01"])
    assert result.exit_code == 1
    assert "is not a date" in result.output
    runtime.reset()


def test_unknown_profile_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["profile", "show", "atlantis"])
    assert result.exit_code != 0
    assert "atlantis" in result.output
