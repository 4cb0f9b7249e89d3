"""The batched sweep of applications keeps every item's own outcome (GZ 26).

Deemed consents are granted a batch at a time; an item the batch cannot vouch for goes through
`sharing.create_grant` alone and is flagged when refused. Each item is taken once across batches.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.notify.models import Notification
from govshare.sharing import application_rules as rules
from govshare.sharing import applications
from govshare.sharing.application_models import ApplicationState
from govshare.sharing.models import Grant
from tests.applications.conftest import Parties, apply, make_parties

SWEEP = Actor.system()
SUBMITTED, DUE, EFFECTIVE = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 10)


@pytest.fixture()
def parties(session: Session) -> Parties:
    return make_parties(session)


def _details(session: Session, action: str, object_id: int) -> dict:
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.object_id == str(object_id)
        )
    )
    assert entry is not None, (action, object_id)
    return dict(entry.details)


def test_batches_take_each_item_once_and_grant_it_as_create_grant_would(
    session: Session, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GZ 26: five unanswered applications, deemed agreed from the day after the due date
    monkeypatch.setattr(rules, "BATCH", 2)  # three batches: 2 + 2 + 1
    made = [apply(session, parties, today=SUBMITTED) for _ in range(5)]
    assert rules.apply_silence(session, today=EFFECTIVE, actor=SWEEP) == 5
    assert rules.apply_silence(session, today=EFFECTIVE, actor=SWEEP) == 0  # idempotent
    grants = {
        g.id: g for g in session.scalars(select(Grant).where(Grant.source == "deemed_consent"))
    }
    assert len(grants) == 5
    for a in made:
        assert a.state == ApplicationState.DEEMED_CONSENT and a.grant_id is not None
        grant = grants[a.grant_id]
        assert grant.consumer_department_id == parties.consumer.id
        assert grant.items == a.items and grant.purposes == a.purposes
        assert (grant.valid_from, grant.valid_until) == (EFFECTIVE, a.period_until)
        assert grant.granted_by == SWEEP.name and "GZ 26" in grant.approved_by
        assert grant.note == f"application {a.id}: no answer by {DUE}"
        details = _details(session, "grant.create", grant.id)
        assert details["source"] == "deemed_consent" and details["resource"] == a.resource_code
        assert _details(session, "application.deemed_consent", a.id)["grant_id"] == grant.id
        people = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.kind == "application.deemed_consent",
                Notification.object_id == str(a.id),
            )
        )
        assert people == 3  # the officer, the applying staff member, the authority
    assert audit.verify(session).ok  # the chain holds after the batch appends


def test_the_grant_audit_of_a_batch_matches_an_answered_grant(
    session: Session, parties: Parties
) -> None:
    answered = apply(session, parties, today=SUBMITTED)
    applications.approve(
        session, actor=parties.officer_actor, application_id=answered.id, today=SUBMITTED
    )
    silent = apply(session, parties, today=SUBMITTED)
    rules.apply_silence(session, today=EFFECTIVE, actor=SWEEP)
    assert answered.grant_id is not None and silent.grant_id is not None
    by_hand = _details(session, "grant.create", answered.grant_id)
    by_batch = _details(session, "grant.create", silent.grant_id)
    assert set(by_batch) == set(by_hand)


def test_an_item_that_can_no_longer_be_granted_is_flagged_alone(
    session: Session, parties: Parties
) -> None:
    # the period applied for ends before the consent takes effect: no grant, a flag
    ok = apply(session, parties, today=SUBMITTED)
    ended = apply(session, parties, today=SUBMITTED, period=(SUBMITTED, date(2026, 11, 5)))
    assert rules.apply_silence(session, today=EFFECTIVE, actor=SWEEP) == 2
    assert ok.state == ApplicationState.DEEMED_CONSENT and ok.grant_id is not None
    assert ended.state == ApplicationState.SUBMITTED and ended.grant_id is None
    flag = session.scalar(select(Flag).where(Flag.kind == rules.SILENCE_FAILED))
    assert flag is not None and flag.object_id == str(ended.id)
    # flagged once: the next sweep neither grants nor flags it again
    assert rules.apply_silence(session, today=EFFECTIVE, actor=SWEEP) == 0
    assert session.scalar(select(func.count()).select_from(Grant)) == 1
