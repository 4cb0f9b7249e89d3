"""`govshare rectification list|proposals|report ID --out file.pdf` (GZ 43)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from govshare import runtime
from govshare.cli import app as root
from govshare.datastore.models import Connection
from govshare.db import transaction
from govshare.governance import rectification
from tests.applications.conftest import make_parties
from tests.orgs import builders as org_builders

runner = CliRunner()


@pytest.fixture()
def ids(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, int]]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        p = make_parties(session)
        admin = org_builders.actor_of(p.admin)
        session.add(Connection(resource_id=p.resource.id, records=3, stale_since=date(2026, 9, 1)))
        open_one = rectification.issue(
            session,
            actor=admin,
            department_id=p.provider.id,
            ground="data_not_updated",
            facts="未按日更新",
            requirement="恢复更新",
            due_on=date(2026, 10, 9),
            today=date(2026, 9, 21),
        )
        reported = rectification.issue(
            session,
            actor=admin,
            department_id=p.consumer.id,
            ground="misuse",
            facts="超范围使用共享数据",
            requirement="停止使用",
            due_on=date(2026, 10, 9),
            today=date(2026, 9, 21),
        )
        rectification.escalate(
            session,
            actor=admin,
            notice_id=reported.id,
            reason="逾期未整改",
            today=date(2026, 10, 12),
        )
        made = {"open": open_one.id, "reported": reported.id}
    yield made
    runtime.reset()


def test_list_and_proposals(ids: dict[str, int]) -> None:
    result = runner.invoke(root, ["rectification", "list", "--today", "2026-10-14"])
    assert result.exit_code == 0, result.output
    assert "2 notice(s)" in result.output and "OVERDUE" in result.output
    result = runner.invoke(root, ["rectification", "list", "--state", "escalated"])
    assert "1 notice(s)" in result.output and "misuse [GZ 43(5)]" in result.output
    result = runner.invoke(root, ["rectification", "proposals", "--today", "2026-10-14"])
    assert result.exit_code == 0, result.output
    assert "stale_resource:" in result.output and "1 proposal(s)" in result.output


def test_report_writes_the_pdf(ids: dict[str, int], tmp_path: Path) -> None:
    # GZ 43: the report to the people's government at the same level
    out = tmp_path / "report.pdf"
    result = runner.invoke(
        root, ["rectification", "report", str(ids["reported"]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    text = "".join(text.replace("\x00", "").split())
    assert "超范围使用共享数据" in text and "GZ43(5)" in text


def test_bad_input_exits_non_zero(ids: dict[str, int], tmp_path: Path) -> None:
    result = runner.invoke(
        root, ["rectification", "report", str(ids["open"]), "--out", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and "escalated" in result.output
    result = runner.invoke(
        root, ["rectification", "report", str(ids["reported"]), "--out", str(tmp_path / "x.txt")]
    )
    assert result.exit_code == 1
    result = runner.invoke(root, ["rectification", "list", "--today", "soon"])
    assert result.exit_code == 1
