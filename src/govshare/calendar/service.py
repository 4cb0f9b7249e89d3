"""Working-day arithmetic on the State Council schedule, and the overrides the authority loads.

A day is a working day according to, first to last:
1. the overrides table (`calendar_day`: a loaded schedule file, or a day set by hand);
2. chinesecalendar, for the years it knows (2004–2026 in version 1.11);
3. Monday to Friday, for any other year; `missing_years` names such years so that the
   authority is warned to load their schedule.

Deadline convention (docs/calendar.md): the day of the triggering event is not counted;
"within N working days" ends at the end of the N-th working day after it; the consequence
of a missed deadline applies from the next calendar day.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import MAXYEAR, MINYEAR, date, datetime
from functools import cache
from pathlib import PurePath
from typing import Any

import chinese_calendar
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.calendar.models import SOURCE_FILE, SOURCE_MANUAL, CalendarDay, CalendarYear
from govshare.calendar.schemas import (
    DayKind,
    DaySource,
    LoadedYear,
    LoadResult,
    ScheduleDay,
    ScheduleEntry,
    ScheduleFile,
    YearSchedule,
    YearStatus,
)
from govshare.db import utcnow
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid, NotFound

MAX_FILE_BYTES = 256 * 1024
MAX_PROBLEMS_SHOWN = 20
MAX_NAME = 100
MAX_NOTE = 500
MIN_SCHEDULE_YEAR, MAX_SCHEDULE_YEAR = 2000, 2100
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- the built-in schedule ------------------------------------------------------------------


@cache
def builtin_knows(year: int) -> bool:
    """True when chinesecalendar has the State Council schedule of the year."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _builtin_days(year: int) -> Mapping[date, tuple[bool, str]]:
    """The days chinesecalendar names in a year it knows: date -> (is_workday, holiday name)."""
    named: dict[date, tuple[bool, str]] = {}
    if not builtin_knows(year):
        return named
    # The package's own tables, read as its get_holiday_detail does (a worked day wins), once
    # per year rather than once per day.
    for table, is_workday in (
        (chinese_calendar.holidays, False),
        (chinese_calendar.workdays, True),
    ):
        for day, name in table.items():
            if day.year == year:
                named[day] = (is_workday, str(name))
    return named


def _days_of(year: int) -> Iterable[date]:
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return (date.fromordinal(o) for o in range(first, last + 1))


# --- arithmetic -----------------------------------------------------------------------------


