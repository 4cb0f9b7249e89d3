"""JSON API of taking data (/api/v1/data/...) and of grants (/api/v1/grants)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role
from govshare.sharing import service as sharing
from govshare.sharing.schemas import (
    GrantIn,
    GrantOut,
    GrantPage,
    GrantRevokeIn,
    QueryIn,
    QueryOut,
    VerifyIn,
    VerifyOut,
)

router = APIRouter(route_class=TransactionalRoute, tags=["data"])

# Consumers are a department's staff (and its officers) and its business systems.
CONSUMERS = (Role.STAFF, Role.DATA_OFFICER, Role.SERVICE)
GRANT_READERS = (Role.AUTHORITY_ADMIN, Role.AUDITOR, Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)


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


@router.post("/grants/{grant_id}/revoke", response_model=GrantOut)
def revoke_grant(
    request: Request,
    db: Db,
    grant_id: int,
    body: GrantRevokeIn,
    actor: Actor = allow(Role.AUTHORITY_ADMIN, Role.DATA_OFFICER),
) -> GrantOut:
    """Revokes a grant with a reason (the provider or the authority); effective for the next query."""
    grant = sharing.revoke_grant(db, actor=actor, grant_id=grant_id, reason=body.reason)
    return GrantOut.of(sharing.view_of(db, grant=grant, today=today_of(request)))
