"""Overrides, loading schedule files, unknown years, a year's schedule; all audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.calendar import service as cal
from govshare.calendar.models import CalendarDay, CalendarYear
from govshare.calendar.schemas import DayKind, DaySource, YearStatus
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.errors import Invalid, NotFound

ADMIN = Actor(
    kind=ActorKind.USER,
    id=1,
    name="Chen Authority",
    method=Method.CONSOLE,
    roles=frozenset({"authority_admin"}),
)

# A made-up schedule: it exercises the loader and is NOT the real 2027 State Council schedule.
FAKE_2027_CSV = """date,kind,name
2027-03-01,holiday,Example Day
2027-03-02,holiday,Example Day
2027-03-03,holiday,Example Day
2027-03-06,workday,Example Day
"""

# The first year chinesecalendar does not know (2027 with chinesecalendar 1.11), and one far on.
LAST_KNOWN = max(y for y in range(2004, 2100) if cal.builtin_knows(y))
FIRST_UNKNOWN = LAST_KNOWN + 1
FAR_YEAR = 2040


def audit_entries(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
    )


def overrides(session: Session) -> dict[date, bool]:
    return {d: w for d, w in session.execute(select(CalendarDay.day, CalendarDay.is_workday))}


# --- overrides win over chinesecalendar -----------------------------------------------------


def test_a_day_set_by_hand_overrides_chinesecalendar(session: Session) -> None:
    assert cal.is_working_day(session, date(2026, 10, 8))
    assert not cal.is_working_day(session, date(2026, 10, 7))

    cal.set_day(session, actor=ADMIN, day=date(2026, 10, 8), is_workday=False, name="Typhoon")
    cal.set_day(session, actor=ADMIN, day=date(2026, 10, 7), is_workday=True, note="recalled")

    assert not cal.is_working_day(session, date(2026, 10, 8))
    assert cal.is_working_day(session, date(2026, 10, 7))
    # 10-07, 10-09, 10-10 (调休), 10-12, 10-13 instead of 10-08 ... 10-13
    assert cal.due_date(session, date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert cal.due_date(session, date(2026, 9, 30), 1) == date(2026, 10, 7)
    assert cal.due_date(session, date(2026, 10, 7), 1) == date(2026, 10, 9)
    (entry, _) = audit_entries(session, "calendar.set_day")
    assert (entry.object_type, entry.object_id) == ("calendar_day", "2026-10-08")
    assert entry.actor_name == "Chen Authority"
    assert entry.details["is_workday"] is False
    assert entry.details["previous"] is None


def test_setting_a_day_again_updates_it_and_audits_the_previous_value(session: Session) -> None:
    cal.set_day(session, actor=ADMIN, day=date(2026, 10, 8), is_workday=False, name="A")
    cal.set_day(session, actor=ADMIN, day=date(2026, 10, 8), is_workday=True, name="B")
    assert cal.is_working_day(session, date(2026, 10, 8))
    assert session.scalar(select(func.count()).select_from(CalendarDay)) == 1
    latest = audit_entries(session, "calendar.set_day")[-1]
    assert latest.details["previous"]["name"] == "A"


def test_clearing_a_day_brings_back_chinesecalendar(session: Session) -> None:
    cal.set_day(session, actor=ADMIN, day=date(2026, 10, 8), is_workday=False)
    cal.clear_day(session, actor=ADMIN, day=date(2026, 10, 8))
    assert cal.is_working_day(session, date(2026, 10, 8))
    (entry,) = audit_entries(session, "calendar.clear_day")
    assert entry.details["previous"]["is_workday"] is False
    with pytest.raises(NotFound):
        cal.clear_day(session, actor=ADMIN, day=date(2026, 10, 8))


def test_a_too_long_name_is_refused(session: Session) -> None:
    with pytest.raises(Invalid):
        cal.set_day(session, actor=ADMIN, day=date(2026, 10, 8), is_workday=False, name="x" * 101)
    assert overrides(session) == {}


# --- loading a year's schedule --------------------------------------------------------------


def test_a_loaded_2027_file_is_used_and_audited(session: Session) -> None:
    result = cal.load_schedule(
        session, actor=ADMIN, content=FAKE_2027_CSV.encode(), filename="2027.csv"
    )

    assert (result.year, result.holidays, result.workdays, result.replaced) == (2027, 3, 1, 0)
    assert not cal.is_working_day(session, date(2027, 3, 2))  # a Tuesday made a holiday
    assert cal.is_working_day(session, date(2027, 3, 6))  # a Saturday made a working day
    assert cal.add_working_days(session, date(2027, 2, 28), 1) == date(2027, 3, 4)
    assert cal.working_days_between(session, date(2027, 2, 28), date(2027, 3, 6)) == 3
    year = session.get(CalendarYear, 2027)
    assert year is not None
    assert (year.source_file, year.holidays, year.workdays) == ("2027.csv", 3, 1)
    assert year.loaded_by == "Chen Authority"
    (entry,) = audit_entries(session, "calendar.load")
    assert (entry.object_type, entry.object_id) == ("calendar_year", "2027")
    assert entry.details["sha256"] == result.sha256
    assert entry.details["holidays"] == ["2027-03-01", "2027-03-02", "2027-03-03"]
    assert entry.details["workdays"] == ["2027-03-06"]


def test_loading_a_year_again_replaces_its_overrides(session: Session) -> None:
    cal.load_schedule(session, actor=ADMIN, content=FAKE_2027_CSV, filename="2027.csv")
    corrected = "date,kind,name\n2027-03-04,holiday,Corrected\n"

    result = cal.load_schedule(session, actor=ADMIN, content=corrected, filename="2027-v2.csv")

    assert result.replaced == 4
    assert overrides(session) == {date(2027, 3, 4): False}
    assert cal.is_working_day(session, date(2027, 3, 2))
    year = session.get(CalendarYear, 2027)
    assert year is not None and year.source_file == "2027-v2.csv"
    second = audit_entries(session, "calendar.load")[-1]
    assert (
        second.details["previous_sha256"]
        == audit_entries(session, "calendar.load")[0].details["sha256"]
    )


def test_a_bad_file_changes_nothing(session: Session) -> None:
    cal.load_schedule(session, actor=ADMIN, content=FAKE_2027_CSV, filename="2027.csv")
    before = overrides(session)
    year_before = session.get(CalendarYear, 2027)
    assert year_before is not None
    sha_before = year_before.sha256
    bad = "date,kind,name\n2027-03-04,holiday,ok\n2027-03-05,holdiay,typo\n"

    with pytest.raises(Invalid, match="line 3: unknown kind 'holdiay'"):
        cal.load_schedule(session, actor=ADMIN, content=bad, filename="2027.csv")

    assert overrides(session) == before
    assert session.get(CalendarYear, 2027).sha256 == sha_before  # type: ignore[union-attr]
    assert len(audit_entries(session, "calendar.load")) == 1


def test_a_loaded_file_replaces_days_set_by_hand_in_its_year_with_a_warning(
    session: Session,
) -> None:
    cal.set_day(session, actor=ADMIN, day=date(2027, 7, 1), is_workday=False, name="Local")
    result = cal.load_schedule(session, actor=ADMIN, content=FAKE_2027_CSV, filename="2027.csv")
    assert result.replaced == 1
    assert any("2027-07-01" in w and "set by hand" in w for w in result.warnings)
    assert cal.is_working_day(session, date(2027, 7, 1))


def test_a_file_for_a_builtin_year_overrides_day_by_day_and_warns(session: Session) -> None:
    content = "date,kind,name\n2026-10-08,holiday,Extra\n"
    result = cal.load_schedule(session, actor=ADMIN, content=content, filename="2026.csv")
    assert not cal.is_working_day(session, date(2026, 10, 8))
    # chinesecalendar still decides the days the file does not list
    assert not cal.is_working_day(session, date(2026, 10, 7))
    assert cal.is_working_day(session, date(2026, 10, 10))
    assert any(w.startswith("2026-10-08: the file makes it a holiday") for w in result.warnings)
    (unlisted,) = [w for w in result.warnings if "not in the file" in w]
    assert "2026-10-07 (National Day, off)" in unlisted
    assert "2026-10-10 (National Day, worked)" in unlisted
    assert "2026-10-03" not in unlisted  # a Saturday off changes nothing


def test_a_schedule_may_set_a_day_of_the_previous_year_when_allowed(session: Session) -> None:
    content = "date,kind,name\n2027-12-25,workday,Example\n2028-03-01,holiday,Example\n"
    cal.load_schedule(
        session,
        actor=ADMIN,
        content=content,
        filename="2028.csv",
        year=2028,
        allow_other_years=True,
    )
    assert cal.is_working_day(session, date(2027, 12, 25))
    row = session.get(CalendarDay, date(2027, 12, 25))
    assert row is not None and row.schedule_year == 2028
    # it belongs to the 2028 schedule: reloading 2028 without it removes it
    cal.load_schedule(
        session, actor=ADMIN, content="date,kind,name\n2028-03-01,holiday,x\n", filename="b.csv"
    )
    assert not cal.is_working_day(session, date(2027, 12, 25))


def test_a_toml_file_loads_the_same_way(session: Session) -> None:
    content = (
        'year = 2027\nnotice = "example"\n'
        'holidays = [{from = 2027-03-01, to = 2027-03-03, name = "Example Day"}]\n'
        'workdays = [{date = 2027-03-06, name = "Example Day"}]\n'
    )
    result = cal.load_schedule(session, actor=ADMIN, content=content, filename="2027.toml")
    assert (result.holidays, result.workdays) == (3, 1)
    assert overrides(session) == {
        date(2027, 3, 1): False,
        date(2027, 3, 2): False,
        date(2027, 3, 3): False,
        date(2027, 3, 6): True,
    }
    year = session.get(CalendarYear, 2027)
    assert year is not None and year.notice == "example"


# --- years nobody loaded ---------------------------------------------------------------------


def test_a_year_nobody_knows_counts_monday_to_friday(session: Session) -> None:
    assert not cal.builtin_knows(FAR_YEAR)
    assert cal.is_working_day(session, date(2040, 10, 1))  # a Monday; no National Day known
    assert not cal.is_working_day(session, date(2040, 10, 6))  # a Saturday
    assert cal.add_working_days(session, date(2040, 1, 6), 1) == date(2040, 1, 9)  # Fri -> Mon
    assert cal.add_working_days(session, date(2040, 9, 28), 5) == date(2040, 10, 5)


def test_missing_years_names_the_current_and_next_year_when_unknown(session: Session) -> None:
    assert cal.missing_years(session, date(FAR_YEAR, 3, 1)) == [FAR_YEAR, FAR_YEAR + 1]
    assert cal.missing_years(session, date(FAR_YEAR, 3, 1), 0) == [FAR_YEAR]
    assert cal.missing_years(session, date(FAR_YEAR, 3, 1), horizon=3) == [2040, 2041, 2042, 2043]
    with pytest.raises(Invalid):
        cal.missing_years(session, date(FAR_YEAR, 3, 1), -1)


def test_loading_next_years_schedule_clears_the_warning(session: Session) -> None:
    today = date(LAST_KNOWN, 11, 22)
    assert cal.missing_years(session, today) == [FIRST_UNKNOWN]
    content = f"date,kind,name\n{FIRST_UNKNOWN}-01-01,holiday,New Year\n"
    cal.load_schedule(session, actor=ADMIN, content=content, filename="next.csv")
    assert cal.missing_years(session, today) == []


def test_a_day_set_by_hand_does_not_make_a_year_known(session: Session) -> None:
    cal.set_day(session, actor=ADMIN, day=date(FAR_YEAR, 1, 2), is_workday=False)
    assert cal.missing_years(session, date(FAR_YEAR, 1, 1), 0) == [FAR_YEAR]


# --- a year's schedule -----------------------------------------------------------------------


def test_a_builtin_year_lists_chinesecalendar_days(session: Session) -> None:
    schedule = cal.year_schedule(session, year=2026)
    assert schedule.status is YearStatus.BUILTIN
    assert schedule.loaded is None
    by_day = {d.day: d for d in schedule.days}
    assert by_day[date(2026, 10, 1)].kind is DayKind.HOLIDAY
    assert by_day[date(2026, 10, 1)].name == "National Day"
    assert by_day[date(2026, 10, 10)].kind is DayKind.WORKDAY
    assert by_day[date(2026, 10, 10)].source is DaySource.CHINESECALENDAR
    assert [d.day for d in schedule.days] == sorted(by_day)


def test_a_loaded_year_lists_its_file_and_days_set_by_hand(session: Session) -> None:
    cal.load_schedule(session, actor=ADMIN, content=FAKE_2027_CSV, filename="2027.csv")
    cal.set_day(session, actor=ADMIN, day=date(2027, 9, 1), is_workday=False, note="flood")
    schedule = cal.year_schedule(session, year=2027)
    assert schedule.status is YearStatus.LOADED
    assert schedule.loaded is not None and schedule.loaded.source_file == "2027.csv"
    sources = {d.day: d.source for d in schedule.days}
    assert sources[date(2027, 3, 6)] is DaySource.FILE
    assert sources[date(2027, 9, 1)] is DaySource.MANUAL


def test_an_unknown_year_says_so(session: Session) -> None:
    schedule = cal.year_schedule(session, year=FAR_YEAR)
    assert schedule.status is YearStatus.UNKNOWN
    assert schedule.days == ()
    with pytest.raises(Invalid):
        cal.year_schedule(session, year=0)
