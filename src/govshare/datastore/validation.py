"""Checking loaded rows against a resource's published data items: every problem reported, nothing coerced.

A row is accepted only as the catalogue declares it (GZ 18; ZS 17: providers guarantee the
validity of what they share): the subject key present and valid (GZ 20, 22: resident
identity number or unified social credit code), each value of its item's type and within
its length, no column the catalogue does not know, no subject twice in one load. A value
that does not fit is reported with its row and column and never guessed at. Problems never
quote the value: a mistyped identity number is still personal data (and the reports are
stored with the load).

What is accepted, per type (surrounding spaces are ignored, an empty value is null):

| type | text (CSV, JSON strings) | native (XLSX cells, JSON values) |
|---|---|---|
| string | as is | whole numbers as digits |
| integer | ``-12``, ``+7`` | whole numbers |
| decimal | ``12.50``, ``-0.5`` (kept as written, stored as text) | numbers |
| date | ``2024-01-31``, ``2024/1/31``, ``20240131``, ``2024年1月31日`` | dates, midnight date-times |
| datetime | ISO 8601, ``2024/1/31 08:00[:00]`` | date-times |
| boolean | ``true/false``, ``1/0``, ``yes/no``, ``y/n``, ``是/否`` | true/false, 1/0 |
| binary | base64 | — |

Lengths count characters (string), digits (integer, decimal) or decoded bytes (binary).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from govshare.catalogue.enums import DataType, SubjectKeyType
from govshare.datastore import records
from govshare.datastore.parsing import DELETE_COLUMN, SourceRow
from govshare.kit.errors import Invalid


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """A data item as published in the sharing directory."""

    name: str
    data_type: str
    length: int | None = None
    is_subject_key: bool = False
    name_en: str = ""

    @classmethod
    def from_snapshot(cls, item: dict[str, Any]) -> ItemSpec:
        """From an item of a published snapshot."""
        return cls(
            name=item["name"],
            name_en=item.get("name_en") or "",
            data_type=item.get("data_type") or DataType.STRING,
            length=item.get("length"),
            is_subject_key=bool(item.get("is_subject_key")),
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one value (or row, when `column` is empty) was refused."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)  # not frozen: made once per row of a load
class CleanRow:
    """An accepted row: the normalised subject key and the payload by item name (sorted)."""

    number: int
    subject: str
    payload: dict[str, Any]
    delete: bool = False


class _Bad(Exception):
    """A value does not fit its item (the message is the reason)."""


# --- subject keys (GZ 20, 22) ------------------------------------------------------------------

_USCC = re.compile(r"[0-9]{8}[0-9A-HJ-NP-RTUW-Y]{10}")
_USCC_ALPHABET = {c: i for i, c in enumerate("0123456789ABCDEFGHJKLMNPQRTUWXY")}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@lru_cache(maxsize=1 << 17)
def _ric_prefix_ok(prefix: str) -> bool:
    """Whether the region and birth date (the first 14 digits) pass stdnum's checks; memoised."""
    try:
        ric.get_birth_date(prefix + "0000")
        ric.get_birth_place(prefix + "0000")
    except ValidationError:
        return False
    return True


def _fast_ric(value: str) -> str | None:
    """`ric.validate` for an ASCII number already in compact form, with the date and region checks memoised.

    stdnum looks the region up in its database on every call (~0.3 ms); a load checks
    millions of numbers that share a few thousand (region, birth date) prefixes. Anything
    unusual returns None and goes the stdnum way, which also gives the reason.
    """
    if not value.isascii():
        return None
    number = value.strip().upper()
    body = number[:17]
    if len(number) != 18 or not body.isdigit():
        return None
    check = (1 - 2 * int(body, 13)) % 11  # stdnum's own formula (ISO 7064 MOD 11-2)
    if number[17] != ("X" if check == 10 else str(check)) or not _ric_prefix_ok(number[:14]):
        return None
    return number


def _fast_uscc(value: str) -> str | None:
    """`uscc.validate` for an ASCII code already in compact form (else None: ask stdnum)."""
    if not value.isascii():
        return None
    code = value.strip().upper()
    if not _USCC.fullmatch(code):
        return None
    total = sum(_USCC_ALPHABET[c] * w for c, w in zip(code, _USCC_WEIGHTS, strict=False))
    if code[17] != "0123456789ABCDEFGHJKLMNPQRTUWXY"[(31 - total) % 31]:
        return None
    return code


def normalise_key(key_type: str, value: str) -> str:
    """`records.normalise_subject`, fast for well-formed keys; raises _Bad with stdnum's reason."""
    fast = (
        _fast_ric(value)
        if key_type == SubjectKeyType.RESIDENT_ID
        else _fast_uscc(value)
        if key_type == SubjectKeyType.CREDIT_CODE
        else None
    )
    if fast is not None:
        return fast
    try:
        return records.normalise_subject(key_type, value)
    except Invalid as exc:
        what = {
            SubjectKeyType.RESIDENT_ID: "not a valid resident identity number",
            SubjectKeyType.CREDIT_CODE: "not a valid unified social credit code",
        }.get(SubjectKeyType(key_type), "not a valid key")
        detail = str(exc.__cause__ or "").rstrip(".")
        raise _Bad(f"{what} ({detail})" if detail else what) from exc


