"""Sweep rules of grants: the reminder before a grant ends, and the record of its expiry.

Both are idempotent: a grant is reminded once (`GrantLife.expiry_reminded_on`) and its expiry
recorded once (`GrantLife.expired_on`), each dated from the grant's own dates, never from the
day the sweep happens to run. Grants are taken in batches locked with `lock_due`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.jobs.service import lock_due, rule
from govshare.kit.actor import Actor
from govshare.sharing import grant_life
from govshare.sharing.application_models import Application, ApplicationState, GrantLife
from govshare.sharing.models import Grant

BATCH = 200
EXPIRING, EXPIRED = "grant.expiring", "grant.expired"
_LIVE = (Grant.revoked_at.is_(None), Grant.suspended.is_(False))


def _batches(session: Session, *conditions: ColumnElement[bool]) -> Iterator[list[Grant]]:
    last = 0
    while True:
        stmt = select(Grant).where(*conditions, Grant.id > last).order_by(Grant.id).limit(BATCH)
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


def _not_marked(column: Any) -> ColumnElement[bool]:
    return ~exists(
        select(GrantLife.grant_id).where(GrantLife.grant_id == Grant.id, column.is_not(None))
    )


def _renewed() -> ColumnElement[bool]:
    """A renewal of the grant is pending or agreed: nothing to remind of."""
    live = [
        ApplicationState.SUBMITTED,
        ApplicationState.APPROVED,
        ApplicationState.DEEMED_CONSENT,
        ApplicationState.DELIVERED,
    ]
    return exists(
        select(Application.id).where(
            Application.renews_grant_id == Grant.id, Application.state.in_(live)
        )
    )


@rule(
    "grants.expiry_reminder",
    "Remind both sides of a grant that ends within the notice period (once per grant)",
    order=170,
)
def remind_expiring(session: Session, *, today: date, actor: Actor) -> int:
    """Notifies the consumer's people and the provider's officers once per grant; counts grants."""
    days = grant_life.expiry_notice_days()
    last_day = WorkingCalendar(session).add(today, days)
    count = 0
    for batch in _batches(
        session,
        *_LIVE,
        Grant.valid_from <= today,
        Grant.valid_until >= today,
        Grant.valid_until <= last_day,
        _not_marked(GrantLife.expiry_reminded_on),
        ~_renewed(),
    ):
        for grant in batch:
            life = grant_life.life_of(session, grant.id, create=True)
            assert life is not None
            life.expiry_reminded_on = today
            audit.record(
                session,
                actor=actor,
                action="grant.expiry_reminder",
                object_type="grant",
                object_id=grant.id,
                details={"valid_until": grant.valid_until.isoformat(), "notice_days": days},
            )
            grant_life.tell(
                session,
                grant,
                kind=EXPIRING,
                title=f"Grant {grant.id} ends on {grant.valid_until}: apply to renew it in time",
            )
            count += 1
    return count


@rule("grants.expiry", "Record that a grant has expired (once per grant)", order=171)
def record_expired(session: Session, *, today: date, actor: Actor) -> int:
    """Marks each live grant past its last day as expired from the day after; counts grants."""
    count = 0
    for batch in _batches(
        session, *_LIVE, Grant.valid_until < today, _not_marked(GrantLife.expired_on)
    ):
        for grant in batch:
            life = grant_life.life_of(session, grant.id, create=True)
            assert life is not None
            life.expired_on = grant.valid_until + timedelta(days=1)
            audit.record(
                session,
                actor=actor,
                action="grant.expire",
                object_type="grant",
                object_id=grant.id,
                details={
                    "valid_until": grant.valid_until.isoformat(),
                    "expired_on": life.expired_on.isoformat(),
                },
            )
            grant_life.tell(
                session,
                grant,
                kind=EXPIRED,
                title=f"Grant {grant.id} expired on {life.expired_on}",
            )
            count += 1
    return count
