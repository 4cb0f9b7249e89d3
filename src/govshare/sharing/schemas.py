"""API shapes of grants, queries and verifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from govshare.sharing import service as sharing

ID_EXAMPLE = "440103199003071234"


class GrantIn(BaseModel):
    """A grant the authority makes by hand (the application workflow makes the others)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "consumer_department_id": 4,
                    "resource_id": 12,
                    "items": ["姓名", "婚姻状况"],
                    "purposes": ["440100-MZ-0031"],
                    "valid_from": "2026-12-01",
                    "valid_until": "2027-11-30",
                    "note": "最低生活保障审核 (GZ 26)",
                }
            ]
        },
    )

    consumer_department_id: int
    resource_id: int
    items: list[str] = Field(min_length=1, description="data items of the resource, by name")
    purposes: list[str] = Field(
        min_length=1, description="business-matter codes the data may serve"
    )
    valid_from: date
    valid_until: date
    note: str = ""


GRANT_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "consumer_department_id": 4,
    "resource_id": 12,
    "resource_code": "301/000012",
    "items": ["姓名", "婚姻状况"],
    "purposes": ["440100-MZ-0031"],
    "valid_from": "2026-12-01",
    "valid_until": "2027-11-30",
    "state": "active",
    "source": "manual",
    "granted_by": "admin1",
    "approved_by": "admin1",
    "note": "",
    "revoked_at": None,
    "revoked_by": "",
    "revoked_reason": "",
    "created_at": "2026-11-20T08:00:00Z",
}


class GrantOut(BaseModel):
    """A grant with its state on the day of the request."""

    model_config = ConfigDict(json_schema_extra={"examples": [GRANT_EXAMPLE]})

    id: int
    consumer_department_id: int
    resource_id: int
    resource_code: str
    items: list[str]
    purposes: list[str]
    valid_from: date
    valid_until: date
    state: sharing.GrantState
    source: str
    granted_by: str
    approved_by: str
    note: str
    revoked_at: datetime | None
    revoked_by: str
    revoked_reason: str
    created_at: datetime

    @classmethod
    def of(cls, view: sharing.GrantView) -> GrantOut:
        """The API shape of a grant view."""
        g = view.grant
        return cls(
            id=g.id,
            consumer_department_id=g.consumer_department_id,
            resource_id=g.resource_id,
            resource_code=view.resource_code,
            items=list(g.items),
            purposes=list(g.purposes),
            valid_from=g.valid_from,
            valid_until=g.valid_until,
            state=view.state,
            source=g.source,
            granted_by=g.granted_by,
            approved_by=g.approved_by,
            note=g.note,
            revoked_at=g.revoked_at,
            revoked_by=g.revoked_by,
            revoked_reason=g.revoked_reason,
            created_at=g.created_at,
        )


class GrantPage(BaseModel):
    """One page of grants."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"total": 1, "page": 1, "per_page": 50, "items": [GRANT_EXAMPLE]}]
        }
    )

    total: int
    page: int
    per_page: int
    items: list[GrantOut]


class GrantRevokeIn(BaseModel):
    """Why the grant is revoked (mandatory)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "业务事项已办结,不再需要 (business matter closed)"}]
        },
    )

    reason: str = Field(min_length=1, max_length=2000)


class PurposeIn(BaseModel):
    """The purpose every use of data names (GZ 25; ZS 21)."""

    purpose_text: str = Field(
        min_length=1,
        max_length=sharing.MAX_PURPOSE_TEXT,
        description="what the data is used for, in the department's words",
    )
    purpose_code: str = Field(
        min_length=1, max_length=64, description="the code of the business matter being handled"
    )


