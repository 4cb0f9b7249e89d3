"""JSON API of taking data (/api/v1/data/...) and of grants (/api/v1/grants)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response

from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden
from govshare.orgs.models import Role
from govshare.sharing import applications, grant_life
from govshare.sharing import service as sharing
from govshare.sharing.schemas import (
    GrantIn,
    GrantLiftIn,
    GrantOut,
    GrantPage,
    GrantRecordOut,
    GrantRevokeIn,
    GrantSuspendIn,
    QueryIn,
    QueryOut,
    RenewalIn,
    RenewalOut,
    RenewedOut,
    VerifyIn,
    VerifyOut,
)

router = APIRouter(route_class=TransactionalRoute, tags=["data"])

# Consumers are a department's staff (and its officers) and its business systems.
CONSUMERS = (Role.STAFF, Role.DATA_OFFICER, Role.SERVICE)
GRANT_READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
GIVEN_READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER)
GRANT_MANAGERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_EXAMPLE = (
    "id,consumer_department,provider_department,resource_code,items,purposes,valid_from,"
    "valid_until,state,source,granted_by,approved_by,created_at,suspension_reason,revoked_at,"
    "revoked_by,revoked_reason,note\r\n7,广州市人力资源和社会保障局,广州市民政局,301/000012,"
    "姓名; 婚姻状况,440100-MZ-0031,2026-12-01,2027-11-30,active,application,刘芳,刘芳,"
    "2026-11-20T08:00:00+00:00,,,,,application 21\r\n"
)


@router.post(
    "/data/{resource_code:path}/query",
    response_model=QueryOut,
    responses={403: {"description": "not entitled (verification only, or no grant)"}},
)
def query(
    request: Request,
    db: Db,
    resource_code: str,
    body: QueryIn,
    actor: Actor = allow(*CONSUMERS, scope="data:query"),
) -> Response:
    """Looks up subjects (at most 100 per call) for a declared purpose; returns only the entitled items (GZ 25-26; ZS 19, 21, 22)."""
    resource_id = sharing.resource_id_of(db, code=resource_code)
    result = sharing.query(
        db,
        actor=actor,
        resource_id=resource_id,
        subjects=body.subjects,
        purpose_text=body.purpose_text,
        purpose_code=body.purpose_code,
        method=sharing.method_of(actor, len(body.subjects)),
        today=today_of(request),
    )
    # QueryOut already holds only the entitled items; serialised once here rather than
    # validated again against response_model (the hot path of the platform).
    return Response(QueryOut.of(result).model_dump_json(), media_type="application/json")


@router.post(
    "/data/{resource_code:path}/verify",
    response_model=VerifyOut,
    responses={429: {"description": "rate_limited: too many verifications this minute"}},
)
def verify(
    request: Request,
    db: Db,
    resource_code: str,
    body: VerifyIn,
    actor: Actor = allow(*CONSUMERS, scope="data:verify"),
) -> VerifyOut:
    """Compares values the department holds with the record: match / no_match / no_record per item, never the values (GZ 26 ¶3; ZS 22 ¶3)."""
    resource_id = sharing.resource_id_of(db, code=resource_code)
    result = sharing.verify(
        db,
        actor=actor,
        resource_id=resource_id,
        subject=body.subject,
        values=body.values,
        purpose_text=body.purpose_text,
        purpose_code=body.purpose_code,
        today=today_of(request),
    )
    return VerifyOut(resource_code=result.resource_code, results=result.results)


@router.get("/grants", response_model=GrantPage)
def grants_held(
    request: Request,
    db: Db,
    department_id: int | None = None,
    resource_id: int | None = None,
    state: sharing.GrantState | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*GRANT_READERS, scope="data:query"),
) -> GrantPage:
    """The grants a department holds (the caller's own; the authority and auditors may name any)."""
    found = sharing.grants_held(
        db,
        actor=actor,
        today=today_of(request),
        department_id=department_id,
        resource_id=resource_id,
        state=state,
        page=page,
        per_page=per_page,
    )
    return GrantPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[GrantOut.of(v) for v in found.items],
    )


@router.get("/grants/given", response_model=GrantPage)
def grants_given(
    request: Request,
    db: Db,
    department_id: int | None = None,
    resource_id: int | None = None,
    state: sharing.GrantState | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER),
) -> GrantPage:
    """The grants given on a provider's resources (the caller's own department; the authority and auditors may name any)."""
    found = sharing.grants_given(
        db,
        actor=actor,
        today=today_of(request),
        department_id=department_id,
        resource_id=resource_id,
        state=state,
        page=page,
        per_page=per_page,
    )
    return GrantPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[GrantOut.of(v) for v in found.items],
    )


@router.post("/grants", response_model=GrantOut, status_code=201)
def create_grant(
    request: Request, db: Db, body: GrantIn, actor: Actor = allow(Role.AUTHORITY_ADMIN)
) -> GrantOut:
    """Grants a department items of a conditional resource for named purposes and a period (by hand)."""
    today = today_of(request)
    grant = sharing.create_grant(db, actor=actor, today=today, **body.model_dump())
    return GrantOut.of(sharing.view_of(db, grant=grant, today=today))


