"""Builders of freshness tests: a provider, a connected resource last updated on a given day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from govshare.catalogue.models import Resource
from govshare.datastore.models import Connection
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role
from tests.datastore import builders as b
from tests.orgs import builders as orgs


def connected(
    session: Session,
    dept: Department,
    *,
    last: date | None,
    cycle: str = "monthly",
    kind: str = "departmental",
    **overrides: Any,
) -> Resource:
    """A published resource of `dept` whose data was connected and last updated on `last`."""
    values: dict[str, Any] = {"update_cycle": cycle, "catalogue_kind": kind}
    if kind == "basic":
        values["basic_category"] = "natural_person"
    values.update(overrides)
    resource = b.resource(session, dept, **values)
    since = last or date(2026, 1, 5)
    session.add(
        Connection(
            resource_id=resource.id,
            connected_at=datetime(since.year, since.month, since.day, 2, tzinfo=UTC),
            last_updated_on=last,
            records=1,
        )
    )
    session.flush()
    return resource


def authority(session: Session) -> Actor:
    """An authority admin."""
    dept = orgs.department(session, authority=True)
    return orgs.actor_of(orgs.user(session, role=Role.AUTHORITY_ADMIN, dept=dept))
