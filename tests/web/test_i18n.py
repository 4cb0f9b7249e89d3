"""The console's translations: every message has a zh-CN translation that keeps its placeholders.

The ids are extracted afresh here (never read from messages.pot), so a string added to a
template, a flash message or a domain error without a translation fails this module.
"""

from __future__ import annotations

import importlib.util
import string
import sys
from enum import Enum
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from govshare.calendar.schemas import DayKind, DaySource, YearStatus
from govshare.http.i18n import translator
from govshare.kit.actor import Method
from govshare.orgs.models import DepartmentKind, Level, PersonnelRole, Role

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "govshare" / "web" / "templates"
TRANSLATIONS = ROOT / "src" / "govshare" / "web" / "translations"
LABEL_ENUMS: list[type[Enum]] = [
    Role,
    Level,
    DepartmentKind,
    PersonnelRole,
    Method,
    DayKind,
    DaySource,
    YearStatus,
]
FLAG_KINDS = {"calendar.year_missing", "personnel.vacancy_overdue", "personnel.filed_late"}


def _script() -> ModuleType:
    """scripts/i18n.py, loaded from its path (scripts/ is not a package)."""
    name = "govshare_scripts_i18n"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "i18n.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being built
        spec.loader.exec_module(module)
    return sys.modules[name]


def _translations(locale: str) -> dict[str, str]:
    """The usable translations of a locale, as the application reads them (no fuzzy, no empty)."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


@pytest.fixture(scope="module")
def zh() -> dict[str, str]:
    return _translations("zh_CN")


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_template_message_is_translated(zh: dict[str, str]) -> None:
    found = {
        message
        for _path, _line, message, _comments, _context in extract_from_dir(
            str(TEMPLATES),
            [("**.html", "jinja2.ext:babel_extract")],
            {"**.html": {"silent": "false"}},
            keywords={"_": None},
        )
        if isinstance(message, str) and message
    }
    assert {"Log in", "Page {n} of {m}", "Audit log"} <= found  # the extraction itself works
    assert sorted(found - zh.keys()) == []


def test_every_message_of_the_python_sources_is_translated(zh: dict[str, str]) -> None:
    ids = {str(m.id) for m in _script().build_template() if m.id}
    assert {
        "Personnel change filed",  # flash(request, "...")
        "Account disabled",  # flash(request, "..." if active else "...")
        "wrong user name or password",  # Unauthorized("...") in a service
        "the form has expired; reload the page and try again",  # Forbidden("...") in http/deps
    } <= ids
    assert any(i.startswith("The working-day schedule of {year}") for i in ids)  # the banner
    assert sorted(ids - zh.keys()) == []


@pytest.mark.parametrize("enum", LABEL_ENUMS, ids=lambda e: e.__name__)
def test_every_label_the_templates_translate_dynamically_is_translated(
    enum: type[Enum], zh: dict[str, str]
) -> None:
    values = {str(m.value) for m in enum}
    assert sorted(values - zh.keys()) == []
    # and the template (.pot) keeps them, so that `update` never drops their translations
    assert values <= {d.msgid for d in _script().dynamic_messages()}


def test_flag_kinds_and_dashboard_cards_are_translated(zh: dict[str, str]) -> None:
    script = _script()
    kinds = {d.msgid for d in script.flag_kinds()}
    cards = {d.msgid for d in script.dashboard_cards()}
    assert kinds >= FLAG_KINDS
    assert {"Departments", "Open flags", "Audit entries"} <= cards
    assert sorted((kinds | cards) - zh.keys()) == []


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_translations_keep_the_placeholders_of_their_id(locale: str) -> None:
    wrong = {
        msgid: text
        for msgid, text in _translations(locale).items()
        if _fields(text) != _fields(msgid)
    }
    assert wrong == {}
    for msgid, text in _translations(locale).items():  # and each one formats
        text.format(**dict.fromkeys(_fields(msgid), "x"))


def test_placeholders_are_filled_after_translation() -> None:
    _ = translator("zh_CN")
    assert _("Page {n} of {m}", n=2, m=5) == "第2页，共5页"
    assert translator("en")("Page {n} of {m}", n=2, m=5) == "Page 2 of 5"


def test_python_extractor_finds_literals_and_reports_f_strings() -> None:
    script = _script()
    source = (
        "flash(request, 'Saved')\n"
        "flash(request, 'On' if on else 'Off', 'warning')\n"
        "raise errors.Invalid('bad input', code='x')\n"
        "raise Conflict(f'{name} is taken')\n"
        "flash(request, warning)\n"
        "print('not a message')\n"
    )
    found = script.find_messages(source, {"flash", "Invalid", "Conflict"})
    assert [(f.lineno, f.keyword, f.text) for f in found] == [
        (1, "flash", "Saved"),
        (2, "flash", "On"),
        (2, "flash", "Off"),
        (3, "Invalid", "bad input"),
        (4, "Conflict", None),  # an f-string: reported, not extracted
    ]
    assert {"Invalid", "Conflict", "Unauthorized", "AuditChainBroken"} <= (
        script.domain_error_names()
    )


def test_the_login_page_is_chinese_by_default_and_english_after_the_switch(
    client: TestClient,
) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert "登录" in page.text and "用户名" in page.text
    assert "Log in" not in page.text

    switched = client.get("/lang/en")
    assert switched.status_code == 303

    page = client.get("/login")
    assert page.status_code == 200
    assert "Log in" in page.text and "User name" in page.text
    assert "登录" not in page.text
