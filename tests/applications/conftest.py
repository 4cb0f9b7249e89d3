"""Fixtures of the application tests: a provider with a conditional resource, a consumer, people."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.catalogue.models import Resource
from govshare.kit.actor import Actor
from govshare.notify.models import Notification
from govshare.orgs.models import Department, DepartmentKind, Role, User
from govshare.profiles.service import clear_profile_cache
from govshare.sharing import applications
from govshare.sharing.application_models import Application
from tests.orgs import builders as org_builders
from tests.sharing import builders as sharing_builders

PURPOSE = {
    "purpose_text": "最低生活保障对象家庭经济状况核对",
    "legal_basis": "《社会救助暂行办法》第十一条",
    "purposes": ["440100-MZ-0031"],
}
# The conditional items of the builders' conditional resource (公民身份号码 and 姓名 are open).
CONDITIONAL = ["婚姻状况", "月收入"]


@dataclass
class Parties:
    authority: Department
    provider: Department
    consumer: Department
    resource: Resource
    officer: User
    staff: User
    admin: User

    @property
    def officer_actor(self) -> Actor:
        return org_builders.actor_of(self.officer)

    @property
    def staff_actor(self) -> Actor:
        return org_builders.actor_of(self.staff)


@pytest.fixture()
def use_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switches the active profile for the test."""

    def use(name: str) -> None:
        monkeypatch.setenv("GOVSHARE_PROFILE", name)
        clear_profile_cache()

    yield use
    clear_profile_cache()


def make_parties(session: Session) -> Parties:
    """The authority, a provider with a published conditional resource, a consumer, one person each."""
    authority = org_builders.department(session, authority=True)
    provider = org_builders.department(session, kind=DepartmentKind.HEALTH)
    consumer = org_builders.department(session, kind=DepartmentKind.CIVIL_AFFAIRS)
    return Parties(
        authority=authority,
        provider=provider,
        consumer=consumer,
        resource=sharing_builders.published(session, provider, "conditional"),
        officer=org_builders.user(session, role=Role.DATA_OFFICER, dept=provider),
        staff=org_builders.user(session, role=Role.STAFF, dept=consumer),
        admin=org_builders.user(session, role=Role.AUTHORITY_ADMIN, dept=authority),
    )


@pytest.fixture()
def parties(session: Session) -> Parties:
    return make_parties(session)


def apply(
    session: Session,
    p: Parties,
    *,
    today: date,
    items: list[str] | None = None,
    period: tuple[date, date] | None = None,
    secret: bool = False,
    **overrides: Any,
) -> Application:
    """An application by the consumer's staff for the conditional items."""
    start, end = period or (today, date(today.year + 1, today.month, 1))
    values: dict[str, Any] = {
        **PURPOSE,
        "items": CONDITIONAL if items is None else items,
        "expected_volume": "2,000 a month",
        "period_from": start,
        "period_until": end,
        "involves_secret_or_privacy": secret,
    }
    values.update(overrides)
    return applications.submit(
        session, actor=p.staff_actor, resource_id=p.resource.id, today=today, **values
    )


def notes(session: Session, user: User, kind: str) -> int:
    """How many notifications of a kind the user has."""
    stmt = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind)
    )
    return session.scalar(stmt) or 0
