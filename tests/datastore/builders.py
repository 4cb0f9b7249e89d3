"""Builders of connected-data tests: valid identity numbers, a provider with a published resource, files."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from stdnum.cn import ric

from govshare.catalogue.models import Resource
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role
from tests.catalogue import builders as catalogue
from tests.orgs import builders as orgs

# Districts of Guangzhou whose codes are valid for every birth year used here.
REGIONS = ("440103", "440104", "440105", "440106", "440111", "440112")
_serial = itertools.count(1)

ITEMS: list[dict[str, Any]] = [
    {
        "name": "公民身份号码",
        "name_en": "id_number",
        "data_type": "string",
        "length": 18,
        "is_subject_key": True,
    },
    {"name": "姓名", "name_en": "name", "data_type": "string", "length": 50},
    {"name": "婚姻状况", "name_en": "marital_status", "data_type": "string", "length": 10},
    {"name": "出生日期", "name_en": "birth_date", "data_type": "date"},
    {"name": "子女数", "name_en": "children", "data_type": "integer", "length": 2},
    {"name": "月收入", "name_en": "income", "data_type": "decimal", "length": 10},
    {"name": "登记时间", "name_en": "registered_at", "data_type": "datetime"},
    {"name": "是否户主", "name_en": "head_of_household", "data_type": "boolean"},
]


def ric_number(n: int, *, born: date = date(1990, 3, 7)) -> str:
    """The n-th valid resident identity number (correct check digit, real district, real birth date)."""
    body = f"{REGIONS[n % len(REGIONS)]}{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid row for the ITEMS resource, as text (like a CSV row)."""
    values = {
        "公民身份号码": ric_number(n),
        "姓名": f"测试人{n}",
        "婚姻状况": "未婚" if n % 2 else "已婚",
        "出生日期": "1990-03-07",
        "子女数": str(n % 3),
        "月收入": f"{5000 + n}.50",
        "登记时间": "2024-05-01 08:30:00",
        "是否户主": "是" if n % 2 else "否",
    }
    values.update(overrides)
    return values


def provider(session: Session) -> tuple[Department, Actor]:
    """A providing department and its data officer."""
    dept = orgs.department(session)
    officer = orgs.user(session, role=Role.DATA_OFFICER, dept=dept)
    return dept, orgs.actor_of(officer)


def resource(session: Session, dept: Department, **overrides: Any) -> Resource:
    """A published resource keyed by resident identity number with items of every type."""
    values: dict[str, Any] = {"items": ITEMS}
    values.update(overrides)
    return catalogue.published(session, dept, **values)


def csv_bytes(
    rows: list[dict[str, Any]], *, encoding: str = "utf-8", columns: list[str] | None = None
) -> bytes:
    """A CSV file of the rows (header from the first row unless given)."""
    out = io.StringIO()
    header = columns or list(rows[0])
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return out.getvalue().encode(encoding)


def jsonl_bytes(rows: list[Any]) -> bytes:
    """A JSON Lines file of the rows."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def next_n() -> int:
    """A fresh person number, so tests never share subjects by accident."""
    return next(_serial) * 7
