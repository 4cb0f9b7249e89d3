"""Sweep rules of annual reports (GZ 37; ZS 35): draft the year's reports, flag late ones.

- `annual_reports.draft`: from 1 January, the reports on the previous year the profile requires
  are drafted (every department's where they report every year, and the authority's), once.
- `annual_reports.late`: from the day after a report's due date, a report still a draft is
  marked late, flagged, and its department and the authority are told. A report without a due
  date (ZS 35 ¶2: on request only) is never late. Each runs in batches locked with `lock_due`;
  running either twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.governance import annual_reports
from govshare.governance.annual_report_models import AnnualReport, ReportState
from govshare.jobs.service import lock_due, raise_flag, rule
from govshare.kit.actor import Actor
from govshare.notify import service as notify
from govshare.orgs.models import User

BATCH = 200


@rule(
    "annual_reports.draft",
    "Draft the reports on the previous year that the profile requires (GZ 37; ZS 35)",
    order=140,
)
def draft_reports(session: Session, *, today: date, actor: Actor) -> int:
    """Drafts the missing reports on last year; counts the reports drafted."""
    return annual_reports.draft_all(session, actor=actor, year=today.year - 1, today=today)


def _batches(session: Session, today: date) -> Iterator[list[AnnualReport]]:
    last = 0
    while True:
        stmt = (
            select(AnnualReport)
            .where(
                AnnualReport.state == ReportState.DRAFT,
                AnnualReport.due_on.is_not(None),
                AnnualReport.due_on < today,
                AnnualReport.late.is_(False),
                AnnualReport.id > last,
            )
            .order_by(AnnualReport.id)
            .limit(BATCH)
        )
        batch = list(session.scalars(lock_due(session, stmt)))
        if not batch:
            return
        last = batch[-1].id
        yield batch
        session.flush()


@rule(
    "annual_reports.late",
    "Flag annual reports not submitted by their due date (GZ 37; ZS 35)",
    order=160,
)
def flag_late(session: Session, *, today: date, actor: Actor) -> int:
    """Marks late every draft past its due date, flags it and tells who must act."""
    changed = 0
    authority: list[User] | None = None
    for batch in _batches(session, today):
        if authority is None:
            authority = notify.recipients(session, roles=notify.AUTHORITY)
        officers = notify.recipients_by_department(
            session,
            (r.department_id for r in batch if r.department_id is not None),
            roles=notify.OFFICERS,
        )
        messages = []
        for report in batch:
            report.late = True
            who = "the authority" if report.department_id is None else "a department"
            raise_flag(
                session,
                actor=actor,
                kind=annual_reports.LATE,
                object_type="annual_report",
                object_id=report.id,
                today=today,
                message=f"The annual report of {who} on {report.year} was due on {report.due_on}",
                department_id=report.department_id,
                due_on=report.due_on,
                details={"year": report.year, "level": report.level, "article": report.article},
            )
            audit.record(
                session,
                actor=actor,
                action="annual_report.late",
                object_type="annual_report",
                object_id=report.id,
                details={"year": report.year, "due_on": str(report.due_on)},
            )
            link = (
                f"/annual-reports/{report.year}/authority"
                if report.department_id is None
                else f"/annual-reports/{report.year}/departments/{report.department_id}"
            )
            messages.append(
                notify.Outgoing(
                    users=[*officers.get(report.department_id or 0, []), *authority],
                    kind=annual_reports.LATE,
                    title=f"The annual report on {report.year} is late",
                    link=link,
                    object_type="annual_report",
                    object_id=report.id,
                )
            )
            changed += 1
        notify.notify_many(session, messages)
    return changed
