"""Builders for the sharing tests: published resources of each sharing type, records, grants.

Records are written the way the loader writes them (blind index, sealed subject, payload
sealed when asked), straight into `record_version`, so these tests do not depend on the load
path being built at the same time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from stdnum.cn import ric

from govshare.catalogue.models import Resource
from govshare.datastore import records
from govshare.datastore.models import RecordVersion
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.crypto import keyring
from govshare.orgs.models import Department, Role
from govshare.sharing import service as sharing
from govshare.sharing.models import Grant
from tests.catalogue import builders as catalogue_builders

OPERATOR = Actor.operator()
KEY = "公民身份号码"
_serial = itertools.count(1)

# The items of each kind of resource, with their own sharing type (None: as the resource).
ITEMS: dict[str, list[tuple[str, str | None]]] = {
    "unconditional": [(KEY, None), ("姓名", None), ("户籍地址", None)],
    # GZ 9: a conditional resource may share some items unconditionally ("in part")
    "conditional": [
        (KEY, "unconditional"),
        ("姓名", "unconditional"),
        ("婚姻状况", None),
        ("月收入", None),
    ],
    "none": [(KEY, None), ("姓名", None), ("病历摘要", None)],
}
EXTRA: dict[str, dict[str, Any]] = {
    "unconditional": {},
    "conditional": {
        "sharing_basis": "《社会救助暂行办法》第十一条",
        "sharing_conditions": "用于社会救助审核",
    },
    "none": {
        "sharing_basis": "《中华人民共和国执业医师法》",
        "sharing_basis_kind": "law",
    },
}


def make_ric(serial: int | None = None) -> str:
    """A valid resident identity number (Guangzhou, Liwan district)."""
    n = next(_serial) if serial is None else serial
    body = f"440103{1990 + n % 30}0{1 + n % 9}1{n % 10}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads all but the last character


def published(session: Session, provider: Department, kind: str) -> Resource:
    """A published resource of the sharing type, keyed by resident ID."""
    items = [
        {
            "name": name,
            "data_type": "string",
            "length": 100,
            "is_subject_key": name == KEY,
            "sharing_type": own,
        }
        for name, own in ITEMS[kind]
    ]
    return catalogue_builders.published(
        session, provider, sharing_type=kind, items=items, **EXTRA[kind]
    )


def marker(resource: Resource, position: int, subject: str) -> str:
    """A stored value found nowhere else: any appearance outside the entitlement is a leak."""
    return f"MK{resource.id}x{position}x{subject[-6:]}"


def put(
    session: Session,
    resource: Resource,
    subject: str,
    payload: dict[str, Any],
    *,
    sealed: bool = False,
    version: int = 1,
    deleted: bool = False,
) -> RecordVersion:
    """Writes one version of a subject's record as the loader does."""
    hash_ = records.subject_hash(subject)
    binding = records.aad(resource.id, hash_)
    row = RecordVersion(
        resource_id=resource.id,
        subject_hash=hash_,
        version=version,
        subject_enc=keyring().encrypt(subject.encode(), aad=binding),
        payload=None if sealed else payload,
        payload_enc=records.seal_payload(resource.id, hash_, payload) if sealed else None,
        payload_digest=records.digest(payload),
        deleted=deleted,
        changed_by="test-loader",
        reason="",
    )
    session.add(row)
    session.flush()
    return row


def with_records(
    session: Session, resource: Resource, kind: str, subjects: list[str], *, sealed: bool = False
) -> dict[str, dict[str, Any]]:
    """Every subject's record with a unique marker per item (the key item holds the subject)."""
    out = {}
    for subject in subjects:
        payload = {
            name: subject if name == KEY else marker(resource, n, subject)
            for n, (name, _) in enumerate(ITEMS[kind])
        }
        put(session, resource, subject, payload, sealed=sealed)
        out[subject] = payload
    return out


@dataclass
class GrantSpec:
    state: str
    valid_from: date
    valid_until: date
    revoked: bool = False
    suspended: bool = False


def grant_in_state(
    session: Session,
    *,
    consumer: Department,
    resource: Resource,
    items: list[str],
    purposes: list[str],
    state: str,
    today: date,
) -> Grant | None:
    """A grant that is `state` on `today` ("none": no grant at all).

    Grants on not-shared resources cannot be made (the service refuses); one is written
    directly, as if the resource had been reclassified after the grant, to show it is ignored.
    """
    if state == "none":
        return None
    year = date(today.year, 1, 1)
    spans = {
        "active": (year, date(today.year, 12, 31)),
        "expired": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "not_yet_valid": (date(today.year + 1, 1, 1), date(today.year + 1, 12, 31)),
        "revoked": (year, date(today.year, 12, 31)),
        "suspended": (year, date(today.year, 12, 31)),
    }
    start, end = spans[state]
    if resource.sharing_type == "none" or state in ("expired",):
        grant = Grant(
            consumer_department_id=consumer.id,
            resource_id=resource.id,
            items=items,
            purposes=purposes,
            valid_from=start,
            valid_until=end,
            source="test",
            granted_by="test",
            approved_by="test-approver",
            note="",
            suspended=False,
            revoked_by="",
            revoked_reason="",
        )
        session.add(grant)
        session.flush()
    else:
        grant = sharing.create_grant(
            session,
            actor=OPERATOR,
            consumer_department_id=consumer.id,
            resource_id=resource.id,
            items=items,
            purposes=purposes,
            valid_from=start,
            valid_until=end,
            today=today,
            approved_by="approver-on-record",
        )
    if state == "revoked":
        sharing.revoke_grant(session, actor=OPERATOR, grant_id=grant.id, reason="test")
    if state == "suspended":
        grant.suspended = True
        session.flush()
    assert sharing.grant_state(grant, today=today) == state
    return grant


def staff(dept: Department, n: int = 1) -> Actor:
    """A consumer department's staff member acting in the console (no account needed here)."""
    return Actor(
        kind=ActorKind.USER,
        id=900_000 + dept.id * 10 + n,
        name=f"staff{dept.id}-{n}",
        method=Method.CONSOLE,
        department_id=dept.id,
        roles=frozenset({Role.STAFF}),
    )
