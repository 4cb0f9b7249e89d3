"""The Chinese font every PDF the platform writes uses (letters, reports, notices).

Noto Sans CJK comes from the Debian package `fonts-noto-cjk`; the file is a collection whose
third face is Simplified Chinese (the first is Japanese, whose glyph shapes differ for some
characters). An operator can point `GOVSHARE_PDF_FONT` at another OpenType/TrueType file
(with `GOVSHARE_PDF_FONT_INDEX` for a collection).
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from govshare.kit.errors import Conflict

DEFAULT_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_INDEX = 2  # Noto Sans CJK SC inside the collection


def font_file() -> tuple[Path, int]:
    """The font file and its index in a collection (the operator's choice, or Noto Sans CJK SC)."""
    configured = os.environ.get("GOVSHARE_PDF_FONT")
    if configured:
        return Path(configured), int(os.environ.get("GOVSHARE_PDF_FONT_INDEX", "0"))
    return DEFAULT_FONT, DEFAULT_INDEX


def add_chinese_font(pdf: FPDF, family: str = "cjk") -> str:
    """Adds the Chinese font to the document under `family`; Conflict when it is not installed."""
    path, index = font_file()
    if not path.exists():
        raise Conflict(
            "the Chinese font is not installed (Debian package fonts-noto-cjk)",
            code="font_missing",
        )
    if path.suffix.lower() in (".ttc", ".otc"):
        pdf.add_font(family, fname=str(path), collection_font_number=index)
    else:
        pdf.add_font(family, fname=str(path))
    return family