class QueryIn(PurposeIn):
    """Subjects to look up for a declared purpose."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subjects": [ID_EXAMPLE],
                    "purpose_text": "最低生活保障申请审核:核对申请人婚姻状况",
                    "purpose_code": "440100-MZ-0031",
                }
            ]
        },
    )

    subjects: list[str] = Field(
        min_length=1,
        max_length=sharing.MAX_SUBJECTS,
        description=f"subject keys (ID numbers, credit codes or the resource's own key); at most {sharing.MAX_SUBJECTS} per call",
    )


class GrantRefOut(BaseModel):
    id: int
    approved_by: str
    items: list[str]


class SubjectOut(BaseModel):
    subject: str
    status: Literal["found", "not_found", "invalid"]
    data: dict[str, Any] | None = None


class QueryOut(BaseModel):
    """The entitled items of each subject found; nothing else (ZS 19(iii))."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resource_code": "301/000012",
                    "purpose_code": "440100-MZ-0031",
                    "items": ["公民身份号码", "姓名", "婚姻状况"],
                    "basis": ["unconditional", "grant"],
                    "grants": [{"id": 7, "approved_by": "admin1", "items": ["婚姻状况"]}],
                    "found": 1,
                    "results": [
                        {
                            "subject": ID_EXAMPLE,
                            "status": "found",
                            "data": {
                                "公民身份号码": ID_EXAMPLE,
                                "姓名": "陈明",
                                "婚姻状况": "已婚",
                            },
                        }
                    ],
                }
            ]
        }
    )

    resource_code: str
    purpose_code: str
    items: list[str]
    basis: list[str]
    grants: list[GrantRefOut]
    found: int
    results: list[SubjectOut]

    @classmethod
    def of(cls, result: sharing.QueryResult) -> QueryOut:
        """The API shape of a query result."""
        ent = result.entitlement
        return cls(
            resource_code=ent.resource_code,
            purpose_code=result.purpose_code,
            items=list(ent.items),
            basis=[str(b) for b in ent.bases],
            grants=[
                GrantRefOut(id=g.id, approved_by=g.approved_by, items=list(g.items))
                for g in ent.grants
            ],
            found=result.found,
            results=[
                SubjectOut(subject=r.subject, status=r.status, data=r.data) for r in result.results
            ],
        )


class VerifyIn(PurposeIn):
    """Values the consumer holds, to be compared with the record (GZ 26 ¶3; ZS 22 ¶3)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": ID_EXAMPLE,
                    "values": {"姓名": "陈明", "婚姻状况": "未婚"},
                    "purpose_text": "婚姻登记:核实当事人婚姻状况声明",
                    "purpose_code": "440100-MZ-0102",
                }
            ]
        },
    )

    subject: str = Field(min_length=1, max_length=100)
    values: dict[str, str | int | float | bool | None] = Field(
        min_length=1, description="item name → the value the consumer was given"
    )


class VerifyOut(BaseModel):
    """Per item: match, no_match or no_record; never a stored value."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resource_code": "301/000012",
                    "results": {"姓名": "match", "婚姻状况": "no_match"},
                }
            ]
        }
    )

    resource_code: str
    results: dict[str, Literal["match", "no_match", "no_record"]]


# --- the life of a grant -------------------------------------------------------------------------

REASON_EXAMPLE = "争议调解期间暂停共享 (suspended while the dispute is mediated, GZ 28)"


class GrantSuspendIn(BaseModel):
    """Why the grant is suspended (mandatory) and, optionally, what the suspension belongs to."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": REASON_EXAMPLE, "cause": "dispute:4"}]},
    )

    reason: str = Field(min_length=1, max_length=2000)
    cause: str = Field(default="", max_length=100, description='e.g. "dispute:4"')


class GrantLiftIn(BaseModel):
    """Why the suspension is lifted (mandatory)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "争议已解决 (dispute resolved)"}]},
    )

    reason: str = Field(min_length=1, max_length=2000)


class GrantEventOut(BaseModel):
    """One audited act on a grant: who, when, what, why."""

    at: datetime
    who: str
    action: str
    details: dict[str, Any]


EVENT_EXAMPLE: dict[str, Any] = {
    "at": "2026-11-20T08:00:00Z",
    "who": "民政局数据管理员 刘芳",
    "action": "grant.suspend",
    "details": {"reason": REASON_EXAMPLE, "cause": "dispute:4", "on": "2026-11-20"},
}


