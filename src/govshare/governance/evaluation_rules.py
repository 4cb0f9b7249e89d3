"""Sweep rule of the evaluation: a profile that fixes how often departments are evaluated (ZZ 31).

ZZ 31 asks for an evaluation "at least once a year" (`evaluation.period.months = 12`). When
no published evaluation ended within that many months, the authority is flagged; the flag is
resolved by the sweep once a newer evaluation is published. Where the period is silent (GZ 35,
ZS 34, JS 29) there is no periodic duty and nothing is flagged (docs/profiles.md).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.governance.evaluation_models import Evaluation, EvaluationState
from govshare.jobs.service import raise_flag, resolve_flag, rule
from govshare.kit.actor import Actor
from govshare.kit.dates import add_months
from govshare.orgs.models import Department
from govshare.profiles.service import get_active_profile

KIND = "evaluation.overdue"


@rule(KIND, "No evaluation was published within the profile's interval (ZZ 31)")
def flag_missing_evaluation(session: Session, *, today: date, actor: Actor) -> int:
    """Flags the authority when its last published evaluation is older than the profile's interval."""
    interval = get_active_profile().evaluation.period
    authority_id = session.scalar(
        select(Department.id).where(Department.is_authority.is_(True)).order_by(Department.id)
    )
    if interval.months is None or authority_id is None:
        return 0
    last = session.scalar(
        select(func.max(Evaluation.ends_on)).where(Evaluation.state == EvaluationState.PUBLISHED)
    )
    if last is None:
        # Never evaluated: the duty runs from the day the authority joined the platform.
        created = session.scalar(select(Department.created_at).where(Department.id == authority_id))
        last = created.date() if created is not None else today
    due = add_months(last, interval.months)
    if due >= today:
        return int(
            resolve_flag(
                session,
                actor=actor,
                kind=KIND,
                object_type="department",
                object_id=authority_id,
                today=today,
            )
        )
    return int(
        raise_flag(
            session,
            actor=actor,
            kind=KIND,
            object_type="department",
            object_id=authority_id,
            department_id=authority_id,
            due_on=due,
            today=today,
            message=f"no evaluation published since {last} [{interval.citation()}]",
        )
    )
