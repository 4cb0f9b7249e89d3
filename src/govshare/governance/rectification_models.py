"""Rectification notices (责令整改, GZ 43; ZS 38; ZZ 32; JS 33) and the proposals that lead to them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class NoticeState(StrEnum):
    """Where a rectification notice stands."""

    ISSUED = "issued"  # sent to the department, waiting for its answer
    ANSWERED = "answered"  # the department said what it did; the authority reviews it
    CLOSED = "closed"  # the authority accepted the rectification
    REJECTED = (
        "rejected"  # the authority found the answer insufficient (the department answers again)
    )
    ESCALATED = "escalated"  # reported to the people's government at the same level


OPEN_STATES = (NoticeState.ISSUED, NoticeState.ANSWERED, NoticeState.REJECTED)


class RectificationNotice(Base):
    """The authority's notice to a department: the ground from the article's list, facts, a deadline."""

    __tablename__ = "rectification_notice"
    __table_args__ = (Index("ix_rectification_notice_state_due_on", "state", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    ground: Mapped[str] = mapped_column(String(60))  # a key of the profile's grounds
    article: Mapped[str] = mapped_column(String(60))
    facts: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text, default="")
    # Where the notice came from when the platform proposed it (e.g. "stale_resource", 12).
    source_kind: Mapped[str] = mapped_column(String(40), default="")
    source_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=NoticeState.ISSUED)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    response: Mapped[str] = mapped_column(Text, default="")
    responded_on: Mapped[date | None] = mapped_column(Date)
    responded_by: Mapped[str] = mapped_column(String(100), default="")
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    review_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    escalation_reason: Mapped[str] = mapped_column(Text, default="")


class ProposalDismissal(Base):
    """A proposal the authority decided not to act on, so that it is not proposed again."""

    __tablename__ = "rectification_proposal_dismissal"
    __table_args__ = (UniqueConstraint("source_kind", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    dismissed_by: Mapped[str] = mapped_column(String(100))
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventKind(StrEnum):
    """What happened to a notice (one row each, for the timeline and the escalation report)."""

    ISSUED = "issued"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    FLAGGED = "flagged"  # past due where the profile names no body to escalate to


class RectificationEvent(Base):
    """One step of a notice's history: who did what on which day, with the deadline then in force."""

    __tablename__ = "rectification_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("rectification_notice.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    happened_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
