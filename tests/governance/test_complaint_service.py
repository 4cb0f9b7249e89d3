"""Complaints: filed by a department, investigated and answered in writing by the authority."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.governance import complaint_acts, complaint_letter, complaint_rules, complaints
from govshare.governance.complaint_models import Complaint, ComplaintState
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.orgs.models import Role
from tests.applications.conftest import Parties, apply, notes
from tests.orgs import builders as org_builders

FILED = date(2026, 10, 9)  # a Friday after the National Day week
PDF = b"%PDF-1.4 refusal letter"


def _file(session: Session, p: Parties, *, today: date = FILED, **kw: Any) -> Complaint:
    values: dict[str, Any] = {
        "respondent_department_id": p.provider.id,
        "ground": "refused_data",
        "subject": "拒绝提供婚姻状况信息",
        "description": "我局申请婚姻状况信息,被以非法定理由拒绝。",
        "today": today,
    }
    values.update(kw)
    return complaints.file_complaint(session, actor=p.staff_actor, **values)


def admin(p: Parties) -> Actor:
    return org_builders.actor_of(p.admin)


def test_a_complaint_is_due_15_working_days_after_receipt(
    session: Session, parties: Parties
) -> None:
    # GZ 36: 接到投诉后应当在15个工作日内调查处理完毕
    c = _file(session, parties, uploads=[attachments.Upload("拒绝函.pdf", PDF)])
    assert c.state == ComplaintState.RECEIVED
    # 15 working days after Fri 9 Oct 2026, Saturday 10 Oct being a working day (调休)
    assert c.due_on == date(2026, 10, 29)
    assert c.article == "GZ 36"
    assert [
        a.filename for a in attachments.list_for(session, owner_type="complaint", owner_id=c.id)
    ] == ["拒绝函.pdf"]
    assert notes(session, parties.admin, "complaint.filed") == 1
    assert notes(session, parties.officer, "complaint.filed") == 1  # the respondent is told


def test_where_the_profile_is_silent_there_is_no_due_date(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZZ 32: "promptly", no number of days; the complaint is never overdue.
    use_profile("zhengzhou")
    c = _file(session, parties)
    assert c.due_on is None and c.article == "ZZ 32"
    assert not complaints.is_overdue(c, date(2027, 6, 1))
    assert complaint_rules.flag_overdue(session, today=date(2027, 6, 1), actor=Actor.system()) == 0


def test_the_authority_investigates_and_answers_in_writing(
    session: Session, parties: Parties
) -> None:
    # GZ 36: 将处理结果书面反馈投诉单位
    c = _file(session, parties)
    complaints.take_up(
        session, actor=admin(parties), complaint_id=c.id, investigator="王明", today=FILED
    )
    assert (c.state, c.investigator, c.taken_up_on) == (ComplaintState.INVESTIGATING, "王明", FILED)
    complaint_acts.respond(
        session,
        actor=parties.officer_actor,
        complaint_id=c.id,
        statement="申请超出法定职责范围。",
        today=date(2026, 10, 12),
    )
    complaints.record_findings(
        session,
        actor=admin(parties),
        complaint_id=c.id,
        findings="拒绝理由不属于法定情形。",
        today=date(2026, 10, 13),
    )
    assert not complaints.may_read_findings(parties.staff_actor, c)  # not before the answer
    complaints.answer(
        session,
        actor=admin(parties),
        complaint_id=c.id,
        upheld=True,
        text="投诉成立,已责令提供部门5个工作日内提供。",
        today=date(2026, 10, 20),
    )
    assert (c.state, c.upheld, c.late) == (ComplaintState.ANSWERED, True, False)
    assert complaints.may_read_findings(parties.staff_actor, c)
    assert notes(session, parties.staff, "complaint.answered") == 1
    name, pdf = complaint_letter.written_answer(
        session, actor=parties.staff_actor, complaint_id=c.id
    )
    assert name == f"complaint-{c.id}-answer.pdf"
    raw = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    text = "".join(raw.replace("\x00", "").split())
    assert "投诉成立" in text and "拒绝理由不属于法定情形" in text and "GZ36" in text
    actions = [e.action for e in complaints.timeline(session, c)]
    assert actions == [
        "complaint.file",
        "complaint.take_up",
        "complaint.statement",
        "complaint.findings",
        "complaint.answer",
    ]


def test_answering_needs_an_investigation_and_findings(session: Session, parties: Parties) -> None:
    c = _file(session, parties)
    with pytest.raises(IllegalTransition):
        complaints.answer(
            session,
            actor=admin(parties),
            complaint_id=c.id,
            upheld=False,
            text="不成立",
            today=FILED,
        )
    complaints.take_up(
        session, actor=admin(parties), complaint_id=c.id, investigator="", today=FILED
    )
    assert c.investigator == admin(parties).name  # the acting user by default
    with pytest.raises(Invalid) as caught:
        complaints.answer(
            session,
            actor=admin(parties),
            complaint_id=c.id,
            upheld=False,
            text="不成立",
            today=FILED,
        )
    assert caught.value.code == "findings_required"
    with pytest.raises(Forbidden):
        complaints.answer(
            session,
            actor=parties.staff_actor,
            complaint_id=c.id,
            upheld=True,
            text="x",
            findings="y",
            today=FILED,
        )
    with pytest.raises(IllegalTransition):
        complaint_letter.written_answer(session, actor=admin(parties), complaint_id=c.id)


def test_a_late_answer_is_marked_late(session: Session, parties: Parties) -> None:
    c = _file(session, parties)
    complaints.take_up(
        session, actor=admin(parties), complaint_id=c.id, investigator="王明", today=FILED
    )
    complaints.answer(
        session,
        actor=admin(parties),
        complaint_id=c.id,
        upheld=False,
        text="不成立",
        findings="查无实据",
        today=date(2026, 11, 2),
    )
    assert c.late is True and c.upheld is False


def test_the_complainant_withdraws_before_the_answer(session: Session, parties: Parties) -> None:
    c = _file(session, parties)
    with pytest.raises(Forbidden):  # the respondent cannot withdraw it
        complaint_acts.withdraw(
            session, actor=parties.officer_actor, complaint_id=c.id, reason="", today=FILED
        )
    complaint_acts.withdraw(
        session,
        actor=parties.staff_actor,
        complaint_id=c.id,
        reason="已协商解决",
        today=date(2026, 10, 12),
    )
    assert (c.state, c.withdrawn_on) == (ComplaintState.WITHDRAWN, date(2026, 10, 12))
    with pytest.raises(IllegalTransition):
        complaints.take_up(
            session, actor=admin(parties), complaint_id=c.id, investigator="x", today=FILED
        )
    with pytest.raises(IllegalTransition):
        complaint_acts.withdraw(
            session, actor=parties.staff_actor, complaint_id=c.id, reason="", today=FILED
        )


def test_grounds_and_subjects_are_checked(session: Session, parties: Parties) -> None:
    with pytest.raises(Invalid) as caught:
        _file(session, parties, ground="dislike")
    assert caught.value.code == "invalid_ground"
    with pytest.raises(Invalid) as caught:
        _file(session, parties, respondent_department_id=parties.consumer.id)
    assert caught.value.code == "own_department"
    with pytest.raises(Invalid) as caught:  # the resource is not the respondent's
        _file(
            session,
            parties,
            respondent_department_id=parties.authority.id,
            resource_id=parties.resource.id,
        )
    assert caught.value.code == "not_respondents"
    with pytest.raises(NotFound):
        _file(session, parties, respondent_department_id=999999)
    with pytest.raises(Forbidden):
        complaints.file_complaint(
            session,
            actor=admin(parties),
            respondent_department_id=parties.provider.id,
            ground="other",
            subject="x",
            description="y",
            today=FILED,
        )
    application = apply(session, parties, today=FILED)
    c = _file(session, parties, application_id=application.id, resource_id=parties.resource.id)
    assert (c.application_id, c.resource_id) == (application.id, parties.resource.id)


def test_only_the_two_departments_the_authority_and_auditors_read_it(
    session: Session, parties: Parties
) -> None:
    c = _file(session, parties, uploads=[attachments.Upload("拒绝函.pdf", PDF)])
    outsider = org_builders.user(session, role=Role.STAFF, dept=org_builders.department(session))
    auditor = org_builders.user(session, role=Role.AUDITOR, dept=parties.authority)
    with pytest.raises(Forbidden):
        complaints.get(session, actor=org_builders.actor_of(outsider), complaint_id=c.id)
    assert complaints.get(session, actor=org_builders.actor_of(auditor), complaint_id=c.id) is c
    (file,) = attachments.list_for(session, owner_type="complaint", owner_id=c.id)
    # The respondent reads the evidence so that it can answer the authority's questions.
    assert (
        attachments.fetch(session, actor=parties.officer_actor, attachment_id=file.id).content
        == PDF
    )
    with pytest.raises(NotFound):
        attachments.fetch(session, actor=org_builders.actor_of(outsider), attachment_id=file.id)
    mine = complaints.list_complaints(
        session, actor=parties.staff_actor, today=FILED, side="complainant"
    )
    faced = complaints.list_complaints(
        session, actor=parties.officer_actor, today=FILED, side="respondent"
    )
    theirs = complaints.list_complaints(session, actor=org_builders.actor_of(outsider), today=FILED)
    assert [x.id for x in mine.items] == [c.id] == [x.id for x in faced.items]
    assert theirs.total == 0


def test_the_sweep_flags_an_overdue_complaint_once_and_tells_the_authority(
    session: Session, parties: Parties
) -> None:
    late, answered = _file(session, parties), _file(session, parties)
    complaints.take_up(
        session, actor=admin(parties), complaint_id=answered.id, investigator="王明", today=FILED
    )
    sweep = Actor.system()
    # Due by 29 October: not overdue on that day, overdue from the next.
    assert complaint_rules.flag_overdue(session, today=date(2026, 10, 29), actor=sweep) == 0
    assert complaint_rules.flag_overdue(session, today=date(2026, 10, 30), actor=sweep) == 2
    assert complaint_rules.flag_overdue(session, today=date(2026, 11, 2), actor=sweep) == 0  # once
    assert notes(session, parties.admin, complaints.OVERDUE) == 2
    listed = complaints.list_complaints(
        session, actor=admin(parties), today=date(2026, 11, 2), overdue=True
    )
    assert {c.id for c in listed.items} == {late.id, answered.id}
    complaints.answer(
        session,
        actor=admin(parties),
        complaint_id=answered.id,
        upheld=False,
        text="不成立",
        findings="查无实据",
        today=date(2026, 11, 2),
    )
    open_flags = session.scalar(
        select(func.count())
        .select_from(Flag)
        .where(Flag.kind == complaints.OVERDUE, Flag.resolved_on.is_(None))
    )
    assert open_flags == 1
