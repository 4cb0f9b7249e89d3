"""The auditor's console: the log viewer, the CSV export, verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from govshare.audit import service as audit
from govshare.audit.schemas import AuditFilters
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import CHINA, flash, redirect, render
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)


def _console_times(request: Request, filters: AuditFilters) -> AuditFilters:
    """The console's date-time fields are typed in China Standard Time, not UTC as the API takes them."""
    changes = {}
    for name in ("since", "until"):
        raw, value = request.query_params.get(name, ""), getattr(filters, name)
        if value is not None and raw and not any(c in raw[10:] for c in "+-Z"):
            changes[name] = value.replace(tzinfo=CHINA)
    return filters.model_copy(update=changes) if changes else filters


READERS = (Role.AUDITOR, Role.AUTHORITY_ADMIN)


@router.get("/audit", response_class=HTMLResponse)
def viewer(
    request: Request,
    db: Db,
    filters: Annotated[AuditFilters, Query()],
    page: int = 1,
    actor: Actor = allow(*READERS),
) -> Response:
    """The log, filtered, a page at a time."""
    filters = _console_times(request, filters)
    result = audit.list_entries(db, filters=filters, page=page, per_page=50)
    query = "&".join(f"{k}={v}" for k, v in filters.model_dump(exclude_none=True).items())
    return render(request, "audit.html", {"page": result, "filters": filters, "query": query})


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


@router.post("/audit/verify")
def verify(request: Request, db: Db, actor: Actor = allow(Role.AUDITOR)) -> Response:
    """Verifies the chain and reports the outcome."""
    result = audit.verify(db)
    if result.ok:
        flash(
            request, "The audit log is intact: {n} entries checked", n=str(result.entries_checked)
        )
    else:
        flash(
            request,
            "The audit log is broken at entry {seq}: {reason}",
            "error",
            seq=str(result.first_bad_seq),
            reason=result.reason or "",
        )
    return redirect("/audit")
