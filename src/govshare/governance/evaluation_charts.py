"""Charts (inline SVG geometry) and the Excel workbook of an evaluation.

Every chart is a horizontal bar chart on the 0-100 scale of the scores: the ranking (one bar
per department), a scorecard (one bar per metric; a metric that does not apply has a label
and no bar) and a department's trend across the published periods. The templates draw them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.governance import evaluation as ev
from govshare.governance import evaluation_metrics as metrics
from govshare.governance.evaluation_models import Evaluation, Score
from govshare.governance.material_models import Material

BAR = 18
GAP = 8
TOP = 10


@dataclass(frozen=True)
class Bar:
    """One bar: its key (department id, metric or period), label, value and geometry."""

    key: str
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float
    href: str


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart on the 0-100 scale."""

    width: int
    height: int
    left: int
    span: float
    bars: list[Bar]
    ticks: list[tuple[float, int]]


def bars(
    items: Sequence[tuple[str, str, float | None, str]], *, width: int = 720, left: int = 220
) -> Chart:
    """The geometry of (key, label, value 0-100 or None, link) bars, one per line."""
    span = width - left - 50
    out = []
    for i, (key, label, value, href) in enumerate(items):
        y = TOP + i * (BAR + GAP)
        length = span * max(0.0, min(100.0, value)) / 100 if value is not None else 0.0
        out.append(Bar(key, label, value, left, y, length, BAR, href))
    height = TOP + len(items) * (BAR + GAP) + 24
    ticks = [(left + span * v / 100, v) for v in range(0, 101, 20)]
    return Chart(width, height, left, span, out, ticks)


def ranking_chart(
    evaluation: Evaluation, rows: Sequence[ev.Row], names: Mapping[int, str]
) -> Chart:
    """The ranking: one bar per ranked department, best first, each linking to its scorecard."""
    return bars(
        [
            (
                str(r.department_id),
                f"{r.rank}. {names.get(r.department_id, str(r.department_id))}",
                r.total.score if r.total is not None else None,
                f"/evaluations/{evaluation.id}/departments/{r.department_id}",
            )
            for r in rows
            if r.rank is not None
        ]
    )


def metric_chart(evaluation: Evaluation, row: ev.Row, labels: Mapping[str, str]) -> Chart:
    """A department's scorecard: one bar per metric in force, each linking to its records."""
    keys = list(evaluation.weights or {})
    return bars(
        [
            (
                k,
                labels.get(k, k),
                row.scores[k].score if k in row.scores else None,
                f"/evaluations/{evaluation.id}/departments/{row.department_id}#metric-{k}",
            )
            for k in keys
        ]
    )


def trend_chart(points: Sequence[tuple[Evaluation, Score]], department_id: int) -> Chart:
    """A department's total in each published period, oldest first."""
    return bars(
        [
            (
                e.period,
                e.period,
                s.score,
                f"/evaluations/{e.id}/departments/{department_id}",
            )
            for e, s in points
        ],
        left=90,
    )


# The console page of each kind of record behind a figure (kinds without one show their ids).
PAGES = {
    "resource": "/catalogue/{id}",
    "application": "/applications/{id}",
    "change_event": "/catalogue/changes",
    "rectification": "/rectification/{id}",
    "grant": "/grants/{id}",
    "verification_request": "/verification-requests/{id}",
    "complaint": "/complaints/{id}",
}


@dataclass(frozen=True)
class Record:
    """One record behind a figure, as the drill-down lists it."""

    id: int
    met: bool
    href: str


def records(session: Session, score: Score) -> list[Record]:
    """The records behind a figure with a link to each where the console has a page for it."""
    evidence = ev.evidence_of(score)
    kind = evidence["kind"]
    ids = [(i, True) for i in evidence["met"]] + [(i, False) for i in evidence["missed"]]
    if kind == "material":
        wanted = [i for i, _ in ids]
        stmt = select(Material.id, Material.guide_id).where(Material.id.in_(wanted or [0]))
        guides = {m: g for m, g in session.execute(stmt)}
        return [
            Record(i, ok, f"/service-guides/{guides[i]}" if i in guides else "") for i, ok in ids
        ]
    page = PAGES.get(kind, "")
    return [Record(i, ok, page.format(id=i) if page else "") for i, ok in ids]


def labels(gettext: Callable[..., str] = lambda m, **_: m) -> dict[str, str]:
    """The metrics' labels, translated."""
    return {k: gettext(m.label) for k, m in metrics.METRICS.items()}


def to_xlsx(
    evaluation: Evaluation,
    rows: Sequence[ev.Row],
    *,
    names: Mapping[int, str],
    gettext: Callable[..., str] = lambda m, **_: m,
    own: int | None = None,
) -> bytes:
    """The whole table as a workbook: rank, total and each metric's score and numerator/denominator.

    With `own` (a department's reader) the other departments' lines carry their total only.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    keys = list(evaluation.weights or {})
    names_of = labels(gettext)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = evaluation.period
    head = [gettext("Rank"), gettext("Department"), gettext("Total")]
    for k in keys:
        head += [names_of[k], f"{names_of[k]} ({gettext('met / counted')})"]
    sheet.append(head)
    for r in rows:
        line: list[object] = [
            r.rank,
            names.get(r.department_id, str(r.department_id)),
            r.total.score if r.total is not None else None,
        ]
        for k in keys:
            s = r.scores.get(k)
            if own is not None and r.department_id != own:
                line += [None, ""]
                continue
            line += (
                [s.score, f"{s.numerator:g} / {s.denominator:g}"]
                if s is not None
                else [None, gettext("not applicable")]
            )
        sheet.append(line)
    sheet.append([])
    sheet.append(
        [gettext("Period"), evaluation.starts_on.isoformat(), evaluation.ends_on.isoformat()]
    )
    sheet.append([gettext("State"), gettext(evaluation.state)])
    weights = book.create_sheet(gettext("Weights"))
    weights.append([gettext("Metric"), gettext("Weight"), gettext("Articles")])
    for k in keys:
        weights.append([names_of[k], evaluation.weights[k], metrics.METRICS[k].article])
    for ws in (sheet, weights):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.column_dimensions["B"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
