"""Evaluation of departments' sharing work (GZ 35; ZS 34; ZZ 31; JS 29): compute, publish, read.

The authority computes a period (a quarter `2026Q3`, a half-year `2026H1` or a year `2026`)
from the platform's own records (`evaluation_metrics`); the result is a draft that a new
computation replaces, until the authority publishes it. No text fixes the period except ZZ 31
("at least once a year"), so the authority chooses it everywhere; under ZZ a year must not
pass without one.

Weights come from the profile's `evaluation.weights`; where the text is silent (all four)
every metric weighs the same (docs/profiles.md). Where the text names its metrics
(`evaluation.metrics_named`, ZZ 31) only the platform's metrics that measure them are used.
A metric with nothing to measure for a department is left out of its total, and the
remaining weights are scaled up to 1.

Publishing circulates the results (GZ 35: 通报). Once published, each department sees its
own scorecard; the ranking of all departments is shown to them only where the profile's
`results_published` says so (GZ 35, ZZ 31); where it is silent (ZS 34, JS 29) the results
go to the authority's use (project approval) and each department sees its own standing only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.db import utcnow
from govshare.governance import evaluation_metrics as metrics
from govshare.governance.evaluation_models import Evaluation, EvaluationState, Score
from govshare.governance.rectification_models import OPEN_STATES, RectificationNotice
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile

TOTAL = "total"
_PERIOD = re.compile(r"^(\d{4})(?:(Q)([1-4])|(H)([12]))?$")
MANAGERS = (Role.AUTHORITY_ADMIN,)
SEE_ALL = (Role.AUTHORITY_ADMIN, Role.AUDITOR)


# --- periods -----------------------------------------------------------------------------------


def parse_period(text: str) -> tuple[str, date, date]:
    """The period's key and its first and last day: `2026Q3`, `2026H1` or `2026`."""
    key = text.strip().upper()
    match = _PERIOD.match(key)
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise Invalid(
            "a period is a year (2026), a half-year (2026H1) or a quarter (2026Q3): {period}",
            code="invalid_period",
            period=text,
        )
    year = int(match.group(1))
    if match.group(2):
        first = 3 * (int(match.group(3)) - 1) + 1
        months = 3
    elif match.group(4):
        first = 6 * (int(match.group(5)) - 1) + 1
        months = 6
    else:
        first, months = 1, 12
    last = first + months - 1
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return key, date(year, first, 1), date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> str:
    """The key of the quarter a day falls in."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarters(day: date, n: int) -> list[str]:
    """The n quarters before the day's quarter, oldest first."""
    index = day.year * 4 + (day.month - 1) // 3
    return [f"{i // 4}Q{i % 4 + 1}" for i in range(index - n, index)]


# --- computing and publishing ----------------------------------------------------------------


def _require_manager(actor: Actor) -> None:
    if not actor.has_role(*MANAGERS):
        raise Forbidden("only the authority evaluates departments", code="authority_only")


def compute(session: Session, *, actor: Actor, period: str, today: date) -> Evaluation:
    """Computes (or recomputes) a period's scorecards as a draft from the platform's records."""
    _require_manager(actor)
    key, starts, ends = parse_period(period)
    if starts > today:
        raise Invalid("the period {period} has not begun yet", code="period_in_future", period=key)
    found = session.scalar(select(Evaluation).where(Evaluation.period == key))
    if found is not None and found.state == EvaluationState.PUBLISHED:
        raise IllegalTransition(
            "the results of {period} are published and final",
            code="evaluation_published",
            period=key,
        )
    weights_ = metrics.weights()
    window = metrics.Window(starts_on=starts, ends_on=min(ends, today), today=today)
    figures = {k: metrics.METRICS[k].fn(session, window) for k in weights_}
    evaluation = found or Evaluation(period=key, starts_on=starts, ends_on=ends)
    rules = get_active_profile().evaluation
    evaluation.weights = weights_
    evaluation.article = rules.period.citation()
    evaluation.computed_by = actor.name
    evaluation.computed_at = utcnow()
    evaluation.computed_on = today
    if found is None:
        session.add(evaluation)
        session.flush()  # the scores name the new id
    else:
        session.execute(delete(Score).where(Score.evaluation_id == found.id))
    departments = list(session.scalars(select(Department.id).order_by(Department.id)))
    rows = _score_rows(evaluation.id, departments, figures, weights_)
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="evaluation.compute",
        object_type="evaluation",
        object_id=evaluation.id,
        details={
            "period": key,
            "window": [window.starts_on.isoformat(), window.ends_on.isoformat()],
            "weights": weights_,
            "departments": sum(1 for r in rows if r.metric == TOTAL and r.score is not None),
            "recomputed": found is not None,
        },
    )
    return evaluation