class WorkingCalendar:
    """Working days, reading the overrides of a range of years in one query and caching them.

    A snapshot: create one per unit of work (a request, a sweep step), not per process, so that
    a schedule loaded meanwhile is seen. Without a session only `overrides` and the built-in
    schedule apply; with both, `overrides` win over the table (a preview of a change).
    """

    def __init__(
        self, session: Session | None = None, *, overrides: Mapping[date, bool] | None = None
    ) -> None:
        self._session = session
        self._given = dict(overrides or {})
        self._from_db: dict[date, bool] = {}
        self._db_years: set[int] = set()
        self._working: dict[int, list[int]] = {}  # year -> sorted ordinals of its working days

    def preload(self, start: date, end: date) -> None:
        """Reads the overrides of every year from start's to end's in one query."""
        if self._session is None:
            return
        years = [y for y in range(start.year, end.year + 1) if y not in self._db_years]
        if not years:
            return
        lo, hi = years[0], years[-1]
        rows = self._session.execute(
            select(CalendarDay.day, CalendarDay.is_workday).where(
                CalendarDay.day >= date(lo, 1, 1), CalendarDay.day <= date(hi, 12, 31)
            )
        )
        for day, is_workday in rows:
            self._from_db[day] = is_workday
        for y in range(lo, hi + 1):
            self._db_years.add(y)
            self._working.pop(y, None)

    def _year(self, year: int) -> list[int]:
        cached = self._working.get(year)
        if cached is not None:
            return cached
        if self._session is not None and year not in self._db_years:
            self.preload(date(year, 1, 1), date(year, 1, 1))
        builtin = _builtin_days(year)
        working: list[int] = []
        for day in _days_of(year):
            if day in self._given:
                is_workday = self._given[day]
            elif day in self._from_db:
                is_workday = self._from_db[day]
            elif day in builtin:
                is_workday = builtin[day][0]
            else:
                is_workday = day.weekday() < 5
            if is_workday:
                working.append(day.toordinal())
        self._working[year] = working
        return working

    def is_working_day(self, day: date) -> bool:
        """True when the day is a working day."""
        working = self._year(day.year)
        o = day.toordinal()
        i = bisect_left(working, o)
        return i < len(working) and working[i] == o

    def add(self, start: date, n: int) -> date:
        """The n-th working day after start (start itself not counted); start when n is 0."""
        _check_n(n)
        if n == 0:
            return start
        # A guess of the span (weeks of 5 working days, plus the longest holiday) to read the
        # overrides in one query; a longer span reads the further years one query each.
        guess = start.toordinal() + n * 7 // 5 + 30
        self.preload(start, date.fromordinal(min(guess, date.max.toordinal())))
        o = start.toordinal()
        remaining = n
        year = start.year
        while True:
            working = self._year(year)
            i = bisect_right(working, o)
            available = len(working) - i
            if remaining <= available:
                return date.fromordinal(working[i + remaining - 1])
            remaining -= available
            year += 1
            if year > MAXYEAR:
                raise Invalid(
                    "{n} working days after {start} is past the year {maximum}",
                    n=n,
                    start=start.isoformat(),
                    maximum=MAXYEAR,
                )

    def between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative, -between(b, a), when b is before a."""
        if b < a:
            return -self.between(b, a)
        self.preload(a, b)
        ao, bo = a.toordinal(), b.toordinal()
        return sum(
            bisect_right(working, bo) - bisect_right(working, ao)
            for working in (self._year(y) for y in range(a.year, b.year + 1))
        )

    def due_date(self, event_day: date, n: int) -> date:
        """The last day to act "within n working days" of the event (the event day not counted)."""
        return self.add(event_day, n)


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise Invalid("the number of working days must be a whole number, not {n}", n=repr(n))
    if n < 0:
        raise Invalid(
            "the number of working days must be 0 or more, not {n}: "
            "deadlines are counted forward from the event",
            n=n,
        )


def is_working_day(session: Session, day: date) -> bool:
    """True when the day is a working day (overrides, then chinesecalendar, then Mon–Fri)."""
    return WorkingCalendar(session).is_working_day(day)


def add_working_days(session: Session, start: date, n: int) -> date:
    """The n-th working day after start, start not counted; start itself when n is 0."""
    return WorkingCalendar(session).add(start, n)


def working_days_between(session: Session, a: date, b: date) -> int:
    """The number of working days in (a, b]; negative when b is before a."""
    return WorkingCalendar(session).between(a, b)


def due_date(session: Session, event_day: date, n: int) -> date:
    """The last day on which an act due "within n working days" of the event is in time."""
    return WorkingCalendar(session).due_date(event_day, n)


def is_overdue(due_on: date, today: date) -> bool:
    """True from the calendar day after the due date: the consequence of missing it applies."""
    return today > due_on


def missing_years(session: Session, today: date, horizon: int = 1) -> list[int]:
    """Years from today's to `horizon` years on that count Mon–Fri for want of a schedule."""
    if horizon < 0:
        raise Invalid("the horizon must be 0 or more years, not {horizon}", horizon=horizon)
    years = range(today.year, today.year + horizon + 1)
    loaded = set(
        session.scalars(
            select(CalendarYear.year).where(
                CalendarYear.year >= years.start, CalendarYear.year < years.stop
            )
        )
    )
    return [y for y in years if y not in loaded and not builtin_knows(y)]


# --- a year's schedule ----------------------------------------------------------------------


