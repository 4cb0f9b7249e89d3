"""Rectification notices: issue, answer, review, escalate, the sweep (GZ 43; ZS 38; ZZ 32; JS 33)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit.models import AuditEntry
from govshare.governance import rectification, rectification_rules
from govshare.governance import rectification_queries as queries
from govshare.governance.rectification_models import EventKind, NoticeState
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.orgs.models import Role
from tests.applications.conftest import Parties, notes
from tests.governance.conftest import DATA
from tests.orgs import builders as org_builders

DAY = date(2026, 9, 21)  # a Monday
DUE = date(2026, 10, 20)


def issue(session: Session, p: Parties, **overrides: object) -> rectification.RectificationNotice:
    values: dict[str, object] = {
        "department_id": p.provider.id,
        "ground": "data_not_updated",
        "facts": "人口数据自 2026-08-01 起未更新",
        "requirement": "按更新周期更新并接入共享平台",
        "today": DAY,
        "due_on": DUE,
    }
    values.update(overrides)
    return rectification.issue(session, actor=p_admin(p), **values)  # type: ignore[arg-type]


def p_admin(p: Parties) -> Actor:
    return org_builders.actor_of(p.admin)


def actions(session: Session, notice_id: int) -> list[str]:
    stmt = (
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "rectification_notice")
        .where(AuditEntry.object_id == str(notice_id))
        .order_by(AuditEntry.seq)
    )
    return list(session.scalars(stmt))


def test_issue_stores_the_grounds_article_and_tells_the_department(
    session: Session, parties: Parties
) -> None:
    # GZ 43(3): data not updated in time is a ground of the article; its article is kept.
    notice = issue(
        session, parties, uploads=[attachments.Upload("evidence.pdf", b"%PDF-1.4 evidence")]
    )
    assert notice.state == NoticeState.ISSUED
    assert notice.article == "GZ 43(3)"
    assert notice.due_on == DUE
    assert actions(session, notice.id) == ["attachment.add", "rectification.issue"]
    assert notes(session, parties.officer, "rectification.issued") == 1
    files = attachments.list_for(session, owner_type="rectification_notice", owner_id=notice.id)
    assert [f.filename for f in files] == ["evidence.pdf"]
    # the department reads the evidence; another department does not
    officer = parties.officer_actor
    assert attachments.fetch(session, actor=officer, attachment_id=files[0].id).content
    with pytest.raises(NotFound):
        attachments.fetch(session, actor=parties.staff_actor, attachment_id=files[0].id)


def test_a_ground_outside_the_profiles_list_is_refused(session: Session, parties: Parties) -> None:
    # GZ 43 lists no "paid_sharing" (that is JS 33(B)).
    with pytest.raises(Invalid) as exc:
        issue(session, parties, ground="paid_sharing")
    assert exc.value.code == "unknown_ground"


def test_gz_leaves_the_time_limit_to_the_notice_so_a_notice_without_one_is_refused(
    session: Session, parties: Parties
) -> None:
    # GZ 43: "未在规定的时限内" — the time limit is the one the notice specifies.
    with pytest.raises(Invalid) as exc:
        issue(session, parties, due_on=None)
    assert exc.value.code == "deadline_required"
    with pytest.raises(Invalid) as past:
        issue(session, parties, due_on=DAY)
    assert past.value.code == "deadline_past"


def test_a_profile_with_working_days_defaults_the_deadline_from_the_calendar(
    session: Session,
    parties: Parties,
    tmp_path: Path,
    use_profile: Callable[[str], None],
) -> None:
    # An operator's profile that fixes 10 working days (the texts leave it to the notice).
    text = (DATA / "guangzhou.toml").read_text(encoding="utf-8")
    silent = (
        '[rectification.deadline]\nsilent = true\narticle = "GZ 43"\n'
        'wording = "规定的时限 (the time limit specified)"\n'
        'note = "GZ 43 leaves the time limit to the authority\'s notice; the text fixes no number."'
    )
    assert silent in text
    text = text.replace(silent, '[rectification.deadline]\nworking_days = 10\narticle = "GZ 43"')
    path = tmp_path / "gz-10wd.toml"
    path.write_text(text.replace('name = "guangzhou"', 'name = "gz-10wd"', 1), encoding="utf-8")
    use_profile(str(path))
    notice = issue(session, parties, due_on=None)
    # 2026-09-21 + 10 working days, over the National Day holiday (Oct 1-8 off in 2026).
    assert notice.due_on > date(2026, 10, 5)
    assert rectification.default_due(session, DAY) == notice.due_on


def test_only_the_authority_issues(session: Session, parties: Parties) -> None:
    with pytest.raises(Forbidden):
        rectification.issue(
            session,
            actor=parties.officer_actor,
            department_id=parties.consumer.id,
            ground="misuse",
            facts="f",
            requirement="r",
            today=DAY,
            due_on=DUE,
        )


def test_answer_reject_answer_again_accept(session: Session, parties: Parties) -> None:
    # GZ 43: the department rectifies; the authority judges whether it did.
    notice = issue(session, parties)
    officer = parties.officer_actor
    with pytest.raises(NotFound):  # another department's notice
        rectification.answer(
            session, actor=parties.staff_actor, notice_id=notice.id, response="x", today=DAY
        )
    with pytest.raises(Forbidden):  # the authority does not answer for the department
        rectification.answer(
            session, actor=p_admin(parties), notice_id=notice.id, response="x", today=DAY
        )
    rectification.answer(
        session, actor=officer, notice_id=notice.id, response="已补录", today=date(2026, 9, 25)
    )
    assert notice.state == NoticeState.ANSWERED
    admin = p_admin(parties)
    with pytest.raises(Invalid):
        rectification.reject(session, actor=admin, notice_id=notice.id, note="", today=DAY)
    new_due = date(2026, 11, 6)
    rectification.reject(
        session,
        actor=admin,
        notice_id=notice.id,
        note="仍有 3 万条未更新",
        today=date(2026, 9, 28),
        due_on=new_due,
    )
    assert notice.state == NoticeState.REJECTED and notice.due_on == new_due
    assert notes(session, parties.officer, "rectification.rejected") == 1
    rectification.answer(
        session, actor=officer, notice_id=notice.id, response="全部更新", today=date(2026, 10, 30)
    )
    rectification.accept(session, actor=admin, notice_id=notice.id, today=date(2026, 11, 2))
    assert notice.state == NoticeState.CLOSED and notice.closed_on == date(2026, 11, 2)
    kinds = [e.kind for e in rectification.history(session, notice)]
    assert kinds == ["issued", "answered", "rejected", "answered", "accepted"]
    with pytest.raises(IllegalTransition):
        rectification.accept(session, actor=admin, notice_id=notice.id, today=date(2026, 11, 3))
    assert actions(session, notice.id)[-1] == "rectification.accept"


def test_the_authority_rejects_and_escalates_in_one_step(
    session: Session, parties: Parties
) -> None:
    # GZ 43: not rectified -> reported to the people's government at the same level.
    notice = issue(session, parties)
    admin = p_admin(parties)
    with pytest.raises(IllegalTransition):  # not past due, not answered
        rectification.escalate(session, actor=admin, notice_id=notice.id, reason="x", today=DAY)
    rectification.answer(
        session, actor=parties.officer_actor, notice_id=notice.id, response="无", today=DAY
    )
    rectification.escalate(
        session, actor=admin, notice_id=notice.id, reason="整改情况不属实", today=date(2026, 9, 30)
    )
    assert notice.state == NoticeState.ESCALATED
    assert notice.escalated_on == date(2026, 9, 30)
    kinds = [e.kind for e in rectification.history(session, notice)]
    assert kinds == ["issued", "answered", "rejected", "escalated"]


def test_the_sweep_escalates_an_unanswered_notice_as_of_the_day_after_its_deadline(
    session: Session, parties: Parties
) -> None:
    # GZ 43; the consequence of a missed deadline applies from the next day.
    notice = issue(session, parties)
    answered = issue(session, parties, ground="misuse")
    rectification.answer(
        session, actor=parties.officer_actor, notice_id=answered.id, response="ok", today=DAY
    )
    sweep = Actor.system()
    assert rectification_rules.escalate_overdue(session, today=DUE, actor=sweep) == 0
    later = date(2026, 11, 3)  # the sweep ran late: the date is still the day after DUE
    assert rectification_rules.escalate_overdue(session, today=later, actor=sweep) == 1
    assert notice.state == NoticeState.ESCALATED
    assert notice.escalated_on == date(2026, 10, 21)
    assert answered.state == NoticeState.ANSWERED  # the authority's turn, not overdue
    assert notes(session, parties.officer, "rectification.escalated") == 1
    assert notes(session, parties.admin, "rectification.escalated") == 1
    assert rectification_rules.escalate_overdue(session, today=later, actor=sweep) == 0
    last = rectification.history(session, notice)[-1]
    assert last.kind == EventKind.ESCALATED and last.automatic


def test_where_the_profile_names_no_body_the_sweep_flags_once(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # JS 33: the translation names no escalation to the people's government.
    use_profile("jiangsu")
    notice = issue(session, parties, ground="false_data")
    assert notice.article == "JS 33(A)"
    sweep = Actor.system()
    assert rectification_rules.escalate_overdue(session, today=date(2026, 10, 22), actor=sweep) == 1
    assert rectification_rules.escalate_overdue(session, today=date(2026, 10, 23), actor=sweep) == 0
    assert notice.state == NoticeState.ISSUED
    flag = session.scalar(select(Flag).where(Flag.kind == "rectification.overdue"))
    assert flag is not None and flag.object_id == str(notice.id)
    assert flag.raised_on == date(2026, 10, 21)
    with pytest.raises(Invalid) as exc:
        rectification.escalate(
            session,
            actor=p_admin(parties),
            notice_id=notice.id,
            reason="x",
            today=date(2026, 10, 22),
        )
    assert exc.value.code == "profile_silent"


def test_lists_filters_and_counts(session: Session, parties: Parties) -> None:
    first = issue(session, parties)
    issue(session, parties, department_id=parties.consumer.id, ground="misuse")
    admin = p_admin(parties)
    today = date(2026, 10, 25)
    assert queries.list_notices(session, actor=admin, today=today).total == 2
    mine = queries.list_notices(session, actor=parties.officer_actor, today=today)
    assert [n.id for n in mine.items] == [first.id]
    with pytest.raises(Forbidden):
        queries.list_notices(
            session, actor=parties.officer_actor, today=today, department_id=parties.consumer.id
        )
    late = queries.list_notices(session, actor=admin, today=today, overdue=True)
    assert late.total == 2
    by_ground = queries.list_notices(session, actor=admin, today=today, ground="misuse")
    assert by_ground.total == 1
    rows = {c.department_id: c for c in queries.counts(session, actor=admin, today=today)}
    assert rows[parties.provider.id].open == 1 and rows[parties.provider.id].overdue == 1
    with pytest.raises(NotFound):  # another department's notice is not shown to the consumer
        rectification.get_notice(session, actor=parties.staff_actor, notice_id=first.id)
    auditor = org_builders.user(session, role=Role.AUDITOR, dept=parties.authority)
    assert rectification.get_notice(
        session, actor=org_builders.actor_of(auditor), notice_id=first.id
    )
