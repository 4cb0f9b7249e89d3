"""The console's message catalogues: extract the template, merge it into the locales.

    python scripts/i18n.py extract   # templates + Python sources + dynamic labels -> messages.pot
    python scripts/i18n.py update    # messages.pot -> <locale>/LC_MESSAGES/messages.po
    python scripts/i18n.py check     # exit 1 when a zh_CN translation is missing or fuzzy
    python scripts/i18n.py fill F.json  # sets zh_CN translations from {msgid: translation}

`make i18n` runs extract and update. Extraction follows babel.cfg: Babel's Jinja2
extractor for `_("...")` in the templates, and `extract_python` below for the Python
sources: `_("...")`/`gettext("...")`, `flash(request, "...")` and the literal messages of
the DomainError subclasses (`Invalid("...")`, `Conflict("...")`, ...), which the
templates show through `_()`. f-strings cannot be translated; they are listed as warnings.

The templates also translate values they only know at run time (`_(user.role)`,
`_(dept.kind)`, `_(label)`...). Those ids are added by `dynamic_messages()`, read from
the enums and the sources, so that `update` never drops their translations.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import json
import sys
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "govshare"
MAPPING = ROOT / "babel.cfg"
TRANSLATIONS = SRC / "web" / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("zh_CN", "en")
CHECKED_LOCALE = "zh_CN"  # English is the ids themselves: its catalogue may stay empty

# The extractor named in babel.cfg, run in-process rather than imported by Babel.
PYTHON_EXTRACTOR = "scripts.i18n:extract_python"
# Call names whose message is not the first argument (0-based position).
MESSAGE_POSITION = {"flash": 1}
# Always extracted from Python sources, next to the DomainError subclasses.
PYTHON_KEYWORDS = ("_", "gettext", "flash")
TEMPLATE_KEYWORDS: dict[str, Any] = {"_": None}
# Calls whose `kind=` is a flag kind the dashboard shows through `_(f.kind)`.
FLAG_CALLS = ("raise_flag", "resolve_flag")
DASHBOARDS = SRC / "web" / "dashboards.py"


def _enums() -> list[type[Enum]]:
    """The enums whose values the templates translate (read at call time: new values count)."""
    from govshare.calendar.schemas import DayKind, DaySource, YearStatus
    from govshare.kit.actor import Method
    from govshare.orgs.models import DepartmentKind, Level, PersonnelRole, Role

    return [Role, Level, DepartmentKind, PersonnelRole, Method, DayKind, DaySource, YearStatus]


# --- Python sources ----------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A message argument of a keyword call: its text, or None when it is an f-string."""

    lineno: int
    keyword: str
    text: str | None


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literals(node: ast.expr) -> Iterator[tuple[int, str | None]]:
    """The strings an argument can be: a literal, both arms of `a if c else b`, f-strings as None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.JoinedStr):
        parts = node.values
        if all(isinstance(p, ast.Constant) for p in parts):
            yield node.lineno, "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))
        else:
            yield node.lineno, None
    # anything else (a variable, str(exc), "".join(...)) is a run-time value: not a message id


def find_messages(source: str | bytes, keywords: Collection[str]) -> list[Found]:
    """The message arguments of calls to `keywords` in a Python source, in line order."""
    found: list[Found] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        if name is None or name not in keywords:
            continue
        position = MESSAGE_POSITION.get(name, 0)
        if len(node.args) > position:
            arg: ast.expr | None = node.args[position]
        else:
            arg = next((k.value for k in node.keywords if k.arg == "message"), None)
        if arg is not None:
            found += [Found(line, name, text) for line, text in _literals(arg)]
    return sorted(found, key=lambda f: f.lineno)


def _python_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


@cache
def domain_error_names() -> frozenset[str]:
    """DomainError and the names of its subclasses, wherever they are defined in the sources."""
    bases: dict[str, set[str]] = {}
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ClassDef):
                names = {_call_name(b) for b in node.bases} - {None}
                bases.setdefault(node.name, set()).update(n for n in names if n)
    errors = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & errors} - errors
        if not more:
            return frozenset(errors)
        errors |= more


def python_keywords() -> dict[str, Any]:
    """The calls whose message arguments are extracted from the Python sources."""
    return {name: None for name in (*PYTHON_KEYWORDS, *sorted(domain_error_names()))}


def extract_python(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extraction method for the Python sources (see the module's docstring)."""
    for f in find_messages(fileobj.read(), keywords):
        if f.text:
            yield f.lineno, f.keyword, f.text, []


