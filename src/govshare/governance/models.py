"""Disputes between departments and the steps of their escalation ladder (GZ 28; ZS 37; ZZ 18; JS 13, 19)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govshare.db import Base, UTCDateTime, utcnow


class DisputeState(StrEnum):
    """A dispute is open (at one step of its ladder) or closed with an outcome."""

    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    """What the agreement or decision says about the contested data."""

    PROVIDE = "provide"  # the data is shared (GZ 28: the provider provides within 5 WD)
    NOT_PROVIDE = "not_provide"  # the data is not shared


class StepState(StrEnum):
    """Where one step stands."""

    OPEN = "open"
    AGREED = "agreed"  # the parties agreed (a negotiation step)
    DECIDED = "decided"  # the authority, the review or the government decided
    ESCALATED = "escalated"  # went to the next step (by a party, the authority or the sweep)


class Dispute(Base):
    """A dispute about an application or a grant, climbing the profile's ladder step by step."""

    __tablename__ = "dispute"
    __table_args__ = (
        Index("ix_dispute_state_provide_due_on", "state", "provide_due_on"),
        Index("ix_dispute_application_id", "application_id"),
        Index("ix_dispute_grant_id", "grant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(20))  # "application" or "grant"
    application_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_application.id"))
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_grant.id"))
    consumer_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    provider_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    raised_by_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_on: Mapped[date] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text)
    ladder_key: Mapped[str] = mapped_column(String(60))
    article: Mapped[str] = mapped_column(String(60))
    state: Mapped[DisputeState] = mapped_column(String(20))
    current_step: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    # Whether raising this dispute suspended its grant (the profile's `suspends_grants`).
    suspended_grant: Mapped[bool] = mapped_column(Boolean, default=False)
    # After an outcome "provide": the grant made and the day the provider must provide by.
    provided_grant_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_grant.id"))
    provide_due_on: Mapped[date | None] = mapped_column(Date)
    provided_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    steps: Mapped[list[DisputeStep]] = relationship(
        back_populates="dispute", order_by="DisputeStep.number", lazy="selectin"
    )

    @property
    def step(self) -> DisputeStep | None:
        """The step the dispute stands at (None before the first is recorded)."""
        for s in self.steps:
            if s.number == self.current_step:
                return s
        return None


class DisputeStep(Base):
    """One step a dispute reached: when it started, its deadline, and who decided what and why."""

    __tablename__ = "dispute_step"
    __table_args__ = (
        UniqueConstraint("dispute_id", "number"),
        # The sweep's selection: open steps by due date.
        Index("ix_dispute_step_state_due_on", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("dispute.id"))
    number: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    decider: Mapped[str] = mapped_column(String(40))  # the profile's `decided_by`
    article: Mapped[str] = mapped_column(String(60))
    outside_platform: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[StepState] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    # None where the profile sets no limit for the step (every shipped profile, so far).
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_by_department_id: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20), default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)

    dispute: Mapped[Dispute] = relationship(back_populates="steps")
