"""Departments, the personnel registry, user accounts and API keys."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govshare.db import Base, UTCDateTime, utcnow


class Level(StrEnum):
    """Administrative level of a department (GZ 3; ZS 3)."""

    MUNICIPAL = "municipal"
    DISTRICT = "district"
    TOWNSHIP = "township"


class DepartmentKind(StrEnum):
    """What a department does; the providers GZ 21/23/24 name by kind."""

    AUTHORITY = "authority"
    PUBLIC_SECURITY = "public_security"
    CIVIL_AFFAIRS = "civil_affairs"
    HEALTH = "health"
    HR_SOCIAL_SECURITY = "hr_social_security"
    TAXATION = "taxation"
    MARKET_SUPERVISION = "market_supervision"
    EDUCATION = "education"
    NATURAL_RESOURCES = "natural_resources"
    HOUSING = "housing"
    JUSTICE = "justice"
    FINANCE = "finance"
    STATISTICS = "statistics"
    ECOLOGY = "ecology"
    TRANSPORT = "transport"
    GOVERNMENT = "government"
    OTHER = "other"


class Role(StrEnum):
    """What a user or service account may do (ARCHITECTURE: who uses it)."""

    AUTHORITY_ADMIN = "authority_admin"
    DATA_OFFICER = "data_officer"
    STAFF = "staff"
    AUDITOR = "auditor"
    SERVICE = "service"


USER_ROLES = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.STAFF, Role.AUDITOR)


class PersonnelRole(StrEnum):
    """The posts of the personnel registry (GZ 6, 17; ZS 33)."""

    FIRST_RESPONSIBLE = "first_responsible"
    DATA_ADMINISTRATOR = "data_administrator"
    SHARING_CONTACT = "sharing_contact"


REQUIRED_POSTS = (PersonnelRole.FIRST_RESPONSIBLE, PersonnelRole.DATA_ADMINISTRATOR)


class Department(Base):
    """A government department; the authority is one with `is_authority`."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_en: Mapped[str] = mapped_column(String(200), default="")
    code: Mapped[str] = mapped_column(String(40), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    level: Mapped[Level] = mapped_column(String(20))
    kind: Mapped[DepartmentKind] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    is_authority: Mapped[bool] = mapped_column(Boolean, default=False)
    region: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Department | None] = relationship(remote_side="Department.id")


class ContactPerson(Base):
    """A person holding a post of a department's sharing work (GZ 17: changes filed in time)."""

    __tablename__ = "contact_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    post: Mapped[PersonnelRole] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    started_on: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    filing_due_on: Mapped[date | None] = mapped_column(Date)
    filed_late: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    successor_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("contact_person.id"))

    department: Mapped[Department] = relationship()


class User(Base):
    """A person who logs in to the console."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(30))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()


class ApiKey(Base):
    """A department business system's key: shown once, stored hashed, scoped, expiring, revocable."""

    __tablename__ = "api_key"
    __table_args__ = (UniqueConstraint("prefix"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship()
