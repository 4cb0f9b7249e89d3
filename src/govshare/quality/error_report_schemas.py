"""API shapes of error reports (差错报备, GZ 31)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from govshare.quality.error_report_models import ErrorReport


class ErrorReportIn(BaseModel):
    """A decision taken wrongly because a shared value was inaccurate."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "resource_id": 12,
                    "items": ["婚姻状况"],
                    "decision_reference": "穗民低保〔2026〕118号",
                    "decided_on": "2026-09-14",
                    "description": "共享的婚姻状况为未婚,实为已婚,致低保认定错误。",
                    "remedy": "已撤销认定并重新核对家庭经济状况。",
                    "verification_request_id": None,
                }
            ]
        },
    )

    resource_id: int
    items: list[str] = Field(min_length=1)
    decision_reference: str = Field(min_length=1, max_length=200)
    decided_on: date | None = None
    description: str = Field(min_length=1, max_length=4000)
    remedy: str = Field(default="", max_length=4000)
    verification_request_id: int | None = None


class ErrorReportResubmitIn(BaseModel):
    """A returned report, completed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"description": "补充:决定已于9月20日撤销。", "remedy": "已重新认定。"}]
        },
    )

    description: str = Field(min_length=1, max_length=4000)
    remedy: str = Field(default="", max_length=4000)


class ErrorReportNoteIn(BaseModel):
    """The authority's note when filing (optional) or returning (required) a report."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "请补充决定撤销的文号。"}]}
    )

    note: str = Field(default="", max_length=4000)


class ErrorReportOut(BaseModel):
    """An error report; `consumer_not_liable` is set on a filed report where the profile says so."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "consumer_department_id": 5,
                    "provider_department_id": 4,
                    "resource_id": 12,
                    "verification_request_id": None,
                    "items": ["婚姻状况"],
                    "decision_reference": "穗民低保〔2026〕118号",
                    "decided_on": "2026-09-14",
                    "description": "共享的婚姻状况有误。",
                    "remedy": "已撤销认定。",
                    "state": "filed",
                    "reported_on": "2026-09-16",
                    "reported_by": "周杰",
                    "filed_on": "2026-09-18",
                    "filing_note": "",
                    "returned_on": None,
                    "consumer_not_liable": True,
                    "article": "GZ 31",
                }
            ]
        }
    )

    id: int
    consumer_department_id: int
    provider_department_id: int
    resource_id: int
    verification_request_id: int | None
    items: list[str]
    decision_reference: str
    decided_on: date | None
    description: str
    remedy: str
    state: str
    reported_on: date
    reported_by: str
    filed_on: date | None
    filing_note: str
    returned_on: date | None
    consumer_not_liable: bool | None = Field(
        description="on a filed report: whether the profile says the consumer is not liable"
    )
    article: str

    @classmethod
    def of(cls, r: ErrorReport, *, not_liable: bool, article: str) -> ErrorReportOut:
        """The report's API shape."""
        return cls(
            id=r.id,
            consumer_department_id=r.consumer_department_id,
            provider_department_id=r.provider_department_id,
            resource_id=r.resource_id,
            verification_request_id=r.verification_request_id,
            items=list(r.items),
            decision_reference=r.decision_reference,
            decided_on=r.decided_on,
            description=r.description,
            remedy=r.remedy,
            state=r.state,
            reported_on=r.reported_on,
            reported_by=r.reported_by,
            filed_on=r.filed_on,
            filing_note=r.filing_note,
            returned_on=r.returned_on,
            consumer_not_liable=not_liable if r.state == "filed" else None,
            article=article,
        )


class ErrorReportPage(BaseModel):
    """One page of error reports."""

    total: int
    page: int
    per_page: int
    items: list[ErrorReportOut]


class ErrorReportCount(BaseModel):
    """Reports of one provider or resource."""

    id: int
    name: str
    total: int
    filed: int


class ErrorReportCounts(BaseModel):
    """The authority's overview: reports by provider and by resource."""

    by_provider: list[ErrorReportCount]
    by_resource: list[ErrorReportCount]
