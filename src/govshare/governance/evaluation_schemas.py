"""API shapes of evaluations (GZ 35; ZS 34; ZZ 31; JS 29): periods, rankings, scorecards, evidence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govshare.governance import evaluation as ev
from govshare.governance.evaluation_models import Evaluation, Score


class EvaluationComputeIn(BaseModel):
    """The period to compute: a quarter, a half-year or a year."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"period": "2026Q3"}]}
    )

    period: str = Field(min_length=4, max_length=20, description="2026Q3, 2026H1 or 2026")


class EvaluationOut(BaseModel):
    """One evaluated period."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "period": "2026Q3",
                    "starts_on": "2026-07-01",
                    "ends_on": "2026-09-30",
                    "state": "published",
                    "weights": {"catalogue_completeness": 0.111111, "data_freshness": 0.111111},
                    "article": "GZ 35",
                    "computed_on": "2026-10-09",
                    "computed_at": "2026-10-09T02:00:00Z",
                    "computed_by": "主管部门 陈静",
                    "published_on": "2026-10-12",
                    "published_by": "主管部门 陈静",
                }
            ]
        }
    )

    id: int
    period: str
    starts_on: date
    ends_on: date
    state: str
    weights: dict[str, float]
    article: str
    computed_on: date | None
    computed_at: datetime
    computed_by: str
    published_on: date | None
    published_by: str

    @classmethod
    def of(cls, e: Evaluation) -> EvaluationOut:
        return cls(
            id=e.id,
            period=e.period,
            starts_on=e.starts_on,
            ends_on=e.ends_on,
            state=e.state,
            weights=dict(e.weights or {}),
            article=e.article,
            computed_on=e.computed_on,
            computed_at=e.computed_at,
            computed_by=e.computed_by,
            published_on=e.published_on,
            published_by=e.published_by,
        )


class EvaluationPage(BaseModel):
    items: list[EvaluationOut]
    total: int
    page: int
    per_page: int


class EvidenceOut(BaseModel):
    """The records behind a figure: their kind, those that met the measure and those that did not."""

    kind: str
    met: list[int]
    missed: list[int]
    audit: list[int] = Field(default_factory=list, description="audit seqs (use of shared data)")


class ScoreOut(BaseModel):
    """One figure: numerator of denominator, the score 0-100 (null: not applicable), rank."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "metric": "applications_in_time",
                    "numerator": 9,
                    "denominator": 10,
                    "score": 90.0,
                    "rank": 2,
                    "evidence": {"kind": "application", "met": [3, 5], "missed": [8], "audit": []},
                }
            ]
        }
    )

    metric: str
    numerator: float
    denominator: float
    score: float | None
    rank: int | None
    evidence: EvidenceOut | None = None

    @classmethod
    def of(cls, s: Score, *, with_evidence: bool = False) -> ScoreOut:
        return cls(
            metric=s.metric,
            numerator=s.numerator,
            denominator=s.denominator,
            score=s.score,
            rank=s.rank,
            evidence=EvidenceOut(**ev.evidence_of(s)) if with_evidence else None,
        )


class RowOut(BaseModel):
    """A department's line of the ranking: total, rank and each metric's score."""

    department_id: int
    total: float | None
    rank: int | None
    scores: dict[str, float | None]

    @classmethod
    def of(cls, r: ev.Row) -> RowOut:
        return cls(
            department_id=r.department_id,
            total=r.total.score if r.total is not None else None,
            rank=r.rank,
            scores={k: s.score for k, s in r.scores.items()},
        )


class ScorecardOut(BaseModel):
    """A department's scorecard in a period, each figure with the records behind it."""

    evaluation: EvaluationOut
    department_id: int
    total: float | None
    rank: int | None
    ranked: int
    metrics: list[ScoreOut]
    not_applicable: list[str] = Field(description="metrics with nothing to measure")


class StandingOut(BaseModel):
    """For a project's approval check: the latest published total and rank, open rectification notices."""

    department_id: int
    period: str | None
    evaluation_id: int | None
    total: float | None
    rank: int | None
    ranked: int
    open_rectifications: int


def as_dict(value: Any) -> dict[str, Any]:
    """A dataclass as a plain dict (for the Standing shape)."""
    return dict(value.__dict__)
