"""Validation of loaded rows: every problem with its row and column, nothing coerced (GZ 18, 20, 22; ZS 17)."""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from govshare.datastore import records
from govshare.datastore.parsing import SourceRow
from govshare.datastore.service import canonical_json
from govshare.datastore.validation import (
    CleanRow,
    ItemSpec,
    Problem,
    Validator,
    convert,
    normalise_key,
)
from govshare.kit.demo_codes import make_uscc
from tests.datastore.builders import ITEMS, person, ric_number

SPECS = [ItemSpec.from_snapshot(i) for i in ITEMS]


def _validator(key_type: str = "resident_id", specs: list[ItemSpec] | None = None) -> Validator:
    return Validator(specs or SPECS, key_type)


def _check(
    values: dict[str, Any], number: int = 2, delete: bool = False, v: Validator | None = None
) -> CleanRow | list[Problem]:
    return (v or _validator()).check(SourceRow(number=number, values=values, delete=delete))


def _problems(values: dict[str, Any], **kwargs: Any) -> list[tuple[int, str, str]]:
    result = _check(values, **kwargs)
    assert isinstance(result, list), result
    return [(p.row, p.column, p.reason) for p in result]


def test_a_valid_row_is_normalised_into_its_payload() -> None:
    row = _check(person(1, 公民身份号码=ric_number(1).lower() + " "))
    assert isinstance(row, CleanRow)
    assert row.subject == ric_number(1)
    # The subject key is not in the payload: it is stored only hashed and encrypted.
    assert row.payload == {
        "出生日期": "1990-03-07",
        "姓名": "测试人1",
        "婚姻状况": "未婚",
        "子女数": 1,
        "是否户主": True,
        "月收入": "5001.50",
        "登记时间": "2024-05-01T08:30:00",
    }
    assert list(row.payload) == sorted(row.payload)


def test_english_names_are_accepted_as_columns() -> None:
    english = {next(i["name_en"] for i in ITEMS if i["name"] == k): v for k, v in person(1).items()}
    assert isinstance(_check({k.upper(): v for k, v in english.items()}), CleanRow)


# GZ 20, 22: natural persons are identified by their legal identity document number.
@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "the subject key is missing"),
        (
            "44010619900307123",
            "not a valid resident identity number (The number has an invalid length)",
        ),
        (
            "440106199003071232",
            "not a valid resident identity number (The number's checksum or check digit is invalid)",
        ),
        ("440106199002301230", "not a valid resident identity number"),
    ],
)
def test_invalid_identity_numbers_are_reported_without_the_value(value: str, reason: str) -> None:
    problems = _problems(person(1, 公民身份号码=value), number=7)
    assert len(problems) == 1
    row, column, text = problems[0]
    assert (row, column) == (7, "公民身份号码") and text.startswith(reason)
    if value:
        assert value not in text  # a mistyped number is still personal data


def test_a_key_stored_as_a_floating_point_cell_is_reported() -> None:
    problems = _problems(person(1, 公民身份号码=4.40106199003071e17))
    assert problems == [
        (
            2,
            "公民身份号码",
            "the key is stored as a number and lost digits; format the column as text",
        )
    ]


def test_credit_codes_are_validated_for_organisation_resources() -> None:
    specs = [ItemSpec("统一社会信用代码", "string", 18, True), ItemSpec("名称", "string", 100)]
    v = _validator("credit_code", specs)
    good = make_uscc("440100", 12345)
    row = _check({"统一社会信用代码": good.lower(), "名称": "某公司"}, v=v)
    assert isinstance(row, CleanRow) and row.subject == good
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert _problems({"统一社会信用代码": bad, "名称": "某公司"}, v=v)[0][1:] == (
        "统一社会信用代码",
        "not a valid unified social credit code (The number's checksum or check digit is invalid)",
    )


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("姓名", "名" * 51, "longer than 50 characters"),
        ("子女数", "two", "expected a whole number"),
        ("子女数", "1.5", "expected a whole number"),
        ("子女数", "100", "more than 2 digits"),
        ("子女数", True, "expected a whole number"),
        ("月收入", "12,000", "expected a number"),
        ("月收入", "12345678901", "more than 10 digits"),
        ("出生日期", "1990-02-30", "not a calendar date"),
        ("出生日期", "07/03/1990", "expected a date (YYYY-MM-DD)"),
        ("出生日期", datetime(1990, 3, 7, 12, 0), "expected a date, got a date and time"),
        ("登记时间", "yesterday", "expected a date and time (YYYY-MM-DD HH:MM:SS)"),
        ("是否户主", "maybe", "expected true or false (是/否, 1/0)"),
        ("是否户主", 2, "expected true or false (是/否, 1/0)"),
        ("姓名", date(2024, 1, 1), "expected text"),
    ],
)
def test_each_kind_of_bad_value_is_reported_with_row_and_column(
    column: str, value: Any, reason: str
) -> None:
    assert _problems(person(1, **{column: value}), number=12) == [(12, column, reason)]


def test_every_problem_of_a_row_is_reported_not_just_the_first() -> None:
    problems = _problems(person(1, 公民身份号码="x", 子女数="many", 出生日期="never"))
    assert [c for _, c, _ in problems] == ["公民身份号码", "出生日期", "子女数"]