def year_schedule(session: Session, *, year: int) -> YearSchedule:
    """The year's holidays and adjusted working days, each with the layer that decided it."""
    if not MINYEAR <= year <= MAXYEAR:
        raise Invalid(
            "{year} is not a year between {minimum} and {maximum}",
            year=year,
            minimum=MINYEAR,
            maximum=MAXYEAR,
        )
    loaded = session.get(CalendarYear, year)
    overrides = {
        row.day: row
        for row in session.scalars(
            select(CalendarDay).where(
                CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
            )
        )
    }
    days: list[ScheduleDay] = []
    for day, (is_workday, name) in _builtin_days(year).items():
        if day not in overrides:
            days.append(
                ScheduleDay(
                    day=day,
                    kind=DayKind.WORKDAY if is_workday else DayKind.HOLIDAY,
                    name=name,
                    source=DaySource.CHINESECALENDAR,
                )
            )
    for row in overrides.values():
        days.append(
            ScheduleDay(
                day=row.day,
                kind=DayKind.WORKDAY if row.is_workday else DayKind.HOLIDAY,
                name=row.name,
                source=DaySource.MANUAL if row.source == SOURCE_MANUAL else DaySource.FILE,
                note=row.note,
            )
        )
    days.sort(key=lambda d: d.day)
    builtin = builtin_knows(year)
    if loaded is not None:
        status = YearStatus.LOADED
    else:
        status = YearStatus.BUILTIN if builtin else YearStatus.UNKNOWN
    return YearSchedule(
        year=year,
        status=status,
        loaded=None
        if loaded is None
        else LoadedYear(
            source_file=loaded.source_file,
            sha256=loaded.sha256,
            notice=loaded.notice,
            loaded_by=loaded.loaded_by,
            loaded_at=loaded.loaded_at,
        ),
        builtin=builtin,
        days=tuple(days),
    )


# --- loading a schedule file ----------------------------------------------------------------


