"""Working-day arithmetic: properties against a day-by-day oracle, and real schedules."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.orm import Session

from govshare.calendar import service as cal
from govshare.calendar.models import CalendarDay
from govshare.calendar.service import WorkingCalendar
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid

# Years on both sides of what chinesecalendar knows (2004–2026 in 1.11), so that the
# Mon–Fri fallback is exercised too.
days = st.dates(min_value=date(2002, 1, 1), max_value=date(2029, 12, 31))
known_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 11, 30))
counts = st.integers(min_value=0, max_value=60)
overrides = st.dictionaries(days, st.booleans(), max_size=25)


@cache
def builtin_is_working(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def oracle_is_working(day: date, fixed: dict[date, bool]) -> bool:
    """The precedence written out naively: overrides, then chinesecalendar, then Mon–Fri."""
    if day in fixed:
        return fixed[day]
    return builtin_is_working(day)


def oracle_add(start: date, n: int, fixed: dict[date, bool]) -> date:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if oracle_is_working(day, fixed):
            left -= 1
    return day


def oracle_between(a: date, b: date, fixed: dict[date, bool]) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    span = (lo + timedelta(days=i) for i in range(1, (hi - lo).days + 1))
    return sign * sum(1 for d in span if oracle_is_working(d, fixed))


# --- properties (pure, no database) ---------------------------------------------------------


@given(day=days, fixed=overrides)
def test_is_working_day_follows_the_precedence(day: date, fixed: dict[date, bool]) -> None:
    assert WorkingCalendar(overrides=fixed).is_working_day(day) == oracle_is_working(day, fixed)


@given(start=days, n=counts, fixed=overrides)
def test_add_counts_working_days_one_by_one(start: date, n: int, fixed: dict[date, bool]) -> None:
    assert WorkingCalendar(overrides=fixed).add(start, n) == oracle_add(start, n, fixed)


@given(start=days, n=st.integers(min_value=1, max_value=60), fixed=overrides)
def test_add_ends_on_a_working_day_after_start(
    start: date, n: int, fixed: dict[date, bool]
) -> None:
    calendar = WorkingCalendar(overrides=fixed)
    result = calendar.add(start, n)
    assert result > start
    assert calendar.is_working_day(result)


@given(start=days, n=counts, fixed=overrides)
def test_between_undoes_add(start: date, n: int, fixed: dict[date, bool]) -> None:
    calendar = WorkingCalendar(overrides=fixed)
    assert calendar.between(start, calendar.add(start, n)) == n


@given(start=days, n1=counts, n2=counts)
def test_add_is_strictly_increasing_in_n(start: date, n1: int, n2: int) -> None:
    calendar = WorkingCalendar()
    if n1 < n2:
        assert calendar.add(start, n1) < calendar.add(start, n2)
    elif n1 == n2:
        assert calendar.add(start, n1) == calendar.add(start, n2)


@given(start=days, n=st.integers(min_value=0, max_value=30), fixed=overrides)
def test_adding_one_n_times_is_adding_n(start: date, n: int, fixed: dict[date, bool]) -> None:
    calendar = WorkingCalendar(overrides=fixed)
    day = start
    for _ in range(n):
        day = calendar.add(day, 1)
    assert day == calendar.add(start, n)


@given(start=days, a=counts, b=counts)
def test_add_is_additive(start: date, a: int, b: int) -> None:
    calendar = WorkingCalendar()
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@given(start=known_days, n=st.integers(min_value=1, max_value=60))
def test_holidays_are_never_counted(start: date, n: int) -> None:
    calendar = WorkingCalendar()
    end = calendar.add(start, n)
    span = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    counted = [d for d in span if calendar.is_working_day(d)]
    assert len(counted) == n
    assert not [d for d in counted if d in chinese_calendar.holidays]
    # every weekend day counted is an adjusted working day (调休) of the State Council schedule
    assert all(d in chinese_calendar.workdays for d in counted if d.weekday() >= 5)


@given(a=days, b=days, fixed=overrides)
def test_between_counts_working_days_after_a_up_to_b(
    a: date, b: date, fixed: dict[date, bool]
) -> None:
    calendar = WorkingCalendar(overrides=fixed)
    assert calendar.between(a, b) == oracle_between(a, b, fixed)
    assert calendar.between(b, a) == -calendar.between(a, b)


@given(a=days, b=days, c=days)
def test_between_adds_up_over_consecutive_spans(a: date, b: date, c: date) -> None:
    calendar = WorkingCalendar()
    assert calendar.between(a, b) + calendar.between(b, c) == calendar.between(a, c)


@given(start=days, end=days)
def test_add_reaches_any_later_working_day(start: date, end: date) -> None:
    calendar = WorkingCalendar()
    if end >= start and calendar.is_working_day(end):
        assert calendar.add(start, calendar.between(start, end)) == end


# --- the conventions for n ------------------------------------------------------------------


def test_zero_working_days_is_the_start_even_on_a_holiday() -> None:
    assert WorkingCalendar().add(date(2026, 10, 3), 0) == date(2026, 10, 3)


@pytest.mark.parametrize("n", [-1, -5])
def test_negative_n_is_refused(n: int) -> None:
    with pytest.raises(Invalid, match="0 or more"):
        WorkingCalendar().add(date(2026, 10, 3), n)


def test_n_that_is_not_a_whole_number_is_refused() -> None:
    with pytest.raises(Invalid, match="whole number"):
        WorkingCalendar().add(date(2026, 10, 3), 1.5)  # type: ignore[arg-type]


def test_adding_past_the_last_representable_year_is_refused() -> None:
    with pytest.raises(Invalid, match="past the year 9999"):
        WorkingCalendar().add(date(9999, 12, 1), 100)


# --- real schedules, through the database-backed functions -----------------------------------


def test_2026_national_day_five_working_days_after_30_september(session: Session) -> None:
    # 10-01..10-07 off; 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), 10-12 Mon, 10-13 Tue.
    event_day = date(2026, 9, 30)
    steps = [cal.add_working_days(session, event_day, n) for n in range(1, 6)]
    assert steps == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
        date(2026, 10, 13),
    ]
    assert cal.due_date(session, event_day, 5) == date(2026, 10, 13)
    assert cal.working_days_between(session, event_day, date(2026, 10, 13)) == 5
    assert cal.working_days_between(session, date(2026, 10, 13), event_day) == -5


def test_2025_spring_festival_counts_the_adjusted_sunday(session: Session) -> None:
    # Friday 2025-01-24; Sunday 01-26 is worked (调休); 01-28..02-04 off; Saturday 02-08 worked.
    friday = date(2025, 1, 24)
    assert cal.is_working_day(session, date(2025, 1, 26))
    assert cal.add_working_days(session, friday, 1) == date(2025, 1, 26)
    assert cal.add_working_days(session, friday, 2) == date(2025, 1, 27)
    assert cal.add_working_days(session, friday, 3) == date(2025, 2, 5)
    assert cal.add_working_days(session, friday, 6) == date(2025, 2, 8)
    assert cal.working_days_between(session, friday, date(2025, 2, 8)) == 6


def test_an_event_on_an_ordinary_friday_counts_from_monday(session: Session) -> None:
    assert cal.add_working_days(session, date(2025, 3, 7), 1) == date(2025, 3, 10)
    assert cal.add_working_days(session, date(2025, 3, 7), 5) == date(2025, 3, 14)
    # an event on the Saturday gives the same deadline: weekend days are not counted
    assert cal.add_working_days(session, date(2025, 3, 8), 5) == date(2025, 3, 14)


def test_an_event_on_a_holiday_counts_from_the_first_day_back(session: Session) -> None:
    assert cal.add_working_days(session, date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_deadline_convention_end_of_nth_day_then_consequence_next_day(session: Session) -> None:
    due = cal.due_date(session, date(2026, 9, 30), 5)
    assert due == date(2026, 10, 13)
    assert not cal.is_overdue(due, today=date(2026, 10, 13))  # acting on the due day is in time
    assert cal.is_overdue(due, today=date(2026, 10, 14))  # the consequence applies from here
    # from the next calendar day, even when that is a rest day
    friday_due = cal.due_date(session, date(2025, 3, 7), 5)
    assert friday_due == date(2025, 3, 14)
    assert cal.is_overdue(friday_due, today=date(2025, 3, 15))


# --- the database-backed calendar ------------------------------------------------------------


def _count_queries(session: Session) -> list[str]:
    statements: list[str] = []
    conn = session.connection()

    @event.listens_for(conn, "before_cursor_execute")
    def _count(_c: object, _cur: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    return statements


def test_working_calendar_reads_a_range_of_years_in_one_query(session: Session) -> None:
    cal.set_day(session, actor=Actor.operator(), day=date(2027, 3, 1), is_workday=False, name="x")
    session.flush()
    statements = _count_queries(session)
    calendar = WorkingCalendar(session)
    calendar.preload(date(2025, 1, 1), date(2027, 12, 31))
    assert len(statements) == 1
    day = date(2025, 1, 1)
    while day < date(2027, 10, 1):  # so that add() stays inside the preloaded years
        calendar.is_working_day(day)
        calendar.add(day, 10)
        calendar.between(date(2025, 1, 1), day)
        day += timedelta(days=3)
    assert len(statements) == 1
    assert not calendar.is_working_day(date(2027, 3, 1))


def test_working_calendar_reads_a_further_year_when_first_needed(session: Session) -> None:
    statements = _count_queries(session)
    calendar = WorkingCalendar(session)
    calendar.add(date(2026, 12, 20), 5)
    after_first = len(statements)
    assert after_first >= 1
    calendar.add(date(2026, 12, 21), 5)
    assert len(statements) == after_first


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(start=days, n=counts)
def test_database_functions_agree_with_the_working_calendar(
    session: Session, start: date, n: int
) -> None:
    # The overrides table starts empty in each test; these rows stay for every example.
    fixed = {date(2026, 10, 8): False, date(2026, 10, 11): True, date(2028, 1, 3): False}
    for day, is_workday in fixed.items():
        if session.get(CalendarDay, day) is None:
            cal.set_day(session, actor=Actor.operator(), day=day, is_workday=is_workday)
    session.flush()
    expected = oracle_add(start, n, fixed)
    assert cal.add_working_days(session, start, n) == expected
    assert cal.working_days_between(session, start, expected) == n
    if n > 0:
        assert cal.is_working_day(session, expected)