def _score_rows(
    evaluation_id: int,
    departments: list[int],
    figures: dict[str, metrics.Figures],
    weights_: dict[str, float],
) -> list[Score]:
    rows: list[Score] = []
    totals: dict[int, float | None] = {}
    for key, per_dept in figures.items():
        ranks = metrics.rank({d: f.score for d, f in per_dept.items()})
        for dept, fig in per_dept.items():
            rows.append(
                Score(
                    evaluation_id=evaluation_id,
                    department_id=dept,
                    metric=key,
                    numerator=fig.numerator,
                    denominator=fig.denominator,
                    score=fig.score,
                    rank=ranks.get(dept),
                    evidence=fig.evidence(),
                )
            )
    for dept in departments:
        scores = {k: per[dept].score if dept in per else None for k, per in figures.items()}
        totals[dept] = metrics.weighted_total(scores, weights_)
    ranks = metrics.rank(totals)
    for dept, total in totals.items():
        if total is None:
            continue  # nothing to measure: no scorecard
        applied = {
            k: weights_[k]
            for k in figures
            if dept in figures[k] and figures[k][dept].score is not None
        }
        rows.append(
            Score(
                evaluation_id=evaluation_id,
                department_id=dept,
                metric=TOTAL,
                numerator=round(total * sum(applied.values()), 3),
                denominator=round(sum(applied.values()), 6),
                score=total,
                rank=ranks.get(dept),
                evidence={"weights": applied},
            )
        )
    return rows


def publish(session: Session, *, actor: Actor, evaluation_id: int, today: date) -> Evaluation:
    """Publishes a computed period (GZ 35: 通报) once it has ended; its results are then final."""
    _require_manager(actor)
    evaluation = _get(session, evaluation_id)
    if evaluation.state == EvaluationState.PUBLISHED:
        raise IllegalTransition(
            "the results of {period} are already published",
            code="evaluation_published",
            period=evaluation.period,
        )
    if today <= evaluation.ends_on:
        raise IllegalTransition(
            "the period {period} ends on {ends_on}; publish its results after it has ended",
            code="period_not_ended",
            period=evaluation.period,
            ends_on=evaluation.ends_on.isoformat(),
        )
    if evaluation.computed_on is not None and evaluation.computed_on <= evaluation.ends_on:
        raise IllegalTransition(
            "the results of {period} were computed before it ended; compute them again first",
            code="evaluation_stale",
            period=evaluation.period,
        )
    evaluation.state = EvaluationState.PUBLISHED
    evaluation.published_on = today
    evaluation.published_by = actor.name
    audit.record(
        session,
        actor=actor,
        action="evaluation.publish",
        object_type="evaluation",
        object_id=evaluation.id,
        details={
            "period": evaluation.period,
            "results_published": get_active_profile().evaluation.results_published.citation(),
        },
    )
    scored = session.scalars(
        select(Score.department_id).where(
            Score.evaluation_id == evaluation.id, Score.metric == TOTAL
        )
    ).all()
    people = notify.recipients_by_department(session, scored)
    notify.notify(
        session,
        users=[u for users in people.values() for u in users],
        kind="evaluation.published",
        title=f"Evaluation results of {evaluation.period} are published",
        link=f"/evaluations/{evaluation.id}",
        object_type="evaluation",
        object_id=evaluation.id,
    )
    return evaluation


# --- reading -----------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    """The authority and auditors see every period, drafts included, and every department."""
    return actor.has_role(*SEE_ALL)


def ranking_circulated() -> bool:
    """Whether departments see the ranking of all (the profile's `results_published`)."""
    return get_active_profile().evaluation.results_published.enabled


def _get(session: Session, evaluation_id: int) -> Evaluation:
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound("no evaluation {id}", code="evaluation_not_found", id=evaluation_id)
    return evaluation


def get_evaluation(session: Session, *, actor: Actor, evaluation_id: int) -> Evaluation:
    """One period's evaluation; a draft only to the authority and auditors."""
    evaluation = _get(session, evaluation_id)
    if evaluation.state != EvaluationState.PUBLISHED and not sees_all(actor):
        raise Forbidden(
            "the results of {period} are not published yet",
            code="not_published",
            period=evaluation.period,
        )
    return evaluation


def by_period(session: Session, *, actor: Actor, period: str) -> Evaluation:
    """The evaluation of a period given by its key."""
    key, _, _ = parse_period(period)
    found = session.scalar(select(Evaluation.id).where(Evaluation.period == key))
    if found is None:
        raise NotFound("no evaluation of {period}", code="evaluation_not_found", period=key)
    return get_evaluation(session, actor=actor, evaluation_id=found)


def list_evaluations(
    session: Session, *, actor: Actor, page: int = 1, per_page: int = 25
) -> Page[Evaluation]:
    """The periods evaluated, latest first; departments see the published ones."""
    stmt = select(Evaluation).order_by(Evaluation.starts_on.desc(), Evaluation.ends_on.desc())
    if not sees_all(actor):
        stmt = stmt.where(Evaluation.state == EvaluationState.PUBLISHED)
    return paginate(session, stmt, page=page, per_page=per_page)


