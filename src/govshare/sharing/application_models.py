"""Applications for conditional data (GZ 26-27; ZS 22, 24; JS 14, 18), their state, and the life of grants."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class ApplicationState(StrEnum):
    """Where an application stands; `applications.transition` is the only way to move it."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    DEEMED_CONSENT = "deemed_consent"  # GZ 26: silence past the deadline is consent
    REFERRED_TO_AUTHORITY = "referred_to_authority"  # ZS 22: the data department provides
    DELIVERED = "delivered"


class Application(Base):
    """A consumer department's request for conditional items of a published resource."""

    __tablename__ = "sharing_application"
    __table_args__ = (
        # The sweep's selections: open items by due date.
        Index("ix_sharing_application_state_due_on", "state", "due_on"),
        Index("ix_sharing_application_state_delivery_due_on", "state", "delivery_due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    provider_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    resource_code: Mapped[str] = mapped_column(String(60))
    purpose_text: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    purposes: Mapped[list[str]] = mapped_column(JSON)
    items: Mapped[list[str]] = mapped_column(JSON)
    expected_volume: Mapped[str] = mapped_column(String(200), default="")
    period_from: Mapped[date] = mapped_column(Date)
    period_until: Mapped[date] = mapped_column(Date)
    involves_secret_or_privacy: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[ApplicationState] = mapped_column(String(30))
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_by: Mapped[str] = mapped_column(String(100))
    # None where the profile sets no response limit (e.g. JS 18 outside secrets and privacy).
    due_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[str] = mapped_column(String(100), default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_grant.id"))
    delivery_due_on: Mapped[date | None] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    provide_due_on: Mapped[date | None] = mapped_column(Date)
    # The grant this application renews (its grant starts where the old one ends).
    renews_grant_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_grant.id"), index=True)
    # Cross-level / cross-region route (GZ 27; ZS 24; JS 14): procedure, article and hops;
    # None for an application between departments of one level and region.
    route: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GrantLife(Base):
    """What happened to a grant after it was made: expiry reminder, expiry, suspension (one row per grant)."""

    __tablename__ = "sharing_grant_life"

    grant_id: Mapped[int] = mapped_column(ForeignKey("sharing_grant.id"), primary_key=True)
    expiry_reminded_on: Mapped[date | None] = mapped_column(Date)
    expired_on: Mapped[date | None] = mapped_column(Date)
    suspended_on: Mapped[date | None] = mapped_column(Date)
    suspended_by: Mapped[str] = mapped_column(String(100), default="")
    suspended_reason: Mapped[str] = mapped_column(Text, default="")
    # What the suspension belongs to, e.g. "dispute:4"; empty for one made by hand.
    suspended_for: Mapped[str] = mapped_column(String(100), default="")
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lifted_by: Mapped[str] = mapped_column(String(100), default="")
    lifted_reason: Mapped[str] = mapped_column(Text, default="")
