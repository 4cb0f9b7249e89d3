"""The demo's complaints and error reports: every state, built on top of the builders."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare import demo_complaints
from govshare.governance import complaint_rules
from govshare.governance.complaint_models import Complaint
from govshare.kit.actor import Actor
from govshare.orgs.models import DepartmentKind
from govshare.quality.error_report_models import ErrorReport
from tests.orgs import builders as org_builders
from tests.sharing import builders as sharing_builders

TODAY = date(2026, 11, 20)


def test_the_demo_has_complaints_and_error_reports_in_every_state(session: Session) -> None:
    org_builders.department(session, authority=True, code="GZ-ZSJ")
    depts = {
        code: org_builders.department(session, code=code, kind=kind)
        for code, kind in [
            ("GZ-GAJ", DepartmentKind.PUBLIC_SECURITY),
            ("GZ-MZJ", DepartmentKind.CIVIL_AFFAIRS),
            ("GZ-RSJ", DepartmentKind.OTHER),
            ("GZ-WJW", DepartmentKind.HEALTH),
        ]
    }
    sharing_builders.published(session, depts["GZ-GAJ"], "conditional")
    sharing_builders.published(session, depts["GZ-WJW"], "unconditional")

    made = demo_complaints.load(session, depts=depts, today=TODAY)

    assert made == {"complaints": 6, "error_reports": 4}
    states = Counter((c.state, c.upheld) for c in session.scalars(select(Complaint)))
    assert states == {
        ("received", None): 1,
        ("investigating", None): 2,
        ("answered", True): 1,
        ("answered", False): 1,
        ("withdrawn", None): 1,
    }
    # GZ 36: the one left unanswered past its 15 working days is flagged by the sweep.
    assert complaint_rules.flag_overdue(session, today=TODAY, actor=Actor.system()) == 1
    reports = Counter(r.state for r in session.scalars(select(ErrorReport)))
    assert reports == {"reported": 1, "returned": 1, "filed": 2}
