"""JSON API of evaluations (/api/v1/evaluations): compute, list, get, publish, ranking, scorecards."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from govshare.catalogue import projects
from govshare.governance import evaluation as ev
from govshare.governance.evaluation_schemas import (
    EvaluationComputeIn,
    EvaluationOut,
    EvaluationPage,
    RowOut,
    ScorecardOut,
    ScoreOut,
    StandingOut,
    as_dict,
)
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["evaluations"])

ADMIN = (Role.AUTHORITY_ADMIN,)
READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "authority_only, not_published, not_your_department"},
    404: {"description": "no such evaluation"},
    409: {"description": "evaluation_published, period_not_ended, evaluation_stale"},
    422: {"description": "invalid_period, period_in_future, unknown_metric"},
}


@router.post("/evaluations", response_model=EvaluationOut, status_code=201, responses=ERRORS)
def compute(
    request: Request, db: Db, body: EvaluationComputeIn, actor: Actor = allow(*ADMIN)
) -> EvaluationOut:
    """Computes (or recomputes) a period's scorecards as a draft (GZ 35; ZS 34; ZZ 31)."""
    return EvaluationOut.of(
        ev.compute(db, actor=actor, period=body.period, today=today_of(request))
    )


@router.get("/evaluations", response_model=EvaluationPage)
def list_evaluations(
    db: Db, page: int = 1, per_page: int = 25, actor: Actor = allow(*READERS)
) -> EvaluationPage:
    """The evaluated periods, latest first; departments see the published ones."""
    found = ev.list_evaluations(db, actor=actor, page=page, per_page=per_page)
    return EvaluationPage(
        items=[EvaluationOut.of(e) for e in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


@router.get("/evaluations/standing/{department_id}", response_model=StandingOut, responses=ERRORS)
def standing(db: Db, department_id: int, actor: Actor = allow(*READERS)) -> StandingOut:
    """A department's latest published total and rank and its open rectification notices (GZ 38; ZS 14)."""
    orgs.get_department(db, department_id=department_id)
    ev.check_department(actor, department_id)
    return StandingOut(**as_dict(ev.standing(db, department_id=department_id)))


@router.get("/evaluations/projects/{project_id}/standing", response_model=StandingOut)
def project_standing(db: Db, project_id: int, actor: Actor = allow(*READERS)) -> StandingOut:
    """What a project's approval check shows of its department's evaluation (GZ 38; ZS 14, 34)."""
    project = projects.get_project(db, project_id=project_id)
    ev.check_department(actor, project.department_id)
    return StandingOut(**as_dict(ev.standing(db, department_id=project.department_id)))


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut, responses=ERRORS)
def get_evaluation(db: Db, evaluation_id: int, actor: Actor = allow(*READERS)) -> EvaluationOut:
    """One evaluated period (a draft only to the authority and auditors)."""
    return EvaluationOut.of(ev.get_evaluation(db, actor=actor, evaluation_id=evaluation_id))


@router.post("/evaluations/{evaluation_id}/publish", response_model=EvaluationOut, responses=ERRORS)
def publish(
    request: Request, db: Db, evaluation_id: int, actor: Actor = allow(*ADMIN)
) -> EvaluationOut:
    """Publishes the period's results once it has ended (GZ 35: 通报); they are then final."""
    return EvaluationOut.of(
        ev.publish(db, actor=actor, evaluation_id=evaluation_id, today=today_of(request))
    )


@router.get("/evaluations/{evaluation_id}/ranking", response_model=list[RowOut], responses=ERRORS)
def ranking(db: Db, evaluation_id: int, actor: Actor = allow(*READERS)) -> list[RowOut]:
    """The ranking, best first (a department sees only its own line where it is not circulated)."""
    return [RowOut.of(r) for r in ev.ranking(db, actor=actor, evaluation_id=evaluation_id)]


@router.get(
    "/evaluations/{evaluation_id}/departments/{department_id}",
    response_model=ScorecardOut,
    responses=ERRORS,
)
def scorecard(
    db: Db, evaluation_id: int, department_id: int, actor: Actor = allow(*READERS)
) -> ScorecardOut:
    """A department's scorecard with the ids of the records behind each figure."""
    evaluation = ev.get_evaluation(db, actor=actor, evaluation_id=evaluation_id)
    row = ev.scorecard(db, actor=actor, evaluation_id=evaluation_id, department_id=department_id)
    metrics = list(evaluation.weights or {})
    return ScorecardOut(
        evaluation=EvaluationOut.of(evaluation),
        department_id=department_id,
        total=row.total.score if row.total is not None else None,
        rank=row.rank,
        ranked=ev.ranked_count(db, evaluation_id=evaluation_id),
        metrics=[
            ScoreOut.of(row.scores[m], with_evidence=True) for m in metrics if m in row.scores
        ],
        not_applicable=[m for m in metrics if m not in row.scores],
    )
