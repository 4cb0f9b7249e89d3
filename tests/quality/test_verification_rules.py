"""Sweep rule `verification.overdue`: unanswered requests past their due date (GZ 30; ZS 23)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.jobs.models import Flag
from govshare.jobs.service import open_flags, rules
from govshare.kit.actor import Actor
from govshare.notify.models import Notification
from govshare.quality import verification, verification_answer
from govshare.quality.verification_rules import flag_overdue
from tests.quality.test_verification_world import PURPOSE, TODAY, World, build

SWEEP = Actor.system()


def _file(session: Session, w: World, subject: str) -> int:
    return verification.file_request(
        session,
        actor=w.staff,
        resource_id=w.resource.id,
        subject=subject,
        purpose_code=PURPOSE,
        claims={"姓名": "王五"},
        reason="姓名与户口簿不一致",
        today=TODAY,
    ).id


def test_the_rule_is_registered_with_the_sweep() -> None:
    assert "verification.overdue" in {r.name for r in rules()}


def test_late_request_is_flagged_once_and_resolved_by_the_answer(session: Session) -> None:
    # GZ 30: 5 working days from Fri 20 Nov -> due Fri 27 Nov; late from Sat 28 Nov.
    w = build(session)
    late_id = _file(session, w, w.subjects[0])
    answered_id = _file(session, w, w.subjects[1])
    verification_answer.answer(
        session,
        actor=w.officer,
        request_id=answered_id,
        outcome="confirmed",
        text="无误",
        today=TODAY,
    )
    assert flag_overdue(session, today=date(2026, 11, 27), actor=SWEEP) == 0
    assert flag_overdue(session, today=date(2026, 11, 28), actor=SWEEP) == 1
    assert flag_overdue(session, today=date(2026, 11, 30), actor=SWEEP) == 0  # idempotent
    flags = open_flags(session, kinds=("verification.overdue",))
    assert [(f.object_id, f.department_id) for f in flags] == [(str(late_id), w.provider.id)]
    told = {
        n.user_id
        for n in session.scalars(
            select(Notification).where(Notification.kind == "verification.overdue")
        )
    }
    assert told == {w.users["officer"].id, w.users["admin"].id}
    req = session.get(verification.VerificationRequest, late_id)
    assert req is not None and req.late
    verification_answer.answer(
        session,
        actor=w.officer,
        request_id=late_id,
        outcome="confirmed",
        text="无误",
        today=date(2026, 11, 30),
    )
    flag = session.scalar(select(Flag).where(Flag.object_id == str(late_id)))
    assert flag is not None and flag.resolved_on == date(2026, 11, 30)
    assert req.late  # the record of lateness stays


def test_without_a_due_date_nothing_is_ever_late(
    session: Session, use_profile: Callable[[str], None]
) -> None:
    # ZZ 21: "in a timely manner" sets no number: no due date, never flagged.
    use_profile("zhengzhou")
    w = build(session)
    _file(session, w, w.subjects[0])
    assert flag_overdue(session, today=date(2027, 6, 1), actor=SWEEP) == 0
