"""The annual report as PDF (Chinese, with charts), Word and Excel; and the CLI (GZ 37; ZS 35)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from govshare.cli import app as cli_app
from govshare.governance import annual_docx, annual_reports
from govshare.governance.annual_report_models import AnnualReport
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid
from tests.applications.conftest import Parties, apply
from tests.governance.annual_support import YEAR

OPERATOR = Actor.operator()
JAN = date(YEAR + 1, 1, 5)


def pdf_text(content: bytes) -> str:
    """The PDF's text without spacing (pypdf reads fpdf2's glyph 0 mapping as NUL: dropped)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\x00", "").replace(" ", "").replace("\n", "")


def _report(session: Session, p: Parties) -> AnnualReport:
    for month in (3, 5, 9):
        day = date(YEAR, month, 2)
        apply(session, p, today=day, period=(day, date(YEAR, 12, 1)))
    report = annual_reports.draft_department(
        session, actor=OPERATOR, department_id=p.provider.id, year=YEAR, today=JAN
    )
    annual_reports.edit(
        session,
        actor=p.officer_actor,
        report_id=report.id,
        narrative="本年度共收到共享申请三件。",
        problems="答复不够及时。",
        plan="建立答复提醒机制。",
        today=JAN,
    )
    return report


def test_pdf_is_chinese_with_the_figures(session: Session, parties: Parties) -> None:
    # GZ 37: the report on the year's sharing, in Chinese, with its figures and charts.
    report = _report(session, parties)
    content, media, name = annual_docx.export(session, report=report, fmt="pdf")
    assert media == "application/pdf" and name.endswith(".pdf")
    compact = pdf_text(content)
    assert f"{parties.provider.name}{YEAR}年度政务信息共享情况报告" in compact
    assert "收到的共享申请" in compact and "共享申请办理情况" in compact
    assert "本年度共收到共享申请三件" in compact and "建立答复提醒机制" in compact
    # The bar chart writes each value next to its bar: three applications received.
    assert "收到申请3" in compact
    assert "GZ37" in compact and f"{YEAR + 1}-01-31" in compact


def test_word_and_excel(session: Session, parties: Parties) -> None:
    report = _report(session, parties)
    content, _, _ = annual_docx.export(session, report=report, fmt="docx")
    doc = Document(io.BytesIO(content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert f"{parties.provider.name}{YEAR}年度政务信息共享情况报告" in paragraphs
    assert "答复不够及时。" in paragraphs
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "收到的共享申请" in cells
    content, _, _ = annual_docx.export(session, report=report, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content))["数据"]
    values = {row[1]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["收到的共享申请"] == 3
    with pytest.raises(Invalid):
        annual_docx.export(session, report=report, fmt="exe")


def test_authority_pdf_has_the_departments(session: Session, parties: Parties) -> None:
    # GZ 37 ¶2: the authority's report on the level is drafted from every department's.
    _report(session, parties)
    report = annual_reports.draft_authority(session, actor=OPERATOR, year=YEAR, today=JAN)
    content, _, _ = annual_docx.export(session, report=report, fmt="pdf")
    compact = pdf_text(content)
    assert f"{parties.authority.name}{YEAR}年度政务信息共享情况年度报告" in compact
    assert "各部门报告情况" in compact and parties.provider.name in compact
    sheet = load_workbook(io.BytesIO(annual_docx.export(session, report=report, fmt="xlsx")[0]))[
        "各部门"
    ]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert parties.provider.code in codes


@pytest.fixture()
def cli_db(database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from govshare import runtime

    url = database_factory()
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    runtime.reset()
    yield url
    runtime.reset()


def test_cli_writes_the_report(cli_db: str, tmp_path: Path) -> None:
    # The authority's CLI: `govshare report annual --year Y --out report.pdf` (GZ 37).
    from govshare import runtime
    from govshare.db import transaction
    from tests.orgs import builders

    with transaction(runtime.session_factory()) as session:
        builders.department(session, authority=True, code="AUTH")
        builders.department(session, code="MZJ")
    runner = CliRunner()
    out = tmp_path / "report.pdf"
    today = f"{YEAR + 1}-01-10"
    result = runner.invoke(
        cli_app, ["report", "annual", "--year", str(YEAR), "--out", str(out), "--today", today]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert f"{YEAR}年度政务信息共享情况年度报告" in pdf_text(out.read_bytes())
    docx = tmp_path / "mzj.docx"
    result = runner.invoke(
        cli_app,
        [
            "report",
            "annual",
            "--year",
            str(YEAR),
            "--department",
            "MZJ",
            "--out",
            str(docx),
            "--today",
            today,
        ],
    )
    assert result.exit_code == 0, result.output
    assert Document(str(docx)).paragraphs
    bad = runner.invoke(
        cli_app, ["report", "annual", "--year", str(YEAR), "--out", str(tmp_path / "r.txt")]
    )
    assert bad.exit_code == 1 and ".pdf, .docx or .xlsx" in bad.output
    bad = runner.invoke(
        cli_app,
        ["report", "annual", "--year", str(YEAR), "--department", "NOPE", "--out", str(out)],
    )
    assert bad.exit_code == 1 and "NOPE" in bad.output
    # The year in progress: a preview of its figures so far, marked as such and never stored.
    current = tmp_path / "current.pdf"
    result = runner.invoke(
        cli_app,
        ["report", "annual", "--year", str(YEAR + 1), "--out", str(current), "--today", today],
    )
    assert result.exit_code == 0, result.output
    assert "not over" in result.output
    text = pdf_text(current.read_bytes())
    assert f"{YEAR + 1}年度政务信息共享情况年度报告" in text and "年度未结束的预览" in text
    with transaction(runtime.session_factory()) as session:
        assert annual_reports.find(session, year=YEAR + 1, department_id=None) is None
    future = runner.invoke(
        cli_app, ["report", "annual", "--year", str(YEAR + 2), "--out", str(out), "--today", today]
    )
    assert future.exit_code == 1 and "year that is over" in future.output