@router.get(
    "/grants/export",
    response_class=Response,
    responses={
        200: {
            "description": "every grant of the list as CSV or an Excel workbook",
            "content": {
                "text/csv": {"example": CSV_EXAMPLE},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        403: {"description": "the grants given are listed for providers and the authority"},
    },
)
def export_grants(
    request: Request,
    db: Db,
    format: Literal["xlsx", "csv"] = "xlsx",
    side: grant_life.Side = "held",
    department_id: int | None = None,
    resource_id: int | None = None,
    state: sharing.GrantState | None = None,
    actor: Actor = allow(*GRANT_READERS, scope="data:query"),
) -> Response:
    """Exports the grants held (side=held) or given (side=given), with the filters of the lists."""
    if side == "given" and not actor.has_role(*GIVEN_READERS):
        raise Forbidden("the grants given are listed for providers", code="not_a_provider")
    rows = grant_life.export_rows(
        db,
        actor=actor,
        side=side,
        today=today_of(request),
        department_id=department_id,
        resource_id=resource_id,
        state=state,
    )
    name = f"grants-{side}-{today_of(request).isoformat()}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(grant_life.to_csv(rows), media_type="text/csv", headers=headers)
    return Response(grant_life.to_xlsx(rows), media_type=XLSX, headers=headers)


@router.get("/grants/{grant_id}", response_model=GrantRecordOut)
def grant_record(
    request: Request,
    db: Db,
    grant_id: int,
    actor: Actor = allow(*GRANT_READERS, scope="data:query"),
) -> GrantRecordOut:
    """A grant with its who/when/why history (its two departments, the authority, auditors)."""
    record = grant_life.grant_record(db, actor=actor, grant_id=grant_id, today=today_of(request))
    return GrantRecordOut.of(record)


def _record(request: Request, db: Db, actor: Actor, grant_id: int) -> GrantRecordOut:
    today = today_of(request)
    return GrantRecordOut.of(
        grant_life.grant_record(db, actor=actor, grant_id=grant_id, today=today)
    )


@router.post("/grants/{grant_id}/revoke", response_model=GrantOut)
def revoke_grant(
    request: Request,
    db: Db,
    grant_id: int,
    body: GrantRevokeIn,
    actor: Actor = allow(*GRANT_MANAGERS),
) -> GrantOut:
    """Revokes a grant with a reason (the provider or the authority); effective for the next query."""
    today = today_of(request)
    grant = grant_life.revoke(db, actor=actor, grant_id=grant_id, reason=body.reason, today=today)
    return GrantOut.of(sharing.view_of(db, grant=grant, today=today))


@router.post("/grants/{grant_id}/suspend", response_model=GrantRecordOut)
def suspend_grant(
    request: Request,
    db: Db,
    grant_id: int,
    body: GrantSuspendIn,
    actor: Actor = allow(*GRANT_MANAGERS),
) -> GrantRecordOut:
    """Suspends a grant with a reason (e.g. during a dispute); it entitles to nothing until lifted."""
    grant_life.suspend(
        db,
        actor=actor,
        grant_id=grant_id,
        reason=body.reason,
        cause=body.cause,
        today=today_of(request),
    )
    return _record(request, db, actor, grant_id)


@router.post("/grants/{grant_id}/lift", response_model=GrantRecordOut)
def lift_suspension(
    request: Request,
    db: Db,
    grant_id: int,
    body: GrantLiftIn,
    actor: Actor = allow(*GRANT_MANAGERS),
) -> GrantRecordOut:
    """Lifts a grant's suspension with a reason."""
    grant_life.lift(db, actor=actor, grant_id=grant_id, reason=body.reason, today=today_of(request))
    return _record(request, db, actor, grant_id)


@router.get("/grants/{grant_id}/renewal", response_model=RenewalOut)
def renewal(
    request: Request,
    db: Db,
    grant_id: int,
    actor: Actor = allow(*CONSUMERS, scope="data:query"),
) -> RenewalOut:
    """The renewal application of an expiring or expired grant, prefilled from its application."""
    fields = grant_life.renewal_prefill(db, actor=actor, grant_id=grant_id, today=today_of(request))
    return RenewalOut(renews_grant_id=grant_id, **fields)


@router.post("/grants/{grant_id}/renew", response_model=RenewedOut, status_code=201)
def renew(
    request: Request,
    db: Db,
    grant_id: int,
    body: RenewalIn,
    actor: Actor = allow(*CONSUMERS, scope="data:query"),
) -> RenewedOut:
    """Applies to renew an expiring or expired grant (GZ 26); its grant starts where the old ends."""
    today = today_of(request)
    fields = grant_life.renewal_prefill(db, actor=actor, grant_id=grant_id, today=today)
    fields.update(body.model_dump(exclude_none=True))
    application = applications.submit(
        db, actor=actor, today=today, renews_grant_id=grant_id, **fields
    )
    return RenewedOut(
        application_id=application.id,
        renews_grant_id=grant_id,
        state=str(application.state),
        due_on=application.due_on,
        route=application.route,
    )
