"""Complaints that a department breaks the rules (GZ 36; ZZ 32)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class ComplaintState(StrEnum):
    """Where a complaint stands."""

    RECEIVED = "received"  # filed, waiting for the authority
    INVESTIGATING = "investigating"  # the authority is looking into it
    ANSWERED = "answered"  # answered in writing (upheld or not)
    WITHDRAWN = "withdrawn"  # withdrawn by the complainant before the answer


OPEN_STATES = (ComplaintState.RECEIVED, ComplaintState.INVESTIGATING)


class Complaint(Base):
    """A department's complaint about another, answered by the authority in writing."""

    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_state_due_on", "state", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complainant_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    respondent_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    # What it is about: refused_data, late_update, misuse, stale_data, repeated_materials, other.
    ground: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_application.id"))
    state: Mapped[str] = mapped_column(String(20), default=ComplaintState.RECEIVED)
    filed_on: Mapped[date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date)
    article: Mapped[str] = mapped_column(String(60), default="")
    investigator: Mapped[str] = mapped_column(String(100), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[str] = mapped_column(String(100), default="")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # Added by 0013 (complaint_extra): when the authority took it up, the respondent's own
    # statement to the authority, and the withdrawal.
    taken_up_on: Mapped[date | None] = mapped_column(Date)
    respondent_statement: Mapped[str] = mapped_column(Text, default="", server_default="")
    respondent_statement_on: Mapped[date | None] = mapped_column(Date)
    respondent_statement_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
