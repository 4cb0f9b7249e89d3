"""Sweep rule of rectification notices: a notice past its deadline without an answer escalates.

A notice waiting for the department's answer (issued, or rejected and waiting again) whose
deadline passed is reported to the people's government at the same level as of the day after
its deadline (GZ 43; ZS 38; ZZ 32: the consequence of a missed deadline applies from the next
day), whatever day the sweep runs. Where the profile names no body to report to (JS 33) the
notice is flagged for the authority once instead. The department and the authority are told.
Running the rule twice changes nothing the second time: escalated notices leave the selected
states, flags are raised once. Notices are taken in keyset batches locked with `lock_due`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from govshare.governance import rectification
from govshare.governance.rectification_models import EventKind, RectificationNotice
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor

BATCH = 200


def _batches(
    session: Session, *conditions: ColumnElement[bool]
) -> Iterator[list[RectificationNotice]]:
    """The matching notices in id order, a locked batch at a time (keyset: each once)."""
    last = 0
    while True:
        stmt = (
            select(RectificationNotice)
            .where(*conditions, RectificationNotice.id > last)
            .order_by(RectificationNotice.id)
            .limit(BATCH)
        )
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


@rule(
    "rectification.overdue",
    "Escalate a rectification notice unanswered past its deadline to the people's government "
    "(GZ 43; ZS 38; ZZ 32), or flag it where the profile names no body (JS 33)",
    order=175,
)
def escalate_overdue(session: Session, *, today: date, actor: Actor) -> int:
    """Escalates or flags each overdue notice; counts escalations and flags raised."""
    body = rectification.escalates_to()
    article = rectification.escalation_article()
    changed = 0
    for batch in _batches(session, rectification.overdue_condition(today)):
        for notice in batch:
            effective = notice.due_on + timedelta(days=1)
            reason = f"not rectified by {notice.due_on} [{article}]"
            if body is not None:
                rectification.mark_escalated(
                    session, notice, actor=actor, on=effective, reason=reason, automatic=True
                )
                changed += 1
                continue
            if raise_flag(
                session,
                actor=actor,
                kind=rectification.OVERDUE_FLAG,
                object_type=rectification.OWNER,
                object_id=notice.id,
                today=effective,
                message=f"rectification notice {notice.id}: not rectified by {notice.due_on}",
                department_id=notice.department_id,
                due_on=notice.due_on,
                details={"article": article, "escalate_to": "silent"},
            ):
                rectification.event(
                    session,
                    notice,
                    EventKind.FLAGGED,
                    on=effective,
                    by=actor.name,
                    text=reason,
                    automatic=True,
                )
                rectification.tell(
                    session,
                    notice,
                    kind="rectification.overdue",
                    title=(
                        f"Rectification notice {notice.id}: not rectified by {notice.due_on} "
                        f"[{article}]"
                    ),
                )
                changed += 1
    return changed
