"""Pydantic schemas of the verification-request API (/api/v1/verification-requests)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from govshare.quality.verification_queries import RequestView


class FileIn(BaseModel):
    """A verification request about values of a record the consumer took (GZ 30, 33; ZS 23)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "resource_id": 12,
                    "subject": "440103199003070012",
                    "purpose_code": "440100-MZ-0031",
                    "claims": {"婚姻状况": "离婚"},
                    "reason": "当事人提交离婚证,与共享数据不一致",
                    "party_objected": True,
                    "party_documents": True,
                    "handled_on_documents": True,
                    "case_reference": "MZ-2026-00031",
                }
            ]
        },
    )

    resource_id: int
    subject: str = Field(min_length=1, max_length=64)
    purpose_code: str = Field(
        min_length=1, max_length=64, description="the business matter the record was taken for"
    )
    claims: dict[str, str] = Field(
        description="per questioned item, the value the consumer believes right"
    )
    reason: str = Field(min_length=1, max_length=2000)
    party_objected: bool = False
    party_documents: bool = Field(
        default=False, description="the party supplied legally valid documents"
    )
    handled_on_documents: bool = Field(
        default=False,
        description="the case goes on on those documents (GZ 33: required when party_documents)",
    )
    case_reference: str = Field(default="", max_length=200)


class ProposeIn(BaseModel):
    """The provider's input before the data department answers (ZS 23)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "corrected",
                    "corrected": {"婚姻状况": "离婚"},
                    "note": "民政登记已变更",
                }
            ]
        },
    )

    outcome: Literal["confirmed", "corrected"]
    corrected: dict[str, str] = {}
    note: str = Field(min_length=1, max_length=2000)


class AnswerIn(BaseModel):
    """The answer: confirm the stored value, or correct it in the same step (GZ 30)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"outcome": "confirmed", "corrected": {}, "text": "经核查,登记信息无误"},
                {"outcome": "corrected", "corrected": {"婚姻状况": "离婚"}, "text": "已更正"},
            ]
        },
    )

    outcome: Literal["confirmed", "corrected"]
    corrected: dict[str, str] = {}
    text: str = Field(min_length=1, max_length=2000)


class WithdrawIn(BaseModel):
    """The consumer withdraws its open request."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "当事人撤回异议"}]}
    )

    reason: str = Field(default="", max_length=2000)


class ItemOut(BaseModel):
    name: str
    stored: Any = Field(description="the stored value when the request was filed")
    claimed: Any = Field(description="what the consumer believes right")
    proposed: Any = None
    corrected: Any = None


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    size: int
    sha256: str


class RequestSummary(BaseModel):
    """A request in a list (no subject, no values)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    resource_id: int
    consumer_department_id: int
    provider_department_id: int
    items: list[str]
    answered_by_rule: str
    article: str
    state: Literal["open", "answered", "withdrawn"]
    outcome: str
    filed_on: date
    due_on: date | None
    answered_on: date | None
    late: bool
    overdue: bool = False


class RequestPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[RequestSummary]


class RequestOut(RequestSummary):
    """A request with its subject, values, evidence and answer, for its two sides and the authority."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "resource_id": 3,
                    "consumer_department_id": 5,
                    "provider_department_id": 2,
                    "items": ["婚姻状况"],
                    "answered_by_rule": "provider",
                    "article": "GZ 30",
                    "state": "answered",
                    "outcome": "corrected",
                    "filed_on": "2026-11-20",
                    "due_on": "2026-11-27",
                    "answered_on": "2026-11-23",
                    "late": False,
                    "overdue": False,
                    "subject": "440103199003070012",
                    "reason": "当事人提交离婚证",
                    "party_objected": True,
                    "party_documents": True,
                    "handled_on_documents": True,
                    "case_reference": "MZ-2026-00031",
                    "filed_by": "李明",
                    "answered_by": "张敏",
                    "answer": "已更正",
                    "correction_version": 2,
                    "recipients_told": 1,
                    "working_days_left": None,
                    "values": [
                        {
                            "name": "婚姻状况",
                            "stored": "已婚",
                            "claimed": "离婚",
                            "corrected": "离婚",
                        }
                    ],
                    "attachments": [],
                }
            ]
        },
    )

    subject: str
    reason: str
    party_objected: bool
    party_documents: bool
    handled_on_documents: bool
    case_reference: str
    filed_by: str
    filed_at: datetime | None = None
    answered_by: str
    answer: str
    correction_version: int | None
    recipients_told: int
    working_days_left: int | None
    proposal: dict[str, Any] = {}
    values: list[ItemOut] = []
    attachments: list[AttachmentOut] = []

    @classmethod
    def of(cls, v: RequestView) -> RequestOut:
        r = v.req
        return cls(
            **RequestSummary.model_validate(r).model_dump(exclude={"overdue"}),
            overdue=v.overdue,
            subject=v.subject,
            reason=r.reason,
            party_objected=r.party_objected,
            party_documents=r.party_documents,
            handled_on_documents=r.handled_on_documents,
            case_reference=r.case_reference,
            filed_by=r.filed_by,
            filed_at=r.filed_at,
            answered_by=r.answered_by,
            answer=r.answer,
            correction_version=r.correction_version,
            recipients_told=r.recipients_told,
            working_days_left=v.days_left,
            proposal=v.proposal,
            values=[ItemOut.model_validate(line, from_attributes=True) for line in v.lines],
            attachments=[AttachmentOut.model_validate(f) for f in v.files],
        )
