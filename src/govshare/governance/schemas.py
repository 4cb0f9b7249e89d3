"""API shapes of disputes and their steps."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from govshare.governance.models import Dispute, DisputeStep

Kind = Literal[
    "general",
    "application",
    "sharing_type",
    "cross_level",
    "state_secret",
    "trade_secret_or_privacy",
]


class DisputeRaiseIn(BaseModel):
    """A dispute about one application (default kind "application") or one grant (default "general")."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "application_id": 42,
                    "reasons": "申请事项属于本部门法定职责,拒绝理由不成立",
                },
                {"grant_id": 7, "kind": "general", "reasons": "使用方超出授权用途使用数据"},
            ]
        },
    )

    application_id: int | None = None
    grant_id: int | None = None
    kind: Kind | None = Field(default=None, description="which ladder of the profile applies")
    reasons: str = Field(min_length=1, max_length=4000)


class DisputeDecideIn(BaseModel):
    """An agreement (negotiation step) or a decision (other steps), with its reasons."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"outcome": "provide", "reasons": "市人民政府裁定:应当共享 (GZ 28)"}]
        },
    )

    outcome: Literal["provide", "not_provide"]
    reasons: str = Field(min_length=1, max_length=4000)


class DisputeEscalateIn(BaseModel):
    """Why the current step failed; the dispute goes to the next step of the ladder."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reasons": "协商不成,提请协调"}]}
    )

    reasons: str = Field(min_length=1, max_length=4000)


class DisputeStepOut(BaseModel):
    """One step: its deadline and who decided what and why."""

    number: int
    key: str
    title: str
    title_zh: str
    decider: str
    article: str
    outside_platform: bool
    state: str
    started_on: date
    due_on: date | None = Field(description="null: the profile sets no limit for this step")
    decided_by: str
    decision: str
    reasons: str
    decided_on: date | None
    automatic: bool

    @classmethod
    def of(cls, s: DisputeStep) -> DisputeStepOut:
        """The API shape of a step."""
        return cls(
            number=s.number,
            key=s.key,
            title=s.title,
            title_zh=s.title_zh,
            decider=s.decider,
            article=s.article,
            outside_platform=s.outside_platform,
            state=str(s.state),
            started_on=s.started_on,
            due_on=s.due_on,
            decided_by=s.decided_by,
            decision=s.decision,
            reasons=s.reasons,
            decided_on=s.decided_on,
            automatic=s.automatic,
        )


class DisputeCaseOut(BaseModel):
    """A dispute with its steps."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "kind": "application",
                    "subject": "application",
                    "application_id": 42,
                    "grant_id": None,
                    "consumer_department_id": 5,
                    "provider_department_id": 4,
                    "raised_by_department_id": 5,
                    "raised_by": "张三",
                    "raised_on": "2026-09-24",
                    "reasons": "拒绝理由不成立",
                    "ladder": "same_level",
                    "article": "GZ 28",
                    "state": "closed",
                    "current_step": 4,
                    "outcome": "provide",
                    "closed_on": "2026-09-30",
                    "suspended_grant": False,
                    "provided_grant_id": 11,
                    "provide_due_on": "2026-10-13",
                    "provided_on": None,
                    "overdue": False,
                    "steps": [],
                }
            ]
        }
    )

    id: int
    kind: str
    subject: str
    application_id: int | None
    grant_id: int | None
    consumer_department_id: int
    provider_department_id: int
    raised_by_department_id: int
    raised_by: str
    raised_on: date
    reasons: str
    ladder: str
    article: str
    state: str
    current_step: int
    outcome: str
    closed_on: date | None
    suspended_grant: bool
    provided_grant_id: int | None
    provide_due_on: date | None = Field(
        description="after an outcome 'provide': the last day to provide (GZ 28: 5 WD)"
    )
    provided_on: date | None
    overdue: bool
    steps: list[DisputeStepOut]

    @classmethod
    def of(cls, d: Dispute, *, overdue: bool) -> DisputeCaseOut:
        """The API shape of a dispute."""
        return cls(
            id=d.id,
            kind=d.kind,
            subject=d.subject,
            application_id=d.application_id,
            grant_id=d.grant_id,
            consumer_department_id=d.consumer_department_id,
            provider_department_id=d.provider_department_id,
            raised_by_department_id=d.raised_by_department_id,
            raised_by=d.raised_by,
            raised_on=d.raised_on,
            reasons=d.reasons,
            ladder=d.ladder_key,
            article=d.article,
            state=str(d.state),
            current_step=d.current_step,
            outcome=d.outcome,
            closed_on=d.closed_on,
            suspended_grant=d.suspended_grant,
            provided_grant_id=d.provided_grant_id,
            provide_due_on=d.provide_due_on,
            provided_on=d.provided_on,
            overdue=overdue,
            steps=[DisputeStepOut.of(s) for s in d.steps],
        )


class DisputeCasePage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[DisputeCaseOut]
