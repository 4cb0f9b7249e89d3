"""Translations of the console: English message ids, zh-CN from a Babel catalogue (zh-CN is the default)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from govshare.kit.errors import fill

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "web" / "translations"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


@cache
def catalogue(locale: str) -> dict[str, str]:
    """The message ids of a locale mapped to their translations (empty for English)."""
    path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh, locale=locale)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


def translator(locale: str) -> Callable[..., str]:
    """A gettext function for the locale; unknown ids come back unchanged."""
    table = catalogue(locale if locale in LOCALES else DEFAULT_LOCALE)

    def gettext(message: str, **params: object) -> str:
        return fill(table.get(message, message), params)

    return gettext
