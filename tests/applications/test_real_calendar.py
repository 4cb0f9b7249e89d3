"""Deadlines of applications and grants against the real 2026 calendar, holiday by holiday.

The State Council schedule for 2026 as chinesecalendar carries it (docs/calendar.md):
New Year 01-01..01-03 (Sun 01-04 worked); Spring Festival 02-15..02-23 (Sat 02-14, Sat 02-28
worked); Tomb-sweeping 04-04..04-06; Labour Day 05-01..05-05 (Sat 05-09 worked); Dragon Boat
06-19..06-21; Mid-autumn 09-25..09-27; National Day 10-01..10-07 (Sun 09-20, Sat 10-10 worked).

The cases of the issue (submitted 2026-09-30 -> due 10-13; 2026-02-13 -> due 02-27) and the
Monday-to-Friday fallback for 2027 are in test_rules.py; these are the other holidays.
Convention: the submission day is not counted; silence has its effect from the next day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare.calendar import service as calendar
from govshare.kit.actor import Actor
from govshare.sharing import application_rules as rules
from govshare.sharing import applications, grant_rules
from govshare.sharing.application_models import ApplicationState
from govshare.sharing.models import Grant
from tests.applications.conftest import Parties, apply

SWEEP = Actor.system()


@pytest.mark.parametrize(
    ("submitted", "due", "holiday"),
    [
        # New Year: 01-01..01-03 off, Sun 01-04 worked: 01-04, 01-05, 01-06, 01-07, 01-08
        (date(2025, 12, 31), date(2026, 1, 8), "New Year's Day"),
        # Spring Festival: Sat 02-14 worked, then 02-24..02-26
        (date(2026, 2, 12), date(2026, 2, 26), "Spring Festival"),
        # submitted on a holiday: 02-24..02-27, and the worked Saturday 02-28 is the 5th day
        (date(2026, 2, 18), date(2026, 2, 28), "Spring Festival, submitted in the holiday"),
        # Tomb-sweeping: Fri 04-03, then 04-07..04-10
        (date(2026, 4, 2), date(2026, 4, 10), "Tomb-sweeping Day"),
        # Labour Day: 05-06, 05-07, 05-08, Sat 05-09 worked, Mon 05-11
        (date(2026, 4, 30), date(2026, 5, 11), "Labour Day"),
        # Dragon Boat: 06-22..06-26
        (date(2026, 6, 18), date(2026, 6, 26), "Dragon Boat Festival"),
        # Sun 09-20 worked (for National Day), then 09-21..09-24, before Mid-autumn
        (date(2026, 9, 18), date(2026, 9, 24), "the worked Sunday before Mid-autumn"),
        # Mid-autumn and National Day in a row: 09-28, 09-29, 09-30, 10-08, 10-09
        (date(2026, 9, 24), date(2026, 10, 9), "Mid-autumn and National Day"),
    ],
)
def test_gz_answer_deadline_across_each_holiday(
    session: Session, parties: Parties, submitted: date, due: date, holiday: str
) -> None:
    # GZ 26: 5 working days to answer; deemed consent from the calendar day after
    a = apply(session, parties, today=submitted, period=(submitted, date(2027, 3, 31)))
    assert a.due_on == due, holiday
    assert rules.apply_silence(session, today=due, actor=SWEEP) == 0
    assert a.state == ApplicationState.SUBMITTED
    after = date.fromordinal(due.toordinal() + 1)
    assert rules.apply_silence(session, today=after, actor=SWEEP) == 1
    grant = session.get(Grant, a.grant_id)
    assert grant is not None and grant.valid_from == after


def test_deemed_consent_on_a_sunday_after_a_worked_saturday(
    session: Session, parties: Parties
) -> None:
    # Due Sat 2026-02-28 (an adjusted working day): the consent applies on Sunday 03-01.
    a = apply(
        session, parties, today=date(2026, 2, 18), period=(date(2026, 3, 1), date(2026, 12, 31))
    )
    rules.apply_silence(session, today=date(2026, 3, 2), actor=SWEEP)  # the sweep runs on Monday
    grant = session.get(Grant, a.grant_id)
    assert grant is not None and grant.valid_from == date(2026, 3, 1)
    # GZ 26: shared within 5 working days of the (deemed) answer: 03-02..03-06
    assert a.delivery_due_on == date(2026, 3, 6)


def test_delivery_deadline_across_labour_day(session: Session, parties: Parties) -> None:
    # GZ 26: share within 5 working days of the answer (Thu 04-30): 05-06..05-09, 05-11
    a = apply(session, parties, today=date(2026, 4, 28))
    applications.approve(
        session, actor=parties.officer_actor, application_id=a.id, today=date(2026, 4, 30)
    )
    assert a.delivery_due_on == date(2026, 5, 11)
    assert rules.flag_late(session, today=date(2026, 5, 11), actor=SWEEP) == 0
    assert rules.flag_late(session, today=date(2026, 5, 12), actor=SWEEP) == 1


def test_zs_referral_across_national_day(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 22: unanswered by 10-13, the data department provides within 5 business days of
    # the missed deadline: 10-14, 10-15, 10-16, 10-19, 10-20.
    use_profile("zhongshan")
    a = apply(session, parties, today=date(2026, 9, 30))
    assert a.due_on == date(2026, 10, 13)
    assert rules.apply_silence(session, today=date(2026, 10, 14), actor=SWEEP) == 1
    assert a.state == ApplicationState.REFERRED_TO_AUTHORITY
    assert a.provide_due_on == date(2026, 10, 20)


def test_js_secret_or_privacy_deadline_across_spring_festival(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # JS 18: 15 working days where secrets or privacy are involved. From Mon 02-09:
    # 02-10..02-13 (4), Sat 02-14 (5), 02-24..02-27 (9), Sat 02-28 (10), 03-02..03-06 (15).
    use_profile("jiangsu")
    a = apply(session, parties, today=date(2026, 2, 9), secret=True)
    assert a.due_on == date(2026, 3, 6)
    # JS 18 gives silence no effect: the day after, the application is flagged, not granted
    assert rules.apply_silence(session, today=date(2026, 3, 7), actor=SWEEP) == 1
    assert a.state == ApplicationState.SUBMITTED and a.grant_id is None


# --- the turn of 2026/2027 ----------------------------------------------------------------------

SCHEDULE_2027 = """
# A test schedule with only New Year's Day 2027 (a loaded file, as the authority would load it)
year = 2027
holidays = [{ date = 2027-01-01, name = "元旦" }]
"""


def test_the_turn_of_the_year_counts_2027_as_loaded(session: Session, parties: Parties) -> None:
    # Without a 2027 schedule the platform counts Mon-Fri and warns (test_rules.py); once the
    # authority loads it, Fri 2027-01-01 is a day off: 12-29, 12-30, 12-31, 01-04, 01-05.
    assert not calendar.builtin_knows(2027)
    assert calendar.missing_years(session, today=date(2026, 12, 28)) == [2027]
    calendar.load_schedule(
        session, actor=Actor.operator(), content=SCHEDULE_2027, filename="2027.toml"
    )
    assert calendar.missing_years(session, today=date(2026, 12, 28)) == []
    a = apply(session, parties, today=date(2026, 12, 28))
    assert a.due_on == date(2027, 1, 5)
    assert rules.apply_silence(session, today=date(2027, 1, 5), actor=SWEEP) == 0
    assert rules.apply_silence(session, today=date(2027, 1, 6), actor=SWEEP) == 1


def _grant_until(session: Session, parties: Parties, end: date) -> Grant:
    a = apply(session, parties, today=date(2026, 11, 2), period=(date(2026, 11, 2), end))
    applications.approve(
        session, actor=parties.officer_actor, application_id=a.id, today=date(2026, 11, 2)
    )
    grant = session.get(Grant, a.grant_id)
    assert grant is not None
    return grant


def test_grant_expiry_reminder_across_the_turn_on_the_fallback(
    session: Session, parties: Parties
) -> None:
    # 10 working days' notice (platform default) before Fri 2027-01-08, 2027 counted Mon-Fri
    # (the documented fallback; New Year's Day 2027 counts as a working day until loaded):
    # from Fri 12-25: 12-28..12-31 (4), 01-01 (5), 01-04..01-08 (10).
    _grant_until(session, parties, date(2027, 1, 8))
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 24), actor=SWEEP) == 0
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 25), actor=SWEEP) == 1


def test_grant_expiry_reminder_across_the_turn_with_2027_loaded(
    session: Session, parties: Parties
) -> None:
    # With New Year's Day 2027 a day off, the notice starts one working day earlier: Thu 12-24.
    calendar.load_schedule(
        session, actor=Actor.operator(), content=SCHEDULE_2027, filename="2027.toml"
    )
    _grant_until(session, parties, date(2027, 1, 8))
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 23), actor=SWEEP) == 0
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 24), actor=SWEEP) == 1
