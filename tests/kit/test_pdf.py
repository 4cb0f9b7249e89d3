"""The Chinese font of the platform's PDFs: Simplified Chinese by default, the operator's choice, a clear error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from govshare.kit import pdf
from govshare.kit.errors import Conflict


def test_the_default_is_the_simplified_chinese_face_of_noto_sans_cjk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOVSHARE_PDF_FONT", raising=False)
    assert pdf.font_file() == (pdf.DEFAULT_FONT, 2)
    doc = FPDF()
    doc.add_page()
    doc.set_font(pdf.add_chinese_font(doc), size=12)
    doc.cell(text="政务信息共享")
    reader = PdfReader(io.BytesIO(doc.output()))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(f.get_object()["/BaseFont"]) for f in fonts.values()]
    assert any("NotoSansCJKsc" in n.replace("-", "") or "SC" in n for n in names), names
    assert "政务信息共享" in reader.pages[0].extract_text().replace("\x00", "")


def test_a_missing_font_is_a_clear_conflict(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOVSHARE_PDF_FONT", str(tmp_path / "none.ttf"))
    with pytest.raises(Conflict) as exc:
        pdf.add_chinese_font(FPDF())
    assert exc.value.code == "font_missing"
    assert "fonts-noto-cjk" in exc.value.message
