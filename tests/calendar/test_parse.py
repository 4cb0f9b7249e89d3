"""Validation of schedule files: every problem is named with its line or entry."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from govshare.calendar.schemas import DayKind, ScheduleEntry
from govshare.calendar.service import parse_schedule
from govshare.kit.errors import Invalid

# Made-up schedules for testing the format: NOT the real 2027 State Council schedule.
GOOD_CSV = """date,kind,name
# an example, not a real schedule
2027-03-01,holiday,Example Day
2027-03-02,holiday,Example Day

2027-03-06,workday,Example Day
2027-03-07,holiday,Example Day
"""

GOOD_TOML = """
year = 2027
notice = "example notice, not real"
holidays = [
  { date = 2027-03-01, name = "Example Day" },
  { from = 2027-05-03, to = 2027-05-05, name = "Example Week" },
  { date = "2027-06-01" },
  2027-06-02,
]
workdays = [
  { date = 2027-03-06, name = "Example Day" },
]
"""


def problems_of(content: str | bytes, filename: str = "s.csv", **kwargs: object) -> str:
    with pytest.raises(Invalid) as caught:
        parse_schedule(content, filename, **kwargs)  # type: ignore[arg-type]
    assert "nothing changed" in caught.value.message or "file" in caught.value.message
    return caught.value.message


def test_a_good_csv_gives_its_year_and_sorted_entries() -> None:
    parsed = parse_schedule(GOOD_CSV, "schedules/2027.csv")
    assert parsed.year == 2027
    assert parsed.source_file == "2027.csv"
    assert parsed.entries == (
        ScheduleEntry(day=date(2027, 3, 1), kind=DayKind.HOLIDAY, name="Example Day"),
        ScheduleEntry(day=date(2027, 3, 2), kind=DayKind.HOLIDAY, name="Example Day"),
        ScheduleEntry(day=date(2027, 3, 6), kind=DayKind.WORKDAY, name="Example Day"),
        ScheduleEntry(day=date(2027, 3, 7), kind=DayKind.HOLIDAY, name="Example Day"),
    )
    assert (parsed.holidays, parsed.workdays) == (3, 1)
    assert parsed.sha256 == hashlib.sha256(GOOD_CSV.encode()).hexdigest()


def test_a_good_toml_with_ranges_and_bare_dates() -> None:
    parsed = parse_schedule(GOOD_TOML, "2027.toml")
    assert parsed.year == 2027
    assert parsed.notice == "example notice, not real"
    holidays = [e.day for e in parsed.entries if e.kind is DayKind.HOLIDAY]
    assert holidays == [
        date(2027, 3, 1),
        date(2027, 5, 3),
        date(2027, 5, 4),
        date(2027, 5, 5),
        date(2027, 6, 1),
        date(2027, 6, 2),
    ]
    assert [e.name for e in parsed.entries if e.day == date(2027, 5, 4)] == ["Example Week"]
    assert [e.day for e in parsed.entries if e.kind is DayKind.WORKDAY] == [date(2027, 3, 6)]


def test_excel_csv_with_bom_or_in_gb18030_is_read() -> None:
    text = "date,kind,name\r\n2027-03-01,holiday,示例节日\r\n"
    for raw in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gb18030")):
        (entry,) = parse_schedule(raw, "2027.CSV").entries
        assert entry.name == "示例节日"


def test_kind_is_case_and_space_insensitive() -> None:
    parsed = parse_schedule("date,kind,name\n 2027-03-01 , Holiday ,x\n", "a.csv")
    assert parsed.entries[0].kind is DayKind.HOLIDAY


def test_a_weekend_marked_holiday_is_fine() -> None:
    parsed = parse_schedule("date,kind,name\n2027-03-07,holiday,Sunday off\n", "a.csv")
    assert parsed.entries[0].day.weekday() == 6


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2027-02-30,holiday,x", "line 3: '2027-02-30' is not a date of the calendar"),
        ("2027/03/03,holiday,x", "line 3: '2027/03/03' is not a date written YYYY-MM-DD"),
        ("20270303,holiday,x", "line 3: '20270303' is not a date written YYYY-MM-DD"),
        ("2027-03-03,vacation,x", "line 3: unknown kind 'vacation'; expected holiday or workday"),
        ("2027-03-03,holiday", "line 3: expected 3 columns (date,kind,name), found 2"),
        ("2027-03-03,holiday,x,y", "line 3: expected 3 columns (date,kind,name), found 4"),
        ("2027-03-01,holiday,again", "line 3: 2027-03-01 is already listed (line 2)"),
        ("2027-03-01,HOLIDAY,again", "line 3: 2027-03-01 is already listed (line 2)"),
        ("2027-03-03,workday,x", "line 3: 2027-03-03 is a Wednesday, a working day anyway"),
        ("2027-03-03,holiday," + "n" * 101, "line 3: the name is longer than 100 characters"),
    ],
)
def test_a_bad_csv_row_is_named_with_its_line(row: str, expected: str) -> None:
    message = problems_of(f"date,kind,name\n2027-03-01,holiday,x\n{row}\n")
    assert expected in message


def test_every_problem_is_reported_at_once() -> None:
    message = problems_of("date,kind,name\n2027-13-01,holiday,x\n2027-03-01,party,x\n")
    assert "line 2:" in message
    assert "line 3:" in message


def test_many_problems_are_capped_in_the_message_but_all_kept() -> None:
    rows = "".join(f"2027-03-{d:02d},nope,x\n" for d in range(1, 31))
    with pytest.raises(Invalid) as caught:
        parse_schedule("date,kind,name\n" + rows, "a.csv")
    assert "… and 10 more" in caught.value.message
    assert len(caught.value.details["problems"]) == 30


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        ("date,kind,name\n", "the file lists no dates"),
        ("day,type\n2027-03-01,holiday\n", "line 1: the first row must be the header"),
        ('date,kind,name\n"2027-03-01,holiday,x\n', "line 2: expected 3 columns"),
    ],
)
def test_a_csv_without_header_or_dates_is_refused(content: str, expected: str) -> None:
    assert expected in problems_of(content)


def test_dates_of_several_years_are_refused_unless_allowed() -> None:
    content = "date,kind,name\n2026-12-26,workday,x\n2027-03-01,holiday,x\n"
    assert "mixes dates of the years 2026, 2027" in problems_of(content)
    assert "line 2: 2026-12-26 is not in 2027" in problems_of(content, year=2027)
    parsed = parse_schedule(content, "a.csv", year=2027, allow_other_years=True)
    assert parsed.year == 2027
    assert len(parsed.entries) == 2


def test_with_other_years_allowed_the_year_of_most_dates_is_the_schedule_year() -> None:
    content = "date,kind,name\n2027-12-25,workday,x\n2028-03-01,holiday,x\n2028-03-02,holiday,x\n"
    assert parse_schedule(content, "a.csv", allow_other_years=True).year == 2028
    tie = "date,kind,name\n2027-12-25,workday,x\n2028-03-01,holiday,x\n"
    assert "mixes dates of the years 2027, 2028" in problems_of(tie, allow_other_years=True)


def test_a_date_two_years_away_is_refused_even_when_other_years_are_allowed() -> None:
    content = "date,kind,name\n2025-12-27,workday,x\n2027-03-01,holiday,x\n"
    message = problems_of(content, year=2027, allow_other_years=True)
    assert "line 2: 2025-12-27 is too far from 2027" in message


def test_the_year_asked_for_must_match_the_file() -> None:
    assert "the file is for 2027, but 2028 was asked for" in problems_of(
        GOOD_TOML, "a.toml", year=2028
    )
    assert "line 2: 2027-03-01 is not in 2028" in problems_of(
        "date,kind,name\n2027-03-01,holiday,x\n", year=2028
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("year = 2027\nholidays = [", "not valid TOML"),
        ("holidays = [2027-03-01]", "year: missing"),
        ('year = "2027"\nholidays = [2027-03-01]', "year: must be a whole number"),
        ("year = 1999\nholidays = [1999-03-01]", "year: 1999 is not between 2000 and 2100"),
        ("year = 2027\nholiday = [2027-03-01]", "key 'holiday': unknown"),
        ("year = 2027\nholidays = 2027-03-01", "holidays: must be a list"),
        ("year = 2027\nholidays = [{dat = 2027-03-01}]", "holidays, entry 1: unknown key 'dat'"),
        ("year = 2027\nholidays = [{date = 2027-03-01T09:00:00}]", "is not a date written"),
        ("year = 2027\nholidays = [{date = 2027-03-01, name = 5}]", "name must be text"),
        (
            "year = 2027\nholidays = [{date = 2027-03-01, from = 2027-03-01, to = 2027-03-02}]",
            "either date or from and to",
        ),
        ("year = 2027\nholidays = [{from = 2027-03-01}]", "needs a date, or a from and a to"),
        (
            "year = 2027\nholidays = [{from = 2027-03-05, to = 2027-03-01}]",
            "is not a range of 1 to 31 days",
        ),
        (
            "year = 2027\nholidays = [2027-03-06]\nworkdays = [{date = 2027-03-06}]",
            "workdays, entry 1: 2027-03-06 is already listed (holidays, entry 1)",
        ),
        (
            "year = 2027\nworkdays = [{from = 2027-03-05, to = 2027-03-06}]",
            "workdays, entry 1: 2027-03-05 is a Friday",
        ),
        ("year = 2027\n", "the file lists no dates for 2027"),
    ],
)
def test_a_bad_toml_is_refused_naming_the_entry(content: str, expected: str) -> None:
    assert expected in problems_of(content, "2027.toml")


def test_a_toml_syntax_error_names_its_line() -> None:
    assert "line 3" in problems_of("year = 2027\nholidays = [\n  {date = },\n]\n", "a.toml")


def test_unknown_file_types_large_files_and_binary_are_refused() -> None:
    assert "give a .csv or a .toml file" in problems_of("x", "2027.xlsx")
    assert "larger than 256 KiB" in problems_of(b"#" * (256 * 1024 + 1), "a.csv")
    assert "not text in UTF-8 or GB18030" in problems_of(b"\xff\xfe\x00\x81\x30", "a.csv")
