"""JSON API of the audit log (auditors and the authority)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from govshare.audit import service as audit
from govshare.audit.schemas import AuditFilters, EntryPage, VerifyResult
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["audit"])

READERS = (Role.AUDITOR, Role.AUTHORITY_ADMIN)


@router.get("/audit/entries", response_model=EntryPage)
def entries(
    db: Db,
    filters: Annotated[AuditFilters, Query()],
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS),
) -> EntryPage:
    """The log, newest first, filtered."""
    return audit.list_entries(db, filters=filters, page=page, per_page=per_page)


@router.get("/audit/export.csv")
def export(
    db: Db, filters: Annotated[AuditFilters, Query()], actor: Actor = allow(*READERS)
) -> StreamingResponse:
    """The filtered log as CSV."""
    lines = list(audit.export_csv(db, filters=filters))
    return StreamingResponse(
        iter(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@router.post("/audit/verify", response_model=VerifyResult)
def verify(db: Db, actor: Actor = allow(Role.AUDITOR)) -> VerifyResult:
    """Walks the chain and the checkpoints; names the first bad entry."""
    return audit.verify(db)
