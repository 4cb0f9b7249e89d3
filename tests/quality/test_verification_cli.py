"""`govshare verification list [--state] [--overdue]`: the authority's view at the server (GZ 30)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.db import transaction
from govshare.quality import verification
from govshare.quality.verification_cli import app
from tests.quality.test_verification_world import PURPOSE, TODAY, build

runner = CliRunner()


@pytest.fixture()
def subject(database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        w = build(session)
        verification.file_request(
            session,
            actor=w.staff,
            resource_id=w.resource.id,
            subject=w.subjects[0],
            purpose_code=PURPOSE,
            claims={"姓名": "王五"},
            reason="姓名有误",
            today=TODAY,
        )
    yield w.subjects[0]
    runtime.reset()


def test_list_by_state_and_overdue_without_personal_data(subject: str) -> None:
    result = runner.invoke(app, ["list", "--state", "open", "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "1 request(s)" in result.output and "OVERDUE" not in result.output
    assert subject not in result.output and "王五" not in result.output
    # GZ 30: due within 5 working days (27 Nov); overdue from the 28th.
    result = runner.invoke(app, ["list", "--overdue", "--today", "2026-11-30"])
    assert result.exit_code == 0 and "OVERDUE" in result.output and "1 request(s)" in result.output
    result = runner.invoke(app, ["list", "--state", "answered"])
    assert "0 request(s)" in result.output


def test_bad_input_fails_with_a_message(subject: str) -> None:
    result = runner.invoke(app, ["list", "--state", "lost"])
    assert result.exit_code == 1 and "unknown state" in result.output
    result = runner.invoke(app, ["list", "--today", "tomorrow"])
    assert result.exit_code == 1 and "not a date" in result.output
