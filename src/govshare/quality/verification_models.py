"""Verification requests (核查) about a shared value and the corrections they lead to (GZ 30, 33; ZS 23; ZZ 21)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class RequestState(StrEnum):
    """Where a verification request stands."""

    OPEN = "open"  # waiting for the provider's (or data department's) answer
    ANSWERED = "answered"  # answered: the value was confirmed or corrected
    WITHDRAWN = "withdrawn"  # withdrawn by the consumer before an answer


class Outcome(StrEnum):
    """What the answer found."""

    CONFIRMED = "confirmed"  # the stored value is right
    CORRECTED = "corrected"  # the stored value was wrong and is corrected in the same step


class VerificationRequest(Base):
    """A consumer's request to verify values of one record it saw, with what it believes is right.

    The subject and the values the consumer believes right are personal data: they are stored
    encrypted (`subject_enc`, `claims_enc`); `subject_hash` is the subject's blind index.
    """

    __tablename__ = "verification_request"
    __table_args__ = (Index("ix_verification_request_state_due_on", "state", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    subject_hash: Mapped[str] = mapped_column(String(40))
    subject_enc: Mapped[str] = mapped_column(Text)
    consumer_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    provider_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    claims_enc: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    # GZ 33: the party objected; it supplied legally valid documents; the case goes on on them.
    party_objected: Mapped[bool] = mapped_column(Boolean, default=False)
    party_documents: Mapped[bool] = mapped_column(Boolean, default=False)
    handled_on_documents: Mapped[bool] = mapped_column(Boolean, default=False)
    case_reference: Mapped[str] = mapped_column(String(200), default="")
    answered_by_rule: Mapped[str] = mapped_column(String(40))  # the profile's `answered_by`
    article: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(20), default=RequestState.OPEN)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    filed_on: Mapped[date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[str] = mapped_column(String(100), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    # The record version the correction wrote, and how many past recipients were told.
    correction_version: Mapped[int | None] = mapped_column(Integer)
    recipients_told: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