class GrantRecordOut(BaseModel):
    """A grant with its departments, suspension, expiry, renewals and who/when/why history."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "grant": GRANT_EXAMPLE,
                    "consumer_department": "广州市人力资源和社会保障局",
                    "provider_department_id": 3,
                    "provider_department": "广州市民政局",
                    "suspended_on": None,
                    "suspended_reason": "",
                    "suspended_for": "",
                    "expiry_reminded_on": "2026-11-16",
                    "expired_on": None,
                    "origin_application_id": 21,
                    "renews_grant_id": None,
                    "renewal_application_ids": [35],
                    "history": [EVENT_EXAMPLE],
                }
            ]
        }
    )

    grant: GrantOut
    consumer_department: str
    provider_department_id: int | None
    provider_department: str
    suspended_on: date | None
    suspended_reason: str
    suspended_for: str
    expiry_reminded_on: date | None
    expired_on: date | None
    origin_application_id: int | None
    renews_grant_id: int | None
    renewal_application_ids: list[int]
    history: list[GrantEventOut]

    @classmethod
    def of(cls, record: Any) -> GrantRecordOut:
        """The API shape of a `grant_life.GrantRecord`."""
        row, life = record.row, record.row.life
        suspended = life is not None and row.grant.suspended
        return cls(
            grant=GrantOut.of(row.view),
            consumer_department=row.consumer,
            provider_department_id=row.provider_id,
            provider_department=row.provider,
            suspended_on=life.suspended_on if suspended else None,
            suspended_reason=life.suspended_reason if suspended else "",
            suspended_for=life.suspended_for if suspended else "",
            expiry_reminded_on=life.expiry_reminded_on if life else None,
            expired_on=life.expired_on if life else None,
            origin_application_id=record.origin.id if record.origin else None,
            renews_grant_id=record.renews,
            renewal_application_ids=[a.id for a in record.renewals],
            history=[
                GrantEventOut(at=e.at, who=e.who, action=e.action, details=e.details)
                for e in record.events
            ],
        )


RENEWAL_EXAMPLE: dict[str, Any] = {
    "purpose_text": "最低生活保障对象家庭经济状况核对",
    "legal_basis": "《社会救助暂行办法》第十一条",
    "purposes": ["440100-MZ-0031"],
    "items": ["婚姻状况", "月收入"],
    "expected_volume": "2,000 a month",
    "period_from": "2027-12-01",
    "period_until": "2028-11-30",
    "involves_secret_or_privacy": False,
}


class RenewalOut(BaseModel):
    """The renewal application as prefilled from the grant's application (edit, then submit)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"renews_grant_id": 7, "resource_id": 12, **RENEWAL_EXAMPLE}]
        }
    )

    renews_grant_id: int
    resource_id: int
    purpose_text: str
    legal_basis: str
    purposes: list[str]
    items: list[str]
    expected_volume: str
    period_from: date
    period_until: date
    involves_secret_or_privacy: bool


class RenewalIn(BaseModel):
    """A renewal application; every field left out is taken from the prefill."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{}, {"period_until": "2028-05-31", "items": ["婚姻状况"]}, RENEWAL_EXAMPLE]
        },
    )

    purpose_text: str | None = Field(default=None, max_length=2000)
    legal_basis: str | None = Field(default=None, max_length=2000)
    purposes: list[str] | None = None
    items: list[str] | None = None
    expected_volume: str | None = Field(default=None, max_length=200)
    period_from: date | None = None
    period_until: date | None = None
    involves_secret_or_privacy: bool | None = None


class RenewedOut(BaseModel):
    """The renewal application as submitted."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "application_id": 35,
                    "renews_grant_id": 7,
                    "state": "submitted",
                    "due_on": "2026-11-27",
                    "route": None,
                }
            ]
        }
    )

    application_id: int
    renews_grant_id: int
    state: str
    due_on: date | None
    route: dict[str, Any] | None
