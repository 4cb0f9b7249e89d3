"""API shapes of catalogue entries, versions, change events, disputes and the directory."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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


class DataItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["公民身份号码"])
    name_en: str = Field(default="", max_length=100)
    data_type: DataType = DataType.STRING
    length: int | None = Field(default=None, ge=1)
    description: str = ""
    is_subject_key: bool = False
    sharing_type: SharingType | None = Field(
        default=None,
        description="None: as the resource; 'unconditional' shares this item of a conditional resource directly (GZ 9)",
    )


class DataItemOut(DataItemIn):
    model_config = ConfigDict(from_attributes=True)
    id: int
    position: int


class ResourceIn(BaseModel):
    """A catalogue entry as the provider writes it (national catalogue guideline core metadata)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "department_id": 2,
                    "name": "户籍登记信息",
                    "name_en": "Household registration",
                    "abstract": "本市户籍人口的户籍登记信息",
                    "catalogue_kind": "basic",
                    "basic_category": "natural_person",
                    "format": "database",
                    "subject_key_type": "resident_id",
                    "sharing_type": "unconditional",
                    "sharing_method": "interface",
                    "open_type": "not_open",
                    "update_cycle": "real_time",
                    "items": [
                        {
                            "name": "公民身份号码",
                            "data_type": "string",
                            "length": 18,
                            "is_subject_key": True,
                        },
                        {"name": "姓名", "data_type": "string", "length": 50},
                    ],
                }
            ]
        },
    )

    department_id: int
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    abstract: str = ""
    catalogue_kind: CatalogueKind
    basic_category: BasicCategory | None = None
    thematic_lead_department_id: int | None = None
    class_code: str = Field(
        default="",
        max_length=20,
        pattern=r"^[0-9A-Za-z]*$",
        description="类/项/目/细目 codes; derived when empty",
    )
    format: ResourceFormat
    subject_key_type: SubjectKeyType
    subject_key_name: str = ""
    sharing_type: SharingType
    sharing_conditions: str = ""
    sharing_basis: str = ""
    sharing_basis_kind: BasisKind | None = None
    sharing_method: SharingMethod
    sharing_scope: str = ""
    purposes: str = ""
    open_type: OpenType = OpenType.NOT_OPEN
    open_conditions: str = ""
    update_cycle: UpdateCycle
    published_on: date | None = None
    related_codes: list[str] = []
    sample_data: str = ""
    use_requirements: str = ""
    responsible_person: str = ""
    collecting_department_id: int | None = None
    approving_department_id: int | None = None
    contains_state_secret: bool = Field(
        default=False,
        description="a resource holding state secrets cannot be entered (GZ 20; ZS 17)",
    )
    data_grade: int | None = Field(default=None, ge=1)
    data_classification: str = ""
    project_id: int | None = None
    items: list[DataItemIn] = Field(min_length=1)


class ResourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    department_id: int
    name: str
    name_en: str
    abstract: str
    catalogue_kind: CatalogueKind
    basic_category: BasicCategory | None
    thematic_lead_department_id: int | None
    class_code: str
    format: ResourceFormat
    subject_key_type: SubjectKeyType
    subject_key_name: str
    sharing_type: SharingType
    sharing_conditions: str
    sharing_basis: str
    sharing_basis_kind: BasisKind | None
    sharing_method: SharingMethod
    sharing_scope: str
    purposes: str
    open_type: OpenType
    open_conditions: str
    update_cycle: UpdateCycle
    published_on: date | None
    related_codes: list[str]
    sample_data: str
    use_requirements: str
    responsible_person: str
    collecting_department_id: int | None
    approving_department_id: int | None
    data_grade: int | None
    data_classification: str
    project_id: int | None
    status: ResourceStatus
    version: int
    published_version: int | None
    submitted_on: date | None
    review_due_on: date | None
    review_comment: str
    items: list[DataItemOut]


class ResourcePage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[ResourceOut]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resource_ids: list[int] | None = Field(
        default=None, description="None publishes every approved entry"
    )


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    submitted_by: str
    submitted_at: datetime
    outcome: str
    outcome_comment: str
    published_at: datetime | None
    snapshot: dict[str, Any]


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class ChangeEventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department_id: int
    kind: ChangeEventKind
    description: str = Field(min_length=1)
    occurred_on: date


class ChangeEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    department_id: int
    kind: ChangeEventKind
    description: str
    occurred_on: date
    registered_on: date
    due_on: date | None
    resolved_on: date | None
    resolution: str


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requested_type: SharingType
    reason: str = Field(min_length=1)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decided_type: SharingType
    reason: str = Field(min_length=1)


class DisputeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    resource_id: int
    raised_by_department_id: int
    current_type: SharingType
    requested_type: SharingType
    reason: str
    raised_on: date
    status: DisputeStatus
    decided_type: SharingType | None
    decision_reason: str
    decided_by: str
    decided_on: date | None
