"""API shapes of rectification notices and the platform's proposals."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from govshare.governance.rectification_models import RectificationEvent, RectificationNotice
from govshare.governance.rectification_proposals import Proposal


class NoticeIn(BaseModel):
    """A notice to a department: a ground of the profile's list, the facts, what to do, by when."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "department_id": 3,
                    "ground": "data_not_updated",
                    "facts": "人口基础信息自 2026-08-01 起未按日更新",
                    "requirement": "按更新周期更新并接入共享平台",
                    "due_on": "2026-12-15",
                }
            ]
        },
    )

    department_id: int
    ground: str = Field(description="a key of the profile's rectification grounds")
    facts: str = Field(min_length=1, max_length=4000)
    requirement: str = Field(min_length=1, max_length=4000)
    due_on: date | None = Field(
        default=None,
        description="required where the profile leaves the time limit to the notice (GZ 43)",
    )


class FromProposalIn(BaseModel):
    """Turns a proposal into a notice; the proposal's facts and requirement unless given."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"due_on": "2026-12-15"}]}
    )

    due_on: date | None = None
    facts: str | None = Field(default=None, max_length=4000)
    requirement: str | None = Field(default=None, max_length=4000)


class AnswerIn(BaseModel):
    """What the department did to rectify."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"response": "已完成数据补录并恢复每日更新"}]},
    )

    response: str = Field(min_length=1, max_length=4000)


class ReviewIn(BaseModel):
    """The authority's review of an answer: accept, reject (a new deadline optional), escalate."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "accept", "note": "经核查已整改到位"},
                {"decision": "reject", "note": "仍有数据未更新", "due_on": "2026-12-31"},
                {"decision": "escalate", "note": "整改情况不属实"},
            ]
        },
    )

    decision: str = Field(pattern="^(accept|reject|escalate)$")
    note: str = Field(default="", max_length=4000)
    due_on: date | None = None


class EscalateIn(BaseModel):
    """Why the notice goes to the people's government."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "逾期未整改"}]}
    )

    reason: str = Field(min_length=1, max_length=4000)


class DismissIn(BaseModel):
    """Why the authority does not act on a proposal."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "系统迁移期间,已书面报备"}]},
    )

    reason: str = Field(min_length=1, max_length=4000)


class EventOut(BaseModel):
    """One step of the notice's history."""

    kind: str
    happened_on: date
    actor: str
    text: str
    due_on: date | None
    late: bool
    automatic: bool

    @classmethod
    def of(cls, e: RectificationEvent) -> EventOut:
        return cls(
            kind=e.kind,
            happened_on=e.happened_on,
            actor=e.actor,
            text=e.text,
            due_on=e.due_on,
            late=e.late,
            automatic=e.automatic,
        )


class NoticeOut(BaseModel):
    """A rectification notice and where it stands."""

    id: int
    department_id: int
    ground: str
    article: str
    facts: str
    requirement: str
    source_kind: str
    source_id: int | None
    state: str
    issued_on: date
    issued_by: str
    due_on: date
    overdue: bool
    response: str
    responded_on: date | None
    review_note: str
    reviewed_on: date | None
    closed_on: date | None
    escalated_on: date | None
    escalation_reason: str
    history: list[EventOut] = []

    @classmethod
    def of(
        cls,
        n: RectificationNotice,
        *,
        overdue: bool,
        history: list[RectificationEvent] | None = None,
    ) -> NoticeOut:
        return cls(
            id=n.id,
            department_id=n.department_id,
            ground=n.ground,
            article=n.article,
            facts=n.facts,
            requirement=n.requirement,
            source_kind=n.source_kind,
            source_id=n.source_id,
            state=n.state,
            issued_on=n.issued_on,
            issued_by=n.issued_by,
            due_on=n.due_on,
            overdue=overdue,
            response=n.response,
            responded_on=n.responded_on,
            review_note=n.review_note,
            reviewed_on=n.reviewed_on,
            closed_on=n.closed_on,
            escalated_on=n.escalated_on,
            escalation_reason=n.escalation_reason,
            history=[EventOut.of(e) for e in history or []],
        )


class NoticePage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[NoticeOut]


class CountOut(BaseModel):
    """Notices of one department by where they stand."""

    department_id: int
    name: str
    total: int
    open: int
    overdue: int
    closed: int
    escalated: int


class RecordOut(BaseModel):
    label: str
    link: str


class ProposalOut(BaseModel):
    """A notice the platform proposes, with the records behind it."""

    kind: str
    source_id: int
    department_id: int
    ground: str
    article: str
    since: date
    facts: str
    requirement: str
    records: list[RecordOut]

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        return cls(
            kind=p.kind,
            source_id=p.source_id,
            department_id=p.department_id,
            ground=p.ground,
            article=p.article,
            since=p.since,
            facts=p.facts,
            requirement=p.requirement,
            records=[RecordOut(label=r.label, link=r.link) for r in p.records],
        )
