"""`govshare workdays …` and `govshare calendar …` against a real migrated database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from govshare import runtime
from govshare.calendar.cli import app, workdays_app
from govshare.calendar.models import CalendarDay
from govshare.db import make_session_factory

# A made-up schedule for the test: NOT the real 2027 State Council schedule.
FAKE_2027 = "date,kind,name\n2027-03-01,holiday,Example Day\n2027-03-06,workday,Example Day\n"

runner = CliRunner()


@pytest.fixture()
def database(database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated database that the CLI's session_scope commits to."""
    url = database_factory()
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    runtime.reset()
    yield url
    runtime.reset()


def overrides_in(url: str) -> int:
    with make_session_factory(runtime.engine(url))() as session:
        return session.scalar(select(func.count()).select_from(CalendarDay)) or 0


def test_workdays_add_prints_the_iso_date(database: str) -> None:
    result = runner.invoke(workdays_app, ["add", "2026-09-30", "5"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-10-13\n"


def test_workdays_between_prints_the_count(database: str) -> None:
    result = runner.invoke(workdays_app, ["between", "2026-09-30", "2026-10-13"])
    assert (result.exit_code, result.stdout) == (0, "5\n")
    result = runner.invoke(workdays_app, ["between", "2026-10-13", "2026-09-30"])
    assert (result.exit_code, result.stdout) == (0, "-5\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2026-13-01", "5"], "DATE must be a date written YYYY-MM-DD"),
        (["add", "30/09/2026", "5"], "DATE must be a date written YYYY-MM-DD"),
        (["add", "2026-09-30", "five"], "N must be a whole number"),
        (["add", "2026-09-30", "2.5"], "N must be a whole number"),
        (["add", "2026-09-30", "-3"], "N must be 0 or more"),
        (["between", "2026-09-30", "tomorrow"], "B must be a date"),
    ],
)
def test_bad_input_is_an_error_on_stderr(database: str, args: list[str], message: str) -> None:
    result = runner.invoke(workdays_app, args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_calendar_load_commits_and_show_lists_it(database: str, tmp_path: Path) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(FAKE_2027, encoding="utf-8")

    result = runner.invoke(app, ["load", str(path)])

    assert result.exit_code == 0, result.output
    assert "loaded the 2027 schedule from 2027.csv: 1 holidays, 1 adjusted" in result.stdout
    assert overrides_in(database) == 2
    shown = runner.invoke(app, ["show", "2027"])
    assert shown.exit_code == 0
    assert "2027: loaded from 2027.csv by " in shown.stdout
    assert "2027-03-01  Mon  holiday  [file]  Example Day" in shown.stdout
    assert "2027-03-06  Sat  workday  [file]  Example Day" in shown.stdout
    assert runner.invoke(workdays_app, ["add", "2027-02-26", "1"]).stdout == "2027-03-02\n"


def test_calendar_load_of_a_bad_file_names_the_line_and_stores_nothing(
    database: str, tmp_path: Path
) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(FAKE_2027 + "2027-03-07,holliday,x\n", encoding="utf-8")

    result = runner.invoke(app, ["load", str(path)])

    assert result.exit_code == 1
    assert "line 4: unknown kind 'holliday'" in result.stderr
    assert overrides_in(database) == 0


def test_calendar_load_check_validates_only(database: str, tmp_path: Path) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(FAKE_2027, encoding="utf-8")
    result = runner.invoke(app, ["load", str(path), "--check"])
    assert result.exit_code == 0
    assert "2027.csv is a good schedule for 2027" in result.stdout
    assert overrides_in(database) == 0


def test_calendar_load_of_a_missing_file_fails(database: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


def test_calendar_load_across_years_needs_the_options(database: str, tmp_path: Path) -> None:
    path = tmp_path / "2028.csv"
    path.write_text("date,kind,name\n2027-12-25,workday,x\n2028-03-01,holiday,x\n")
    refused = runner.invoke(app, ["load", str(path)])
    assert refused.exit_code == 1
    assert "mixes dates of the years 2027, 2028" in refused.stderr
    result = runner.invoke(app, ["load", str(path), "--year", "2028", "--allow-other-years"])
    assert result.exit_code == 0, result.output


def test_calendar_show_of_a_builtin_and_an_unknown_year(database: str) -> None:
    builtin = runner.invoke(app, ["show", "2026"])
    assert builtin.exit_code == 0
    assert "2026: the State Council schedule built into chinesecalendar" in builtin.stdout
    assert "2026-10-01  Thu  holiday  [chinesecalendar]  National Day" in builtin.stdout
    assert "2026-10-10  Sat  workday  [chinesecalendar]  National Day" in builtin.stdout
    unknown = runner.invoke(app, ["show", "2040"])
    assert unknown.exit_code == 0
    assert "2040: NOT KNOWN" in unknown.stdout
    assert runner.invoke(app, ["show", "0"]).exit_code == 1
