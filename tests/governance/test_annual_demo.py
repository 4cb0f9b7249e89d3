"""The demo's annual reports: submitted, late, a draft, and the authority's (GZ 37; ZS 35)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare import demo_annual
from govshare.governance import annual_reports, annual_rules
from govshare.governance.annual_report_models import AnnualReport
from govshare.kit.actor import Actor
from govshare.orgs.models import Department
from tests.orgs import builders

TODAY = date(2026, 11, 20)


def _depts(session: Session) -> dict[str, Department]:
    made = [builders.department(session, authority=True, code="GZ-ZWFW")]
    made += [builders.department(session, code=c) for c in ("GZ-MZJ", "GZ-RSJ", "GZ-WJW", "GZ-CL")]
    return {d.code: d for d in made}


def _states(session: Session) -> dict[str | None, tuple[str, bool]]:
    out: dict[str | None, tuple[str, bool]] = {}
    for report in session.scalars(select(AnnualReport).where(AnnualReport.year == 2025)):
        dept = session.get(Department, report.department_id) if report.department_id else None
        out[dept.code if dept else None] = (report.state, report.late)
    return out


def test_guangzhou_demo(session: Session) -> None:
    # GZ 37: most departments report by 31 January; one late; one still a draft.
    counts = demo_annual.load(session, depts=_depts(session), today=TODAY)
    assert counts == {
        "annual_reports_submitted": 3,
        "annual_reports_late": 1,
        "annual_reports_draft": 1,
    }
    assert _states(session) == {
        "GZ-MZJ": ("submitted", False),
        "GZ-RSJ": ("submitted", False),
        "GZ-WJW": ("submitted", True),
        "GZ-CL": ("draft", False),
        None: ("draft", False),
    }
    # The sweep that follows the demo flags the draft and the authority's report.
    assert annual_rules.flag_late(session, today=TODAY, actor=Actor.system()) == 2
    authority = annual_reports.find(session, year=2025, department_id=None)
    assert authority is not None and authority.narrative.startswith("本级")
    assert authority.figures["reports"]["submitted"] == 3


def test_zhongshan_demo_publishes(session: Session, use_profile: Callable[[str], None]) -> None:
    # ZS 35: reports on request (never late); the authority's is released to the public.
    use_profile("zhongshan")
    counts = demo_annual.load(session, depts=_depts(session), today=TODAY)
    assert counts["annual_reports_late"] == 0 and counts["annual_reports_published"] == 1
    assert annual_reports.published(session, year=2025).narrative


def test_silent_profile_demo_is_empty(session: Session, use_profile: Callable[[str], None]) -> None:
    use_profile("jiangsu")
    assert demo_annual.load(session, depts=_depts(session), today=TODAY) == {}
