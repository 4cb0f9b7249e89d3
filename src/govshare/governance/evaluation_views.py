"""Console pages of evaluations (GZ 35; ZS 34; ZZ 31; JS 29) and of a project's approval check (GZ 38).

The authority computes a period, looks at the draft, recomputes it if records changed, and
publishes it. Departments then see their own scorecard (and the ranking where the profile
circulates it), with charts, and drill down from each figure to the records behind it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from govshare.catalogue import projects
from govshare.governance import evaluation as ev
from govshare.governance import evaluation_charts as charts
from govshare.governance import evaluation_metrics as metrics
from govshare.governance.evaluation_models import EvaluationState
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.i18n import translator
from govshare.http.rendering import flash, form_error, locale_of, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

ADMIN = (Role.AUTHORITY_ADMIN,)
READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF)


def _names(request: Request, db: Db) -> dict[int, str]:
    english = locale_of(request) == "en"
    rows = db.execute(select(Department.id, Department.name, Department.name_en))
    return {i: (en if english and en else name) for i, name, en in rows}


def _labels(request: Request) -> dict[str, str]:
    return charts.labels(translator(locale_of(request)))


def _common(request: Request, db: Db) -> dict[str, Any]:
    return {
        "names": _names(request, db),
        "labels": _labels(request),
        "metrics": metrics.METRICS,
        "rules": get_active_profile().evaluation,
        "circulated": ev.ranking_circulated(),
    }


@router.get("/evaluations", response_class=HTMLResponse)
def evaluation_list(
    request: Request, db: Db, page: int = 1, actor: Actor = allow(*READERS)
) -> Response:
    """The evaluated periods; the authority computes a new one here."""
    found = ev.list_evaluations(db, actor=actor, page=page)
    today = today_of(request)
    return render(
        request,
        "governance/evaluation_list.html",
        {
            **_common(request, db),
            "page": found,
            "query": "",
            "can_compute": actor.has_role(*ADMIN),
            "suggested": ev.previous_quarters(today, 1)[0],
            "current": ev.quarter_of(today),
            "weights": _weights_or_error(),
            "own": actor.department_id if not ev.sees_all(actor) else None,
        },
    )


def _weights_or_error() -> dict[str, float] | str:
    try:
        return metrics.weights()
    except DomainError as exc:
        return exc.message


@router.post("/evaluations")
def compute(
    request: Request,
    db: Db,
    period: Annotated[str, Form()] = "",
    actor: Actor = allow(*ADMIN),
) -> Response:
    """Computes (or recomputes) a period as a draft."""
    try:
        evaluation = ev.compute(db, actor=actor, period=period, today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, "/evaluations")
    flash(request, "The scorecards of {period} are computed (draft).", period=evaluation.period)
    return redirect(f"/evaluations/{evaluation.id}")


@router.get("/evaluations/projects", response_class=HTMLResponse)
def project_list(
    request: Request, db: Db, page: int = 1, actor: Actor = allow(*READERS)
) -> Response:
    """Informatization projects (the department's own, or all for the authority and auditors)."""
    own = None if ev.sees_all(actor) else actor.department_id
    return render(
        request,
        "governance/evaluation_projects.html",
        {
            **_common(request, db),
            "projects": projects.list_projects(db, department_id=own, page=max(page, 1)),
        },
    )


@router.get("/evaluations/projects/{project_id}", response_class=HTMLResponse)
def project_check(
    request: Request, db: Db, project_id: int, actor: Actor = allow(*READERS)
) -> Response:
    """A project's approval check with its department's evaluation and rectification standing."""
    project = projects.get_project(db, project_id=project_id)
    ev.check_department(actor, project.department_id)
    report = projects.check(db, project_id=project_id, stage="approval")
    return render(
        request,
        "governance/evaluation_project.html",
        {
            **_common(request, db),
            "project": project,
            "report": report,
            "standing": report.standing,
            "project_rules": get_active_profile().projects,
        },
    )


@router.get("/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation_page(
    request: Request, db: Db, evaluation_id: int, actor: Actor = allow(*READERS)
) -> Response:
    """A period: the ranking table and chart; publish and recompute for the authority."""
    evaluation = ev.get_evaluation(db, actor=actor, evaluation_id=evaluation_id)
    rows = ev.ranking(db, actor=actor, evaluation_id=evaluation_id)
    common = _common(request, db)
    return render(
        request,
        "governance/evaluation_detail.html",
        {
            **common,
            "evaluation": evaluation,
            "rows": rows,
            "keys": list(evaluation.weights or {}),
            "chart": charts.ranking_chart(evaluation, rows, common["names"]),
            "ranked": ev.ranked_count(db, evaluation_id=evaluation_id),
            "is_draft": evaluation.state == EvaluationState.DRAFT,
            "can_manage": actor.has_role(*ADMIN),
            "sees_all": ev.sees_all(actor),
            "own": actor.department_id,
        },
    )


@router.post("/evaluations/{evaluation_id}/recompute")
def recompute(
    request: Request, db: Db, evaluation_id: int, actor: Actor = allow(*ADMIN)
) -> Response:
    """Recomputes a draft from the records as they are today."""
    back = f"/evaluations/{evaluation_id}"
    try:
        evaluation = ev.get_evaluation(db, actor=actor, evaluation_id=evaluation_id)
        ev.compute(db, actor=actor, period=evaluation.period, today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The scorecards of {period} are computed (draft).", period=evaluation.period)
    return redirect(back)


@router.post("/evaluations/{evaluation_id}/publish")
def publish(request: Request, db: Db, evaluation_id: int, actor: Actor = allow(*ADMIN)) -> Response:
    """Publishes the period's results (GZ 35: 通报)."""
    back = f"/evaluations/{evaluation_id}"
    try:
        evaluation = ev.publish(
            db, actor=actor, evaluation_id=evaluation_id, today=today_of(request)
        )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The results of {period} are published.", period=evaluation.period)
    return redirect(back)


@router.get("/evaluations/{evaluation_id}/export.xlsx", response_class=Response)
def export(
    request: Request, db: Db, evaluation_id: int, actor: Actor = allow(*READERS)
) -> Response:
    """The table of the period as an Excel workbook (as much of it as the reader may see)."""
    evaluation = ev.get_evaluation(db, actor=actor, evaluation_id=evaluation_id)
    rows = ev.ranking(db, actor=actor, evaluation_id=evaluation_id)
    content = charts.to_xlsx(
        evaluation,
        rows,
        names=_names(request, db),
        gettext=translator(locale_of(request)),
        own=None if ev.sees_all(actor) else actor.department_id,
    )
    return Response(
        content=content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="evaluation-{evaluation.period}.xlsx"'
        },
    )


@router.get("/evaluations/{evaluation_id}/departments/{department_id}", response_class=HTMLResponse)
def scorecard(
    request: Request,
    db: Db,
    evaluation_id: int,
    department_id: int,
    actor: Actor = allow(*READERS),
) -> Response:
    """A department's scorecard: a bar per metric, the trend, and the records behind each figure."""
    evaluation = ev.get_evaluation(db, actor=actor, evaluation_id=evaluation_id)
    row = ev.scorecard(db, actor=actor, evaluation_id=evaluation_id, department_id=department_id)
    points = ev.trend(db, actor=actor, department_id=department_id)
    keys = list(evaluation.weights or {})
    return render(
        request,
        "governance/evaluation_scorecard.html",
        {
            **_common(request, db),
            "evaluation": evaluation,
            "row": row,
            "department_id": department_id,
            "keys": keys,
            "ranked": ev.ranked_count(db, evaluation_id=evaluation_id),
            "chart": charts.metric_chart(evaluation, row, _labels(request)),
            "trend": charts.trend_chart(points, department_id),
            "records": {k: charts.records(db, s) for k, s in row.scores.items()},
        },
    )
