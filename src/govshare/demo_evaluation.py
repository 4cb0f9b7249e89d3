"""The demo's evaluations (GZ 35; ZS 34; ZZ 31): a year of published quarters and a draft.

The four quarters before today's are computed and published, each on the day after it ended
(as the authority would have done), and today's quarter is computed as a draft. Every metric
reads the records' own dates, so the quarters differ where the other demos' records do.
Load it after the demos of the other records (catalogue, data, applications, verification
requests, complaints, rectification notices, service guides).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from govshare.governance import evaluation as ev
from govshare.kit.actor import Actor
from govshare.orgs.models import Department

AUTHORITY = "陈主任"


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Computes and publishes the last four quarters and drafts the current one; returns counts by state."""
    boss = Actor.operator(AUTHORITY)
    published = 0
    for period in ev.previous_quarters(today, 4):
        _, _, ends = ev.parse_period(period)
        # Computed and published a few days after the quarter ended, but never after today.
        day = min(ends + timedelta(days=7), today)
        evaluation = ev.compute(session, actor=boss, period=period, today=day)
        ev.publish(session, actor=boss, evaluation_id=evaluation.id, today=day)
        published += 1
    ev.compute(session, actor=boss, period=ev.quarter_of(today), today=today)
    return {"published": published, "draft": 1}