class _Problems:
    """The problems found in a file; all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)

    def raise_if_any(self, filename: str) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS_SHOWN]
        more = len(self.items) - len(shown)
        lines = [f"{filename}: the schedule was not loaded and nothing changed:"]
        lines += [f"  {p}" for p in shown]
        if more:
            lines.append(f"  … and {more} more")
        raise Invalid("\n".join(lines), code="bad_schedule_file", problems=self.items)


def parse_schedule(
    content: bytes | str,
    filename: str,
    *,
    year: int | None = None,
    allow_other_years: bool = False,
) -> ScheduleFile:
    """Validates a schedule file (.csv or .toml) completely; raises Invalid naming every problem."""
    name = PurePath(filename).name
    raw = content.encode("utf-8") if isinstance(content, str) else content
    if len(raw) > MAX_FILE_BYTES:
        raise Invalid(
            "{name}: the file is larger than {limit} KiB", name=name, limit=MAX_FILE_BYTES // 1024
        )
    if len(name) > 255:
        raise Invalid("the file name is longer than 255 characters")
    text = _decode(content, name)
    suffix = PurePath(name).suffix.lower()
    problems = _Problems()
    notice = ""
    if suffix == ".csv":
        entries = _parse_csv(text, problems)
        file_year = None
    elif suffix == ".toml":
        entries, file_year, notice = _parse_toml(text, name, problems)
    else:
        raise Invalid("{name}: unknown kind of file; give a .csv or a .toml file", name=name)
    schedule_year = _check_entries(entries, file_year, year, allow_other_years, problems)
    problems.raise_if_any(name)
    assert schedule_year is not None  # no problems means the year was found
    return ScheduleFile(
        year=schedule_year,
        source_file=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        notice=notice,
        entries=tuple(sorted((e for _, e in entries), key=lambda e: e.day)),
    )


def _decode(content: bytes | str, name: str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Chinese Windows saves "CSV" in GBK, which GB18030 contains.
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid("{name}: the file is not text in UTF-8 or GB18030", name=name) from None


_Located = tuple[str, ScheduleEntry]  # (where in the file, entry)


def _parse_csv(text: str, problems: _Problems) -> list[_Located]:
    entries: list[_Located] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    header_seen = False
    try:
        for row in reader:
            where = f"line {reader.line_num}"
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if not header_seen:
                if [c.lower() for c in cells] != ["date", "kind", "name"]:
                    problems.add(
                        where, f"the first row must be the header date,kind,name, not {row!r}"
                    )
                    return entries
                header_seen = True
                continue
            if len(cells) != 3:
                problems.add(where, f"expected 3 columns (date,kind,name), found {len(cells)}")
                continue
            entry = _entry(where, cells[0], cells[1], cells[2], problems)
            if entry is not None:
                entries.append((where, entry))
    except csv.Error as exc:
        problems.add(f"line {reader.line_num}", f"not readable as CSV ({exc})")
    if not header_seen and not problems.items:
        problems.add("", "the file is empty; expected the header date,kind,name and dated rows")
    return entries


_TOML_KEYS = {"year", "notice", "holidays", "workdays"}
_TOML_ENTRY_KEYS = {"date", "from", "to", "name"}
MAX_RANGE_DAYS = 31


def _parse_toml(
    text: str, name: str, problems: _Problems
) -> tuple[list[_Located], int | None, str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(
            "{name}: the schedule was not loaded and nothing changed: not valid TOML: {error}",
            code="bad_schedule_file",
            name=name,
            error=str(exc),
            problems=[f"not valid TOML: {exc}"],
        ) from None
    for key in sorted(set(data) - _TOML_KEYS):
        problems.add(f"key {key!r}", "unknown; expected year, notice, holidays, workdays")
    file_year = data.get("year")
    if file_year is None:
        problems.add("year", "missing; say which year the schedule is for, e.g. year = 2027")
    elif isinstance(file_year, bool) or not isinstance(file_year, int):
        problems.add("year", f"must be a whole number such as 2027, not {file_year!r}")
        file_year = None
    notice = data.get("notice", "")
    if not isinstance(notice, str) or len(notice) > 200:
        problems.add("notice", "must be text of at most 200 characters")
        notice = ""
    entries: list[_Located] = []
    for key, kind in (("holidays", DayKind.HOLIDAY), ("workdays", DayKind.WORKDAY)):
        items = data.get(key, [])
        if not isinstance(items, list):
            problems.add(key, 'must be a list, e.g. [{date = 2027-01-01, name = "元旦"}]')
            continue
        for i, item in enumerate(items, start=1):
            entries += _toml_item(f"{key}, entry {i}", item, kind, problems)
    return entries, file_year, notice


def _toml_item(where: str, item: Any, kind: DayKind, problems: _Problems) -> list[_Located]:
    if not isinstance(item, dict):
        item = {"date": item}
    for key in sorted(set(item) - _TOML_ENTRY_KEYS):
        problems.add(where, f"unknown key {key!r}; expected date (or from and to) and name")
    label = item.get("name", "")
    if not isinstance(label, str):
        problems.add(where, f"name must be text, not {label!r}")
        return []
    if "date" in item:
        if "from" in item or "to" in item:
            problems.add(where, "give either date or from and to, not both")
            return []
        entry = _entry(where, item["date"], kind.value, label, problems)
        return [] if entry is None else [(where, entry)]
    if "from" not in item or "to" not in item:
        problems.add(where, "needs a date, or a from and a to")
        return []
    first, last = _date(where, item["from"], problems), _date(where, item["to"], problems)
    if first is None or last is None:
        return []
    if last < first or (last - first).days >= MAX_RANGE_DAYS:
        problems.add(where, f"from {first} to {last} is not a range of 1 to {MAX_RANGE_DAYS} days")
        return []
    located = []
    for o in range(first.toordinal(), last.toordinal() + 1):
        entry = _entry(where, date.fromordinal(o), kind.value, label, problems)
        if entry is not None:
            located.append((where, entry))
    return located


def _date(where: str, value: Any, problems: _Problems) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            problems.add(where, f"{value.strip()!r} is not a date of the calendar")
            return None
    problems.add(where, f"{value!r} is not a date written YYYY-MM-DD")
    return None


def _entry(
    where: str, raw_date: Any, raw_kind: str, name: str, problems: _Problems
) -> ScheduleEntry | None:
    day = _date(where, raw_date, problems)
    kind_text = raw_kind.strip().lower()
    if kind_text not in (DayKind.HOLIDAY.value, DayKind.WORKDAY.value):
        problems.add(where, f"unknown kind {raw_kind!r}; expected holiday or workday")
        return None
    kind = DayKind(kind_text)
    name = name.strip()
    if len(name) > MAX_NAME:
        problems.add(where, f"the name is longer than {MAX_NAME} characters")
        return None
    if day is None:
        return None
    if kind is DayKind.WORKDAY and day.weekday() < 5:
        problems.add(
            where,
            f"{day} is a {_WEEKDAYS[day.weekday()]}, a working day anyway; "
            "workday is for a weekend day worked in lieu (调休)",
        )
        return None
    return ScheduleEntry(day=day, kind=kind, name=name)


def _check_entries(
    entries: list[_Located],
    file_year: int | None,
    year: int | None,
    allow_other_years: bool,
    problems: _Problems,
) -> int | None:
    """Checks duplicates and years; returns the year the schedule is for."""
    seen: dict[date, str] = {}
    for where, entry in entries:
        if entry.day in seen:
            problems.add(where, f"{entry.day} is already listed ({seen[entry.day]})")
        else:
            seen[entry.day] = where
    if year is not None and file_year is not None and year != file_year:
        problems.add("year", f"the file is for {file_year}, but {year} was asked for")
    schedule_year = file_year if file_year is not None else year
    per_year = Counter(e.day.year for _, e in entries)
    years = sorted(per_year)
    if schedule_year is None and len(years) == 1:
        schedule_year = years[0]
    elif schedule_year is None and allow_other_years and years:
        # The year most of the dates are in: a 2028 schedule may set 2027-12-25 as well.
        (top, most), *rest = per_year.most_common()
        if not rest or rest[0][1] < most:
            schedule_year = top
    if schedule_year is None:
        if years:
            problems.add(
                "",
                f"the file mixes dates of the years {', '.join(map(str, years))}; "
                "say which year the schedule is for (--year) and allow the others "
                "(--allow-other-years) if that is intended",
            )
        elif not problems.items:
            problems.add("", "the file lists no dates")
        return None
    if not MIN_SCHEDULE_YEAR <= schedule_year <= MAX_SCHEDULE_YEAR:
        problems.add(
            "year", f"{schedule_year} is not between {MIN_SCHEDULE_YEAR} and {MAX_SCHEDULE_YEAR}"
        )
        return None
    if not entries and not problems.items:
        problems.add("", f"the file lists no dates for {schedule_year}")
    for where, entry in entries:
        if entry.day.year == schedule_year:
            continue
        if not allow_other_years:
            problems.add(
                where,
                f"{entry.day} is not in {schedule_year}; a schedule may set a day of the "
                "next or previous year only when that is allowed (--allow-other-years)",
            )
        elif abs(entry.day.year - schedule_year) > 1:
            problems.add(where, f"{entry.day} is too far from {schedule_year}")
    return schedule_year


def load_schedule(
    session: Session,
    *,
    actor: Actor,
    content: bytes | str,
    filename: str,
    year: int | None = None,
    allow_other_years: bool = False,
) -> LoadResult:
    """Validates a schedule file and, if it is good, replaces that year's overrides with it."""
    schedule = parse_schedule(content, filename, year=year, allow_other_years=allow_other_years)
    days = [e.day for e in schedule.entries]
    previous = list(
        session.scalars(
            select(CalendarDay).where(
                (CalendarDay.schedule_year == schedule.year) | CalendarDay.day.in_(days)
            )
        )
    )
    warnings = _load_warnings(schedule, previous)
    session.execute(
        delete(CalendarDay).where(
            (CalendarDay.schedule_year == schedule.year) | CalendarDay.day.in_(days)
        )
    )
    now = utcnow()
    session.execute(
        insert(CalendarDay),
        [
            {
                "day": e.day,
                "schedule_year": schedule.year,
                "is_workday": e.kind is DayKind.WORKDAY,
                "name": e.name,
                "note": "",
                "source": SOURCE_FILE,
                "source_file": schedule.source_file,
                "loaded_by": actor.name,
                "loaded_at": now,
            }
            for e in schedule.entries
        ],
    )
    loaded = session.get(CalendarYear, schedule.year)
    if loaded is None:
        loaded = CalendarYear(year=schedule.year)
        session.add(loaded)
    previous_sha256 = loaded.sha256
    loaded.source_file = schedule.source_file
    loaded.sha256 = schedule.sha256
    loaded.notice = schedule.notice
    loaded.holidays = schedule.holidays
    loaded.workdays = schedule.workdays
    loaded.loaded_by = actor.name
    loaded.loaded_at = now
    audit.record(
        session,
        actor=actor,
        action="calendar.load",
        object_type="calendar_year",
        object_id=schedule.year,
        details={
            "source_file": schedule.source_file,
            "sha256": schedule.sha256,
            "previous_sha256": previous_sha256,
            "notice": schedule.notice,
            "holidays": [e.day.isoformat() for e in schedule.entries if e.kind is DayKind.HOLIDAY],
            "workdays": [e.day.isoformat() for e in schedule.entries if e.kind is DayKind.WORKDAY],
            "replaced": len(previous),
            "warnings": warnings,
        },
    )
    return LoadResult(
        year=schedule.year,
        source_file=schedule.source_file,
        sha256=schedule.sha256,
        holidays=schedule.holidays,
        workdays=schedule.workdays,
        replaced=len(previous),
        warnings=tuple(warnings),
    )


