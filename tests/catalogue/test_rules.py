"""The sweep flags late catalogue work on both sides (GZ 8; ZS 11)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.catalogue import rules
from govshare.catalogue import service as catalogue
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.profiles import service as profiles
from tests.catalogue import builders
from tests.catalogue.builders import OPERATOR
from tests.orgs import builders as org_builders

SWEEP = Actor.system()


@pytest.fixture()
def dept(session: Session):  # type: ignore[no-untyped-def]
    org_builders.department(session, authority=True)
    return org_builders.department(session)


def _open(session: Session, kind: str) -> list[Flag]:
    return list(session.scalars(select(Flag).where(Flag.kind == kind, Flag.resolved_on.is_(None))))


def test_department_late_with_its_update_is_flagged_from_the_day_after(
    session: Session, dept
) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 8: within 15 working days of the change; Mon 2026-11-02 + 15 WD = Mon 2026-11-23
    event = catalogue.register_change_event(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        kind="function_changed",
        description="机构改革职能调整",
        occurred_on=date(2026, 11, 2),
        today=date(2026, 11, 2),
    )
    assert event.due_on == date(2026, 11, 23)
    assert rules.flag_late_updates(session, today=date(2026, 11, 23), actor=SWEEP) == 0
    assert rules.flag_late_updates(session, today=date(2026, 11, 24), actor=SWEEP) == 1
    assert rules.flag_late_updates(session, today=date(2026, 11, 25), actor=SWEEP) == 0
    catalogue.resolve_change_event(
        session,
        actor=OPERATOR,
        event_id=event.id,
        resolution="目录无需变更",
        today=date(2026, 11, 26),
    )
    assert _open(session, "catalogue.update_overdue") == []


def test_authority_late_with_its_review_is_flagged(session: Session, dept) -> None:  # type: ignore[no-untyped-def]
    # GZ Art. 8: the authority updates within 15 working days of receiving the submission
    r = builders.resource(session, dept)
    catalogue.submit(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 2))
    assert rules.flag_late_reviews(session, today=date(2026, 11, 23), actor=SWEEP) == 0
    assert rules.flag_late_reviews(session, today=date(2026, 11, 24), actor=SWEEP) == 1
    flag = _open(session, "catalogue.review_overdue")[0]
    assert flag.department_id != dept.id  # the authority's flag
    catalogue.approve(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 25))
    assert _open(session, "catalogue.review_overdue") == []


def test_zhongshan_review_deadline_is_five_business_days(
    session: Session, dept, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # ZS Art. 11: 5 business days
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhongshan")
    profiles.clear_profile_cache()
    try:
        r = builders.resource(session, dept)
        catalogue.submit(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 2))
        assert r.review_due_on == date(2026, 11, 9)
    finally:
        monkeypatch.setenv("GOVSHARE_PROFILE", "guangzhou")
        profiles.clear_profile_cache()


def test_full_review_is_flagged_yearly_in_zhongshan_only(
    session: Session, dept, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # ZS Art. 11: at least once a year; GZ sets no periodic review
    builders.published(session, dept, today=date(2025, 6, 2))
    assert rules.flag_missing_full_reviews(session, today=date(2026, 11, 20), actor=SWEEP) == 0
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhongshan")
    profiles.clear_profile_cache()
    try:
        assert rules.flag_missing_full_reviews(session, today=date(2026, 6, 2), actor=SWEEP) == 0
        assert rules.flag_missing_full_reviews(session, today=date(2026, 6, 3), actor=SWEEP) == 1
        catalogue.record_full_review(
            session, actor=OPERATOR, department_id=dept.id, today=date(2026, 6, 10)
        )
        assert _open(session, "catalogue.full_review_overdue") == []
        assert rules.flag_missing_full_reviews(session, today=date(2026, 11, 20), actor=SWEEP) == 0
    finally:
        monkeypatch.setenv("GOVSHARE_PROFILE", "guangzhou")
        profiles.clear_profile_cache()
