"""Annual reports (GZ 37; ZS 35): each department's, and the authority's for the level."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class ReportState(StrEnum):
    """Where an annual report stands."""

    DRAFT = "draft"  # drafted by the platform, being edited
    SUBMITTED = "submitted"  # submitted (a department's to the authority; the authority's upward)
    PUBLISHED = "published"  # released to the public (ZS 35)


class AnnualReport(Base):
    """The report on one year: a department's (`department_id` set) or the authority's (None)."""

    __tablename__ = "annual_report"
    __table_args__ = (
        Index("ix_annual_report_year_department_id", "year", "department_id", unique=True),
        Index("ix_annual_report_state_due_on", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))  # "department" or "authority"
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    state: Mapped[str] = mapped_column(String(20), default=ReportState.DRAFT)
    due_on: Mapped[date | None] = mapped_column(Date)
    article: Mapped[str] = mapped_column(String(60), default="")
    # The figures the platform drafted from its records, and the narrative the department writes.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    narrative: Mapped[str] = mapped_column(Text, default="")
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    submitted_by: Mapped[str] = mapped_column(String(100), default="")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    published_on: Mapped[date | None] = mapped_column(Date)
    # Added by the slot migration 0017: the narrative's two other parts, and the authority's
    # request where the profile has departments report only on request (ZS 35 ¶2).
    problems: Mapped[str] = mapped_column(Text, default="", server_default="")
    plan: Mapped[str] = mapped_column(Text, default="", server_default="")
    requested_on: Mapped[date | None] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
