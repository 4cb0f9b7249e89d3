"""One data, one source (ZS 17; JS 11): links between data items of two resources, and divergence cases."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class DivergenceState(StrEnum):
    """Where a divergence case stands."""

    OPEN = "open"  # detected, waiting for the authority
    ASSIGNED = "assigned"  # a department verifies it
    RESOLVED = "resolved"  # the right value was established
    DISMISSED = "dismissed"  # not a divergence to act on (reason recorded)
    CLOSED = (
        "closed"  # closed by the platform: the values agree again, or can no longer be compared
    )


ACTIVE_STATES = (DivergenceState.OPEN, DivergenceState.ASSIGNED)


class SourceLink(Base):
    """The authority's declaration that item `item_a` of resource A is the same data as `item_b` of B.

    `source_resource_id` names the side that collects the data (the authoritative source,
    JS 11: "who collects, updates"), when known. A removed link is kept for its cases' sake.
    """

    __tablename__ = "source_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_a_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    item_a: Mapped[str] = mapped_column(String(100))
    resource_b_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    item_b: Mapped[str] = mapped_column(String(100))
    source_resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str] = mapped_column(String(100), default="")
    removed_reason: Mapped[str] = mapped_column(Text, default="")


class Divergence(Base):
    """One subject whose linked values differ between the two resources: a case to verify.

    The subject and both values are stored encrypted (`subject_enc`, `values_enc`); the
    subject's blind index finds the case again when either side loads the subject.
    `values_digest` is a keyed hash of the value pair, so that a dismissed pair is not
    reopened by the next load that carries the same values.
    """

    __tablename__ = "divergence"
    __table_args__ = (
        Index("ix_divergence_link_subject", "link_id", "subject_hash"),
        Index("ix_divergence_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("source_link.id"))
    subject_hash: Mapped[str] = mapped_column(String(40))
    subject_enc: Mapped[str] = mapped_column(Text)
    values_enc: Mapped[str] = mapped_column(Text)
    values_digest: Mapped[str] = mapped_column(String(64))
    resource_a_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    resource_b_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    department_a_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    department_b_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=DivergenceState.OPEN)
    detected_on: Mapped[date] = mapped_column(Date)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[int] = mapped_column(Integer, default=0)  # later loads that changed the values
    assigned_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id"), index=True
    )
    assigned_on: Mapped[date | None] = mapped_column(Date)
    assigned_by: Mapped[str] = mapped_column(String(100), default="")
    assign_basis: Mapped[str] = mapped_column(String(40), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    correct_side: Mapped[str | None] = mapped_column(String(1))  # "a" or "b" when resolved
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by: Mapped[str] = mapped_column(String(100), default="")
    closed_reason: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
