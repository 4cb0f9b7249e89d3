"""`govshare quality divergences [--open]`, `links`, `link`, `unlink` (ZS Art. 17; JS Art. 11)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.db import transaction
from govshare.quality import cases
from govshare.quality.cli import app
from govshare.quality.divergence import open_subject
from govshare.quality.models import Divergence
from tests.quality import builders as q

runner = CliRunner()


@dataclass
class Made:
    pair: q.Pair
    open_id: int
    dismissed_id: int
    subject: str


@pytest.fixture()
def made(database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Made]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        p = q.pair(session)
        dismissed = q.one_case(session, p)
        cases.dismiss(session, actor=q.OPERATOR, divergence_id=dismissed, reason="both right")
        open_id = q.one_case(session, p)
        subject = open_subject(session.get_one(Divergence, open_id))
    yield Made(p, open_id, dismissed, subject)
    runtime.reset()


def test_divergences_lists_all_or_only_open_with_masked_subjects(made: Made) -> None:
    result = runner.invoke(app, ["divergences"])
    assert result.exit_code == 0, result.output
    assert "2 case(s)" in result.output
    result = runner.invoke(app, ["divergences", "--open"])
    assert result.exit_code == 0, result.output
    assert "1 case(s)" in result.output and "离异" in result.output
    assert made.subject not in result.output  # masked
    assert made.subject[:6] + "********" in result.output


def test_bad_options_fail_with_a_message(made: Made) -> None:
    result = runner.invoke(app, ["divergences", "--open", "--state", "open"])
    assert result.exit_code == 1 and "either --open or --state" in result.output
    result = runner.invoke(app, ["divergences", "--state", "lost"])
    assert result.exit_code == 1 and "unknown state" in result.output


def test_link_and_unlink(made: Made) -> None:
    p = made.pair
    result = runner.invoke(
        app, ["link", str(p.civil_resource_id), "姓名", str(p.health_resource_id), "姓名"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["link", str(p.civil_resource_id), "姓名", str(p.health_resource_id), "姓名"]
    )
    assert result.exit_code == 1 and "already linked" in result.output
    result = runner.invoke(app, ["links"])
    assert "2 link(s)" in result.output
    assert p.link is not None
    result = runner.invoke(app, ["unlink", str(p.link.id)])
    assert result.exit_code == 1 and "reason is required" in result.output
    result = runner.invoke(app, ["unlink", str(p.link.id), "--reason", "wrong"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["divergences", "--open"])
    assert "0 case(s)" in result.output
