"""Reading connected records: the current version of a subject, or the version valid at a moment.

Subjects are looked up by blind index only; payloads are decrypted here and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.datastore.models import RecordVersion
from govshare.kit.crypto import keyring
from govshare.kit.identifiers import valid_ric, valid_uscc


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


def open_row(row: RecordVersion) -> Record:
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
        select(RecordVersion.subject_hash, func.max(RecordVersion.version).label("v"))
        .where(
            RecordVersion.resource_id == resource_id, RecordVersion.subject_hash.in_(subject_hashes)
        )
        .group_by(RecordVersion.subject_hash)
        .subquery()
    )
    rows = session.scalars(
        select(RecordVersion)
        .join(
            latest,
            (RecordVersion.subject_hash == latest.c.subject_hash)
            & (RecordVersion.version == latest.c.v),
        )
        .where(RecordVersion.resource_id == resource_id)
    )
    out = {}
    for row in rows:
        if not row.deleted:
            out[row.subject_hash] = open_row(row)
    return out


def current_one(session: Session, *, resource_id: int, subject_hash_: str) -> Record | None:
    """The current record of one subject: one indexed lookup."""
    row = session.scalar(
        select(RecordVersion)
        .where(
            RecordVersion.resource_id == resource_id, RecordVersion.subject_hash == subject_hash_
        )
        .order_by(RecordVersion.version.desc())
        .limit(1)
    )
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
