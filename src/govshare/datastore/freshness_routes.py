"""JSON API of freshness and delay filings (/api/v1/data/freshness, /api/v1/data/delay-filings).

A provider (data officer, or its business system with the `data:load` scope) sees and files for
its own resources; the authority sees all and decides filings that need its approval (GZ 19 ¶4).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.datastore import freshness, freshness_filings
from govshare.datastore.models import DelayFiling
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["data freshness"])

SCOPE = "data:load"
PROVIDERS = (Role.DATA_OFFICER, Role.SERVICE)
READERS = (Role.DATA_OFFICER, Role.SERVICE, Role.AUTHORITY_ADMIN)
AUTHORITY = (Role.AUTHORITY_ADMIN,)


class FreshnessOut(BaseModel):
    """A connected resource's freshness on the day of the request."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "resource_id": 12,
                    "code": "440100-GA-0001",
                    "name": "户籍人口基本信息",
                    "department_id": 3,
                    "catalogue_kind": "basic",
                    "update_cycle": "daily",
                    "last_updated_on": "2026-11-19",
                    "article": "GZ 19",
                    "rule": "real time",
                    "due_on": "2026-11-20",
                    "covered_until": None,
                    "status": "stale",
                    "stale_since": "2026-11-21",
                    "pending_filing_id": None,
                }
            ]
        },
    )

    resource_id: int
    code: str
    name: str
    department_id: int
    catalogue_kind: str
    update_cycle: str
    last_updated_on: date | None
    article: str = Field(description="the article of the limit applied (profile data.update_*)")
    rule: str = Field(description="the limit, e.g. 'real time' or '5 working days (工作日)'")
    due_on: date | None = Field(description="the next update is due by this day; null: none due")
    covered_until: date | None = Field(
        description="a delay filing in force since the last update moves the due date here"
    )
    status: Literal["fresh", "filed", "stale", "untracked"]
    stale_since: date | None
    pending_filing_id: int | None = Field(description="a filing awaiting the authority")


class FreshnessPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[FreshnessOut]


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    size: int
    sha256: str


class FilingOut(BaseModel):
    """A delay filing with its decision and evidence (GZ 19 ¶4; ZS 18; ZZ 28)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "resource_id": 12,
                    "department_id": 3,
                    "state": "pending",
                    "requires": "authority_approval",
                    "article": "GZ 19",
                    "reason": "业务系统升级,暂停数据推送",
                    "update_by": "2026-12-04",
                    "bound_on": "2027-01-14",
                    "filed_on": "2026-11-20",
                    "filed_by": "张敏",
                    "filed_at": "2026-11-20T02:30:00Z",
                    "decided_on": None,
                    "decided_by": "",
                    "decision_reason": "",
                    "attachments": [
                        {"id": 31, "filename": "升级通知.pdf", "size": 48213, "sha256": "9f2c…"}
                    ],
                }
            ]
        },
    )

    id: int
    resource_id: int
    department_id: int
    state: Literal["pending", "approved", "rejected", "accepted"]
    requires: str = Field(
        description="the profile's branch: authority_approval, report_with_evidence, inform_authority"
    )
    article: str
    reason: str
    update_by: date
    bound_on: date | None = Field(description="the latest day the profile's fallback allows")
    filed_on: date
    filed_by: str
    filed_at: datetime
    decided_on: date | None
    decided_by: str
    decision_reason: str
    attachments: list[AttachmentOut] = []


class FilingPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[FilingOut]


class DecisionIn(BaseModel):
    """The authority's decision on a pending filing; a rejection states its reason."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "approve", "reason": ""},
                {"decision": "reject", "reason": "升级可在周末完成,请按时更新"},
            ]
        },
    )

    decision: Literal["approve", "reject"]
    reason: str = Field(default="", max_length=2000)


def _filing_out(db: Session, filing: DelayFiling) -> FilingOut:
    out = FilingOut.model_validate(filing)
    out.attachments = [
        AttachmentOut.model_validate(a)
        for a in attachments.list_for(db, owner_type=freshness_filings.OWNER, owner_id=filing.id)
    ]
    return out


@router.get("/data/freshness", response_model=FreshnessPage)
def list_freshness(
    request: Request,
    db: Db,
    stale: bool | None = None,
    department_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> FreshnessPage:
    """Connected resources with due date and status: the provider's own, or all for the authority."""
    p = freshness.list_freshness(
        db,
        actor=actor,
        today=today_of(request),
        department_id=department_id,
        stale=stale,
        page=page,
        per_page=per_page,
    )
    return FreshnessPage(
        total=p.total,
        page=p.page,
        per_page=p.per_page,
        items=[FreshnessOut.model_validate(f) for f in p.items],
    )


@router.post(
    "/data/resources/{resource_id}/delay-filings", response_model=FilingOut, status_code=201
)
def file_delay(
    request: Request,
    db: Db,
    resource_id: int,
    reason: Annotated[str, Form(description="why the data cannot be updated in time")],
    update_by: Annotated[date, Form(description="the day by which it will be updated")],
    files: Annotated[list[UploadFile] | None, File(description="evidence (PDF, OFD, ...)")] = None,
    actor: Actor = allow(*PROVIDERS, scope=SCOPE),
) -> FilingOut:
    """Files a delay with its evidence (multipart form); the profile decides what follows."""
    uploads = [
        attachments.Upload(filename=f.filename or "", data=f.file.read()) for f in files or []
    ]
    filing = freshness_filings.file_delay(
        db,
        actor=actor,
        resource_id=resource_id,
        reason=reason,
        update_by=update_by,
        today=today_of(request),
        uploads=uploads,
    )
    return _filing_out(db, filing)


@router.get("/data/delay-filings", response_model=FilingPage)
def list_filings(
    db: Db,
    state: str = "",
    department_id: int | None = None,
    resource_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> FilingPage:
    """Delay filings, newest first: the provider's own, or all for the authority."""
    p = freshness_filings.list_filings(
        db,
        actor=actor,
        state=state,
        department_id=department_id,
        resource_id=resource_id,
        page=page,
        per_page=per_page,
    )
    return FilingPage(
        total=p.total,
        page=p.page,
        per_page=p.per_page,
        items=[_filing_out(db, f) for f in p.items],
    )


@router.get("/data/delay-filings/{filing_id}", response_model=FilingOut)
def get_filing(db: Db, filing_id: int, actor: Actor = allow(*READERS, scope=SCOPE)) -> FilingOut:
    """One filing with its evidence list (download each at /api/v1/attachments/{id})."""
    return _filing_out(db, freshness_filings.get_filing(db, actor=actor, filing_id=filing_id))


@router.post("/data/delay-filings/{filing_id}/decision", response_model=FilingOut)
def decide(
    request: Request,
    db: Db,
    filing_id: int,
    body: DecisionIn,
    actor: Actor = allow(*AUTHORITY),
) -> FilingOut:
    """The authority approves or rejects a pending filing (GZ 19 ¶4)."""
    filing = freshness_filings.decide(
        db,
        actor=actor,
        filing_id=filing_id,
        approve=body.decision == "approve",
        reason=body.reason,
        today=today_of(request),
    )
    return _filing_out(db, filing)
