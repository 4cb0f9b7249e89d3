"""Freshness: the due date from the update cycle, the resource's kind and the profile's limit."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from govshare.calendar.service import WorkingCalendar
from govshare.datastore import freshness
from govshare.datastore.freshness import Status
from govshare.kit.errors import Forbidden
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile
from tests.datastore import builders as b
from tests.datastore import freshness_support as fs
from tests.orgs import builders as orgs


@pytest.fixture()
def setup(session: Session) -> SimpleNamespace:
    dept, officer = b.provider(session)
    return SimpleNamespace(dept=dept, officer=officer, authority=fs.authority(session))


def _one(session: Session, setup: SimpleNamespace, rid: int, today: date) -> freshness.Freshness:
    return freshness.freshness_of(session, actor=setup.officer, resource_id=rid, today=today)


def test_basic_information_is_due_in_real_time(session: Session, setup: SimpleNamespace) -> None:
    # GZ Art. 19 ¶2: basic information is updated in real time. Daily data last updated on
    # Friday 20 Nov changes on Saturday; the update is due on the next working day, Monday 23.
    r = fs.connected(session, setup.dept, last=date(2026, 11, 20), cycle="daily", kind="basic")
    state = _one(session, setup, r.id, date(2026, 11, 23))
    assert (state.due_on, state.status, state.article) == (
        date(2026, 11, 23),
        Status.FRESH,
        "GZ 19",
    )
    state = _one(session, setup, r.id, date(2026, 11, 24))
    assert (state.status, state.stale_since) == (Status.STALE, date(2026, 11, 24))


def test_other_information_is_due_within_five_working_days(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ Art. 19 ¶3: other information within 5 working days of the change. Monthly data of
    # 15 Oct changes on Sunday 15 Nov; the 5th working day after it is Friday 20 Nov.
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15), cycle="monthly")
    assert _one(session, setup, r.id, date(2026, 11, 20)).status == Status.FRESH
    state = _one(session, setup, r.id, date(2026, 11, 21))
    assert (state.due_on, state.status, state.stale_since) == (
        date(2026, 11, 20),
        Status.STALE,
        date(2026, 11, 21),
    )
    # The same data declared basic is due on the day of the change (the next working day).
    basic = fs.connected(session, setup.dept, last=date(2026, 10, 15), kind="basic")
    assert _one(session, setup, basic.id, date(2026, 11, 16)).due_on == date(2026, 11, 16)


def test_jiangsu_allows_twenty_working_days(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # JS Art. 15: shared information is updated within 20 working days after the change,
    # basic or not.
    monkeypatch.setenv("GOVSHARE_PROFILE", "jiangsu")
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15), cycle="monthly", kind="basic")
    state = _one(session, setup, r.id, date(2026, 12, 11))
    assert (state.due_on, state.status, state.article) == (
        date(2026, 12, 11),
        Status.FRESH,
        "JS 15",
    )
    assert _one(session, setup, r.id, date(2026, 12, 12)).status == Status.STALE


def test_zhongshan_real_time_for_all_data(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ZS Art. 18: every change is updated in real time; no 5-day allowance for other data.
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhongshan")
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15), cycle="monthly")
    state = _one(session, setup, r.id, date(2026, 11, 17))
    assert (state.due_on, state.status, state.article) == (
        date(2026, 11, 16),
        Status.STALE,
        "ZS 18",
    )


def test_data_updated_as_needed_has_no_due_date(session: Session, setup: SimpleNamespace) -> None:
    # GZ Art. 19: the limit runs from a change; a resource declared "as needed" announces none,
    # so the platform sets no due date (docs/freshness.md) rather than inventing one.
    r = fs.connected(session, setup.dept, last=date(2025, 1, 6), cycle="as_needed")
    state = _one(session, setup, r.id, date(2026, 11, 20))
    assert (state.due_on, state.status) == (None, Status.UNTRACKED)


def test_never_updated_counts_from_the_connection(session: Session, setup: SimpleNamespace) -> None:
    # GZ Art. 19: a connection without an accepted load counts from the day it was connected.
    r = fs.connected(session, setup.dept, last=None, cycle="weekly")
    state = _one(session, setup, r.id, date(2026, 11, 20))
    assert state.status == Status.STALE and state.due_on == WorkingCalendar(session).add(
        date(2026, 1, 12), 5
    )


def test_quarter_fallback_bound_is_the_tenth_working_day_of_the_quarter(session: Session) -> None:
    # GZ Art. 19 ¶4: at least once within 10 working days after the start of each quarter.
    cal = WorkingCalendar(session)
    exception = get_active_profile().data.update_exception
    bound = freshness.fallback_bound
    assert bound(cal, exception, filed_on=date(2026, 7, 3), last=date(2026, 6, 20)) == date(
        2026, 7, 14
    )
    # Updated already inside this quarter's window: the next quarter's window (after the
    # National Day holiday) is the bound.
    assert bound(cal, exception, filed_on=date(2026, 7, 3), last=date(2026, 7, 2)) == date(
        2026, 10, 20
    )
    # Filed after the window closed: the next quarter.
    assert bound(cal, exception, filed_on=date(2026, 11, 20), last=date(2026, 10, 15)) == cal.add(
        date(2026, 12, 31), 10
    )


def test_provider_sees_only_its_own_and_authority_sees_all(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ Art. 19 (whoever provides manages its data); the authority supervises all of it.
    mine = fs.connected(session, setup.dept, last=date(2026, 11, 20), cycle="daily")
    other_dept, other_officer = b.provider(session)
    theirs = fs.connected(session, other_dept, last=date(2026, 10, 1), cycle="daily")
    today = date(2026, 11, 24)
    own = freshness.list_freshness(session, actor=setup.officer, today=today)
    assert {f.resource_id for f in own.items} == {mine.id}
    with pytest.raises(Forbidden):
        freshness.list_freshness(
            session, actor=setup.officer, today=today, department_id=other_dept.id
        )
    with pytest.raises(Forbidden):
        freshness.freshness_of(session, actor=other_officer, resource_id=mine.id, today=today)
    everyone = freshness.list_freshness(session, actor=setup.authority, today=today, per_page=200)
    ids = {f.resource_id for f in everyone.items}
    assert {mine.id, theirs.id} <= ids
    stale = freshness.list_freshness(
        session, actor=setup.authority, today=today, stale=True, per_page=200
    )
    assert theirs.id in {f.resource_id for f in stale.items}
    assert all(f.status == Status.STALE for f in stale.items)
    only_theirs = freshness.list_freshness(
        session, actor=setup.authority, today=today, department_id=other_dept.id
    )
    assert [f.resource_id for f in only_theirs.items] == [theirs.id]
    staff = orgs.actor_of(orgs.user(session, role=Role.STAFF, dept=setup.dept))
    with pytest.raises(Forbidden):
        freshness.list_freshness(session, actor=staff, today=today)


def test_a_load_makes_the_resource_fresh(session: Session, setup: SimpleNamespace) -> None:
    # GZ Art. 19; ZS Art. 18: the provider's load is its update.
    import io

    from govshare.datastore import parsing, service

    r = b.resource(session, setup.dept, update_cycle="daily")
    service.load(
        session,
        actor=setup.officer,
        resource_id=r.id,
        rows=parsing.read(io.BytesIO(b.csv_bytes([b.person(b.next_n())])), filename="p.csv"),
        method="cli",
        filename="p.csv",
        today=date(2026, 11, 20),
    )
    # Daily departmental data: changed on 21 Nov, due 5 working days later (27 Nov).
    state = _one(session, setup, r.id, date(2026, 11, 30))
    assert (state.last_updated_on, state.status) == (date(2026, 11, 20), Status.STALE)
    service.load(
        session,
        actor=setup.officer,
        resource_id=r.id,
        rows=parsing.read(io.BytesIO(b.csv_bytes([b.person(b.next_n())])), filename="p.csv"),
        method="cli",
        filename="p.csv",
        today=date(2026, 11, 30),
    )
    assert _one(session, setup, r.id, date(2026, 11, 30)).status == Status.FRESH
