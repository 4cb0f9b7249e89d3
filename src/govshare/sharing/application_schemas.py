"""API shapes of applications for conditional data."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govshare.sharing.application_models import ApplicationState
from govshare.sharing.applications import ApplicationView


class ApplicationIn(BaseModel):
    """An application for conditional items of a published conditional resource."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "resource_id": 12,
                    "purpose_text": "最低生活保障对象家庭经济状况核对",
                    "legal_basis": "《社会救助暂行办法》第十一条",
                    "purposes": ["440100-MZ-0031"],
                    "items": ["婚姻状况", "月收入"],
                    "expected_volume": "about 2,000 queries a month",
                    "period_from": "2026-12-01",
                    "period_until": "2027-11-30",
                    "involves_secret_or_privacy": False,
                }
            ]
        },
    )

    resource_id: int
    purpose_text: str = Field(min_length=1, description="what the data is for (GZ 25)")
    legal_basis: str = Field(min_length=1, description="the legal basis of the use")
    purposes: list[str] = Field(min_length=1, description="business-matter codes")
    items: list[str] = Field(
        min_length=1, description="the conditional data items needed, and only those"
    )
    expected_volume: str = ""
    period_from: date
    period_until: date
    involves_secret_or_privacy: bool = Field(
        default=False, description="JS 18: a 15-working-day answer limit applies"
    )


class ApproveIn(BaseModel):
    """An approval: by default everything applied for; or fewer items, a shorter period."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"items": ["婚姻状况"], "valid_until": "2027-05-31", "note": ""}]
        },
    )

    items: list[str] | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    note: str = ""


class RefuseIn(BaseModel):
    """A refusal and its reasons (mandatory where the profile says so: GZ 26; ZS 22; JS 18)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "申请事项不属于申请部门法定职责范围"}]},
    )

    reason: str = ""


class ApplicationOut(BaseModel):
    """An application, with its working days left and whether it is overdue today."""

    id: int
    resource_id: int
    resource_code: str
    consumer_department_id: int
    provider_department_id: int
    state: ApplicationState
    purpose_text: str
    legal_basis: str
    purposes: list[str]
    items: list[str]
    expected_volume: str
    period_from: date
    period_until: date
    involves_secret_or_privacy: bool
    submitted_on: date
    submitted_by: str
    due_on: date | None = Field(description="last day to answer; null: the profile sets none")
    answered_on: date | None
    answered_by: str
    refusal_reason: str
    grant_id: int | None
    delivery_due_on: date | None
    delivered_on: date | None
    provide_due_on: date | None
    renews_grant_id: int | None = None
    route: dict[str, Any] | None = Field(
        default=None,
        description="the cross-level route (GZ 27; ZS 24; JS 14): procedure, article, hops",
    )
    working_days_left: int | None
    overdue: bool

    @classmethod
    def of(cls, view: ApplicationView) -> ApplicationOut:
        """The API shape of an application view."""
        a = view.application
        return cls(
            id=a.id,
            resource_id=a.resource_id,
            resource_code=a.resource_code,
            consumer_department_id=a.consumer_department_id,
            provider_department_id=a.provider_department_id,
            state=ApplicationState(a.state),
            purpose_text=a.purpose_text,
            legal_basis=a.legal_basis,
            purposes=list(a.purposes),
            items=list(a.items),
            expected_volume=a.expected_volume,
            period_from=a.period_from,
            period_until=a.period_until,
            involves_secret_or_privacy=a.involves_secret_or_privacy,
            submitted_on=a.submitted_on,
            submitted_by=a.submitted_by,
            due_on=a.due_on,
            answered_on=a.answered_on,
            answered_by=a.answered_by,
            refusal_reason=a.refusal_reason,
            grant_id=a.grant_id,
            delivery_due_on=a.delivery_due_on,
            delivered_on=a.delivered_on,
            provide_due_on=a.provide_due_on,
            renews_grant_id=a.renews_grant_id,
            route=a.route,
            working_days_left=view.working_days_left,
            overdue=view.overdue,
        )


class ApplicationPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[ApplicationOut]
