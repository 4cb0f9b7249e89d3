"""The notices the platform proposes from its own records (GZ 43; ZS 38; ZZ 32; JS 33)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare.catalogue.models import ChangeEvent
from govshare.datastore.models import Connection
from govshare.governance import rectification
from govshare.governance import rectification_proposals as proposals
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, NotFound
from govshare.quality.verification_models import VerificationRequest
from govshare.sharing import application_rules
from tests.applications.conftest import Parties, apply
from tests.orgs import builders as org_builders

DAY = date(2026, 9, 21)
TODAY = date(2026, 11, 16)


def stale(session: Session, p: Parties, since: date = date(2026, 10, 1)) -> Connection:
    row = Connection(resource_id=p.resource.id, records=10, stale_since=since)
    session.add(row)
    session.flush()
    return row


def late_verification(session: Session, p: Parties) -> VerificationRequest:
    row = VerificationRequest(
        resource_id=p.resource.id,
        subject_hash="h" * 40,
        subject_enc="x",
        consumer_department_id=p.consumer.id,
        provider_department_id=p.provider.id,
        items=["婚姻状况"],
        claims_enc="x",
        answered_by_rule="provider",
        state="open",
        filed_on=DAY,
        filed_by="staff",
        due_on=date(2026, 10, 9),
    )
    session.add(row)
    session.flush()
    return row


def change(session: Session, p: Parties) -> ChangeEvent:
    row = ChangeEvent(
        department_id=p.provider.id,
        kind="law_amended",
        description="《广州市医疗机构管理办法》修订",
        occurred_on=DAY,
        registered_on=DAY,
        registered_by="admin",
        due_on=date(2026, 10, 30),
    )
    session.add(row)
    session.flush()
    return row


def admin(p: Parties) -> Actor:
    return org_builders.actor_of(p.admin)


def kinds(session: Session, p: Parties, today: date = TODAY) -> dict[str, proposals.Proposal]:
    return {x.kind: x for x in proposals.list_proposals(session, actor=admin(p), today=today)}


def test_each_kind_is_proposed_with_its_ground_and_records(
    session: Session, parties: Parties
) -> None:
    stale(session, parties)
    overdue = apply(session, parties, today=DAY)  # GZ 26: due in 5 working days
    late_verification(session, parties)
    change(session, parties)
    found = kinds(session, parties)
    # GZ 43(3): data not updated in time
    assert found["stale_resource"].ground == "data_not_updated"
    assert found["stale_resource"].article == "GZ 43(3)"
    assert found["stale_resource"].department_id == parties.provider.id
    assert parties.resource.code in found["stale_resource"].facts
    # GZ 43 lists no "refusing or delaying provision": the catch-all GZ 43(8)
    assert found["overdue_application"].source_id == overdue.id
    assert found["overdue_application"].article == "GZ 43(8)"
    assert found["overdue_application"].records[0].link == f"/applications/{overdue.id}"
    assert found["late_verification"].department_id == parties.provider.id
    # GZ 43(1): catalogue not compiled or updated
    assert found["catalogue_not_updated"].article == "GZ 43(1)"
    assert "deemed_consent" not in found


def test_a_deemed_consent_not_delivered_is_proposed(session: Session, parties: Parties) -> None:
    # GZ 26: silence is consent; the provider must then deliver, or is proposed for a notice.
    application = apply(session, parties, today=DAY)
    application_rules.apply_silence(session, today=date(2026, 10, 20), actor=Actor.system())
    assert application.state == "deemed_consent"
    found = kinds(session, parties)
    assert application.delivery_due_on is not None  # GZ 26: 5 working days after the consent
    assert found["deemed_consent"].source_id == application.id
    assert "视为同意" in found["deemed_consent"].facts


def test_zhongshan_names_its_own_grounds(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 38(viii): refusing or intentionally delaying provision
    use_profile("zhongshan")
    late_verification(session, parties)
    found = kinds(session, parties)
    assert found["late_verification"].ground == "refusing_or_delaying_provision"
    assert found["late_verification"].article == "ZS 38(viii)"


def test_a_proposal_turned_into_a_notice_is_not_proposed_twice(
    session: Session, parties: Parties
) -> None:
    stale(session, parties)
    p = kinds(session, parties)["stale_resource"]
    notice = rectification.issue(
        session,
        actor=admin(parties),
        department_id=p.department_id,
        ground=p.ground,
        facts=p.facts,
        requirement=p.requirement,
        due_on=date(2026, 12, 1),
        today=TODAY,
        source_kind=p.kind,
        source_id=p.source_id,
    )
    assert notice.source_kind == "stale_resource" and notice.source_id == parties.resource.id
    assert "stale_resource" not in kinds(session, parties)
    with pytest.raises(Conflict):  # the same proposal again
        rectification.issue(
            session,
            actor=admin(parties),
            department_id=p.department_id,
            ground=p.ground,
            facts=p.facts,
            requirement=p.requirement,
            due_on=date(2026, 12, 1),
            today=TODAY,
            source_kind=p.kind,
            source_id=p.source_id,
        )
    # once the notice is closed and the data is still stale, it is proposed again
    rectification.answer(
        session, actor=parties.officer_actor, notice_id=notice.id, response="ok", today=TODAY
    )
    rectification.accept(session, actor=admin(parties), notice_id=notice.id, today=TODAY)
    assert "stale_resource" in kinds(session, parties)


def test_a_dismissed_proposal_is_not_proposed_again(session: Session, parties: Parties) -> None:
    event = change(session, parties)
    with pytest.raises(Forbidden):
        proposals.dismiss(
            session,
            actor=parties.officer_actor,
            kind="catalogue_not_updated",
            source_id=event.id,
            reason="x",
            today=TODAY,
        )
    proposals.dismiss(
        session,
        actor=admin(parties),
        kind="catalogue_not_updated",
        source_id=event.id,
        reason="变更事项不涉及共享目录",
        today=TODAY,
    )
    assert "catalogue_not_updated" not in kinds(session, parties)
    with pytest.raises(NotFound):
        proposals.get_proposal(
            session,
            actor=admin(parties),
            kind="catalogue_not_updated",
            source_id=event.id,
            today=TODAY,
        )


def test_nothing_is_proposed_before_the_deadline(session: Session, parties: Parties) -> None:
    apply(session, parties, today=DAY)
    change(session, parties)
    assert kinds(session, parties, today=DAY) == {}
