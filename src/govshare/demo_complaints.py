"""The demo's complaints (GZ 36) and error reports (GZ 31), in every state.

Everything goes through the services with past dates, so due dates, audit entries and
notifications are what the platform would have produced; the sweep that `demo.create` runs
afterwards flags the complaint left unanswered past its due date.
"""

from __future__ import annotations

from datetime import date, timedelta

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments.service import Upload
from govshare.catalogue.models import DataItem, Resource
from govshare.governance import complaint_acts, complaints
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.orgs.models import Department
from govshare.quality import error_reports

AUTHORITY = "陈主任"


def _person(name: str, dept: Department, role: str = "staff") -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=None,
        name=name,
        method=Method.CONSOLE,
        department_id=dept.id,
        roles=frozenset({role}),
    )


def _evidence(title: str) -> Upload:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, title)
    return Upload(f"{title}.pdf", bytes(pdf.output()))


def _resource_of(session: Session, dept: Department) -> Resource | None:
    return session.scalar(
        select(Resource).where(Resource.department_id == dept.id).order_by(Resource.id).limit(1)
    )


def _complaints(session: Session, depts: dict[str, Department], today: date) -> int:
    civil, police = depts.get("GZ-MZJ"), depts.get("GZ-GAJ")
    hr, health = depts.get("GZ-RSJ"), depts.get("GZ-WJW")
    if civil is None or police is None or hr is None or health is None:
        return 0
    authority = Actor.operator(AUTHORITY)
    resource = _resource_of(session, police)
    made = 0

    def file(
        who: Actor, respondent: Department, ground: str, subject: str, text: str, days_ago: int
    ) -> int:
        nonlocal made
        made += 1
        evidence = [_evidence(f"evidence-{made}")] if made % 2 else []
        c = complaints.file_complaint(
            session,
            actor=who,
            respondent_department_id=respondent.id,
            ground=ground,
            subject=subject,
            description=text,
            resource_id=resource.id if resource is not None and respondent is police else None,
            today=today - timedelta(days=days_ago),
            uploads=evidence,
        )
        return c.id

    civil_staff = _person("民政局工作人员 周杰", civil)
    hr_staff = _person("人社局工作人员 张敏", hr)
    # received: filed yesterday
    file(
        civil_staff,
        police,
        "refused_data",
        "拒绝提供户籍迁移信息",
        "申请户籍迁移信息被拒绝,未说明法定理由。",
        1,
    )
    # investigating, with the respondent's statement
    cid = file(
        hr_staff,
        police,
        "late_update",
        "户籍数据更新不及时",
        "户籍变更数据超过5个工作日未更新。",
        6,
    )
    complaints.take_up(
        session,
        actor=authority,
        complaint_id=cid,
        investigator="督查科 王明",
        today=today - timedelta(days=5),
    )
    complaint_acts.respond(
        session,
        actor=_person("公安局数据管理员 黄伟", police, "data_officer"),
        complaint_id=cid,
        statement="因系统升级暂停推送三天,已恢复。",
        today=today - timedelta(days=3),
    )
    # answered, upheld
    cid = file(
        civil_staff,
        health,
        "stale_data",
        "出生医学证明数据陈旧",
        "出生医学证明数据停留在上季度。",
        40,
    )
    complaints.take_up(
        session,
        actor=authority,
        complaint_id=cid,
        investigator="督查科 王明",
        today=today - timedelta(days=39),
    )
    complaints.record_findings(
        session,
        actor=authority,
        complaint_id=cid,
        findings="经核查,数据确未按更新周期更新。",
        today=today - timedelta(days=35),
    )
    complaints.answer(
        session,
        actor=authority,
        complaint_id=cid,
        upheld=True,
        text="投诉成立。已责令市卫生健康委员会于5个工作日内完成数据更新。",
        today=today - timedelta(days=30),
    )
    # answered, not upheld
    cid = file(
        hr_staff,
        civil,
        "repeated_materials",
        "要求重复提交婚姻证明",
        "办理业务时要求当事人另行提交婚姻证明。",
        50,
    )
    complaints.take_up(
        session,
        actor=authority,
        complaint_id=cid,
        investigator="督查科 李华",
        today=today - timedelta(days=49),
    )
    complaints.answer(
        session,
        actor=authority,
        complaint_id=cid,
        upheld=False,
        findings="该事项所需材料不在共享目录内,要求提交符合规定。",
        text="投诉不成立。所涉材料尚未纳入共享范围。",
        today=today - timedelta(days=42),
    )
    # withdrawn
    cid = file(civil_staff, hr, "misuse", "超范围使用社保数据", "疑似超出授权用途使用数据。", 20)
    complaint_acts.withdraw(
        session,
        actor=civil_staff,
        complaint_id=cid,
        reason="经双方核实,系误解。",
        today=today - timedelta(days=18),
    )
    # overdue: taken up long ago and never answered (the sweep flags it where a limit is set)
    cid = file(
        hr_staff, health, "refused_data", "拒绝提供计生信息", "申请计划生育信息未获答复。", 45
    )
    complaints.take_up(
        session,
        actor=authority,
        complaint_id=cid,
        investigator="督查科 王明",
        today=today - timedelta(days=44),
    )
    return made


def _error_reports(session: Session, depts: dict[str, Department], today: date) -> int:
    consumers = [d for code, d in depts.items() if code in ("GZ-MZJ", "GZ-RSJ", "GZ-JYJ")]
    rows = session.execute(
        select(Resource.id, Resource.department_id, DataItem.name)
        .join(DataItem, DataItem.resource_id == Resource.id)
        .order_by(Resource.id, DataItem.position)
    )
    items: dict[int, tuple[int, list[str]]] = {}
    for rid, dept_id, name in rows:
        items.setdefault(rid, (dept_id, []))[1].append(name)
    authority = Actor.operator(AUTHORITY)
    offers = [(rid, p, names) for rid, (p, names) in items.items() if names][:12]
    made = 0
    for n in range(4 if offers and consumers else 0):
        rid, provider_id, names = offers[n % len(offers)]
        consumer = next((c for c in consumers[n:] + consumers[:n] if c.id != provider_id), None)
        if consumer is None:
            continue
        actor = _person(f"{consumer.name} 经办人", consumer)
        report = error_reports.report_error(
            session,
            actor=actor,
            resource_id=rid,
            items=names[-1:],
            decision_reference=f"穗{consumer.code}〔{today.year}〕{100 + n}号",
            decided_on=today - timedelta(days=30 - n),
            description=f"共享的{names[-1]}与当事人提供的合法证明不一致,据此作出的决定有误。",
            remedy="已撤销原决定并依当事人证明材料重新办理。",
            today=today - timedelta(days=28 - n),
        )
        made += 1
        if made == 1:
            continue  # reported, waiting for the authority
        if made == 2:
            error_reports.return_report(
                session,
                actor=authority,
                report_id=report.id,
                note="请补充原决定的撤销文号。",
                today=today - timedelta(days=26 - n),
            )
            continue
        error_reports.file_report(
            session,
            actor=authority,
            report_id=report.id,
            note="已备案。",
            today=today - timedelta(days=26 - n),
        )
    return made


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Creates the demo complaints and error reports; returns how many of each."""
    return {
        "complaints": _complaints(session, depts, today),
        "error_reports": _error_reports(session, depts, today),
    }
