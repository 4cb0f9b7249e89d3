"""`govshare disputes list [--open] [--overdue]` and `govshare disputes show ID` (GZ 28)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.cli import app as root
from govshare.db import transaction
from govshare.governance import decisions, disputes
from tests.applications.conftest import make_parties
from tests.governance.conftest import refused
from tests.orgs import builders as org_builders

runner = CliRunner()


@pytest.fixture()
def ids(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[int]]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        p = make_parties(session)
        day = date(2026, 9, 24)
        still_open = disputes.raise_dispute(
            session,
            actor=p.staff_actor,
            application_id=refused(session, p).id,
            reasons="拒绝理由不成立",
            today=day,
        )
        closed = disputes.raise_dispute(
            session,
            actor=p.staff_actor,
            application_id=refused(session, p).id,
            reasons="第二件",
            today=day,
        )
        admin = org_builders.actor_of(p.admin)
        for _ in range(3):
            decisions.escalate(
                session, actor=admin, dispute_id=closed.id, reasons="不成", today=day
            )
        decisions.decide(
            session,
            actor=admin,
            dispute_id=closed.id,
            outcome="provide",
            reasons="市政府裁定共享",
            today=date(2026, 9, 30),
        )
        made = [still_open.id, closed.id]
    yield made
    runtime.reset()


def test_list_open_and_overdue(ids: list[int]) -> None:
    result = runner.invoke(root, ["disputes", "list", "--today", "2026-10-14"])
    assert result.exit_code == 0, result.output
    assert "2 dispute(s)" in result.output
    result = runner.invoke(root, ["disputes", "list", "--open", "--today", "2026-10-14"])
    assert "1 dispute(s)" in result.output and "1:negotiation" in result.output
    # GZ 28: provide within 5 WD of the ruling of 2026-09-30, i.e. by 2026-10-13.
    result = runner.invoke(root, ["disputes", "list", "--overdue", "--today", "2026-10-14"])
    assert "1 dispute(s)" in result.output and "OVERDUE" in result.output
    result = runner.invoke(root, ["disputes", "list", "--overdue", "--today", "2026-10-13"])
    assert "0 dispute(s)" in result.output


def test_show_prints_the_steps(ids: list[int]) -> None:
    result = runner.invoke(root, ["disputes", "show", str(ids[1]), "--today", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert "4. decision [GZ 28]" in result.output
    assert "provide - 市政府裁定共享" in result.output
    assert "provide by 2026-10-13" in result.output


def test_errors_exit_non_zero(ids: list[int]) -> None:
    result = runner.invoke(root, ["disputes", "show", "999999"])
    assert result.exit_code == 1 and "no such dispute" in result.output
    result = runner.invoke(root, ["disputes", "list", "--today", "14.10.2026"])
    assert result.exit_code == 1 and "not a date" in result.output
