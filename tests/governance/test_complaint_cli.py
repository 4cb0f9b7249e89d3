"""`govshare complaints list [--state] [--overdue]` and `govshare error-reports list` (GZ 36, 31)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.cli import app as root
from govshare.db import transaction
from govshare.governance import complaints
from govshare.quality import error_reports
from tests.applications.conftest import make_parties

runner = CliRunner()


@pytest.fixture()
def made(database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        p = make_parties(session)
        for subject in ("拒绝提供数据", "数据陈旧"):
            complaints.file_complaint(
                session,
                actor=p.staff_actor,
                respondent_department_id=p.provider.id,
                ground="refused_data",
                subject=subject,
                description="说明",
                today=date(2026, 10, 9),
            )
        error_reports.report_error(
            session,
            actor=p.staff_actor,
            resource_id=p.resource.id,
            items=["婚姻状况"],
            decision_reference="穗民〔2026〕1号",
            decided_on=None,
            description="有误",
            remedy="",
            today=date(2026, 10, 9),
        )
    yield
    runtime.reset()


def test_lists_for_the_authority(made: None) -> None:
    # GZ 36: due 15 working days after receipt (29 October); overdue from 30 October.
    on_time = runner.invoke(root, ["complaints", "list", "--overdue", "--today", "2026-10-29"])
    assert on_time.exit_code == 0 and "0 complaint(s)" in on_time.output
    late = runner.invoke(root, ["complaints", "list", "--overdue", "--today", "2026-10-30"])
    assert "2 complaint(s)" in late.output and late.output.count("OVERDUE") == 2
    received = runner.invoke(root, ["complaints", "list", "--state", "received"])
    assert "due 2026-10-29 [GZ 36]" in received.output
    reports = runner.invoke(root, ["error-reports", "list", "--state", "reported"])
    assert reports.exit_code == 0 and "穗民〔2026〕1号" in reports.output


def test_bad_input_exits_non_zero(made: None) -> None:
    bad = runner.invoke(root, ["complaints", "list", "--state", "open"])
    assert bad.exit_code == 1 and "--state" in bad.output
    bad = runner.invoke(root, ["complaints", "list", "--today", "tomorrow"])
    assert bad.exit_code == 1
    assert runner.invoke(root, ["error-reports", "list", "--state", "x"]).exit_code == 1
