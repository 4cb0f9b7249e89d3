"""Sweep rule of complaints: an open complaint past its answer's due date is flagged.

The due date comes from the profile when the complaint is filed (GZ 36: 15 working days from
receipt); where the profile is silent there is none and nothing is flagged. The flag is raised
once per complaint (running the rule twice changes nothing) and the authority is told, in one
multi-row insert per batch. Answering or withdrawing the complaint resolves the flag.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from govshare.governance.complaint_models import OPEN_STATES, Complaint
from govshare.governance.complaints import OVERDUE
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor
from govshare.notify import service as notify

BATCH = 500


def _batches(session: Session, *conditions: ColumnElement[bool]) -> Iterator[list[Complaint]]:
    """The matching complaints in id order, a locked batch at a time (keyset: each once)."""
    last = 0
    while True:
        stmt = (
            select(Complaint)
            .where(*conditions, Complaint.id > last)
            .order_by(Complaint.id)
            .limit(BATCH)
        )
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


@rule(
    "complaints.overdue",
    "Flag a complaint not answered within the profile's working days (GZ 36)",
    order=175,
)
def flag_overdue(session: Session, *, today: date, actor: Actor) -> int:
    """Raises a flag once per overdue complaint and tells the authority; counts flags raised."""
    count = 0
    for batch in _batches(
        session,
        Complaint.state.in_(list(OPEN_STATES)),
        Complaint.due_on.is_not(None),
        Complaint.due_on < today,
    ):
        authority = notify.recipients(session, roles=notify.AUTHORITY)
        messages = []
        for complaint in batch:
            assert complaint.due_on is not None  # selected on it
            if raise_flag(
                session,
                actor=actor,
                kind=OVERDUE,
                object_type="complaint",
                object_id=complaint.id,
                today=today,
                message=f"complaint {complaint.id} unanswered since {complaint.due_on}",
                due_on=complaint.due_on,
                details={"article": complaint.article},
            ):
                count += 1
                messages.append(
                    notify.Outgoing(
                        users=authority,
                        kind=OVERDUE,
                        title=(
                            f"Complaint {complaint.id} is overdue: the answer was due by "
                            f"{complaint.due_on} [{complaint.article}], late since "
                            f"{complaint.due_on + timedelta(days=1)}"
                        ),
                        link=f"/complaints/{complaint.id}",
                        object_type="complaint",
                        object_id=complaint.id,
                    )
                )
        notify.notify_many(session, messages)
    return count
