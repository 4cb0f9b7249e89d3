"""JSON shapes of service guides and their materials (GZ 32; ZS 15)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from govshare.governance.material_models import Material, ServiceGuide


def _clean(value: str) -> str:
    return value.strip()


class MaterialIn(BaseModel):
    """A material the service asks the public for."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300, examples=["居民身份证复印件"])
    description: str = Field(default="", examples=["申请人及共同生活家庭成员的身份证"])

    _strip = field_validator("name", "description")(_clean)


class GuideIn(BaseModel):
    """A service guide (办事指南): the service and the materials it asks for."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "department_id": 4,
                    "code": "MZ-001",
                    "name": "最低生活保障申请",
                    "description": "城乡居民申请最低生活保障待遇",
                    "materials": [
                        {"name": "居民身份证复印件", "description": ""},
                        {"name": "户口簿", "description": ""},
                        {"name": "家庭收入情况声明", "description": "申请人签名"},
                    ],
                }
            ]
        },
    )

    department_id: int
    code: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=300)
    description: str = ""
    materials: list[MaterialIn] = Field(default_factory=list, max_length=200)

    _strip = field_validator("code", "name", "description")(_clean)


class MaterialOut(BaseModel):
    """A material, the resource that supplies it (if any), why, and whether it is still required."""

    id: int
    guide_id: int
    name: str
    description: str
    state: str
    resource_id: int | None
    resource_code: str | None = None
    resource_items: list[str]
    match_source: str
    match_note: str
    supplied: bool
    still_required: bool
    changed_by: str
    changed_at: datetime | None

    @classmethod
    def of(cls, m: Material, *, codes: dict[int, str] | None = None) -> MaterialOut:
        """The material as the API shows it."""
        supplied = m.resource_id is not None
        return cls(
            id=m.id,
            guide_id=m.guide_id,
            name=m.name,
            description=m.description,
            state=m.state,
            resource_id=m.resource_id,
            resource_code=(codes or {}).get(m.resource_id) if m.resource_id else None,
            resource_items=list(m.resource_items or []),
            match_source=m.match_source,
            match_note=m.match_note,
            supplied=supplied,
            still_required=supplied and m.state == "required",
            changed_by=m.changed_by,
            changed_at=m.changed_at,
        )


class GuideOut(BaseModel):
    """A service guide with its materials."""

    id: int
    department_id: int
    code: str
    name: str
    description: str
    active: bool
    created_by: str
    created_at: datetime
    updated_at: datetime
    materials: list[MaterialOut]


class GuidePage(BaseModel):
    """One page of service guides."""

    total: int
    page: int
    per_page: int
    items: list[GuideOut]


def guide_out(
    guide: ServiceGuide, materials: list[Material], codes: dict[int, str] | None = None
) -> GuideOut:
    """A guide and its materials as the API shows them."""
    return GuideOut(
        id=guide.id,
        department_id=guide.department_id,
        code=guide.code,
        name=guide.name,
        description=guide.description,
        active=guide.active,
        created_by=guide.created_by,
        created_at=guide.created_at,
        updated_at=guide.updated_at,
        materials=[MaterialOut.of(m, codes=codes) for m in materials],
    )


class LinkIn(BaseModel):
    """Links a material to the resource that supplies it, by hand."""

    model_config = ConfigDict(extra="forbid")

    resource_code: str = Field(min_length=1, examples=["GZ-0001"])
    note: str = Field(default="", examples=["户籍登记信息 supplies 户口簿"])


class ReasonIn(BaseModel):
    """A reason for clearing a match or changing a material's state."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", examples=["the resource holds no 户口簿 page"])


class CheckOut(BaseModel):
    """What a re-check against the sharing directory found."""

    checked: int
    supplied: int
    newly_supplied: int
    no_longer_supplied: int


class CountsOut(BaseModel):
    """A department's service guides and materials (GZ 32; ZS 15)."""

    department_id: int
    department_name: str
    services: int
    materials: int
    supplied: int
    still_required: int
    removed: int
    marked: int


class ImportOut(BaseModel):
    """What an Excel import created or replaced."""

    guides: int
    materials: int
    codes: list[str]
