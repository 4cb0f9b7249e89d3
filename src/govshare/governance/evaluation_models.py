"""Evaluation of departments (GZ 35; ZS 34; ZZ 31): a scorecard per department and period."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class EvaluationState(StrEnum):
    """A period's evaluation is a draft until the authority publishes it."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Evaluation(Base):
    """One evaluation period (e.g. 2026Q3) computed from the platform's records."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(20))  # "2026Q3", "2026H1", "2026"
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=EvaluationState.DRAFT)
    weights: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    article: Mapped[str] = mapped_column(String(60), default="")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    computed_by: Mapped[str] = mapped_column(String(100))
    # The day the figures were computed on (items not yet due that day were not counted).
    computed_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_by: Mapped[str] = mapped_column(String(100), default="")


class Score(Base):
    """One department's figure for one metric in one evaluation, with what it was computed from."""

    __tablename__ = "evaluation_score"
    __table_args__ = (UniqueConstraint("evaluation_id", "department_id", "metric"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    metric: Mapped[str] = mapped_column(String(60))  # "total" holds the weighted sum
    numerator: Mapped[float] = mapped_column(Float, default=0)
    denominator: Mapped[float] = mapped_column(Float, default=0)
    score: Mapped[float | None] = mapped_column(Float)  # 0..100; None: nothing to measure
    rank: Mapped[int | None] = mapped_column(Integer)
    # The ids of the records behind the figure, for the drill-down (kind -> ids).
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