def _load_warnings(schedule: ScheduleFile, previous: list[CalendarDay]) -> list[str]:
    """What the operator should know: disagreements with chinesecalendar, replaced manual days."""
    warnings: list[str] = []
    in_file = {e.day: e for e in schedule.entries}
    for entry in schedule.entries:
        if builtin_knows(entry.day.year):
            builtin_is_workday, _ = _builtin_days(entry.day.year).get(
                entry.day, (entry.day.weekday() < 5, "")
            )
            if (entry.kind is DayKind.WORKDAY) != builtin_is_workday:
                warnings.append(
                    f"{entry.day}: the file makes it a {entry.kind}, unlike chinesecalendar"
                )
    unlisted = [
        f"{day} ({name}, {'worked' if is_workday else 'off'})"
        for day, (is_workday, name) in sorted(_builtin_days(schedule.year).items())
        if day not in in_file and is_workday != (day.weekday() < 5)
    ]
    if unlisted:
        warnings.append(
            f"{len(unlisted)} days of chinesecalendar's {schedule.year} schedule are not in the "
            f"file and stay as chinesecalendar has them: {', '.join(unlisted)}"
        )
    for row in previous:
        if row.source == SOURCE_MANUAL:
            warnings.append(f"{row.day}: the day set by hand ({row.name or row.note}) is replaced")
        elif row.schedule_year != schedule.year:
            warnings.append(f"{row.day}: set by the {row.schedule_year} schedule, now replaced")
    return warnings


