"""API shapes of source links and divergence cases (ZS 17; JS 11)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from govshare.quality.cases import CaseView


class LinkIn(BaseModel):
    """Item `item_a` of resource A is the same data as item `item_b` of resource B."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resource_a_id": 12,
                    "item_a": "婚姻状况",
                    "resource_b_id": 31,
                    "item_b": "婚姻状况",
                    "source_resource_id": 12,
                    "note": "民政局登记婚姻状况，卫健委采集的为自报值",
                }
            ]
        }
    )

    resource_a_id: int
    item_a: str = Field(min_length=1, max_length=100)
    resource_b_id: int
    item_b: str = Field(min_length=1, max_length=100)
    source_resource_id: int | None = Field(
        default=None, description="the side whose department collects the data, when known"
    )
    note: str = ""


class LinkOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    resource_a_id: int
    item_a: str
    resource_b_id: int
    item_b: str
    source_resource_id: int | None
    note: str
    created_by: str
    created_at: datetime
    removed_at: datetime | None
    removed_reason: str


class LinkPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[LinkOut]


class CaseOut(BaseModel):
    """A case as the caller may see it: the subject masked except to the authority, values it may not see are null with `*_hidden`."""

    id: int
    link_id: int
    state: str = Field(description="open, assigned, resolved, dismissed or closed")
    subject: str
    resource_a_id: int
    resource_a_code: str
    item_a: str
    value_a: Any
    value_a_hidden: bool
    resource_b_id: int
    resource_b_code: str
    item_b: str
    value_b: Any
    value_b_hidden: bool
    department_a_id: int
    department_b_id: int
    detected_on: date
    changes: int
    assigned_department_id: int | None
    assigned_on: date | None
    assign_basis: str = Field(description="authority, collecting_department or silent (profile)")
    due_on: date | None
    correct_side: str | None
    closed_on: date | None
    closed_reason: str
    note: str

    @classmethod
    def of(cls, view: CaseView) -> CaseOut:
        c, link = view.case, view.link
        return cls(
            id=c.id,
            link_id=c.link_id,
            state=c.state,
            subject=view.subject,
            resource_a_id=c.resource_a_id,
            resource_a_code=view.code_a,
            item_a=link.item_a,
            value_a=view.value_a if view.shows_a else None,
            value_a_hidden=not view.shows_a,
            resource_b_id=c.resource_b_id,
            resource_b_code=view.code_b,
            item_b=link.item_b,
            value_b=view.value_b if view.shows_b else None,
            value_b_hidden=not view.shows_b,
            department_a_id=c.department_a_id,
            department_b_id=c.department_b_id,
            detected_on=c.detected_on,
            changes=c.changes,
            assigned_department_id=c.assigned_department_id,
            assigned_on=c.assigned_on,
            assign_basis=c.assign_basis,
            due_on=c.due_on,
            correct_side=c.correct_side,
            closed_on=c.closed_on,
            closed_reason=c.closed_reason,
            note=c.note,
        )


class CasePage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[CaseOut]


class AssignIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"department_id": 12, "note": "请核对婚姻登记档案"}]}
    )

    department_id: int | None = Field(
        default=None,
        description="the verifying department; omitted: as the profile decides (the authority itself, or the link's collecting department)",
    )
    note: str = ""


class ResolveIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"correct": "a", "note": "经核对婚姻登记档案，A 值正确"}]}
    )

    correct: Literal["a", "b"] = Field(description="which side's value is right")
    note: str = Field(min_length=1)


class DismissIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "两个数据项口径不同，不属于同一数据"}]}
    )

    reason: str = Field(min_length=1)


class RemoveLinkIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "关联的数据项有误"}]})

    reason: str = Field(min_length=1)


class CompareOut(BaseModel):
    """What a comparison did: cases opened, changed and closed."""

    opened: int
    updated: int
    closed: int
