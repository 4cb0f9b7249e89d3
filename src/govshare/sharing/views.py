"""Console pages of taking data, the consumer's side: query, verify, and the department's history.

Every query and verification names its purpose (GZ 25; ZS 21). A query page shows only the items
the department is entitled to (GZ 26; ZS 19(iii)); a refusal says what to do next and nothing
about the data. A verification shows match / no match / no record per item, never a stored value
(GZ 26 ¶3; ZS 22 ¶3). Results are rendered in answer to the POST and never kept in the session.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from govshare.catalogue import directory
from govshare.catalogue.enums import SharingType
from govshare.catalogue.models import DirectoryEntry
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import local_time, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Role
from govshare.sharing import history
from govshare.sharing import service as sharing

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

CONSUMERS = (Role.STAFF, Role.DATA_OFFICER)
CHOICES = 50  # resources offered in a select after a search
HISTORY_PER_PAGE = 50
_SPLIT = re.compile(r"[\s,，;；、]+")


def _(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


OUTCOMES = {"match": _("Match"), "no_match": _("No match"), "no_record": _("No record")}
SUBJECT_STATUS = {
    "found": _("Found"),
    "not_found": _("No record"),
    "invalid": _("Not a valid identifier"),
}
ACTIONS = {"data.query": _("Query"), "data.verify": _("Verification")}
REFUSED = _(
    "Your department may not take data of this resource for this purpose: no grant covers it. "
    "Apply for the resource, or ask for verification instead."
)
NOT_SHARED = _("This resource is not shared: only verification is possible (GZ 26).")


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _day(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("enter a date (YYYY-MM-DD)", code="invalid_date") from None


def _choices(db: Db, q: str, *, shared_only: bool) -> list[DirectoryEntry]:
    found = directory.search(db, q=q, per_page=CHOICES).items
    if shared_only:
        found = [e for e in found if e.sharing_type != SharingType.NONE]
    return found


def _entry(db: Db, resource_id: int | None) -> DirectoryEntry | None:
    return None if resource_id is None else directory.get_entry(db, resource_id=resource_id)


def _subjects(text: str) -> list[str]:
    return [s for s in _SPLIT.split(text) if s]


# --- query -----------------------------------------------------------------------------------------


def _query_page(
    request: Request, db: Db, form: dict[str, str], status: int = 200, **extra: Any
) -> Response:
    resource_id = _int(form.get("resource_id", ""))
    chosen = _entry(db, resource_id)
    choices = _choices(db, form.get("q", ""), shared_only=True)
    if chosen is not None and all(c.resource_id != chosen.resource_id for c in choices):
        choices.insert(0, chosen)
    context = {
        "form": form,
        "choices": choices,
        "chosen": chosen,
        "max_subjects": sharing.MAX_SUBJECTS,
        "max_purpose": sharing.MAX_PURPOSE_TEXT,
        "subject_status": SUBJECT_STATUS,
        **extra,
    }
    return render(request, "sharing/query.html", context, status)


@router.get("/query", response_class=HTMLResponse)
def query_form(
    request: Request, db: Db, q: str = "", resource_id: str = "", actor: Actor = allow(*CONSUMERS)
) -> Response:
    """Choose a resource, state the purpose, name one subject or a batch."""
    return _query_page(request, db, {"q": q, "resource_id": resource_id})


@router.post("/query", response_class=HTMLResponse)
async def query(request: Request, db: Db, actor: Actor = allow(*CONSUMERS)) -> Response:
    """Looks the subjects up and shows only the entitled items."""
    raw = await request.form()
    form = {
        k: str(raw.get(k, ""))
        for k in ("q", "resource_id", "purpose_text", "purpose_code", "subjects")
    }
    resource_id = _int(form["resource_id"])
    try:
        if resource_id is None:
            raise Invalid("choose a resource", code="no_resource")
        subjects = _subjects(form["subjects"])
        with db.begin_nested():
            result = sharing.query(
                db,
                actor=actor,
                resource_id=resource_id,
                subjects=subjects,
                purpose_text=form["purpose_text"],
                purpose_code=form["purpose_code"],
                method=sharing.method_of(actor, len(subjects)),
                today=today_of(request),
            )
    except DomainError as exc:
        return _query_page(request, db, form, exc.status, error=_error_of(exc))
    return _query_page(request, db, form, result=result)


def _error_of(exc: DomainError) -> dict[str, Any]:
    """What the page says about a refusal: never the service's text about the data itself."""
    if exc.code == "not_entitled":
        return {"message": NOT_SHARED if "not shared" in exc.template else REFUSED, "details": {}}
    details = {k: v for k, v in exc.details.items() if isinstance(v, str | int)}
    return {"message": exc.template, "details": details, "code": exc.code}


