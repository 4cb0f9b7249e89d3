"""Which events notify whom (issue 6 point 7), through the real services and sweep rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare import runtime
from govshare.kit.actor import Actor
from govshare.notify import service
from govshare.notify.models import Notification
from govshare.profiles.service import clear_profile_cache
from govshare.sharing import application_rules as rules
from govshare.sharing import applications
from tests.applications.conftest import Parties, apply, make_parties
from tests.notify.conftest import StartSink

SWEEP = Actor.system()


@pytest.fixture()
def parties(session: Session) -> Parties:
    p = make_parties(session)
    p.staff.email, p.officer.email, p.admin.email = "staff@c.test", "officer@p.test", "admin@a.test"
    session.flush()
    return p


@pytest.fixture()
def use_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def use(name: str) -> None:
        monkeypatch.setenv("GOVSHARE_PROFILE", name)
        clear_profile_cache()

    yield use
    monkeypatch.undo()
    clear_profile_cache()


def told(session: Session, kind: str) -> set[int]:
    """The users notified of a kind."""
    return set(session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_new_application_tells_the_providers_data_officers(
    session: Session, parties: Parties
) -> None:
    # GZ 26: the provider answers within 5 working days, so its officers must learn of it
    apply(session, parties, today=date(2026, 11, 2))
    assert told(session, "application.new") == {parties.officer.id}


def test_one_working_day_left_reminds_the_provider(session: Session, parties: Parties) -> None:
    # GZ 26: submitted Mon 2026-11-02, due Mon 11-09; on Fri 11-06 one working day is left
    a = apply(session, parties, today=date(2026, 11, 2))
    assert a.due_on == date(2026, 11, 9)
    assert rules.remind(session, today=date(2026, 11, 5), actor=SWEEP) == 0
    assert rules.remind(session, today=date(2026, 11, 6), actor=SWEEP) == 1
    assert rules.remind(session, today=date(2026, 11, 9), actor=SWEEP) == 0  # once
    assert told(session, "application.reminder") == {parties.officer.id}


def test_deemed_consent_tells_both_sides_and_the_authority(
    session: Session, parties: Parties
) -> None:
    # GZ 26: no answer by the due date, deemed agreed from the next day
    apply(session, parties, today=date(2026, 11, 2))
    assert rules.apply_silence(session, today=date(2026, 11, 10), actor=SWEEP) == 1
    everyone = {parties.officer.id, parties.staff.id, parties.admin.id}
    assert told(session, "application.deemed_consent") == everyone


def test_referral_tells_both_sides_and_the_authority(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 22: silence sends the case to the data department, which provides
    use_profile("zhongshan")
    a = apply(session, parties, today=date(2026, 11, 2))
    assert a.due_on is not None
    assert rules.apply_silence(session, today=date(2026, 12, 31), actor=SWEEP) == 1
    everyone = {parties.officer.id, parties.staff.id, parties.admin.id}
    assert told(session, "application.referred") == everyone


def test_overdue_tells_both_sides_once(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # JS 18: 15 working days where privacy is involved; silence has no legal effect, it is flagged
    use_profile("jiangsu")
    apply(session, parties, today=date(2026, 11, 2), secret=True)
    assert rules.apply_silence(session, today=date(2026, 12, 31), actor=SWEEP) == 1
    assert rules.apply_silence(session, today=date(2026, 12, 31), actor=SWEEP) == 0
    assert told(session, "application.overdue") == {parties.officer.id, parties.staff.id}
    assert (
        len(
            list(
                session.scalars(
                    select(Notification).where(Notification.kind == "application.overdue")
                )
            )
        )
        == 2
    )


@pytest.mark.parametrize("answer", ["approve", "refuse"])
def test_the_decision_tells_the_applying_department(
    session: Session, parties: Parties, answer: str
) -> None:
    # GZ 26: the provider approves, or refuses with reasons
    a = apply(session, parties, today=date(2026, 11, 2))
    if answer == "approve":
        applications.approve(
            session, actor=parties.officer_actor, application_id=a.id, today=date(2026, 11, 3)
        )
    else:
        applications.refuse(
            session,
            actor=parties.officer_actor,
            application_id=a.id,
            reason="超出职责范围",
            today=date(2026, 11, 3),
        )
    assert told(session, "application.decision") == {parties.staff.id}


def test_deemed_consent_reaches_everyone_by_email(
    session: Session, parties: Parties, start_sink: StartSink
) -> None:
    # GZ 26 end to end: the sweep's notifications go out through a real SMTP server
    sink = start_sink()
    a = apply(session, parties, today=date(2026, 11, 2))
    rules.apply_silence(session, today=date(2026, 11, 10), actor=SWEEP)
    sent = service.send_pending_email(session, settings=runtime.settings(), config=sink.config)
    assert sent == 4  # the new application (officer), then the deemed consent (three people)
    consent = [
        m for m in sink.mailbox.received if m["X-Govshare-Kind"] == "application.deemed_consent"
    ]
    assert sorted(m["To"] for m in consent) == ["admin@a.test", "officer@p.test", "staff@c.test"]
    for message in consent:
        assert f"https://share.example.test/applications/{a.id}" in message.get_content()
        assert "GZ 26" in message["Subject"]