# --- single days set by hand ----------------------------------------------------------------


def set_day(
    session: Session,
    *,
    actor: Actor,
    day: date,
    is_workday: bool,
    name: str = "",
    note: str = "",
) -> CalendarDay:
    """Fixes one day as a working day or a day off, over the built-in and loaded schedules."""
    name, note = name.strip(), note.strip()
    if len(name) > MAX_NAME or len(note) > MAX_NOTE:
        raise Invalid(
            "the name is limited to {name_limit} and the note to {note_limit} characters",
            name_limit=MAX_NAME,
            note_limit=MAX_NOTE,
        )
    row = session.get(CalendarDay, day)
    previous = None if row is None else _day_details(row)
    if row is None:
        row = CalendarDay(day=day)
        session.add(row)
    row.schedule_year = day.year
    row.is_workday = is_workday
    row.name = name
    row.note = note
    row.source = SOURCE_MANUAL
    row.source_file = None
    row.loaded_by = actor.name
    row.loaded_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="calendar.set_day",
        object_type="calendar_day",
        object_id=day.isoformat(),
        details={"is_workday": is_workday, "name": name, "note": note, "previous": previous},
    )
    return row


def clear_day(session: Session, *, actor: Actor, day: date) -> None:
    """Removes the override of one day, so that the built-in schedule or Mon–Fri applies again."""
    row = session.get(CalendarDay, day)
    if row is None:
        raise NotFound("no override for {day}", day=day.isoformat())
    previous = _day_details(row)
    session.delete(row)
    audit.record(
        session,
        actor=actor,
        action="calendar.clear_day",
        object_type="calendar_day",
        object_id=day.isoformat(),
        details={"previous": previous},
    )


def _day_details(row: CalendarDay) -> dict[str, Any]:
    return {
        "is_workday": row.is_workday,
        "name": row.name,
        "note": row.note,
        "source": row.source,
        "source_file": row.source_file,
        "schedule_year": row.schedule_year,
    }