# --- values ------------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)
_SLASH_DATETIME = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_TRUE = frozenset({"true", "1", "yes", "y", "t", "是"})
_FALSE = frozenset({"false", "0", "no", "n", "f", "否"})
_EXACT_FLOAT = 2**53


def _text(value: Any) -> str | None:
    """A value given as text, stripped; None for empty; _Bad for what is not text."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool | date | datetime):
        raise _Bad("expected text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT:
            return str(int(value))
        raise _Bad("a number stored as a floating-point cell; format the column as text")
    raise _Bad("expected text")


def _as_string(value: Any, length: int | None) -> Any:
    if isinstance(value, str):  # the common case first
        text: str | None = value.strip() or None
    elif isinstance(value, float) and not value.is_integer():
        text = repr(value)
    else:
        text = _text(value)
    if text is not None and length is not None and len(text) > length:
        raise _Bad(f"longer than {length} characters")
    return text


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _as_integer(value: Any, length: int | None) -> Any:
    if isinstance(value, bool):
        raise _Bad("expected a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise _Bad("expected a whole number")
        number = int(value)
    else:
        text = _text(value)
        if text is None:
            return None
        if not _INTEGER.fullmatch(text):
            raise _Bad("expected a whole number")
        number = int(text)
    if length is not None and _digits(str(number)) > length:
        raise _Bad(f"more than {length} digits")
    return number


def _as_decimal(value: Any, length: int | None) -> Any:
    if isinstance(value, bool):
        raise _Bad("expected a number")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Bad("expected a number")
        text = repr(value)
    else:
        given = _text(value)
        if given is None:
            return None
        if not _DECIMAL.fullmatch(given):
            raise _Bad("expected a number")
        text = given
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise _Bad("expected a number") from exc
    out = format(number, "f")
    unsigned = out.lstrip("-")
    if (
        length is not None
        and _digits(unsigned[2:] if unsigned.startswith("0.") else unsigned) > length
    ):
        raise _Bad(f"more than {length} digits")
    return out


@lru_cache(maxsize=65536)
def _iso_date(text: str) -> str:
    """The ISO form of a date written in one of the accepted ways (dates repeat: memoised)."""
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups())).isoformat()
            except ValueError as exc:
                raise _Bad("not a calendar date") from exc
    raise _Bad("expected a date (YYYY-MM-DD)")


def _as_date(value: Any, length: int | None) -> Any:
    if isinstance(value, str):
        text = value.strip()
        return _iso_date(text) if text else None
    if isinstance(value, datetime):
        if value.time() != datetime.min.time() or value.tzinfo is not None:
            raise _Bad("expected a date, got a date and time")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return None
    raise _Bad("expected a date (YYYY-MM-DD)")


def _as_datetime(value: Any, length: int | None) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat()
    if isinstance(value, bool | int | float):
        raise _Bad("expected a date and time (YYYY-MM-DD HH:MM:SS)")
    text = _text(value)
    if text is None:
        return None
    match = _SLASH_DATETIME.fullmatch(text)
    try:
        if match:
            y, mo, d, h, mi, sec = (int(g or 0) for g in match.groups())
            return datetime(y, mo, d, h, mi, sec).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError as exc:
        raise _Bad("expected a date and time (YYYY-MM-DD HH:MM:SS)") from exc


def _as_boolean(value: Any, length: int | None) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise _Bad("expected true or false (是/否, 1/0)")
    text = _text(value)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _Bad("expected true or false (是/否, 1/0)")


def _as_binary(value: Any, length: int | None) -> Any:
    if not isinstance(value, str | None):
        raise _Bad("expected base64 text")
    text = _text(value)
    if text is None:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _Bad("expected base64 text") from exc
    if length is not None and len(raw) > length:
        raise _Bad(f"longer than {length} bytes")
    return text


CONVERTERS = {
    DataType.STRING: _as_string,
    DataType.INTEGER: _as_integer,
    DataType.DECIMAL: _as_decimal,
    DataType.DATE: _as_date,
    DataType.DATETIME: _as_datetime,
    DataType.BOOLEAN: _as_boolean,
    DataType.BINARY: _as_binary,
}


def convert(item: ItemSpec, value: Any) -> Any:
    """The stored form of a value of the item; raises ValueError with the reason when it does not fit."""
    try:
        return CONVERTERS[DataType(item.data_type)](value, item.length)
    except _Bad as exc:
        raise ValueError(str(exc)) from exc


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """How the keys of a row map to items (the same for every row of a file with a header)."""

    key_column: str | None
    columns: tuple[tuple[str, str, Any, int | None], ...]  # column, item name, converter, length
    unknown: tuple[str, ...]
    missing: tuple[str, ...]


class Validator:
    """Checks the rows of one load against a resource's published items."""

    def __init__(self, items: Sequence[ItemSpec], key_type: str) -> None:
        keys = [i for i in items if i.is_subject_key]
        if len(keys) != 1:
            raise Invalid("the resource has no subject key item to load by", code="no_subject_key")
        self.key = keys[0]
        self.key_type = key_type
        self.items = list(items)
        self._labels: dict[str, ItemSpec] = {i.name: i for i in items}
        for i in items:
            if i.name_en and i.name_en.casefold() not in self._labels:
                self._labels[i.name_en.casefold()] = i
        self._seen: dict[str, int] = {}
        self._plans: dict[tuple[str, ...], _Plan] = {}

    def item_of(self, label: str) -> ItemSpec | None:
        """The item a column or key names: its name, or its English name in any case."""
        label = label.strip()
        return self._labels.get(label) or self._labels.get(label.casefold())

    def check_columns(self, columns: Sequence[str]) -> list[Problem]:
        """Problems of a file's header (row 1): unknown, repeated and missing columns (all fatal, even to a partial load)."""
        problems: list[Problem] = []
        named: dict[str, str] = {}
        for column in columns:
            if column == DELETE_COLUMN or column == "_problems":
                continue
            if not column:
                problems.append(Problem(1, "", "a column has no name"))
                continue
            item = self.item_of(column)
            if item is None:
                problems.append(Problem(1, column, "no data item of this resource has this name"))
            elif item.name in named:
                problems.append(
                    Problem(1, column, f"names the same data item as column {named[item.name]}")
                )
            else:
                named[item.name] = column
        # A file with a _delete column may leave the other items out (a list of deletions);
        # its rows that are not deletions are then checked for them one by one.
        deletions = DELETE_COLUMN in columns
        for item in self.items:
            if item.name not in named and (item.is_subject_key or not deletions):
                reason = (
                    "the subject key column is missing"
                    if item.is_subject_key
                    else "no column for this data item"
                )
                problems.append(Problem(1, item.name, reason))
        return problems

    def _plan(self, keys: tuple[str, ...]) -> _Plan:
        plan = self._plans.get(keys)
        if plan is not None:
            return plan
        key_column = None
        columns = []
        unknown = []
        found = set()
        for column in keys:
            item = self.item_of(column)
            if item is None or item.name in found:
                unknown.append(column)
                continue
            found.add(item.name)
            if item.is_subject_key:
                key_column = column
            else:
                columns.append(
                    (column, item.name, CONVERTERS[DataType(item.data_type)], item.length)
                )
        columns.sort(key=lambda c: c[1])  # payloads are built in item-name order
        missing = tuple(i.name for i in self.items if i.name not in found and not i.is_subject_key)
        plan = _Plan(key_column, tuple(columns), tuple(unknown), missing)
        if len(self._plans) < 64:
            self._plans[keys] = plan
        return plan

    def check(self, row: SourceRow) -> CleanRow | list[Problem]:
        """The accepted row, or every problem of the row."""
        number = row.number
        values = row.values
        keys = tuple(values)
        plan = self._plans.get(keys) or self._plan(keys)
        problems = [Problem(number, c, r) for c, r in row.problems] if row.problems else []
        for column in plan.unknown:
            problems.append(
                Problem(
                    number,
                    column,
                    "no data item of this resource has this name (or it is repeated)",
                )
            )
        subject = self._subject(number, plan.key_column, values, problems)
        payload: dict[str, Any] = {}
        if not row.delete:
            for name in plan.missing:
                problems.append(
                    Problem(
                        number, name, "missing: every row gives every data item (null when empty)"
                    )
                )
            for column, name, conv, length in plan.columns:
                value = values[column]
                if conv is _as_string and value.__class__ is str:  # the common case, inline
                    value = value.strip() or None
                    if value is not None and length is not None and len(value) > length:
                        problems.append(Problem(number, column, f"longer than {length} characters"))
                    payload[name] = value
                    continue
                try:
                    payload[name] = conv(value, length)
                except _Bad as exc:
                    problems.append(Problem(number, column, str(exc)))
        if problems or subject is None:
            return problems
        return CleanRow(number, subject, payload, row.delete)

    def _subject(
        self, number: int, column: str | None, values: dict[str, Any], problems: list[Problem]
    ) -> str | None:
        label = column or self.key.name
        raw = values.get(column) if column is not None else None
        try:
            text = (raw.strip() or None) if raw.__class__ is str else _text(raw)
        except _Bad:
            if isinstance(raw, float):
                problems.append(
                    Problem(
                        number,
                        label,
                        "the key is stored as a number and lost digits; format the column as text",
                    )
                )
            else:
                problems.append(Problem(number, label, "the subject key must be text"))
            return None
        if text is None:
            problems.append(Problem(number, label, "the subject key is missing"))
            return None
        try:
            subject = normalise_key(self.key_type, text)
        except _Bad as exc:
            problems.append(Problem(number, label, str(exc)))
            return None
        if self.key.length is not None and len(subject) > self.key.length:
            problems.append(Problem(number, label, f"longer than {self.key.length} characters"))
            return None
        first = self._seen.setdefault(subject, number)
        if first != number:
            problems.append(
                Problem(
                    number,
                    label,
                    f"the same subject as row {first} (a load names each subject once)",
                )
            )
            return None
        return subject
