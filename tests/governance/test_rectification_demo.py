"""The rectification demo: notices in every state and proposals of each kind (GZ 43)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select

from govshare import demo, demo_rectification
from govshare.db import make_engine, make_session_factory, transaction
from govshare.governance import rectification_proposals as proposals
from govshare.governance import rectification_queries as queries
from govshare.governance import rectification_report
from govshare.governance.rectification_models import NoticeState, RectificationNotice
from govshare.jobs import service as jobs
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs

TODAY = date(2026, 11, 20)


def test_demo_has_notices_in_every_state_and_open_proposals(
    database_factory: Callable[[], str],
) -> None:
    url = database_factory()
    demo.create(url, force=True, today=TODAY, people=200, organisations=60)
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        if not session.scalar(select(func.count()).select_from(RectificationNotice)):
            depts = {d.code: d for d in orgs.list_departments(session, per_page=200).items}
            demo_rectification.load(session, depts=depts, today=TODAY)
    jobs.tick(factory, today=TODAY)  # what demo.create does after the loaders
    admin = Actor.operator()
    with transaction(factory) as session:
        notices = queries.list_notices(session, actor=admin, today=TODAY, per_page=200)
        states = {n.state for n in notices.items}
        assert states == set(NoticeState)
        escalated = [n for n in notices.items if n.state == NoticeState.ESCALATED]
        assert len(escalated) == 2
        automatic = [n for n in escalated if n.escalation_reason.startswith("not rectified")]
        # reported as of the day after the deadline missed
        assert automatic and automatic[0].escalated_on == automatic[0].due_on + timedelta(days=1)
        report = rectification_report.build(session, actor=admin, notice_id=escalated[0].id)
        assert rectification_report.pdf(report)[:4] == b"%PDF"
        kinds = {p.kind for p in proposals.list_proposals(session, actor=admin, today=TODAY)}
        # GZ 43: each kind the platform knows of is left open for the authority to act on
        expected = {
            "stale_resource",
            "overdue_application",
            "deemed_consent",
            "catalogue_not_updated",
        }
        assert expected <= kinds, kinds
