"""API shapes of complaints (GZ 36; ZZ 32)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from govshare.governance.complaint_models import Complaint

Ground = Literal[
    "refused_data", "late_update", "stale_data", "misuse", "repeated_materials", "other"
]


class ComplaintFileIn(BaseModel):
    """A complaint about another department, optionally about one resource or application."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "respondent_department_id": 4,
                    "ground": "refused_data",
                    "subject": "拒绝提供户籍人口信息",
                    "description": "我局于9月申请婚姻状况信息,被以非法定理由拒绝。",
                    "application_id": 42,
                }
            ]
        },
    )

    respondent_department_id: int
    ground: Ground
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    resource_id: int | None = None
    application_id: int | None = None


class ComplaintTakeUpIn(BaseModel):
    """The authority takes the complaint up; the investigator defaults to the acting user."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"investigator": "王明"}]}
    )

    investigator: str = Field(default="", max_length=100)


class ComplaintFindingsIn(BaseModel):
    """The findings of the investigation so far."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"findings": "经核查,提供部门未说明拒绝理由。"}]},
    )

    findings: str = Field(min_length=1, max_length=4000)


class ComplaintAnswerIn(BaseModel):
    """The authority's answer: upheld or not, the answer's text, optionally final findings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "upheld": True,
                    "answer": "投诉成立。已责令市公安局5个工作日内提供数据。",
                    "findings": "经核查,拒绝理由不属于法定情形。",
                }
            ]
        },
    )

    upheld: bool
    answer: str = Field(min_length=1, max_length=4000)
    findings: str = Field(default="", max_length=4000)


class ComplaintTextIn(BaseModel):
    """A statement (the respondent's) or a reason (a withdrawal)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"text": "该申请已于10月重新办理。"}]}
    )

    text: str = Field(default="", max_length=4000)


class ComplaintOut(BaseModel):
    """A complaint as its readers see it (findings only for the authority until the answer)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "complainant_department_id": 5,
                    "respondent_department_id": 4,
                    "ground": "refused_data",
                    "subject": "拒绝提供户籍人口信息",
                    "description": "我局申请婚姻状况信息被拒绝。",
                    "resource_id": None,
                    "application_id": 42,
                    "state": "answered",
                    "filed_on": "2026-10-08",
                    "filed_by": "张敏",
                    "due_on": "2026-10-29",
                    "article": "GZ 36",
                    "in_writing": True,
                    "investigator": "王明",
                    "taken_up_on": "2026-10-09",
                    "findings": "拒绝理由不属于法定情形。",
                    "respondent_statement": "",
                    "upheld": True,
                    "answer": "投诉成立。",
                    "answered_on": "2026-10-20",
                    "late": False,
                    "withdrawn_on": None,
                    "overdue": False,
                }
            ]
        }
    )

    id: int
    complainant_department_id: int
    respondent_department_id: int
    ground: str
    subject: str
    description: str
    resource_id: int | None
    application_id: int | None
    state: str
    filed_on: date
    filed_by: str
    due_on: date | None = Field(description="none where the profile sets no time limit")
    article: str
    in_writing: bool = Field(description="whether the profile requires a written answer (GZ 36)")
    investigator: str
    taken_up_on: date | None
    findings: str | None
    respondent_statement: str
    upheld: bool | None
    answer: str
    answered_on: date | None
    late: bool
    withdrawn_on: date | None
    overdue: bool

    @classmethod
    def of(cls, c: Complaint, *, overdue: bool, in_writing: bool, findings: bool) -> ComplaintOut:
        """The complaint's API shape."""
        return cls(
            id=c.id,
            complainant_department_id=c.complainant_department_id,
            respondent_department_id=c.respondent_department_id,
            ground=c.ground,
            subject=c.subject,
            description=c.description,
            resource_id=c.resource_id,
            application_id=c.application_id,
            state=c.state,
            filed_on=c.filed_on,
            filed_by=c.filed_by,
            due_on=c.due_on,
            article=c.article,
            in_writing=in_writing,
            investigator=c.investigator,
            taken_up_on=c.taken_up_on,
            findings=c.findings if findings else None,
            respondent_statement=c.respondent_statement,
            upheld=c.upheld,
            answer=c.answer,
            answered_on=c.answered_on,
            late=c.late,
            withdrawn_on=c.withdrawn_on,
            overdue=overdue,
        )


class ComplaintPage(BaseModel):
    """One page of complaints."""

    total: int
    page: int
    per_page: int
    items: list[ComplaintOut]
