"""API shapes of departments, personnel, users and API keys."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from govshare.orgs.models import DepartmentKind, Level, PersonnelRole, Role


class DepartmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    name_en: str = ""
    code: str = Field(min_length=1, max_length=40)
    uscc: str = Field(description="unified social credit code (18 characters)")
    level: Level
    kind: DepartmentKind
    parent_id: int | None = None
    region: str = ""


class DepartmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    name_en: str
    code: str
    uscc: str
    level: Level
    kind: DepartmentKind
    parent_id: int | None
    is_authority: bool
    region: str


class PageOut(BaseModel):
    total: int
    page: int
    per_page: int


class DepartmentPage(PageOut):
    items: list[DepartmentOut]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    post: PersonnelRole
    name: str = Field(min_length=1, max_length=100)
    started_on: date = Field(description="the day the person took the post")
    position: str = ""
    phone: str = ""
    email: str = ""


class PersonEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ended_on: date


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    department_id: int
    post: PersonnelRole
    name: str
    position: str
    phone: str
    email: str
    started_on: date
    filed_on: date
    filing_due_on: date | None
    filed_late: bool
    ended_on: date | None
    successor_due_on: date | None


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=80)
    display_name: str = ""
    email: str = ""
    password: str
    role: Role
    department_id: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    email: str
    role: Role
    department_id: int
    active: bool
    last_login_at: datetime | None


class UserPage(PageOut):
    items: list[UserOut]


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department_id: int
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str]
    valid_days: int = 180


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    department_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class IssuedKeyOut(BaseModel):
    key: ApiKeyOut
    token: str = Field(description="shown once; store it in the business system now")


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1)


class Me(BaseModel):
    kind: str
    id: int | None
    name: str
    department_id: int | None
    roles: list[str]
