"""The authority's written answer to a complaint (GZ 36: 书面反馈投诉单位), as a one-page PDF."""

from __future__ import annotations

from fpdf import FPDF
from sqlalchemy.orm import Session

from govshare.governance import complaints
from govshare.governance.complaint_models import Complaint, ComplaintState
from govshare.kit.actor import Actor
from govshare.kit.errors import IllegalTransition
from govshare.kit.pdf import add_chinese_font

GROUND_ZH = {
    "refused_data": "拒绝提供共享数据",
    "late_update": "未按时更新数据",
    "stale_data": "数据陈旧",
    "misuse": "违规使用共享数据",
    "repeated_materials": "要求当事人重复提交材料",
    "other": "其他",
}


def render(complaint: Complaint, *, complainant: str, respondent: str, article: str) -> bytes:
    """The answer letter of an answered complaint, in Chinese."""
    if complaint.state != ComplaintState.ANSWERED:
        raise ValueError("only an answered complaint has a written answer")
    pdf = FPDF(format="A4")
    pdf.set_title(f"投诉处理结果书面反馈 {complaint.id}")
    pdf.set_author(complaint.answered_by)
    add_chinese_font(pdf)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, "投诉处理结果书面反馈", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(
        0,
        8,
        f"编号:投诉 {complaint.id}    依据:{article}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    lines = [
        f"{complainant}:",
        "",
        f"你单位于 {complaint.filed_on} 就{respondent}提出的投诉(事由:"
        f"{GROUND_ZH.get(complaint.ground, complaint.ground)};主题:{complaint.subject})已收悉。"
        f"经调查(调查人:{complaint.investigator}),现将处理结果反馈如下。",
        "",
        f"处理结论:{'投诉成立' if complaint.upheld else '投诉不成立'}",
        "",
        "调查情况:",
        complaint.findings,
        "",
        "处理意见:",
        complaint.answer,
    ]
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.cell(0, 7, "政务信息共享主管部门", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"{complaint.answered_on}({complaint.answered_by})", align="R")
    return bytes(pdf.output())


def written_answer(session: Session, *, actor: Actor, complaint_id: int) -> tuple[str, bytes]:
    """The answer letter (file name, PDF) of an answered complaint, for its readers."""
    complaint = complaints.get(session, actor=actor, complaint_id=complaint_id)
    if complaint.state != ComplaintState.ANSWERED:
        raise IllegalTransition(
            "this complaint has no answer yet", code="not_answered", state=complaint.state
        )
    names = complaints.department_names(
        session, {complaint.complainant_department_id, complaint.respondent_department_id}
    )
    pdf = render(
        complaint,
        complainant=names.get(complaint.complainant_department_id, ""),
        respondent=names.get(complaint.respondent_department_id, ""),
        article=complaint.article,
    )
    return f"complaint-{complaint.id}-answer.pdf", pdf