# --- verify ----------------------------------------------------------------------------------------


def _items_of(entry: DirectoryEntry | None) -> list[str]:
    return [] if entry is None else [i["name"] for i in entry.snapshot.get("items", [])]


def _verify_page(
    request: Request, db: Db, form: dict[str, str], status: int = 200, **extra: Any
) -> Response:
    chosen = _entry(db, _int(form.get("resource_id", "")))
    choices = _choices(db, form.get("q", ""), shared_only=False)
    if chosen is not None and all(c.resource_id != chosen.resource_id for c in choices):
        choices.insert(0, chosen)
    context = {
        "form": form,
        "choices": choices,
        "chosen": chosen,
        "items": _items_of(chosen),
        "outcomes": OUTCOMES,
        "per_minute": sharing.VERIFY_PER_MINUTE,
        **extra,
    }
    return render(request, "sharing/verify.html", context, status)


@router.get("/verify", response_class=HTMLResponse)
def verify_form(
    request: Request, db: Db, q: str = "", resource_id: str = "", actor: Actor = allow(*CONSUMERS)
) -> Response:
    """Choose a resource; then give the subject and the values to compare."""
    return _verify_page(request, db, {"q": q, "resource_id": resource_id})


@router.post("/verify", response_class=HTMLResponse)
async def verify(request: Request, db: Db, actor: Actor = allow(*CONSUMERS)) -> Response:
    """Compares the values with the record: match / no match / no record per item."""
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}
    resource_id = _int(form.get("resource_id", ""))
    try:
        entry = _entry(db, resource_id)
        if entry is None or resource_id is None:
            raise Invalid("choose a resource", code="no_resource")
        values = {
            name: form[f"v{n}"].strip()
            for n, name in enumerate(_items_of(entry))
            if form.get(f"v{n}", "").strip()
        }
        with db.begin_nested():
            result = sharing.verify(
                db,
                actor=actor,
                resource_id=resource_id,
                subject=form.get("subject", ""),
                values=values,
                purpose_text=form.get("purpose_text", ""),
                purpose_code=form.get("purpose_code", ""),
                today=today_of(request),
            )
    except sharing.RateLimited as exc:
        retry = str(exc.details.get("retry_after", 60))
        return _verify_page(request, db, form, 429, rate_limited=retry)
    except DomainError as exc:
        return _verify_page(request, db, form, exc.status, error=_error_of(exc))
    return _verify_page(request, db, form, result=result)


# --- the department's history ----------------------------------------------------------------------


def _filters(since: str, until: str, resource_id: str) -> dict[str, Any]:
    return {"since": _day(since), "until": _day(until), "resource_id": _int(resource_id)}


@router.get("/query/history", response_class=HTMLResponse)
def history_page(
    request: Request,
    db: Db,
    since: str = "",
    until: str = "",
    resource_id: str = "",
    page: int = 1,
    actor: Actor = allow(*CONSUMERS),
) -> Response:
    """The department's own queries and verifications, from the audit log."""
    if page < 1:
        raise Invalid("page must be 1 or more", code="invalid_page")
    shown = {"since": since, "until": until, "resource_id": resource_id}
    error = None
    try:
        filters = _filters(since, until, resource_id)
        found = history.uses(db, actor=actor, page=page, per_page=HISTORY_PER_PAGE, **filters)
    except Invalid as exc:
        error = exc.template
        found = history.uses(db, actor=actor, page=1, per_page=HISTORY_PER_PAGE)
    return render(
        request,
        "sharing/history.html",
        {
            "page": found,
            "form": shown,
            "error": error,
            "actions": ACTIONS,
            "choices": _choices(db, "", shared_only=False),
            "query": urlencode(shown),
        },
    )


@router.get("/query/history.csv")
def history_csv(
    request: Request,
    db: Db,
    since: str = "",
    until: str = "",
    resource_id: str = "",
    actor: Actor = allow(*CONSUMERS),
) -> Response:
    """The same history as CSV (UTF-8 with BOM, for spreadsheets)."""
    filters = _filters(since, until, resource_id)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(
        ["time", "user", "action", "method", "resource", "purpose", "items", "subjects", "results"]
    )
    for use in history.all_uses(db, actor=actor, **filters):
        out.writerow(
            [
                local_time(use.occurred_at, "%Y-%m-%d %H:%M:%S"),
                use.user,
                use.action,
                use.method,
                use.resource_code,
                _safe(use.purpose),
                "、".join(use.items),
                use.subjects,
                use.result_count,
            ]
        )

    def body() -> Iterator[bytes]:
        yield ("\ufeff" + buffer.getvalue()).encode("utf-8")

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="query-history.csv"'},
    )


def _safe(text: str) -> str:
    # Spreadsheets run cells starting like formulas.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
