"""Reading connected records: the current version of a subject, or the version valid at a moment.

Subjects are looked up by blind index only; payloads are decrypted here and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from govshare.datastore.models import RecordVersion
from govshare.kit.crypto import keyring
from govshare.kit.identifiers import valid_ric, valid_uscc

_versions: Table = RecordVersion.__table__  # type: ignore[assignment]
# What reading a record needs of a stored version, as plain rows: a lookup serves one consumer
# request, and building ORM objects (identity map, instance state) cost more than the SELECT.
_COLUMNS = (
    _versions.c.resource_id,
    _versions.c.subject_hash,
    _versions.c.version,
    _versions.c.subject_enc,
    _versions.c.payload,
    _versions.c.payload_enc,
    _versions.c.deleted,
    _versions.c.recorded_at,
)
# Built once: constructing a statement costs about as much as running the indexed lookup.
_CURRENT_ONE = (
    select(*_COLUMNS)
    .where(
        _versions.c.resource_id == bindparam("resource_id"),
        _versions.c.subject_hash == bindparam("subject_hash"),
    )
    .order_by(_versions.c.version.desc())
    .limit(1)
)


class Stored(Protocol):
    """A stored version as `open_row` reads it: a `RecordVersion`, or a row of `_COLUMNS`."""

    @property
    def resource_id(self) -> int: ...
    @property
    def subject_hash(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def subject_enc(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any] | None: ...
    @property
    def payload_enc(self) -> str | None: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def recorded_at(self) -> datetime: ...


@dataclass(frozen=True)
class Record:
    """A subject's record as of some version."""

    subject: str
    version: int
    payload: dict[str, Any]
    deleted: bool
    recorded_at: datetime


def normalise_subject(key_type: str, value: str) -> str:
    """The canonical form of a subject key: validated ID number or credit code, else stripped text."""
    # The common case, a well-formed key, without stdnum's region database look-up per call
    # (about 0.3 ms, several times the rest of a single-subject query); imported here because
    # the validation module imports this one.
    from govshare.datastore.validation import _fast_ric, _fast_uscc

    fast = (
        _fast_ric(value)
        if key_type == "resident_id"
        else _fast_uscc(value)
        if key_type == "credit_code"
        else None
    )
    if fast is not None:
        return fast
    value = value.strip()
    if key_type == "resident_id":
        return valid_ric(value).upper()
    if key_type == "credit_code":
        return valid_uscc(value).upper()
    return value


def subject_hash(subject: str) -> str:
    """The blind index of a (normalised) subject key."""
    return keyring().blind_index(subject)


def aad(resource_id: int, subject_hash_: str) -> bytes:
    """Associated data binding a sealed value to its resource and subject (a value moved elsewhere will not open)."""
    return f"{resource_id}:{subject_hash_}".encode()


def digest(payload: dict[str, Any]) -> str:
    """A stable digest of a payload (unchanged rows are skipped on load)."""
    return hashlib.blake2b(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode(), digest_size=16
    ).hexdigest()


def seal_payload(resource_id: int, hash_: str, payload: dict[str, Any]) -> str:
    """An encrypted payload."""
    return keyring().encrypt(
        json.dumps(payload, ensure_ascii=False).encode(), aad=aad(resource_id, hash_)
    )


def open_row(row: Stored) -> Record:
    """Decrypts a stored version."""
    ring = keyring()
    binding = aad(row.resource_id, row.subject_hash)
    subject = ring.decrypt(row.subject_enc, aad=binding).decode()
    payload = (
        json.loads(ring.decrypt(row.payload_enc, aad=binding))
        if row.payload_enc
        else (row.payload or {})
    )
    return Record(
        subject=subject,
        version=row.version,
        payload=payload,
        deleted=row.deleted,
        recorded_at=row.recorded_at,
    )


def current(session: Session, *, resource_id: int, subject_hashes: list[str]) -> dict[str, Record]:
    """The current (highest) version of each subject that has one and is not deleted, by subject hash."""
    if not subject_hashes:
        return {}
    latest = (
        select(_versions.c.subject_hash, func.max(_versions.c.version).label("v"))
        .where(_versions.c.resource_id == resource_id, _versions.c.subject_hash.in_(subject_hashes))
        .group_by(_versions.c.subject_hash)
        .subquery()
    )
    rows = session.execute(
        select(*_COLUMNS)
        .join(
            latest,
            (_versions.c.subject_hash == latest.c.subject_hash)
            & (_versions.c.version == latest.c.v),
        )
        .where(_versions.c.resource_id == resource_id)
    )
    out = {}
    for row in rows:
        if not row.deleted:
            out[row.subject_hash] = open_row(row)
    return out


def current_one(session: Session, *, resource_id: int, subject_hash_: str) -> Record | None:
    """The current record of one subject: one indexed lookup."""
    row = session.execute(
        _CURRENT_ONE, {"resource_id": resource_id, "subject_hash": subject_hash_}
    ).first()
    return None if row is None or row.deleted else open_row(row)


def as_of(session: Session, *, resource_id: int, subject_hash_: str, at: datetime) -> Record | None:
    """What the platform said about the subject at `at` (None: nothing, or deleted by then)."""
    row = session.scalar(
        select(RecordVersion)
        .where(
            RecordVersion.resource_id == resource_id,
            RecordVersion.subject_hash == subject_hash_,
            RecordVersion.recorded_at <= at,
        )
        .order_by(RecordVersion.version.desc())
        .limit(1)
    )
    return None if row is None or row.deleted else open_row(row)


def history(session: Session, *, resource_id: int, subject_hash_: str) -> list[RecordVersion]:
    """Every version of a subject's record, oldest first (who changed it, when, why)."""
    stmt = select(RecordVersion).where(
        RecordVersion.resource_id == resource_id, RecordVersion.subject_hash == subject_hash_
    )
    return list(session.scalars(stmt.order_by(RecordVersion.version)))
