"""The life of a grant: expiry reminder and expiry, renewal, revocation, suspension, record, export.

GZ 26 (5 working days to answer), the 2026 calendar of chinesecalendar, and the platform default
of 10 working days' notice before a grant ends (docs/grants.md: no shipped text sets one).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.sharing import application_rules, applications, grant_life, grant_rules
from govshare.sharing import service as sharing
from govshare.sharing.models import Grant
from tests.applications.conftest import CONDITIONAL, PURPOSE, Parties, apply, make_parties, notes
from tests.sharing import builders

SWEEP = Actor.system()
DAY = date(2026, 11, 2)
END = date(2026, 12, 31)
S = sharing.GrantState


@pytest.fixture()
def parties(session: Session) -> Parties:
    return make_parties(session)


def _granted(session: Session, p: Parties, *, end: date = END) -> Grant:
    """An application of DAY approved by the provider: a grant of the conditional items to `end`."""
    a = apply(session, p, today=DAY, period=(DAY, end))
    applications.approve(session, actor=p.officer_actor, application_id=a.id, today=DAY)
    grant = session.get(Grant, a.grant_id)
    assert grant is not None
    return grant


def _query(session: Session, p: Parties, today: date) -> sharing.QueryResult:
    return sharing.query(
        session,
        actor=p.staff_actor,
        resource_id=p.resource.id,
        subjects=[SUBJECT],
        purpose_text="最低生活保障审核",
        purpose_code=PURPOSE["purposes"][0],
        method="console",
        today=today,
    )


SUBJECT = builders.make_ric(7)


def _with_record(session: Session, p: Parties) -> None:
    builders.with_records(session, p.resource, "conditional", [SUBJECT])


def _reads(session: Session, p: Parties, today: date) -> list[str]:
    """The items the consumer receives (姓名 and the key are open to all; the rest need a grant)."""
    result = _query(session, p, today)
    assert result.found == 1
    return sorted((result.results[0].data or {}).keys())


GRANTED = sorted([builders.KEY, "姓名", *CONDITIONAL])
OPEN = sorted([builders.KEY, "姓名"])


# --- expiry -----------------------------------------------------------------------------------


def test_expiry_reminder_goes_out_once_ten_working_days_before(
    session: Session, parties: Parties
) -> None:
    grant = _granted(session, parties)
    assert grant_life.expiry_notice_days() == grant_life.DEFAULT_EXPIRY_NOTICE_WORKING_DAYS == 10
    # 12-17 + 10 working days = 12-31 (12-18, 21-25, 28-31); on 12-16 it is still 11 away
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 16), actor=SWEEP) == 0
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 17), actor=SWEEP) == 1
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 17), actor=SWEEP) == 0
    assert grant_rules.remind_expiring(session, today=date(2026, 12, 18), actor=SWEEP) == 0
    life = grant_life.life_of(session, grant.id)
    assert life is not None and life.expiry_reminded_on == date(2026, 12, 17)
    # the consumer's people and the provider's officers are told
    assert notes(session, parties.staff, "grant.expiring") == 1
    assert notes(session, parties.officer, "grant.expiring") == 1


def test_a_grant_expires_after_its_last_day_and_the_expiry_is_recorded_once(
    session: Session, parties: Parties
) -> None:
    _with_record(session, parties)
    grant = _granted(session, parties)
    assert _reads(session, parties, END) == GRANTED  # the last day is still valid
    assert sharing.grant_state(grant, today=date(2027, 1, 1)) == S.EXPIRED
    assert _reads(session, parties, date(2027, 1, 1)) == OPEN
    assert grant_rules.record_expired(session, today=END, actor=SWEEP) == 0
    # a tick days later records the expiry as of its own date
    assert grant_rules.record_expired(session, today=date(2027, 1, 6), actor=SWEEP) == 1
    assert grant_rules.record_expired(session, today=date(2027, 1, 7), actor=SWEEP) == 0
    life = grant_life.life_of(session, grant.id)
    assert life is not None and life.expired_on == date(2027, 1, 1)
    assert notes(session, parties.staff, "grant.expired") == 1
    actions = [
        e.action
        for e in grant_life.grant_record(
            session, actor=parties.staff_actor, grant_id=grant.id, today=date(2027, 1, 7)
        ).events
    ]
    assert actions == ["grant.create", "grant.expire"]


# --- renewal ----------------------------------------------------------------------------------


def test_renewal_reuses_the_application_and_starts_where_the_old_grant_ends(
    session: Session, parties: Parties
) -> None:
    grant = _granted(session, parties)
    today = date(2026, 12, 21)  # expiring: 8 working days left
    fields = grant_life.renewal_prefill(
        session, actor=parties.staff_actor, grant_id=grant.id, today=today
    )
    assert fields["purpose_text"] == PURPOSE["purpose_text"]
    assert fields["legal_basis"] == PURPOSE["legal_basis"]
    assert fields["purposes"] == PURPOSE["purposes"] and fields["items"] == CONDITIONAL
    assert fields["period_from"] == date(2027, 1, 1)
    assert fields["period_until"] == date(2027, 1, 1) + (grant.valid_until - grant.valid_from)
    fields["items"] = ["婚姻状况"]  # editable: fewer items this time
    renewal = applications.submit(
        session, actor=parties.staff_actor, today=today, renews_grant_id=grant.id, **fields
    )
    assert renewal.renews_grant_id == grant.id and renewal.items == ["婚姻状况"]
    assert renewal.due_on == date(2026, 12, 28)  # the same deadline as any application (GZ 26)
    # the renewal pending, the expiry reminder is not sent
    assert grant_rules.remind_expiring(session, today=today, actor=SWEEP) == 0
    with pytest.raises(IllegalTransition) as exc:
        grant_life.renewal_prefill(
            session, actor=parties.staff_actor, grant_id=grant.id, today=today
        )
    assert exc.value.code == "renewal_exists"
    applications.approve(
        session,
        actor=parties.officer_actor,
        application_id=renewal.id,
        today=today,
        valid_from=today,  # asked to start early: still starts where the old one ends
    )
    new = session.get(Grant, renewal.grant_id)
    assert new is not None
    assert new.valid_from == date(2027, 1, 1) and new.items == ["婚姻状况"]
    record = grant_life.grant_record(
        session, actor=parties.staff_actor, grant_id=grant.id, today=today
    )
    assert [a.id for a in record.renewals] == [renewal.id]
    assert (
        grant_life.grant_record(
            session, actor=parties.staff_actor, grant_id=new.id, today=today
        ).renews
        == grant.id
    )


def test_a_renewal_deemed_agreed_also_starts_where_the_old_grant_ends(
    session: Session, parties: Parties
) -> None:
    # GZ Art. 26: silence is consent; the consented grant must not overlap the one it renews.
    grant = _granted(session, parties)
    today = date(2026, 12, 21)
    fields = grant_life.renewal_prefill(
        session, actor=parties.staff_actor, grant_id=grant.id, today=today
    )
    fields["period_from"] = today  # asked to start at once
    renewal = applications.submit(
        session, actor=parties.staff_actor, today=today, renews_grant_id=grant.id, **fields
    )
    assert renewal.due_on == date(2026, 12, 28)
    assert application_rules.apply_silence(session, today=date(2026, 12, 29), actor=SWEEP) == 1
    session.refresh(renewal)
    assert renewal.state == "deemed_consent"
    new = session.get(Grant, renewal.grant_id)
    assert new is not None and new.source == "deemed_consent"
    assert new.valid_from == date(2027, 1, 1)  # not 2026-12-29: the old grant runs to Dec 31


def test_only_the_consumer_renews_an_expiring_or_expired_grant(
    session: Session, parties: Parties
) -> None:
    grant = _granted(session, parties)
    with pytest.raises(IllegalTransition) as exc:  # 31 working days left: not expiring
        grant_life.renewal_prefill(
            session, actor=parties.staff_actor, grant_id=grant.id, today=date(2026, 11, 18)
        )
    assert exc.value.code == "grant_not_renewable"
    with pytest.raises(NotFound):  # the provider holds no such grant
        grant_life.renewal_prefill(
            session, actor=parties.officer_actor, grant_id=grant.id, today=date(2027, 2, 1)
        )
    assert grant_life.renewal_prefill(  # expired: renewable, starting today
        session, actor=parties.staff_actor, grant_id=grant.id, today=date(2027, 2, 1)
    )["period_from"] == date(2027, 2, 1)


# --- revocation and suspension ----------------------------------------------------------------


def test_revocation_takes_effect_for_the_very_next_query(
    session: Session, parties: Parties
) -> None:
    _with_record(session, parties)
    grant = _granted(session, parties)
    today = date(2026, 11, 20)
    assert _reads(session, parties, today) == GRANTED
    with pytest.raises(Invalid) as missing:
        grant_life.revoke(
            session, actor=parties.officer_actor, grant_id=grant.id, reason="  ", today=today
        )
    assert missing.value.code == "missing_reason"
    with pytest.raises(Forbidden):  # the consumer does not revoke
        grant_life.revoke(
            session, actor=parties.staff_actor, grant_id=grant.id, reason="x", today=today
        )
    grant_life.revoke(
        session,
        actor=parties.officer_actor,
        grant_id=grant.id,
        reason="业务事项已办结",
        today=today,
    )
    # same transaction, same day: the conditional items are no longer returned
    assert _reads(session, parties, today) == OPEN
    assert _query(session, parties, today).entitlement.grants == ()
    assert sharing.grant_state(grant, today=today) == S.REVOKED
    assert (
        grant.revoked_by == parties.officer_actor.name and grant.revoked_reason == "业务事项已办结"
    )
    assert notes(session, parties.staff, "grant.revoked") == 1


def test_suspension_and_its_lifting_with_reasons(session: Session, parties: Parties) -> None:
    _with_record(session, parties)
    grant = _granted(session, parties)
    today = date(2026, 11, 20)
    admin = Actor.system()
    with pytest.raises(Forbidden):
        grant_life.suspend(
            session, actor=parties.staff_actor, grant_id=grant.id, reason="x", today=today
        )
    with pytest.raises(Invalid):
        grant_life.suspend(session, actor=admin, grant_id=grant.id, reason="", today=today)
    grant_life.suspend(
        session, actor=admin, grant_id=grant.id, reason="争议调解中", today=today, cause="dispute:4"
    )
    assert sharing.grant_state(grant, today=today) == S.SUSPENDED
    assert _reads(session, parties, today) == OPEN
    with pytest.raises(IllegalTransition):
        grant_life.suspend(session, actor=admin, grant_id=grant.id, reason="again", today=today)
    life = grant_life.life_of(session, grant.id)
    assert life is not None
    assert (life.suspended_on, life.suspended_reason, life.suspended_for) == (
        today,
        "争议调解中",
        "dispute:4",
    )
    grant_life.lift(
        session, actor=parties.officer_actor, grant_id=grant.id, reason="已调解", today=today
    )
    assert _reads(session, parties, today) == GRANTED
    with pytest.raises(IllegalTransition):
        grant_life.lift(session, actor=admin, grant_id=grant.id, reason="x", today=today)
    events = grant_life.grant_record(
        session, actor=parties.staff_actor, grant_id=grant.id, today=today
    ).events
    assert [(e.action, e.details.get("reason")) for e in events[1:]] == [
        ("grant.suspend", "争议调解中"),
        ("grant.lift_suspension", "已调解"),
    ]
    assert events[2].who == parties.officer_actor.name
    assert notes(session, parties.staff, "grant.suspended") == 1
    assert notes(session, parties.staff, "grant.resumed") == 1


def test_a_grant_is_seen_only_by_its_two_departments_and_the_authority(
    session: Session, parties: Parties
) -> None:
    from tests.orgs import builders as org_builders

    grant = _granted(session, parties)
    other = org_builders.department(session)
    stranger = org_builders.actor_of(
        org_builders.user(session, role=org_builders.Role.STAFF, dept=other)
    )
    with pytest.raises(Forbidden):
        grant_life.grant_record(session, actor=stranger, grant_id=grant.id, today=DAY)
    admin = org_builders.actor_of(parties.admin)
    assert grant_life.grant_record(session, actor=admin, grant_id=grant.id, today=DAY).row.provider


# --- export -----------------------------------------------------------------------------------


def test_export_as_csv_and_xlsx_with_the_list_filters(session: Session, parties: Parties) -> None:
    grant = _granted(session, parties)
    today = date(2026, 11, 20)
    rows = grant_life.export_rows(session, actor=parties.staff_actor, side="held", today=today)
    assert rows[0] == list(grant_life.COLUMNS) and len(rows) == 2
    assert rows[1][0] == grant.id and rows[1][8] == "active"
    assert rows[1][1] == parties.consumer.name and rows[1][2] == parties.provider.name
    parsed = list(csv.reader(io.StringIO(grant_life.to_csv(rows).lstrip("\ufeff"))))
    assert parsed[1][4] == "婚姻状况; 月收入"
    book = load_workbook(io.BytesIO(grant_life.to_xlsx(rows)))
    assert [c.value for c in book["grants"][2]][:2] == [grant.id, parties.consumer.name]
    # filters: none revoked; the provider's "given" list holds it too
    assert (
        len(
            grant_life.export_rows(
                session, actor=parties.staff_actor, side="held", today=today, state=S.REVOKED
            )
        )
        == 1
    )
    given = grant_life.export_rows(session, actor=parties.officer_actor, side="given", today=today)
    assert [r[0] for r in given[1:]] == [grant.id]


def test_a_spreadsheet_formula_in_a_cell_is_defused() -> None:
    text = grant_life.to_csv([["note"], ['=HYPERLINK("x")']])
    assert "'=HYPERLINK" in text


def test_a_workflow_suspends_through_mark_suspended_and_the_sweep_knows_the_rules(
    session: Session, parties: Parties
) -> None:
    # A dispute raised by the consumer (GZ 28) suspends the grant where the ladder says so: the
    # dispute workflow has authorised it, so `mark_suspended` takes any actor.
    from govshare.jobs import service as jobs

    grant = _granted(session, parties)
    today = date(2026, 11, 20)
    grant_life.mark_suspended(
        session,
        actor=parties.staff_actor,
        grant=grant,
        reason="对拒绝理由有异议",
        today=today,
        cause="dispute:9",
    )
    assert sharing.grant_state(grant, today=today) == S.SUSPENDED
    grant_life.mark_lifted(
        session, actor=Actor.system(), grant=grant, reason="争议已决定", today=today
    )
    assert sharing.grant_state(grant, today=today) == S.ACTIVE
    names = {r.name for r in jobs.rules()}
    assert {"grants.expiry_reminder", "grants.expiry"} <= names
