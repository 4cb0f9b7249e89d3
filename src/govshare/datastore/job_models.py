"""Uploads the console runs off the request: their progress while they run, and what they ended in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class LoadJob(Base):
    """One console upload: running (with rows checked so far), then done (its load) or failed.

    The load itself (`Load`) is written in the load's own transaction, which nobody sees before
    it commits; this row is committed first, so the console can show progress and find the report.
    """

    __tablename__ = "data_load_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    user_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200), default="")
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="running")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_expected: Mapped[int | None] = mapped_column(Integer)
    load_id: Mapped[int | None] = mapped_column(ForeignKey("data_load.id"))
    error: Mapped[str] = mapped_column(Text, default="")
    rejected_csv: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
