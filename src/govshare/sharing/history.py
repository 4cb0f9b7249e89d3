"""A consumer department's own uses of shared data, read back from the audit log (ZS 32).

Every query and verification writes its audit entry before anything is returned; this reads
those entries for the department that made them, never anyone else's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, Invalid
from govshare.kit.pagination import Page

ACTIONS = ("data.query", "data.verify")
CHINA = ZoneInfo("Asia/Shanghai")  # the dates officials filter by are their own
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class Use:
    """One query or verification as the department's history shows it."""

    seq: int
    occurred_at: datetime
    user: str
    action: str
    method: str
    resource_id: int | None
    resource_code: str
    purpose: str
    items: list[str]
    subjects: int
    result_count: int

    @classmethod
    def of(cls, entry: AuditEntry) -> Use:
        """The history row of an audit entry."""
        details: dict[str, Any] = entry.details or {}
        return cls(
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            user=entry.actor_name,
            action=entry.action,
            method=str(details.get("method") or entry.method),
            resource_id=int(entry.object_id)
            if entry.object_id and entry.object_id.isdigit()
            else None,
            resource_code=str(details.get("resource", "")),
            purpose=entry.purpose or "",
            items=[str(i) for i in details.get("items", [])],
            subjects=len(details.get("subjects", [])),
            result_count=int(details.get("result_count", 0)),
        )


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA)


def _statement(
    actor: Actor, since: date | None, until: date | None, resource_id: int | None
) -> Select[Any]:
    if actor.department_id is None:
        raise Forbidden("data is taken on behalf of a department", code="no_department")
    if since is not None and until is not None and until < since:
        raise Invalid("the end date is on or after the start date", code="invalid_period")
    stmt = select(AuditEntry).where(
        AuditEntry.action.in_(ACTIONS),
        AuditEntry.department_id == actor.department_id,
        AuditEntry.object_type == "resource",
    )
    if since is not None:
        stmt = stmt.where(AuditEntry.occurred_at >= _start(since))
    if until is not None:  # inclusive: the whole of the last day
        stmt = stmt.where(AuditEntry.occurred_at < _start(until + timedelta(days=1)))
    if resource_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(resource_id))
    return stmt


def uses(
    session: Session,
    *,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    resource_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Use]:
    """One page of the actor's department's queries and verifications, newest first."""
    stmt = _statement(actor, since, until, resource_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditEntry.seq.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return Page(items=[Use.of(e) for e in rows], total=total, page=page, per_page=per_page)


def all_uses(
    session: Session,
    *,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    resource_id: int | None = None,
) -> Iterator[Use]:
    """Every matching use, oldest first, read in batches (for the CSV export)."""
    stmt = _statement(actor, since, until, resource_id).order_by(AuditEntry.seq)
    cursor = 0
    while True:
        batch = list(session.scalars(stmt.where(AuditEntry.seq > cursor).limit(EXPORT_BATCH)))
        for entry in batch:
            yield Use.of(entry)
        if len(batch) < EXPORT_BATCH:
            return
        cursor = batch[-1].seq
