"""Sweep rule of verification requests: flag a request left unanswered past its due date (GZ 30; ZS 23).

From the day after `due_on` an open request is late: it is marked `late`, a flag is raised for the
provider's department, and the provider's data officers and the authority are told (the authority
may propose a rectification notice from it). Requests with no due date (a silent profile) are never
late. Requests are taken in keyset batches locked with `lock_due`; running the sweep twice changes
nothing the second time (the flag is raised once and the notice goes with the raise). Answering or
withdrawing resolves the flag (in the service).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor
from govshare.notify import service as notify
from govshare.quality.verification import FLAG_KIND, LINK, OWNER
from govshare.quality.verification_models import VerificationRequest
from govshare.quality.verification_queries import overdue_condition

BATCH = 500


def _batches(session: Session, today: date) -> Iterator[list[VerificationRequest]]:
    last = 0
    while True:
        stmt = (
            select(VerificationRequest)
            .where(overdue_condition(today), VerificationRequest.id > last)
            .order_by(VerificationRequest.id)
            .limit(BATCH)
        )
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


@rule(
    FLAG_KIND,
    "Flag verification requests unanswered past the profile's limit (GZ 30; ZS 23)",
    order=165,
)
def flag_overdue(session: Session, *, today: date, actor: Actor) -> int:
    """Raises a flag on each open request past its due date and tells the provider and the authority."""
    authority = notify.recipients(session, roles=notify.AUTHORITY)
    changed = 0
    messages: list[notify.Outgoing] = []
    for batch in _batches(session, today):
        raised: list[VerificationRequest] = []
        for req in batch:
            req.late = True
            if raise_flag(
                session,
                actor=actor,
                kind=FLAG_KIND,
                object_type=OWNER,
                object_id=req.id,
                department_id=req.provider_department_id,
                due_on=req.due_on,
                today=today,
                message=f"Verification request #{req.id} was due by {req.due_on} [{req.article}]",
                details={"article": req.article, "resource_id": req.resource_id},
            ):
                raised.append(req)
        officers = notify.recipients_by_department(
            session, {r.provider_department_id for r in raised}, roles=notify.OFFICERS
        )
        for req in raised:
            messages.append(
                notify.Outgoing(
                    users=[*officers.get(req.provider_department_id, []), *authority],
                    kind=FLAG_KIND,
                    title=f"Verification request #{req.id} is unanswered past its due date "
                    f"{req.due_on} [{req.article}]",
                    link=LINK.format(id=req.id),
                    object_type=OWNER,
                    object_id=req.id,
                )
            )
        changed += len(raised)
    notify.notify_many(session, messages)
    return changed
