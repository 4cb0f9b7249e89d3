"""An annual report as a PDF in Chinese, with charts drawn by fpdf2's own primitives.

The font is Noto Sans CJK SC from the Debian package `fonts-noto-cjk` (collection index 2 of
the .ttc); the charts are plain bars (`rect`) with their figures written next to them, so the
figures stay text that a reader (and a test) can extract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from govshare.governance.annual_report_models import AnnualReport
from govshare.kit.pdf import add_chinese_font

# (section, English title, 中文标题, [(figure, English label, 中文标签)]): the order of every output.
SECTIONS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "catalogue",
        "Resource catalogue",
        "政务信息资源目录",
        [
            ("resources", "Resources in the catalogue (on drafting)", "目录中的信息资源(起草时)"),
            ("published", "Published in the sharing directory", "已发布到共享目录"),
            ("unconditional", "of which unconditional sharing", "其中无条件共享"),
            ("conditional", "of which conditional sharing", "其中有条件共享"),
            ("none", "of which no sharing", "其中不予共享"),
            ("published_in_year", "First published in the year", "本年度新发布"),
            ("updated_in_year", "Updated versions published in the year", "本年度发布的更新版本"),
        ],
    ),
    (
        "data",
        "Data connected",
        "数据接入",
        [
            ("connected", "Resources connected (on drafting)", "已接入的信息资源(起草时)"),
            ("records", "Records held", "数据记录数"),
            ("loads", "Loads in the year", "本年度数据加载次数"),
            ("rows_written", "Records written in the year", "本年度写入记录数"),
            ("fresh", "Resources up to date", "按时更新的信息资源"),
            ("stale", "Resources not updated in time", "未按时更新的信息资源"),
        ],
    ),
    (
        "given",
        "Sharing given",
        "提供共享",
        [
            ("applications_received", "Applications received", "收到的共享申请"),
            ("answered", "Answered", "已答复"),
            ("answered_in_time", "Answered in time", "按时答复"),
            ("refused", "Refused", "不予共享"),
            ("deemed_consents", "Deemed consents", "视为同意"),
            ("median_working_days", "Median working days to answer", "答复用时中位数(工作日)"),
            ("grants_given", "Grants given", "授予的共享授权"),
            ("queries_received", "Queries of its data", "被查询次数"),
            ("verifications_received", "Verifications against its data", "被核验比对次数"),
        ],
    ),
    (
        "received",
        "Sharing received",
        "使用共享",
        [
            ("applications_made", "Applications made", "提出的共享申请"),
            ("applications_granted", "of which granted", "其中获得授权"),
            ("grants_received", "Grants received", "获得的共享授权"),
            ("queries_made", "Queries made", "查询次数"),
            ("verifications_made", "Verifications made", "核验比对次数"),
        ],
    ),
    (
        "verification_requests",
        "Verification requests",
        "核查请求",
        [
            ("filed", "Filed", "提出的核查请求"),
            ("received", "Received", "收到的核查请求"),
            ("answered", "Answered", "已答复"),
            ("answered_in_time", "Answered in time", "按时答复"),
            ("corrected", "Records corrected", "更正的数据"),
            ("open_at_year_end", "Open at the end of the year", "年末未答复"),
        ],
    ),
    (
        "complaints",
        "Complaints",
        "投诉",
        [
            ("filed", "Filed", "提出的投诉"),
            ("against", "Against the department", "被投诉"),
            ("upheld_against", "Upheld against the department", "投诉成立"),
        ],
    ),
    (
        "rectification",
        "Rectification notices",
        "责令整改",
        [
            ("received", "Notices received", "收到的整改通知"),
            ("closed", "Closed", "整改完成"),
            ("escalated", "Reported to the people's government", "报告本级人民政府"),
            ("open_at_year_end", "Open at the end of the year", "年末未完成"),
        ],
    ),
    (
        "materials",
        "Repeated materials",
        "重复提交材料",
        [
            (
                "services_asking",
                "Services still asking (on drafting)",
                "仍要求提交的服务事项(起草时)",
            ),
            (
                "repeated_left",
                "Materials sharing supplies, still asked for",
                "可通过共享获取仍要求提交的材料",
            ),
        ],
    ),
]
EVALUATION_LABELS = {
    "period": ("Evaluation period", "评估期间"),
    "total": ("Total score", "总分"),
    "rank": ("Rank", "排名"),
    "of": ("Departments ranked", "参评部门数"),
}

COLOURS = [(31, 119, 180), (44, 160, 44), (214, 39, 40), (255, 127, 14), (148, 103, 189)]
STATES = {
    "draft": "草稿",
    "submitted": "已提交",
    "published": "已向社会公布",
    "preview": "年度未结束的预览(数据截至起草日)",
}
TO = {"authority": "本级政务信息共享主管部门", "people_government": "本级人民政府"}


@dataclass(frozen=True)
class Bars:
    """A bar chart: a title and (label, value) pairs."""

    title: str
    bars: list[tuple[str, float]]


def title_of(report: AnnualReport, subject: str) -> str:
    """The report's title, e.g. 广州市民政局2026年度政务信息共享情况报告."""
    if report.department_id is None:
        return f"{subject}{report.year}年度政务信息共享情况年度报告"
    return f"{subject}{report.year}年度政务信息共享情况报告"


