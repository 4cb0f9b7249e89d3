"""Connected data: every version of every record of a resource, the loads that wrote them, freshness."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class RecordVersion(Base):
    """One version of one subject's record in a resource; append-only.

    The current record of a subject is its highest version; a tombstone is a version with
    `deleted`. The subject is stored as a blind index (for lookup) and encrypted (to show it to
    its provider); the payload is encrypted when the resource's grade asks for it.
    """

    __tablename__ = "record_version"
    __table_args__ = (
        Index("ix_record_version_lookup", "resource_id", "subject_hash", "version", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    subject_hash: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    subject_enc: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payload_enc: Mapped[str | None] = mapped_column(Text)
    payload_digest: Mapped[str] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    load_id: Mapped[int | None] = mapped_column(ForeignKey("data_load.id"), index=True)
    changed_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")


class Load(Base):
    """One bulk file or API batch a provider sent for a resource, with its report."""

    __tablename__ = "data_load"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_deleted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Connection(Base):
    """A resource's connected data: when it was connected and last updated, and its freshness (GZ 19; ZS 18)."""

    __tablename__ = "data_connection"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), primary_key=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_updated_on: Mapped[date | None] = mapped_column(Date)
    records: Mapped[int] = mapped_column(Integer, default=0)
    stale_since: Mapped[date | None] = mapped_column(Date)


class DelayFiling(Base):
    """A provider's statement that it cannot update a resource in time (GZ 19 ¶4; ZS 18; ZZ 28).

    It names the reason, the day by which the data will be updated, and carries evidence as
    attachments (`owner_type = "delay_filing"`). Its `requires` is the profile's branch at
    filing time: `authority_approval` waits for the authority's decision; the other branches
    are accepted on filing and the authority is informed. An accepted or approved filing keeps
    the resource from being flagged stale until `update_by`.
    """

    __tablename__ = "delay_filing"
    __table_args__ = (Index("ix_delay_filing_resource_state", "resource_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    requires: Mapped[str] = mapped_column(String(30))
    article: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text)
    update_by: Mapped[date] = mapped_column(Date)
    bound_on: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
