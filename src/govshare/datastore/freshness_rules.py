"""Sweep rule of freshness: flag stale connected data, clear the flag when it is fresh again (GZ 19; ZS 18; JS 15).

Runs after the calendar and application rules (their flags do not depend on it) and before the
e-mail outbox (order 900), so that the provider's notice leaves in the same tick. Connections
are taken in keyset batches locked with `lock_due`; each change (stale_since, the flag, its
audit entry, the notice) is written together. Running it twice changes nothing the second time:
`stale_since` is set once, the flag is raised once and the notice goes with the raise.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from govshare.calendar.service import WorkingCalendar
from govshare.datastore.freshness import Freshness, Status, assess_rows, connected
from govshare.datastore.models import Connection
from govshare.db import is_sqlite
from govshare.jobs.service import raise_flag, resolve_flag, rule
from govshare.kit.actor import Actor
from govshare.notify import service as notify

KIND = "data.stale"
BATCH = 200


def _batches(session: Session) -> Iterator[list[Any]]:
    last = 0
    while True:
        stmt = (
            connected(session)
            .where(Connection.resource_id > last)
            .order_by(None)
            .order_by(Connection.resource_id)
            .limit(BATCH)
        )
        if not is_sqlite(session):  # lock_due's FOR UPDATE, limited to the connection rows
            stmt = stmt.with_for_update(of=Connection, skip_locked=True)
        batch = list(session.execute(stmt))
        if not batch:
            return
        last = batch[-1][0].resource_id
        yield batch
        session.flush()


@rule(
    KIND,
    "Flag connected data not updated within its cycle and the profile's limit (GZ 19; ZS 18; JS 15)",
    order=200,
)
def flag_stale(session: Session, *, today: date, actor: Actor) -> int:
    """Raises a flag on each stale resource and resolves it when the resource is fresh again."""
    cal = WorkingCalendar(session)
    changed = 0
    for batch in _batches(session):
        for row, state in zip(
            batch, assess_rows(session, batch, today=today, cal=cal), strict=True
        ):
            changed += _apply(session, row[0], state, today=today, actor=actor)
    return changed


def _apply(
    session: Session, connection: Connection, state: Freshness, *, today: date, actor: Actor
) -> int:
    if state.status == Status.STALE:
        if connection.stale_since is None:
            connection.stale_since = state.stale_since
        raised = raise_flag(
            session,
            actor=actor,
            kind=KIND,
            object_type="resource",
            object_id=state.resource_id,
            department_id=state.department_id,
            due_on=state.covered_until or state.due_on,
            today=today,
            message=f"{state.code} {state.name}: the update was due by "
            f"{state.covered_until or state.due_on} [{state.article}]",
            details={"stale_since": str(state.stale_since or ""), "article": state.article},
        )
        if raised:
            notify.notify(
                session,
                users=notify.recipients(
                    session, department_id=state.department_id, roles=notify.OFFICERS
                ),
                kind=KIND,
                title=f"{state.code} {state.name} is stale since {state.stale_since}: update "
                f"it or file a delay [{state.article}]",
                link="/data/freshness",
                object_type="resource",
                object_id=state.resource_id,
            )
        return int(raised)
    was_stale = connection.stale_since is not None
    connection.stale_since = None
    resolved = resolve_flag(
        session,
        actor=actor,
        kind=KIND,
        object_type="resource",
        object_id=state.resource_id,
        today=today,
    )
    return int(resolved or was_stale)
