"""Console page of freshness (/data/freshness): due dates and status, delay filings, decisions.

A provider's data officer sees its own connected resources and files delays with evidence; the
authority sees all, filters by department and status, and approves or rejects pending filings.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from govshare.attachments import service as attachments
from govshare.catalogue.enums import CatalogueKind, UpdateCycle
from govshare.datastore import freshness, freshness_filings
from govshare.datastore.freshness import FilingState, Status
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.profiles.schema import Deadline
from govshare.profiles.service import get_active_profile

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

READERS = (Role.DATA_OFFICER, Role.AUTHORITY_ADMIN)
PROVIDERS = (Role.DATA_OFFICER,)
AUTHORITY = (Role.AUTHORITY_ADMIN,)
PAGE = "/data/freshness"


def _(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


STATUS_LABELS = {
    Status.FRESH: _("Fresh"),
    Status.FILED: _("Delay filed"),
    Status.STALE: _("Out of date"),
    Status.UNTRACKED: _("No due date"),
}
STATE_LABELS = {
    FilingState.PENDING: _("Awaiting the authority"),
    FilingState.APPROVED: _("Approved"),
    FilingState.REJECTED: _("Rejected"),
    FilingState.ACCEPTED: _("Reported"),
}
CYCLE_LABELS = {
    UpdateCycle.REAL_TIME: _("Real time"),
    UpdateCycle.DAILY: _("Daily"),
    UpdateCycle.WEEKLY: _("Weekly"),
    UpdateCycle.MONTHLY: _("Monthly"),
    UpdateCycle.QUARTERLY: _("Quarterly"),
    UpdateCycle.YEARLY: _("Yearly"),
    UpdateCycle.AS_NEEDED: _("As needed"),
}
REQUIRES_LABELS = {
    "authority_approval": _("A delay needs the authority's approval"),
    "report_with_evidence": _("A delay is reported to the authority with evidence"),
    "inform_authority": _("A delay is reported to the authority"),
}


def _limit(deadline: Deadline) -> tuple[str, dict[str, Any]]:
    """A limit as a message id and its values, for the template to translate."""
    if deadline.working_days is not None:
        return _("{n} working days after the change"), {"n": deadline.working_days}
    if deadline.calendar_days is not None:
        return _("{n} days after the change"), {"n": deadline.calendar_days}
    if deadline.real_time:
        return _("Real time"), {}
    return _("No limit"), {}


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@router.get("/data/freshness", response_class=HTMLResponse)
def freshness_page(
    request: Request,
    db: Db,
    stale: str = "",
    department_id: str = "",
    state: str = "",
    page: int = 1,
    actor: Actor = allow(*READERS),
) -> Response:
    """Connected resources with due date and status; delay filings and the forms that go with them."""
    if page < 1:
        raise Invalid("page must be 1 or more", code="invalid_page")
    dept = _int(department_id)
    found = freshness.list_freshness(
        db,
        actor=actor,
        today=today_of(request),
        department_id=dept,
        stale={"1": True, "0": False}.get(stale),
        page=page,
        per_page=25,
    )
    filings = freshness_filings.list_filings(
        db, actor=actor, state=state, department_id=dept, per_page=50
    )
    exception = get_active_profile().data.update_exception
    own: list[Any] = []
    if actor.has_role(*PROVIDERS) and actor.department_id is not None:
        own = freshness.list_freshness(db, actor=actor, today=today_of(request), per_page=200).items
    evidence = {
        f.id: attachments.list_for(db, owner_type=freshness_filings.OWNER, owner_id=f.id)
        for f in filings.items
    }
    return render(
        request,
        "datastore/freshness.html",
        {
            "page": found,
            "filings": filings.items,
            "evidence": evidence,
            "own": own,
            "names": freshness_filings.resource_labels(db, filings.items),
            "depts": {d.id: d for d in orgs.list_departments(db, per_page=200).items},
            "stale": stale,
            "state": state,
            "department_id": dept,
            "exception": exception,
            "status_labels": STATUS_LABELS,
            "cycle_labels": CYCLE_LABELS,
            "limits": {k: _limit(freshness.deadline_for(k)) for k in CatalogueKind},
            "state_labels": STATE_LABELS,
            "requires_label": REQUIRES_LABELS.get(exception.requires or "", ""),
            "may_file": bool(own) and exception.requires is not None,
            "may_decide": actor.has_role(*AUTHORITY),
            "query": urlencode({"stale": stale, "department_id": department_id, "state": state}),
        },
    )


@router.post("/data/freshness/filings")
def file_delay(
    request: Request,
    db: Db,
    resource_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    update_by: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    actor: Actor = allow(*PROVIDERS),
) -> Response:
    """Files a delay from the form, with its evidence files."""
    try:
        try:
            day = date.fromisoformat(update_by)
        except ValueError:
            raise Invalid(
                "give the date by which the data will be updated", code="update_by_missing"
            ) from None
        uploads = [
            attachments.Upload(filename=f.filename or "", data=f.file.read()) for f in files or []
        ]
        rid = _int(resource_id)
        if rid is None:
            raise Invalid("choose the resource", code="resource_missing")
        with db.begin_nested():
            filing = freshness_filings.file_delay(
                db,
                actor=actor,
                resource_id=rid,
                reason=reason,
                update_by=day,
                today=today_of(request),
                uploads=uploads,
            )
    except DomainError as exc:
        return form_error(request, exc, PAGE)
    if filing.state == FilingState.PENDING:
        flash(request, "Delay filed; it awaits the authority's decision")
    else:
        flash(request, "Delay filed and reported to the authority")
    return redirect(PAGE)


@router.post("/data/delay-filings/{filing_id}/decision")
def decide(
    request: Request,
    db: Db,
    filing_id: int,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """The authority approves or rejects a pending filing from the form."""
    try:
        if decision not in ("approve", "reject"):
            raise Invalid("choose approve or reject", code="invalid_decision")
        with db.begin_nested():
            freshness_filings.decide(
                db,
                actor=actor,
                filing_id=filing_id,
                approve=decision == "approve",
                reason=reason,
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, PAGE)
    flash(request, "Delay approved" if decision == "approve" else "Delay rejected")
    return redirect(PAGE)