def meta_lines(report: AnnualReport, submit_to: str | None) -> list[str]:
    """The lines under the title: basis, addressee, due date, state."""
    lines = [f"报告年度:{report.year}年1月1日至{report.year}年12月31日", f"依据:{report.article}"]
    if submit_to:
        lines.append(f"报送对象:{TO.get(submit_to, submit_to)}")
    lines.append(
        f"报送期限:{report.due_on}" if report.due_on else "报送期限:无固定期限(应要求报送)"
    )
    state = STATES.get(report.state, report.state)
    if report.submitted_on:
        state += f"({report.submitted_on})"
    if report.late:
        state += ",逾期"
    lines.append(f"状态:{state}")
    return lines


def charts(report: AnnualReport) -> list[Bars]:
    """The charts of the report: applications and freshness; per department for the authority."""
    f = report.figures
    given = f.get("given", {})
    data = f.get("data", {})
    out = [
        Bars(
            "共享申请办理情况",
            [
                ("收到申请", given.get("applications_received", 0)),
                ("已答复", given.get("answered", 0)),
                ("按时答复", given.get("answered_in_time", 0)),
                ("不予共享", given.get("refused", 0)),
                ("视为同意", given.get("deemed_consents", 0)),
            ],
        ),
        Bars(
            "数据更新情况",
            [("按时更新", data.get("fresh", 0)), ("未按时更新", data.get("stale", 0))],
        ),
    ]
    rows = f.get("departments") or []
    if rows:
        top = sorted(rows, key=lambda r: -r["figures"]["given"].get("applications_received", 0))
        out.append(
            Bars(
                "各部门收到的共享申请",
                [
                    (r["name"], r["figures"]["given"].get("applications_received", 0))
                    for r in top[:15]
                ],
            )
        )
    return out


def figure_rows(report: AnnualReport) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every section's (label, value) rows in Chinese, the evaluation last."""
    out = []
    for section, _, zh, rows in SECTIONS:
        values = report.figures.get(section) or {}
        out.append((zh, [(cn, show(values.get(key))) for key, _, cn in rows]))
    ev = report.figures.get("evaluation") or {}
    if ev:
        out.append(
            (
                "评估结果",
                [(EVALUATION_LABELS[k][1], show(ev.get(k))) for k in ev],
            )
        )
    return out


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("noto", size=8)
        self.cell(0, 8, f"第 {self.page_no()} 页", align="C")