@dataclass
class Row:
    """One department's line of the table: its total, rank and the score per metric."""

    department_id: int
    total: Score | None
    scores: dict[str, Score]

    @property
    def rank(self) -> int | None:
        return self.total.rank if self.total is not None else None


def _rows(session: Session, evaluation_id: int, department_id: int | None = None) -> list[Row]:
    stmt = select(Score).where(Score.evaluation_id == evaluation_id)
    if department_id is not None:
        stmt = stmt.where(Score.department_id == department_id)
    rows: dict[int, Row] = {}
    for s in session.scalars(stmt.order_by(Score.department_id, Score.metric)):
        row = rows.setdefault(s.department_id, Row(s.department_id, None, {}))
        if s.metric == TOTAL:
            row.total = s
        else:
            row.scores[s.metric] = s
    return sorted(rows.values(), key=lambda r: (r.rank is None, r.rank or 0, r.department_id))


def ranking(session: Session, *, actor: Actor, evaluation_id: int) -> list[Row]:
    """The table of the period, best first; a department sees the others' totals only, or only itself where the ranking is not circulated."""
    get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    if sees_all(actor):
        return _rows(session, evaluation_id)
    if ranking_circulated():
        # The ranking is circulated: other departments' totals and ranks, not their figures.
        return [
            r if r.department_id == actor.department_id else Row(r.department_id, r.total, {})
            for r in _rows(session, evaluation_id)
        ]
    if actor.department_id is None:
        return []
    return _rows(session, evaluation_id, actor.department_id)


def ranked_count(session: Session, *, evaluation_id: int) -> int:
    """How many departments have a rank in the period."""
    return len(
        session.scalars(
            select(Score.id).where(
                Score.evaluation_id == evaluation_id, Score.metric == TOTAL, Score.rank.is_not(None)
            )
        ).all()
    )


def check_department(actor: Actor, department_id: int) -> None:
    """A department sees its own scorecard only; the authority and auditors see all."""
    if sees_all(actor) or actor.department_id == department_id:
        return
    raise Forbidden("a department sees its own scorecard only", code="not_your_department")


def scorecard(session: Session, *, actor: Actor, evaluation_id: int, department_id: int) -> Row:
    """One department's scorecard in a period, with the records behind each figure."""
    get_evaluation(session, actor=actor, evaluation_id=evaluation_id)
    check_department(actor, department_id)
    found = _rows(session, evaluation_id, department_id)
    return found[0] if found else Row(department_id, None, {})


def trend(session: Session, *, actor: Actor, department_id: int) -> list[tuple[Evaluation, Score]]:
    """A department's total and rank in each published period, oldest first."""
    check_department(actor, department_id)
    stmt = (
        select(Evaluation, Score)
        .join(Score, Score.evaluation_id == Evaluation.id)
        .where(
            Evaluation.state == EvaluationState.PUBLISHED,
            Score.department_id == department_id,
            Score.metric == TOTAL,
        )
        .order_by(Evaluation.ends_on, Evaluation.starts_on)
    )
    return [(e, s) for e, s in session.execute(stmt)]


@dataclass(frozen=True)
class Standing:
    """What a project's approval check shows of its department (GZ 38; ZS 14, 34; JS 29)."""

    department_id: int
    period: str | None  # the latest published period that scored the department
    evaluation_id: int | None
    total: float | None
    rank: int | None
    ranked: int
    open_rectifications: int


def standing(session: Session, *, department_id: int) -> Standing:
    """The department's latest published total and rank, and its open rectification notices."""
    row = session.execute(
        select(Evaluation.id, Evaluation.period, Score.score, Score.rank)
        .join(Score, Score.evaluation_id == Evaluation.id)
        .where(
            Evaluation.state == EvaluationState.PUBLISHED,
            Score.department_id == department_id,
            Score.metric == TOTAL,
        )
        .order_by(Evaluation.ends_on.desc(), Evaluation.starts_on.desc())
        .limit(1)
    ).first()
    notices = session.scalars(
        select(RectificationNotice.id).where(
            RectificationNotice.department_id == department_id,
            RectificationNotice.state.in_(list(OPEN_STATES)),
        )
    ).all()
    if row is None:
        return Standing(department_id, None, None, None, None, 0, len(notices))
    evaluation_id, period, total, rank = row
    return Standing(
        department_id,
        period,
        evaluation_id,
        total,
        rank,
        ranked_count(session, evaluation_id=evaluation_id),
        len(notices),
    )


def evidence_of(score: Score) -> dict[str, Any]:
    """The records behind a figure: what kind they are, those that met the measure, those that did not."""
    ev = dict(score.evidence or {})
    return {
        "kind": ev.get("kind", ""),
        "met": list(ev.get("met", [])),
        "missed": list(ev.get("missed", [])),
        "audit": list(ev.get("audit", [])),
    }
