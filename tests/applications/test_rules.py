"""The sweep of applications: silence per profile, reminders, late delivery, idempotent, in order.

Real calendars (chinesecalendar 2026): GZ 26 gives 5 working days; the submission day is not
counted; the consequence of silence applies from the day after the due date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.calendar.service import builtin_knows
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.sharing import application_rules as rules
from govshare.sharing import applications
from govshare.sharing.application_models import ApplicationState
from govshare.sharing.models import Grant
from tests.applications.conftest import CONDITIONAL, Parties, apply, notes

SWEEP = Actor.system()


def _sweep(session: Session, today: date) -> dict[str, int]:
    """The application rules for one day, in the order tick runs them."""
    return {
        "silence": rules.apply_silence(session, today=today, actor=SWEEP),
        "reminder": rules.remind(session, today=today, actor=SWEEP),
        "late": rules.flag_late(session, today=today, actor=SWEEP),
    }


def _flags(session: Session, kind: str) -> int:
    return session.scalar(select(func.count()).select_from(Flag).where(Flag.kind == kind)) or 0


def test_gz_national_day_due_on_the_13th_deemed_consent_on_the_14th(
    session: Session, parties: Parties
) -> None:
    # GZ 26. Submitted Wed 2026-09-30: 10-01..10-07 National Day holiday, Sat 10-10 an adjusted
    # working day: 10-08, 10-09, 10-10, 10-12, 10-13 -> due 2026-10-13.
    a = apply(session, parties, today=date(2026, 9, 30))
    assert a.due_on == date(2026, 10, 13)
    assert _sweep(session, date(2026, 10, 13))["silence"] == 0  # the last day is still in time
    assert a.state == ApplicationState.SUBMITTED
    assert _sweep(session, date(2026, 10, 14))["silence"] == 1
    assert a.state == ApplicationState.DEEMED_CONSENT
    grant = session.get(Grant, a.grant_id)
    assert grant is not None
    assert grant.source == "deemed_consent" and grant.items == CONDITIONAL
    assert grant.valid_from == date(2026, 10, 14)  # from the day the consent took effect
    assert "GZ 26" in grant.approved_by
    # both sides and the authority are told
    for person in (parties.staff, parties.officer, parties.admin):
        assert notes(session, person, "application.deemed_consent") == 1
    # GZ 26: shared within 5 working days of the (deemed) answer: 10-15..10-21
    assert a.delivery_due_on == date(2026, 10, 21)


def test_gz_spring_festival_due_on_the_27th(session: Session, parties: Parties) -> None:
    # GZ 26. Submitted Fri 2026-02-13: Sat 02-14 an adjusted working day, 02-15..02-23 Spring
    # Festival: 02-14, 02-24, 02-25, 02-26, 02-27 -> due 2026-02-27 (02-28 works, too late).
    a = apply(session, parties, today=date(2026, 2, 13))
    assert a.due_on == date(2026, 2, 27)
    assert _sweep(session, date(2026, 2, 27))["silence"] == 0
    assert _sweep(session, date(2026, 2, 28))["silence"] == 1


def test_gz_across_the_turn_of_2026_2027(session: Session, parties: Parties) -> None:
    # chinesecalendar does not know 2027 yet: it falls back to Monday-Friday (the authority is
    # warned to load the schedule), so Fri 2027-01-01 counts as a working day here although New
    # Year's Day will be a holiday once the State Council publishes 2027.
    assert not builtin_knows(2027)
    a = apply(session, parties, today=date(2026, 12, 28))
    # 12-29, 12-30, 12-31, 2027-01-01 (fallback), 2027-01-04
    assert a.due_on == date(2027, 1, 4)
    assert _sweep(session, date(2027, 1, 5))["silence"] == 1
    grant = session.get(Grant, a.grant_id)
    assert grant is not None and grant.valid_from == date(2027, 1, 5)


def test_tick_twice_changes_nothing_the_second_time(session: Session, parties: Parties) -> None:
    apply(session, parties, today=date(2026, 9, 30))
    first = _sweep(session, date(2026, 11, 20))
    assert first == {"silence": 1, "reminder": 0, "late": 1}
    assert _sweep(session, date(2026, 11, 20)) == {"silence": 0, "reminder": 0, "late": 0}
    assert session.scalar(select(func.count()).select_from(Grant)) == 1


def test_a_tick_long_after_applies_each_deadline_with_its_own_date(
    session: Session, parties: Parties
) -> None:
    # The server was down for weeks: each application is deemed agreed as of its own due date.
    a = apply(session, parties, today=date(2026, 9, 30))  # due 10-13
    b = apply(session, parties, today=date(2026, 10, 15))  # due 10-22
    c = apply(session, parties, today=date(2026, 11, 19))  # due 11-26: not yet
    counts = _sweep(session, date(2026, 11, 20))
    assert counts["silence"] == 2
    ga, gb = session.get(Grant, a.grant_id), session.get(Grant, b.grant_id)
    assert ga is not None and gb is not None
    assert (ga.valid_from, gb.valid_from) == (date(2026, 10, 14), date(2026, 10, 23))
    assert (a.delivery_due_on, b.delivery_due_on) == (date(2026, 10, 21), date(2026, 10, 30))
    assert c.state == ApplicationState.SUBMITTED
    # both deliveries are already late on the day of the tick
    assert counts["late"] == 2 and _flags(session, "application.delivery_late") == 2


def test_one_working_day_left_reminds_the_provider_once(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=date(2026, 9, 30))  # due Tue 10-13
    # Fri 10-09: the next working day is the adjusted Saturday 10-10, two days left
    assert _sweep(session, date(2026, 10, 9))["reminder"] == 0
    assert _sweep(session, date(2026, 10, 12))["reminder"] == 1
    assert _sweep(session, date(2026, 10, 12))["reminder"] == 0
    assert a.reminded_on == date(2026, 10, 12)
    assert notes(session, parties.officer, "application.reminder") == 1


def test_delivery_marked_resolves_the_late_flag(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=date(2026, 11, 2))
    applications.approve(
        session, actor=parties.officer_actor, application_id=a.id, today=date(2026, 11, 2)
    )
    assert a.delivery_due_on == date(2026, 11, 9)
    assert _sweep(session, date(2026, 11, 9))["late"] == 0
    assert _sweep(session, date(2026, 11, 10))["late"] == 1
    assert notes(session, parties.admin, "application.delivery_late") == 1
    applications.mark_delivered(
        session, actor=parties.officer_actor, application_id=a.id, today=date(2026, 11, 12)
    )
    flag = session.scalar(select(Flag).where(Flag.kind == "application.delivery_late"))
    assert flag is not None and flag.resolved_on == date(2026, 11, 12)


def test_zs_silence_refers_the_case_to_the_data_department(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 22: 5 business days to reply; then the data department provides within 5 business days
    use_profile("zhongshan")
    a = apply(session, parties, today=date(2026, 9, 30))
    assert a.due_on == date(2026, 10, 13)
    assert _sweep(session, date(2026, 10, 14))["silence"] == 1
    assert a.state == ApplicationState.REFERRED_TO_AUTHORITY
    assert a.grant_id is None
    assert a.provide_due_on == date(2026, 10, 20)  # 10-14, 15, 16, 19, 20
    assert notes(session, parties.admin, "application.referred") == 1
    assert _sweep(session, date(2026, 10, 21)) == {"silence": 0, "reminder": 0, "late": 1}
    assert _flags(session, "application.provide_late") == 1


@pytest.mark.parametrize(("secret", "due"), [(False, None), (True, date(2026, 11, 23))])
def test_js_deadline_only_for_secrets_or_privacy_and_silence_only_flags(
    session: Session,
    parties: Parties,
    use_profile: Callable[[str], None],
    secret: bool,
    due: date | None,
) -> None:
    # JS 18: 15 working days where secrets or privacy are involved, no limit otherwise; the text
    # gives silence no consequence, so the sweep only flags it (once)
    use_profile("jiangsu")
    a = apply(session, parties, today=date(2026, 11, 2), secret=secret)
    assert a.due_on == due
    first = _sweep(session, date(2026, 12, 31))["silence"]
    assert first == (1 if secret else 0)
    assert _sweep(session, date(2026, 12, 31))["silence"] == 0
    assert a.state == ApplicationState.SUBMITTED
    assert _flags(session, "application.overdue") == first
