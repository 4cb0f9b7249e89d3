"""`govshare applications list [--overdue] [--today DATE]`: the authority's view at the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.db import transaction
from govshare.sharing.application_cli import app
from tests.applications.conftest import apply, make_parties

runner = CliRunner()


@pytest.fixture()
def ids(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[int]]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        parties = make_parties(session)
        made = [
            apply(session, parties, today=date(2026, 9, 30)).id,  # due 10-13
            apply(session, parties, today=date(2026, 11, 2)).id,  # due 11-09
        ]
    yield made
    runtime.reset()


def test_list_and_overdue(ids: list[int]) -> None:
    result = runner.invoke(app, ["list", "--today", "2026-10-14"])
    assert result.exit_code == 0, result.output
    assert "2 application(s)" in result.output
    result = runner.invoke(app, ["list", "--overdue", "--today", "2026-10-14"])
    assert result.exit_code == 0, result.output
    assert "1 application(s)" in result.output and "OVERDUE" in result.output
    assert "due 2026-10-13" in result.output


def test_a_bad_date_is_an_error(ids: list[int]) -> None:
    result = runner.invoke(app, ["list", "--today", "14.10.2026"])
    assert result.exit_code == 1
    assert "not a date" in result.output
