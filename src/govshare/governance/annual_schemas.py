"""Pydantic schemas of the annual reports API (/api/v1/annual-reports)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govshare.governance.annual_report_models import AnnualReport


class AnnualReportOut(BaseModel):
    """An annual report: its figures drafted by the platform and the narrative written by people."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "year": 2026,
                    "level": "department",
                    "department_id": 3,
                    "state": "submitted",
                    "due_on": "2027-01-31",
                    "article": "GZ 37",
                    "figures": {"given": {"applications_received": 12, "answered_in_time": 11}},
                    "narrative": "本年度共收到共享申请12件……",
                    "problems": "部分数据更新不及时。",
                    "plan": "完善数据更新机制。",
                    "submitted_on": "2027-01-20",
                    "submitted_by": "数据专员 王五",
                    "late": False,
                    "overdue": False,
                    "published_on": None,
                    "requested_on": None,
                }
            ]
        }
    )

    id: int
    year: int
    level: str
    department_id: int | None
    state: str
    due_on: date | None
    article: str
    figures: dict[str, Any]
    narrative: str
    problems: str
    plan: str
    submitted_on: date | None
    submitted_by: str
    late: bool
    overdue: bool
    published_on: date | None
    requested_on: date | None

    @classmethod
    def of(cls, report: AnnualReport, *, overdue: bool) -> AnnualReportOut:
        """The schema of a stored report."""
        return cls(
            id=report.id,
            year=report.year,
            level=report.level,
            department_id=report.department_id,
            state=report.state,
            due_on=report.due_on,
            article=report.article,
            figures=report.figures or {},
            narrative=report.narrative,
            problems=report.problems,
            plan=report.plan,
            submitted_on=report.submitted_on,
            submitted_by=report.submitted_by,
            late=report.late,
            overdue=overdue,
            published_on=report.published_on,
            requested_on=report.requested_on,
        )


class AnnualReportPage(BaseModel):
    """One page of reports."""

    total: int
    page: int
    per_page: int
    items: list[AnnualReportOut]


class AnnualReportDraftIn(BaseModel):
    """Draft a report on a year that is over: a department's (its id), else the actor's own."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"year": 2026, "department_id": 3}]})

    year: int = Field(ge=2000, le=9999)
    department_id: int | None = None


class AnnualReportRequestIn(BaseModel):
    """The authority requests departments' reports (ZS 35 ¶2); none named: every department."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2026, "department_ids": [3, 5]}]}
    )

    year: int = Field(ge=2000, le=9999)
    department_ids: list[int] | None = None


class AnnualReportTextIn(BaseModel):
    """The narrative of a draft: the summary, the problems met and next year's plan."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "narrative": "本年度共收到共享申请12件,按时答复11件。",
                    "problems": "部分数据更新不及时。",
                    "plan": "完善数据更新机制。",
                }
            ]
        }
    )

    narrative: str = Field(default="", max_length=20000)
    problems: str = Field(default="", max_length=20000)
    plan: str = Field(default="", max_length=20000)
