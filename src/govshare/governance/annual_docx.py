"""An annual report as Word (for officials to edit the text) and as an Excel workbook of figures."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.governance.annual_pdf import (
    EVALUATION_LABELS,
    SECTIONS,
    figure_rows,
    meta_lines,
    show,
    title_of,
)
from govshare.governance.annual_report_models import AnnualReport
from govshare.kit.errors import Invalid
from govshare.orgs.models import Department

FONT_NAME = "宋体"


def to_docx(report: AnnualReport, *, subject: str, submit_to: str | None) -> bytes:
    """The report as a .docx: the title, the narrative under its headings, the figures as tables."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT_NAME)
    doc.add_heading(title_of(report, subject), level=0)
    for line in meta_lines(report, submit_to):
        doc.add_paragraph(line)
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(report.narrative or "(未填写)")
    doc.add_heading("二、主要数据", level=1)
    for title, rows in figure_rows(report):
        doc.add_heading(title, level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for name, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = name, value
    departments = report.figures.get("departments") or []
    if departments:
        doc.add_heading("各部门报告情况", level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("部门", "报告状态", "收到申请", "未按时更新"), strict=True
        ):
            cell.text = text
        for r in departments:
            cells = table.add_row().cells
            cells[0].text = r["name"]
            cells[1].text = (r["state"] or "未起草") + (",逾期" if r["late"] else "")
            cells[2].text = show(r["figures"]["given"].get("applications_received"))
            cells[3].text = show(r["figures"]["data"].get("stale"))
    doc.add_heading("三、存在问题", level=1)
    doc.add_paragraph(report.problems or "(未填写)")
    doc.add_heading("四、下一年度工作计划", level=1)
    doc.add_paragraph(report.plan or "(未填写)")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_xlsx(report: AnnualReport, *, subject: str) -> bytes:
    """The figures as a workbook: one sheet of every figure, and one per department for the level."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "数据"
    sheet.append([title_of(report, subject)])
    sheet.append([])
    sheet.append(["部分 Section", "指标 Figure", "数值 Value", "Figure (English)"])
    for section, en_title, zh_title, rows in SECTIONS:
        values = report.figures.get(section) or {}
        for key, en, cn in rows:
            sheet.append([f"{zh_title} {en_title}", cn, values.get(key), en])
    for key, value in (report.figures.get("evaluation") or {}).items():
        en, cn = EVALUATION_LABELS.get(key, (key, key))
        sheet.append(["评估结果 Evaluation", cn, value, en])
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["D"].width = 40
    departments = report.figures.get("departments") or []
    if departments:
        ws = book.create_sheet("各部门")
        keys = [(s, k, cn) for s, _, _, rows in SECTIONS for k, _, cn in rows]
        ws.append(["部门代码", "部门", "报告状态", "逾期", *[cn for _, _, cn in keys]])
        for r in departments:
            f = r["figures"]
            ws.append(
                [
                    r["code"],
                    r["name"],
                    r["state"],
                    "是" if r["late"] else "",
                    *[(f.get(s) or {}).get(k) for s, k, _ in keys],
                ]
            )
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "C2"
        ws.column_dimensions["B"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def subject_of(session: Session, report: AnnualReport) -> str:
    """Whose report it is, as the title names it: the department, or the authority."""
    if report.department_id is not None:
        dept = session.get(Department, report.department_id)
        return dept.name if dept is not None else ""
    name = session.scalar(
        select(Department.name).where(Department.is_authority.is_(True)).order_by(Department.id)
    )
    return name or "本级"


def export(session: Session, *, report: AnnualReport, fmt: str) -> tuple[bytes, str, str]:
    """The report as a file: (content, media type, file name) for pdf, docx or xlsx."""
    from govshare.governance.annual_pdf import to_pdf
    from govshare.governance.annual_reports import rule_for

    if fmt not in MEDIA:
        raise Invalid("unknown format {fmt}: use pdf, docx or xlsx", code="invalid_format", fmt=fmt)
    subject = subject_of(session, report)
    submit_to = rule_for(report.level).submit_to
    if fmt == "pdf":
        content = to_pdf(report, subject=subject, submit_to=submit_to)
    elif fmt == "docx":
        content = to_docx(report, subject=subject, submit_to=submit_to)
    else:
        content = to_xlsx(report, subject=subject)
    who = "authority" if report.department_id is None else f"department-{report.department_id}"
    return content, MEDIA[fmt], f"annual-report-{report.year}-{who}.{fmt}"
