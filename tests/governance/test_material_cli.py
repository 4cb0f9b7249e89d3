"""`govshare guides import FILE --department CODE`, `guides check`, `guides report` (GZ 32; ZS 15)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from govshare import runtime
from govshare.cli import app as root
from govshare.db import transaction
from govshare.governance import material_excel
from tests.catalogue import builders as cat
from tests.orgs import builders

runner = CliRunner()


@pytest.fixture()
def codes(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        police, civil = builders.department(session), builders.department(session)
        cat.published(session, police, name="户籍登记信息")
        found = civil.code, police.code
    yield found
    runtime.reset()


def _file(tmp_path: Path, *rows: list[str]) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = material_excel.GUIDES
    ws.append(["事项编码", "事项名称", "事项说明", "材料名称", "材料说明"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "guides.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_import_check_and_report(codes: tuple[str, str], tmp_path: Path) -> None:
    # GZ 32: imported guides are marked; the report counts what is still required
    civil, _ = codes
    path = _file(tmp_path, ["MZ-1", "最低生活保障申请", "", "户口簿", ""])
    r = runner.invoke(root, ["guides", "import", str(path), "--department", civil])
    assert r.exit_code == 0, r.output
    assert "imported 1 new and 0 updated" in r.output
    r = runner.invoke(root, ["guides", "check"])
    assert r.exit_code == 0 and "1 supplied by shared data" in r.output
    out = tmp_path / "report.xlsx"
    r = runner.invoke(root, ["guides", "report", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"{civil}\t1\t1\t1\t1\t0\t0" in r.output and out.stat().st_size > 0


def test_bad_rows_and_unknown_department_exit_non_zero(
    codes: tuple[str, str], tmp_path: Path
) -> None:
    civil, _ = codes
    path = _file(tmp_path, ["MZ-1", "", "", "户口簿", ""])
    r = runner.invoke(root, ["guides", "import", str(path), "--department", civil])
    assert r.exit_code == 1 and "办事指南!2:B 事项名称: required" in r.output
    r = runner.invoke(root, ["guides", "import", str(path), "--department", "NO-SUCH"])
    assert r.exit_code == 1 and "no department" in r.output
