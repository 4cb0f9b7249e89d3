"""The sweep drafts the year's reports from 1 January and flags late ones (GZ 37; ZS 35)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.governance import annual_reports, annual_rules
from govshare.governance.annual_report_models import AnnualReport
from govshare.jobs.models import Flag
from govshare.jobs.service import rules
from govshare.kit.actor import Actor
from govshare.orgs.models import Role
from tests.applications.conftest import Parties, notes
from tests.governance.annual_support import YEAR
from tests.orgs import builders as org_builders

SWEEP = Actor.system()


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AnnualReport)) or 0


def _open_flags(session: Session) -> set[str]:
    stmt = select(Flag.object_id).where(
        Flag.kind == annual_reports.LATE, Flag.resolved_on.is_(None)
    )
    return set(session.scalars(stmt))


def test_the_sweep_knows_both_rules() -> None:
    names = {r.name for r in rules()}
    assert {"annual_reports.draft", "annual_reports.late"} <= names


def test_drafts_on_new_year_once(session: Session, parties: Parties) -> None:
    # GZ 37: every department and the authority report on the previous year.
    new_year = date(YEAR + 1, 1, 1)
    assert annual_rules.draft_reports(session, today=new_year, actor=SWEEP) == 3
    assert annual_rules.draft_reports(session, today=new_year, actor=SWEEP) == 0
    assert _count(session) == 3
    assert notes(session, parties.officer, "annual_report.drafted") == 1


def test_late_department_reports_are_flagged_the_day_after(
    session: Session, parties: Parties
) -> None:
    # GZ 37 "1月底前": due 31 January; from 1 February a draft is late, flagged and told.
    annual_rules.draft_reports(session, today=date(YEAR + 1, 1, 1), actor=SWEEP)
    provider = annual_reports.find(session, year=YEAR, department_id=parties.provider.id)
    consumer = annual_reports.find(session, year=YEAR, department_id=parties.consumer.id)
    assert provider is not None and consumer is not None
    officer = org_builders.actor_of(
        org_builders.user(session, role=Role.DATA_OFFICER, dept=parties.consumer)
    )
    day = date(YEAR + 1, 1, 20)
    annual_reports.edit(
        session,
        actor=officer,
        report_id=consumer.id,
        narrative="按时报送",
        problems="",
        plan="",
        today=day,
    )
    annual_reports.submit(session, actor=officer, report_id=consumer.id, today=day)
    assert annual_rules.flag_late(session, today=date(YEAR + 1, 1, 31), actor=SWEEP) == 0
    assert annual_rules.flag_late(session, today=date(YEAR + 1, 2, 1), actor=SWEEP) == 1
    assert provider.late and not consumer.late
    assert _open_flags(session) == {str(provider.id)}
    assert notes(session, parties.officer, annual_reports.LATE) == 1
    assert notes(session, parties.admin, annual_reports.LATE) == 1
    assert annual_rules.flag_late(session, today=date(YEAR + 1, 2, 2), actor=SWEEP) == 0
    assert notes(session, parties.officer, annual_reports.LATE) == 1
    # The authority's report is due at the end of February.
    assert annual_rules.flag_late(session, today=date(YEAR + 1, 3, 1), actor=SWEEP) == 1
    authority = annual_reports.find(session, year=YEAR, department_id=None)
    assert authority is not None and authority.late
    # Submitting resolves the flag; the report stays marked late.
    annual_reports.edit(
        session,
        actor=parties.officer_actor,
        report_id=provider.id,
        narrative="迟交",
        problems="",
        plan="",
        today=date(YEAR + 1, 3, 2),
    )
    annual_reports.submit(
        session, actor=parties.officer_actor, report_id=provider.id, today=date(YEAR + 1, 3, 2)
    )
    assert provider.late and _open_flags(session) == {str(authority.id)}


def test_on_request_reports_are_never_late(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 35 ¶2: departments report on request, with no time limit; only the authority's is due.
    use_profile("zhongshan")
    assert annual_rules.draft_reports(session, today=date(YEAR + 1, 1, 1), actor=SWEEP) == 1
    annual_reports.request_reports(
        session, actor=Actor.operator(), year=YEAR, today=date(YEAR + 1, 1, 3)
    )
    assert _count(session) == 3
    assert annual_rules.flag_late(session, today=date(YEAR + 1, 3, 31), actor=SWEEP) == 0
    assert annual_rules.flag_late(session, today=date(YEAR + 1, 4, 1), actor=SWEEP) == 1
    assert _open_flags(session) == {
        str(annual_reports.find(session, year=YEAR, department_id=None).id)  # type: ignore[union-attr]
    }
