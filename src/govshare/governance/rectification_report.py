"""The escalation report: the authority's report to the people's government at the same level.

GZ 43 (and ZS 38, ZZ 32): a department that did not rectify within the time limit is reported
to the people's government, which orders it to rectify. The platform writes that report from the
notice: the addressee, the department, the ground and its article, the facts, what was required,
the notice's history (issued, answers, reviews, with dates), the deadline missed and why it is
reported. The same content is rendered as a PDF (Chinese, the language of the addressee) and as a
printable console page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.governance import rectification
from govshare.governance.rectification_models import (
    EventKind,
    NoticeState,
    RectificationEvent,
    RectificationNotice,
)
from govshare.kit.actor import Actor
from govshare.kit.errors import IllegalTransition
from govshare.kit.pdf import add_chinese_font
from govshare.orgs.models import Department

EVENT_ZH = {
    EventKind.ISSUED: "下发整改通知",
    EventKind.ANSWERED: "部门报送整改情况",
    EventKind.ACCEPTED: "确认整改完成",
    EventKind.REJECTED: "认定整改不到位",
    EventKind.ESCALATED: "上报本级人民政府",
    EventKind.FLAGGED: "逾期未整改(提示主管部门)",
}


@dataclass(frozen=True)
class Step:
    """One line of the history in the report."""

    on: date
    kind: str
    label_zh: str
    actor: str
    text: str
    due_on: date | None
    late: bool
    automatic: bool


@dataclass(frozen=True)
class Report:
    """What the escalation report says."""

    notice_id: int
    addressee: str
    authority: str
    department: str
    ground: str
    ground_text: str
    article: str
    escalation_article: str
    escalation_quote: str
    facts: str
    requirement: str
    issued_on: date
    due_missed: date
    escalated_on: date
    reason: str
    answers: int
    steps: list[Step]
    files: list[str]

    @property
    def title(self) -> str:
        """The report's title, in the addressee's language."""
        return f"关于{self.department}未按期完成整改的报告"

    def lines(self) -> list[tuple[str, str]]:
        """The report's body as (heading, text) paragraphs, in order (for the PDF and tests)."""
        history = "\n".join(
            f"{s.on}  {s.label_zh}({s.actor}){'[逾期]' if s.late else ''}"
            + (f"  整改期限:{s.due_on}" if s.kind in ("issued", "rejected") and s.due_on else "")
            + (f"\n    {s.text}" if s.text else "")
            for s in self.steps
        )
        return [
            (
                "",
                f"{self.addressee}:\n    {self.authority}于 {self.issued_on} 依据{self.article}"
                f"向{self.department}下发第 {self.notice_id} 号整改通知,要求其于 "
                f"{self.due_missed} 前完成整改。该部门未在规定的时限内完成整改,"
                f"根据{self.escalation_article}规定,现将有关情况报告如下,"
                "提请本级人民政府责令改正。",
            ),
            ("一、被通知部门", self.department),
            ("二、整改事由及依据", f"{self.ground_text}({self.article})"),
            ("三、事实", self.facts),
            ("四、整改要求", self.requirement),
            ("五、整改期限", f"{self.due_missed}(已逾期)"),
            ("六、通知办理经过", history),
            (
                "七、上报原因",
                f"{self.reason}\n部门共报送整改情况 {self.answers} 次。上报日期:{self.escalated_on}。",
            ),
            ("附件", "\n".join(self.files) if self.files else "无"),
            ("", f"{self.authority}\n{self.escalated_on}"),
        ]


def _addressee(department: Department | None) -> str:
    region = department.region if department is not None else ""
    return f"{region}人民政府" if region else "本级人民政府"


def build(session: Session, *, actor: Actor, notice_id: int) -> Report:
    """The report of an escalated notice; refused for a notice that was not escalated."""
    notice = rectification.get_notice(session, actor=actor, notice_id=notice_id)
    if notice.state != NoticeState.ESCALATED or notice.escalated_on is None:
        raise IllegalTransition(
            "only an escalated notice has an escalation report",
            code="not_escalated",
            state=notice.state,
        )
    return _report(session, notice)


def _report(session: Session, notice: RectificationNotice) -> Report:
    assert notice.escalated_on is not None  # checked by build
    department = session.get(Department, notice.department_id)
    authority = session.scalar(
        select(Department).where(Department.is_authority.is_(True)).order_by(Department.id).limit(1)
    )
    rules = rectification.get_active_profile().rectification
    ground = next((g for g in rules.grounds if g.key == notice.ground), None)
    events: list[RectificationEvent] = rectification.history(session, notice)
    steps = [
        Step(
            on=e.happened_on,
            kind=e.kind,
            label_zh=EVENT_ZH.get(EventKind(e.kind), e.kind),
            actor=e.actor,
            text=e.text,
            due_on=e.due_on,
            late=e.late,
            automatic=e.automatic,
        )
        for e in events
    ]
    return Report(
        notice_id=notice.id,
        addressee=_addressee(authority or department),
        authority=authority.name if authority is not None else "政务信息共享主管部门",
        department=department.name if department is not None else str(notice.department_id),
        ground=notice.ground,
        ground_text=ground.text if ground is not None else notice.ground,
        article=notice.article,
        escalation_article=rules.escalate_to.citation(),
        escalation_quote=rules.escalate_to.quote or "",
        facts=notice.facts,
        requirement=notice.requirement,
        issued_on=notice.issued_on,
        due_missed=notice.due_on,
        escalated_on=notice.escalated_on,
        reason=notice.escalation_reason,
        answers=sum(1 for s in steps if s.kind == EventKind.ANSWERED),
        steps=steps,
        files=[
            f.filename
            for f in attachments.list_for(
                session, owner_type=rectification.OWNER, owner_id=notice.id
            )
        ],
    )


def pdf(report: Report) -> bytes:
    """The report as a PDF (A4, Noto Sans CJK)."""
    doc = FPDF(format="A4")
    doc.set_title(report.title)
    doc.set_author(report.authority)
    doc.set_auto_page_break(auto=True, margin=20)
    doc.add_page()
    add_chinese_font(doc)
    doc.set_font("cjk", size=18)
    doc.multi_cell(0, 12, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=10)
    doc.multi_cell(
        0, 6, f"整改通知 第 {report.notice_id} 号", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    doc.ln(4)
    for heading, text in report.lines():
        if heading:
            doc.set_font("cjk", size=13)
            doc.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("cjk", size=11)
        doc.multi_cell(
            0,
            7,
            text,
            align="R" if heading == "" and text.startswith(report.authority) else "L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        doc.ln(2)
    if report.escalation_quote:
        doc.set_font("cjk", size=9)
        doc.multi_cell(
            0,
            5,
            f"{report.escalation_article}:{report.escalation_quote}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(doc.output())
