"""Sweep rule of the calendar: warn the authority while a year's schedule is missing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.calendar import service as calendar
from govshare.jobs.models import Flag
from govshare.jobs.service import raise_flag, resolve_flag, rule
from govshare.kit.actor import Actor

KIND = "calendar.year_missing"


@rule(KIND, "This or next year's working-day schedule is not loaded")
def flag_missing_years(session: Session, *, today: date, actor: Actor) -> int:
    """Raises a flag per missing year and resolves flags of years loaded since."""
    from govshare.orgs.models import Department

    missing = set(calendar.missing_years(session, today))
    changed = 0
    authority_id = session.scalar(
        select(Department.id).where(Department.is_authority.is_(True)).limit(1)
    )
    for year in sorted(missing):
        changed += raise_flag(
            session,
            actor=actor,
            kind=KIND,
            object_type="calendar_year",
            object_id=year,
            department_id=authority_id,
            today=today,
            message=f"the working-day schedule of {year} is not loaded; {year} counts Monday to Friday",
        )
    open_years = session.scalars(
        select(Flag.object_id).where(Flag.kind == KIND, Flag.resolved_on.is_(None))
    ).all()
    for year_text in open_years:
        if int(year_text) not in missing:
            changed += resolve_flag(
                session,
                actor=actor,
                kind=KIND,
                object_type="calendar_year",
                object_id=year_text,
                today=today,
            )
    return changed
