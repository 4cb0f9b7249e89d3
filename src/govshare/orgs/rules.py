"""Sweep rules of the personnel registry."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from govshare.jobs.service import raise_flag, rule
from govshare.kit.actor import Actor
from govshare.orgs import service


@rule("personnel.vacancy_overdue", "A post left without a successor filed in time (GZ 17)")
def flag_overdue_vacancies(session: Session, *, today: date, actor: Actor) -> int:
    """Flags each post whose successor was not filed within the profile's deadline."""
    changed = 0
    for person in service.vacancies_overdue(session, today=today):
        changed += raise_flag(
            session,
            actor=actor,
            kind="personnel.vacancy_overdue",
            object_type="contact_person",
            object_id=person.id,
            department_id=person.department_id,
            due_on=person.successor_due_on,
            today=today,
            message=f"{person.post} left on {person.ended_on}; successor not filed by {person.successor_due_on}",
        )
    return changed
