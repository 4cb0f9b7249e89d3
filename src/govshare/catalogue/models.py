"""Catalogue entries (resources) and their data items, versions, change events, disputes and the published directory."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govshare.catalogue.enums import (
    BasicCategory,
    BasisKind,
    CatalogueKind,
    ChangeEventKind,
    DataType,
    DisputeStatus,
    OpenType,
    ResourceFormat,
    ResourceStatus,
    SharingMethod,
    SharingType,
    SubjectKeyType,
    UpdateCycle,
)
from govshare.db import Base, UTCDateTime, utcnow
from govshare.orgs.models import Department


class Resource(Base):
    """A data resource of a department's catalogue: the provider's working copy and its workflow state.

    The sharing directory shows the last *published* version (DirectoryEntry), so a published
    resource stays visible while its next version is drafted and reviewed.
    """

    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    abstract: Mapped[str] = mapped_column(Text, default="")
    catalogue_kind: Mapped[CatalogueKind] = mapped_column(String(20))
    basic_category: Mapped[BasicCategory | None] = mapped_column(String(30))
    thematic_lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    class_code: Mapped[str] = mapped_column(String(20))
    format: Mapped[ResourceFormat] = mapped_column(String(30))
    subject_key_type: Mapped[SubjectKeyType] = mapped_column(String(20))
    subject_key_name: Mapped[str] = mapped_column(String(100), default="")
    sharing_type: Mapped[SharingType] = mapped_column(String(20), index=True)
    sharing_conditions: Mapped[str] = mapped_column(Text, default="")
    sharing_basis: Mapped[str] = mapped_column(Text, default="")
    sharing_basis_kind: Mapped[BasisKind | None] = mapped_column(String(30))
    sharing_method: Mapped[SharingMethod] = mapped_column(String(30))
    sharing_scope: Mapped[str] = mapped_column(Text, default="")
    purposes: Mapped[str] = mapped_column(Text, default="")
    open_type: Mapped[OpenType] = mapped_column(String(20))
    open_conditions: Mapped[str] = mapped_column(Text, default="")
    update_cycle: Mapped[UpdateCycle] = mapped_column(String(20))
    published_on: Mapped[date | None] = mapped_column(Date)
    related_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    sample_data: Mapped[str] = mapped_column(Text, default="")
    use_requirements: Mapped[str] = mapped_column(Text, default="")
    responsible_person: Mapped[str] = mapped_column(String(100), default="")
    collecting_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    approving_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    data_grade: Mapped[int | None] = mapped_column(Integer)
    data_classification: Mapped[str] = mapped_column(String(100), default="")
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("informatization_project.id"), index=True
    )

    status: Mapped[ResourceStatus] = mapped_column(
        String(20), index=True, default=ResourceStatus.DRAFT
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    published_version: Mapped[int | None] = mapped_column(Integer)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    review_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    items: Mapped[list[DataItem]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="DataItem.position"
    )


class DataItem(Base):
    """A data item (信息项) of a resource."""

    __tablename__ = "data_item"
    __table_args__ = (UniqueConstraint("resource_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    data_type: Mapped[DataType] = mapped_column(String(20))
    length: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    is_subject_key: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: as the resource; UNCONDITIONAL inside a conditional resource shares the item "in part" (GZ 9)
    sharing_type: Mapped[SharingType | None] = mapped_column(String(20))

    resource: Mapped[Resource] = relationship(back_populates="items")


class ResourceVersion(Base):
    """A snapshot of a resource at each submission, kept for ever and diffable."""

    __tablename__ = "resource_version"
    __table_args__ = (UniqueConstraint("resource_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20), default="submitted")
    outcome_comment: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DirectoryEntry(Base):
    """The published sharing directory (GZ 11): one row per published resource, its last published version."""

    __tablename__ = "directory_entry"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    catalogue_kind: Mapped[str] = mapped_column(String(20), index=True)
    sharing_type: Mapped[str] = mapped_column(String(20), index=True)
    format: Mapped[str] = mapped_column(String(30), index=True)
    update_cycle: Mapped[str] = mapped_column(String(20), index=True)
    open_type: Mapped[str] = mapped_column(String(20))
    search_text: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChangeEvent(Base):
    """A registered change (a law amended, a function changed) that obliges a catalogue update (GZ 8; ZS 11)."""

    __tablename__ = "catalogue_change_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    kind: Mapped[ChangeEventKind] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    registered_on: Mapped[date] = mapped_column(Date)
    registered_by: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str] = mapped_column(Text, default="")


class CatalogueReview(Base):
    """A department's full review of its catalogue (ZS 11: at least once a year)."""

    __tablename__ = "catalogue_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")


class SharingTypeDispute(Base):
    """Another department disputes the sharing type of a resource; the authority decides (ZS 10; ZZ 18)."""

    __tablename__ = "sharing_type_dispute"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    raised_by_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    current_type: Mapped[SharingType] = mapped_column(String(20))
    requested_type: Mapped[SharingType] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[date] = mapped_column(Date)
    status: Mapped[DisputeStatus] = mapped_column(String(20), default=DisputeStatus.OPEN)
    decided_type: Mapped[SharingType | None] = mapped_column(String(20))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_on: Mapped[date | None] = mapped_column(Date)


class InformatizationProject(Base):
    """A government-funded informatization project and the catalogue it will produce (GZ 38; ZS 14; JS 29)."""

    __tablename__ = "informatization_project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20), default="proposed")
    registered_on: Mapped[date] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