@pytest.mark.parametrize(
    ("data_type", "given", "stored"),
    [
        ("string", "  张三 ", "张三"),
        ("string", "", None),
        ("string", 42, "42"),
        ("integer", "+7", 7),
        ("integer", 3.0, 3),
        ("decimal", "012.50", "12.50"),
        ("decimal", ".5", "0.5"),
        ("decimal", 0.1, "0.1"),
        ("date", "2024/1/31", "2024-01-31"),
        ("date", "20240131", "2024-01-31"),
        ("date", "2024年1月31日", "2024-01-31"),
        ("date", datetime(2024, 1, 31), "2024-01-31"),
        ("datetime", "2024-01-31T08:00:00+08:00", "2024-01-31T08:00:00+08:00"),
        ("datetime", "2024/1/31 8:05", "2024-01-31T08:05:00"),
        ("boolean", "否", False),
        ("boolean", "TRUE", True),
        ("boolean", 1, True),
        ("binary", "aGVsbG8=", "aGVsbG8="),
    ],
)
def test_accepted_forms_and_their_stored_value(data_type: str, given: Any, stored: Any) -> None:
    assert convert(ItemSpec("x", data_type), given) == stored


def test_binary_must_be_base64() -> None:
    with pytest.raises(ValueError, match="base64"):
        convert(ItemSpec("x", "binary"), "not base64!")


def test_a_subject_twice_in_one_load_is_reported_at_the_second_row() -> None:
    v = _validator()
    assert isinstance(_check(person(1), number=2, v=v), CleanRow)
    assert _problems(person(1, 姓名="又一个"), number=9, v=v) == [
        (9, "公民身份号码", "the same subject as row 2 (a load names each subject once)")
    ]


def test_unknown_and_missing_items_in_a_json_row() -> None:
    values = person(1)
    del values["婚姻状况"]
    values["手机号码"] = "13800000000"
    assert _problems(values) == [
        (2, "手机号码", "no data item of this resource has this name (or it is repeated)"),
        (2, "婚姻状况", "missing: every row gives every data item (null when empty)"),
    ]


def test_a_tombstone_needs_only_its_subject() -> None:
    row = _check({"公民身份号码": ric_number(1)}, delete=True)
    assert isinstance(row, CleanRow) and row.delete and row.payload == {}


def test_header_problems_unknown_repeated_and_missing_columns() -> None:
    problems = _validator().check_columns(["公民身份号码", "name", "姓名", "电话", ""])
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (1, "姓名", "names the same data item as column name"),
        (1, "电话", "no data item of this resource has this name"),
        (1, "", "a column has no name"),
        (1, "婚姻状况", "no column for this data item"),
        (1, "出生日期", "no column for this data item"),
        (1, "子女数", "no column for this data item"),
        (1, "月收入", "no column for this data item"),
        (1, "登记时间", "no column for this data item"),
        (1, "是否户主", "no column for this data item"),
    ]
    assert any(
        p.reason == "the subject key column is missing"
        for p in _validator().check_columns(["姓名"])
    )
    # A list of deletions may name only the key; its other rows are checked one by one.
    assert _validator().check_columns(["公民身份号码", "_delete"]) == []
    assert [p.reason for p in _validator().check_columns(["姓名", "_delete"])] == [
        "the subject key column is missing"
    ]


def _stdnum(module: Any, value: str) -> str | None:
    try:
        return str(module.validate(value)).upper()
    except ValidationError:
        return None


def _ours(key_type: str, value: str) -> str | None:
    try:
        return normalise_key(key_type, value)
    except Exception:
        return None


def test_fast_identity_number_check_agrees_with_stdnum() -> None:
    rng = random.Random(20)
    samples = [ric_number(n) for n in range(2000)]
    for _ in range(3000):
        region = rng.choice(["440106", "440104", "110101", "999999", "440117", "310115"])
        born = f"{rng.randint(1900, 2030)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}"
        body = f"{region}{born}{rng.randint(0, 999):03d}"
        digit = rng.choice([ric.calc_check_digit(body + "0"), str(rng.randint(0, 9)), "X", "x"])
        samples.append(body + digit)
    for value in samples:
        assert _ours("resident_id", value) == _stdnum(ric, value), value


@given(st.text(alphabet="0123456789Xx -", min_size=15, max_size=20))
def test_fast_identity_number_check_agrees_with_stdnum_on_any_text(value: str) -> None:
    assert _ours("resident_id", value) == _stdnum(ric, value)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZab -", min_size=16, max_size=20))
def test_fast_credit_code_check_agrees_with_stdnum(value: str) -> None:
    assert _ours("credit_code", value) == _stdnum(uscc, value)


def test_fast_credit_code_check_on_valid_codes() -> None:
    for n in range(500):
        code = make_uscc("440100", n * 7919)
        assert _ours("credit_code", code) == code == records.normalise_subject("credit_code", code)


payload_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
)


@given(st.dictionaries(st.text(max_size=5), payload_values, max_size=6))
def test_canonical_json_is_exactly_what_records_digest_hashes(payload: dict[str, Any]) -> None:
    assert canonical_json(payload) == json.dumps(payload, sort_keys=True, ensure_ascii=False)
    assert canonical_json(dict(sorted(payload.items()))) == json.dumps(
        payload, sort_keys=True, ensure_ascii=False
    )