def untranslatable() -> list[tuple[str, int, str]]:
    """The f-string messages of the Python sources: (path, line, call) — they cannot be ids."""
    names = python_keywords()
    return [
        (_relative(path), f.lineno, f.keyword)
        for path in _python_files()
        for f in find_messages(path.read_bytes(), names)
        if f.text is None
    ]


# --- ids the templates translate at run time ---------------------------------------------


@dataclass(frozen=True)
class Dynamic:
    """An id that no extractor sees: where it comes from and what it is."""

    msgid: str
    path: str
    lineno: int
    comment: str


def _relative(path: str | Path) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else str(path)


def enum_messages() -> list[Dynamic]:
    """Every value of the enums the templates show through `_()`."""
    out = []
    for enum in _enums():
        path = _relative(inspect.getsourcefile(enum) or "")
        lineno = inspect.getsourcelines(enum)[1]
        out += [Dynamic(str(m.value), path, lineno, f"{enum.__name__} value") for m in enum]
    return out


def flag_kinds() -> list[Dynamic]:
    """The `kind=` of every raise_flag/resolve_flag call (a literal or a module constant)."""
    out = []
    for path in _python_files():
        tree = ast.parse(path.read_bytes())
        constants = {
            t.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _call_name(node.func) in FLAG_CALLS):
                continue
            for k in node.keywords:
                kind = None
                if k.arg == "kind" and isinstance(k.value, ast.Constant):
                    kind = k.value.value
                elif k.arg == "kind" and isinstance(k.value, ast.Name):
                    kind = constants.get(k.value.id)
                if isinstance(kind, str):
                    out.append(Dynamic(kind, _relative(path), node.lineno, "flag kind"))
    return out


def dashboard_cards() -> list[Dynamic]:
    """The labels of the cards `(label, value, href)` in web/dashboards.py (href a constant path)."""
    out = []
    for node in ast.walk(ast.parse(DASHBOARDS.read_bytes())):
        if not (isinstance(node, ast.Tuple) and len(node.elts) == 3):
            continue
        label, _, href = node.elts
        if (
            isinstance(label, ast.Constant)
            and isinstance(label.value, str)
            and isinstance(href, ast.Constant)
            and isinstance(href.value, str)
            and href.value.startswith("/")
        ):
            out.append(Dynamic(label.value, _relative(DASHBOARDS), label.lineno, "dashboard card"))
    return out


def menu_labels() -> list[Dynamic]:
    """The group and link labels of the console's main menu (web/navigation.py)."""
    from govshare.web import navigation

    where = _relative(Path(navigation.__file__))
    out = []
    for group in navigation.MENU:
        out.append(Dynamic(group.label, where, 0, "menu group"))
        out.extend(Dynamic(link.label, where, 0, "menu link") for link in group.links)
    return out


def metric_labels() -> list[Dynamic]:
    """The labels of the evaluation's metrics (governance/evaluation_metrics.py)."""
    from govshare.governance import evaluation_metrics

    where = _relative(Path(evaluation_metrics.__file__))
    return [
        Dynamic(m.label, where, 0, "evaluation metric") for m in evaluation_metrics.METRICS.values()
    ]


def dynamic_messages() -> list[Dynamic]:
    """Enum values, flag kinds, dashboard card labels, the menu and the evaluation's metrics."""
    return enum_messages() + flag_kinds() + dashboard_cards() + menu_labels() + metric_labels()


# --- the catalogues ----------------------------------------------------------------------


def _mapping() -> tuple[list[tuple[str, Any]], dict[str, dict[str, Any]]]:
    with MAPPING.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(MAPPING))
    resolved: list[tuple[str, Any]] = []
    for pattern, method in method_map:
        if method == PYTHON_EXTRACTOR:
            resolved.append((pattern, extract_python))
            options_map[pattern] = {**options_map[pattern], "keywords": python_keywords()}
        else:
            resolved.append((pattern, method))
    return resolved, options_map