def _text(pdf: FPDF, text: str, size: float = 10.5, gap: float = 2) -> None:
    pdf.set_font("noto", size=size)
    pdf.multi_cell(0, size * 0.6, text or "(未填写)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("noto", size=13)
    pdf.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _bars(pdf: FPDF, chart: Bars) -> None:
    """A horizontal bar chart: one labelled bar per value, scaled to the largest."""
    row_h, label_w, width = 7.0, 45.0, pdf.epw - 60
    needed = 10 + row_h * len(chart.bars)
    if pdf.get_y() + needed > pdf.h - 20:
        pdf.add_page()
    pdf.set_font("noto", size=10.5)
    pdf.cell(0, 7, chart.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = max([1.0, *(float(v or 0) for _, v in chart.bars)])
    x0 = pdf.l_margin + label_w
    pdf.set_font("noto", size=8.5)
    for i, (name, value) in enumerate(chart.bars):
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 2, row_h - 1, name[:14], align="R")
        r, g, b = COLOURS[i % len(COLOURS)]
        pdf.set_fill_color(r, g, b)
        w = width * float(value or 0) / top
        if w > 0:
            pdf.rect(x0, y + 1, w, row_h - 3, style="F")
        pdf.set_xy(x0 + w + 1.5, y)
        pdf.cell(15, row_h - 1, show(value))
        pdf.set_xy(pdf.l_margin, y + row_h)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x0, pdf.get_y() - row_h * len(chart.bars), x0, pdf.get_y())
    pdf.ln(3)


def _table(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    pdf.set_font("noto", size=9.5)
    for name, value in rows:
        pdf.cell(120, 6.5, name, border="B")
        pdf.cell(40, 6.5, value, border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _departments(pdf: FPDF, rows: list[dict[str, Any]]) -> None:
    heads = [
        ("部门", 58),
        ("报告状态", 26),
        ("收到申请", 24),
        ("按时答复", 24),
        ("未按时更新", 24),
        ("整改通知", 22),
    ]
    pdf.set_font("noto", size=8.5)
    pdf.set_fill_color(235, 235, 235)
    for name, w in heads:
        pdf.cell(w, 6.5, name, border=1, fill=True)
    pdf.ln()
    for r in rows:
        f = r["figures"]
        state = STATES.get(r["state"], "未起草") + (",逾期" if r["late"] else "")
        cells = [
            r["name"][:16],
            state,
            show(f["given"].get("applications_received")),
            show(f["given"].get("answered_in_time")),
            show(f["data"].get("stale")),
            show(f["rectification"].get("received")),
        ]
        for (_, w), text in zip(heads, cells, strict=True):
            pdf.cell(w, 6.5, text, border=1)
        pdf.ln()
    pdf.ln(2)


def to_pdf(report: AnnualReport, *, subject: str, submit_to: str | None) -> bytes:
    """The report as a PDF: title, figures with charts, the narrative."""
    pdf = _Doc(format="A4")
    pdf.set_title(title_of(report, subject))
    add_chinese_font(pdf, "noto")
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("noto", size=16)
    pdf.multi_cell(0, 10, title_of(report, subject), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for line in meta_lines(report, submit_to):
        _text(pdf, line, size=9.5, gap=0)
    _heading(pdf, "一、总体情况")
    _text(pdf, report.narrative)
    _heading(pdf, "二、主要数据")
    for chart in charts(report):
        _bars(pdf, chart)
    for title, rows in figure_rows(report):
        if pdf.get_y() + 9 + 6.5 * len(rows) > pdf.h - 20:  # keep a section on one page
            pdf.add_page()
        pdf.set_font("noto", size=11)
        pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _table(pdf, rows)
    departments = report.figures.get("departments") or []
    if departments:
        _heading(pdf, "各部门报告情况")
        _departments(pdf, departments)
    _heading(pdf, "三、存在问题")
    _text(pdf, report.problems)
    _heading(pdf, "四、下一年度工作计划")
    _text(pdf, report.plan)
    _text(
        pdf,
        f"数据由平台根据{report.year}年度记录生成,起草日期:{report.figures.get('period', {}).get('drafted_on', '')}。",
        size=8,
    )
    return bytes(pdf.output())


def label(section: str, key: str, *, zh: bool) -> str:
    """The label of a figure in Chinese or English."""
    for s, _, _, rows in SECTIONS:
        if s == section:
            for k, en, cn in rows:
                if k == key:
                    return cn if zh else en
    return key


def show(value: Any) -> str:
    """A figure as printed: '-' for nothing to measure, one decimal for medians."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
