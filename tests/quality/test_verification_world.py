"""A small world for the verification-request tests: a provider, consumers, loaded records, queries.

Records are loaded through the provider's real load path and the consumers take them through the
real query path, so the audit log holds the `data.query` entries a correction looks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from govshare.catalogue.models import Resource
from govshare.datastore import service as datastore
from govshare.datastore.parsing import json_row
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role, User
from govshare.sharing import service as sharing
from tests.datastore import builders as data
from tests.orgs import builders as orgs

TODAY = date(2026, 11, 20)  # a Friday
PURPOSE = "440100-MZ-0031"


@dataclass
class World:
    authority: Department
    provider: Department
    consumer: Department
    other: Department
    resource: Resource
    admin: Actor
    officer: Actor
    staff: Actor
    other_staff: Actor
    users: dict[str, User]
    subjects: list[str]


def build(session: Session) -> World:
    """An authority, a provider with a loaded resource (unconditional), two consuming departments."""
    authority = orgs.department(session, authority=True)
    provider = orgs.department(session)
    consumer = orgs.department(session)
    other = orgs.department(session)
    users = {
        "admin": orgs.user(session, role=Role.AUTHORITY_ADMIN, dept=authority),
        "officer": orgs.user(session, role=Role.DATA_OFFICER, dept=provider),
        "staff": orgs.user(session, role=Role.STAFF, dept=consumer),
        "consumer_officer": orgs.user(session, role=Role.DATA_OFFICER, dept=consumer),
        "other_staff": orgs.user(session, role=Role.STAFF, dept=other),
    }
    resource = data.resource(session, provider)
    officer = orgs.actor_of(users["officer"])
    people = [data.person(data.next_n()) for _ in range(3)]
    datastore.load(
        session,
        actor=officer,
        resource_id=resource.id,
        rows=[json_row(n, p) for n, p in enumerate(people, start=1)],
        method="api",
        today=TODAY,
    )
    return World(
        authority=authority,
        provider=provider,
        consumer=consumer,
        other=other,
        resource=resource,
        admin=orgs.actor_of(users["admin"]),
        officer=officer,
        staff=orgs.actor_of(users["staff"]),
        other_staff=orgs.actor_of(users["other_staff"]),
        users=users,
        subjects=[p["公民身份号码"] for p in people],
    )


def query(session: Session, actor: Actor, w: World, subject: str) -> sharing.QueryResult:
    """The consumer takes the subject's record for the purpose (audited as `data.query`)."""
    return sharing.query(
        session,
        actor=actor,
        resource_id=w.resource.id,
        subjects=[subject],
        purpose_text="最低生活保障审核",
        purpose_code=PURPOSE,
        method="console",
        today=TODAY,
    )
