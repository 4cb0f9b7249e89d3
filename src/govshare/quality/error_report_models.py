"""Error reports (差错报备, GZ 31): a decision taken wrongly because of inaccurate shared data."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class ReportState(StrEnum):
    """Where an error report stands."""

    REPORTED = "reported"  # sent by the consumer, waiting for the authority to file it
    FILED = "filed"  # filed (备案) by the authority
    RETURNED = "returned"  # returned to the consumer for more information


class ErrorReport(Base):
    """A consumer's report of a decision it took wrongly because shared data was inaccurate."""

    __tablename__ = "error_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    provider_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    verification_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("verification_request.id")
    )
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    decision_reference: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    remedy: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=ReportState.REPORTED, index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_on: Mapped[date | None] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(100), default="")
    filing_note: Mapped[str] = mapped_column(Text, default="")
    # Added by 0013 (complaint_extra): the last return for more information.
    returned_on: Mapped[date | None] = mapped_column(Date)
    returned_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
