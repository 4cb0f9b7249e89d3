"""Reading provider files: CSV in UTF-8 (with or without BOM) or GB18030, XLSX streamed, JSON Lines.

GZ 20: departments put their data on the platform "in accordance with the city's uniform
technical standards"; these are the file formats the platform takes.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from govshare.datastore import parsing
from govshare.datastore.parsing import UnreadableFile

HEADER = "公民身份号码,姓名,婚姻状况\n"
ROWS = "440106199003071231,张三,已婚\n440104199003070017,李四,未婚\n"


def _csv(data: bytes) -> list[parsing.SourceRow]:
    return list(parsing.read(io.BytesIO(data), filename="people.csv"))


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + ROWS).encode("utf-8"),
        b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"),
        (HEADER + ROWS).encode("gb18030"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_csv_encodings_read_the_same(data: bytes) -> None:
    rows = _csv(data)
    assert [r.number for r in rows] == [2, 3]  # the header is row 1
    assert rows[0].values == {
        "公民身份号码": "440106199003071231",
        "姓名": "张三",
        "婚姻状况": "已婚",
    }


def test_gb18030_is_detected_after_a_long_ascii_start() -> None:
    # The encoding is decided at the first non-ASCII byte, even past the first chunk read.
    ascii_rows = "".join(
        f"4401061990030712{i % 10}1,Name{i},single\n" for i in range(parsing._CHUNK // 30)
    )
    data = ("id,name,status\n" + ascii_rows + "440106199003071231,张三,已婚\n").encode("gb18030")
    rows = _csv(data)
    assert rows[-1].values["name"] == "张三"


def test_a_file_that_switches_encoding_is_refused() -> None:
    # The first non-ASCII text decides (here UTF-8); GB18030 bytes further on are an error.
    utf8_rows = "".join(
        f"44010619900307123{i % 10},张三{i},已婚\n" for i in range(parsing._CHUNK // 25)
    )
    data = (HEADER + utf8_rows).encode("utf-8") + "440104199003070017,李四,未婚\n".encode("gb18030")
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor GB18030"):
        _csv(data)


def test_csv_quoted_line_breaks_and_blank_lines() -> None:
    data = (
        HEADER + '440106199003071231,"张\n三",已婚\n\n,,\n440104199003070017,李四,未婚\n'
    ).encode()
    rows = _csv(data)
    assert [r.values["姓名"] for r in rows] == ["张\n三", "李四"]
    assert (
        rows[1].number == 5
    )  # blank rows count; a cell with a line break is one row, as in a spreadsheet


def test_csv_row_with_more_values_than_the_header_is_a_row_problem() -> None:
    rows = _csv((HEADER + "440106199003071231,张三,已婚,多余\n").encode())
    assert rows[0].problems == (("", "the row has 4 values but the header names 3 columns"),)


def test_csv_delete_column_marks_tombstones() -> None:
    data = (
        "公民身份号码,姓名,_delete\n440106199003071231,张三,\n440104199003070017,,1\n440105199003070021,,是\n440105199003070021,,maybe\n"
    ).encode()
    rows = _csv(data)
    assert [r.delete for r in rows] == [False, True, True, False]
    assert "_delete" not in rows[0].values
    assert rows[3].problems and rows[3].problems[0][0] == "_delete"


def test_problems_column_of_a_rejected_file_is_ignored() -> None:
    rows = _csv("公民身份号码,姓名,_problems\n440106199003071231,张三,姓名: too long\n".encode())
    assert rows[0].values == {"公民身份号码": "440106199003071231", "姓名": "张三"}


def test_empty_and_unknown_files() -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        _csv(b"")
    with pytest.raises(UnreadableFile, match=r"load a \.csv"):
        parsing.read(io.BytesIO(b"x"), filename="people.txt")


def test_broken_quoting_is_reported_with_its_row() -> None:
    with pytest.raises(UnreadableFile, match="row 2"):
        _csv((HEADER + '"440106199003071231"x,张三,已婚\n').encode())


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_is_streamed_with_native_values_and_row_numbers() -> None:
    data = _xlsx(
        [
            ["公民身份号码", "姓名", "出生日期", "子女数", None],
            ["440106199003071231", "张三", datetime(1990, 3, 7), 2],
            [None, None, None, None],
            ["440104199003070017", "李四", datetime(1990, 3, 7), 0],
        ]
    )
    source = parsing.read(io.BytesIO(data), filename="people.xlsx")
    assert source.columns == ["公民身份号码", "姓名", "出生日期", "子女数"]
    rows = list(source)
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {
        "公民身份号码": "440106199003071231",
        "姓名": "张三",
        "出生日期": datetime(1990, 3, 7),
        "子女数": 2,
    }


def test_xlsx_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="not an Excel workbook"):
        parsing.read(io.BytesIO(b"not a zip"), filename="people.xlsx")


def test_jsonl_rows_problems_and_tombstones() -> None:
    data = (
        '{"公民身份号码": "440106199003071231", "姓名": "张三"}\n'
        "\n"
        "{not json}\n"
        '["a list"]\n'
        '{"公民身份号码": "440104199003070017", "_delete": true}\n'
        '{"公民身份号码": "440104199003070017", "_delete": "yes"}\n'
    ).encode()
    source = parsing.read(io.BytesIO(data), filename="people.jsonl")
    assert source.columns is None
    rows = list(source)
    assert [r.number for r in rows] == [1, 3, 4, 5, 6]
    assert rows[0].values["姓名"] == "张三" and not rows[0].problems
    assert rows[1].problems[0][1].startswith("not valid JSON")
    assert rows[2].problems == (("", "each record is a JSON object"),)
    assert rows[3].delete and rows[3].values == {"公民身份号码": "440104199003070017"}
    assert rows[4].problems == (("_delete", "_delete is true or false"),)


def test_open_file_by_extension_and_size_hint(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    source = parsing.open_file(path)
    assert source.size_hint == 2
    assert len(list(source)) == 2
    with pytest.raises(RuntimeError):
        list(source)  # a file is read once
