"""The demo's verification requests: one in every state, built through the services (GZ 30, 33)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare import demo_verification
from govshare.datastore import service as datastore
from govshare.datastore.parsing import json_row
from govshare.jobs.service import open_flags
from govshare.kit.actor import Actor
from govshare.quality.verification_models import VerificationRequest
from govshare.quality.verification_rules import flag_overdue
from tests.datastore import builders as data
from tests.orgs import builders as orgs
from tests.quality.test_verification_world import TODAY


def test_demo_makes_a_request_in_every_state(session: Session) -> None:
    orgs.department(session, authority=True)
    provider, officer = data.provider(session)
    consumer = orgs.department(session, code="YX-MZJ")
    other = orgs.department(session, code="GZ-RSJ")
    resource = data.resource(session, provider)
    people = [data.person(data.next_n()) for _ in range(8)]
    datastore.load(
        session,
        actor=officer,
        resource_id=resource.id,
        rows=[json_row(n, p) for n, p in enumerate(people, start=1)],
        method="api",
        today=TODAY,
    )
    made = demo_verification.load(session, depts={"YX-MZJ": consumer, "GZ-RSJ": other}, today=TODAY)
    assert made == {"open": 1, "overdue": 1, "confirmed": 1, "corrected": 1, "withdrawn": 1}
    reqs = list(session.scalars(select(VerificationRequest).order_by(VerificationRequest.id)))
    assert Counter((r.state, r.outcome) for r in reqs) == Counter(
        {
            ("open", ""): 2,
            ("answered", "confirmed"): 1,
            ("answered", "corrected"): 1,
            ("withdrawn", ""): 1,
        }
    )
    corrected = next(r for r in reqs if r.outcome == "corrected")
    assert corrected.recipients_told == 1 and corrected.correction_version == 2
    assert flag_overdue(session, today=TODAY, actor=Actor.system()) == 1
    assert len(open_flags(session, kinds=("verification.overdue",))) == 1