def extracted() -> Iterator[tuple[str, int, str, list[str]]]:
    """(path, line, message id, comments) of every message babel.cfg points at."""
    method_map, options_map = _mapping()
    for pattern, method in method_map:  # in babel.cfg's order: the templates first
        for path, lineno, message, comments, _context in extract_from_dir(
            str(ROOT), [(pattern, method)], options_map, keywords=TEMPLATE_KEYWORDS
        ):
            if isinstance(message, str) and message:
                yield path, lineno, message, comments


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("govshare")
    except Exception:  # not installed: the header is cosmetic
        return "0.0"


def build_template(creation_date: Any = None) -> Catalog:
    """The .pot: extracted messages, then the dynamic ids."""
    catalog = Catalog(
        project="govshare",
        version=_version(),
        copyright_holder="govshare",
        msgid_bugs_address="",
        charset="utf-8",
        fuzzy=False,
        **({"creation_date": creation_date} if creation_date else {}),
    )
    for path, lineno, message, comments in extracted():
        catalog.add(message, locations=[(path, lineno)], auto_comments=comments)
    for d in dynamic_messages():
        catalog.add(
            d.msgid, locations=[(d.path, d.lineno)], auto_comments=[f"dynamic: {d.comment}"]
        )
    return catalog


def _render(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100)
    return out.getvalue()


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _write_if_changed(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def extract() -> int:
    """Regenerates messages.pot; leaves it alone (and its date) when no message changed."""
    template = build_template(_read(POT).creation_date if POT.exists() else None)
    changed = not (POT.exists() and POT.read_bytes() == _render(template))
    if changed:
        template.creation_date = datetime.now().astimezone()
        _write_if_changed(POT, _render(template))
    print(f"{_relative(POT)}: {len(template)} messages{'' if changed else ', unchanged'}")
    for path, lineno, call in untranslatable():
        print(f"warning: {path}:{lineno}: {call}(f-string) cannot be translated", file=sys.stderr)
    return 0


def update() -> int:
    """Merges messages.pot into every locale's messages.po (creating it if need be)."""
    if not POT.exists():
        print(f"{_relative(POT)} is missing: run `extract` first", file=sys.stderr)
        return 1
    template = _read(POT)
    for locale in LOCALES:
        path = po_path(locale)
        if path.exists():
            catalog = _read(path, locale)
        else:
            catalog = Catalog(
                locale=locale, project="govshare", version=_version(), copyright_holder="govshare"
            )
        catalog.update(template)
        catalog.fuzzy = False
        changed = _write_if_changed(path, _render(catalog))
        missing = untranslated(locale) if locale == CHECKED_LOCALE else []
        note = f", {len(missing)} untranslated" if missing else ""
        print(f"{_relative(path)}: {'updated' if changed else 'unchanged'}{note}")
    return 0


def po_path(locale: str) -> Path:
    """The catalogue of a locale."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def untranslated(locale: str = CHECKED_LOCALE) -> list[str]:
    """The ids of the locale's .po without a usable (non-empty, non-fuzzy) translation."""
    catalog = _read(po_path(locale), locale)
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def check() -> int:
    """Fails when a freshly extracted id has no usable zh_CN translation."""
    catalog = _read(po_path(CHECKED_LOCALE), CHECKED_LOCALE)
    usable = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    missing = [m.id for m in build_template() if m.id and m.id not in usable]
    for msgid in missing:
        print(f"untranslated ({CHECKED_LOCALE}): {msgid!r}", file=sys.stderr)
    print(f"{CHECKED_LOCALE}: {len(missing)} of the extracted ids untranslated")
    return 1 if missing else 0


def fill(files: list[Path]) -> int:
    """Sets zh_CN translations from JSON files of {msgid: translation}; unknown ids are listed."""
    path = po_path(CHECKED_LOCALE)
    catalog = _read(path, CHECKED_LOCALE)
    unknown = 0
    for file in files:
        for msgid, text in json.loads(file.read_text(encoding="utf-8")).items():
            message = catalog.get(msgid)
            if message is None:
                print(f"{file}: not an extracted id: {msgid!r}", file=sys.stderr)
                unknown += 1
                continue
            message.string = text
            message.flags.discard("fuzzy")
    _write_if_changed(path, _render(catalog))
    print(f"{_relative(path)}: {len(untranslated())} untranslated")
    return 1 if unknown else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("extract", "update", "check", "fill"))
    parser.add_argument("files", nargs="*", type=Path, help="fill: JSON files of translations")
    args = parser.parse_args(argv)
    if args.command == "fill":
        return fill(args.files)
    return {"extract": extract, "update": update, "check": check}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
