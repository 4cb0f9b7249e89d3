"""Service guides and the materials they ask the public for (GZ 32; ZS 15): no repeated materials."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow


class MaterialState(StrEnum):
    """Whether the service still asks the public for a material."""

    REQUIRED = "required"  # the guide asks for it
    REMOVED = "removed"  # the department no longer asks for it (shared data supplies it)
    MARKED = "marked"  # kept in the guide, marked "obtained through sharing; not required"


class MatchSource(StrEnum):
    """How the material's link to a resource came about; a re-check only touches AUTO and NONE."""

    NONE = ""  # not matched (yet)
    AUTO = "auto"  # the platform's matcher found the resource
    MANUAL = "manual"  # linked by hand; kept by a re-check while the resource stays shared
    CLEARED = "cleared"  # a wrong match cleared by hand; a re-check leaves it unmatched


class ServiceGuide(Base):
    """A department's service guide (办事指南): one service and the materials it asks for."""

    __tablename__ = "service_guide"
    __table_args__ = (UniqueConstraint("department_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Material(Base):
    """One material a service asks for, and the published resource that already supplies it."""

    __tablename__ = "service_material"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("service_guide.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Set when a published shared resource supplies the material (the platform's mark).
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id"), index=True)
    resource_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    match_note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=MaterialState.REQUIRED)
    changed_by: Mapped[str] = mapped_column(String(100), default="")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # added by the material_extra revision
    match_source: Mapped[str] = mapped_column(String(20), default=MatchSource.NONE)
    position: Mapped[int] = mapped_column(Integer, default=0)
