"""The audit log: append-only, hash-chained, with signed checkpoints.

Every entry's hash is SHA-256 over a canonical JSON serialization of its seq, all of its
fields and the previous entry's hash. `record` appends under a lock on the one-row chain
head, in the caller's transaction, so the chain order is the commit order. `checkpoint`
signs the newest (seq, hash) with the platform's Ed25519 key; `verify` walks the whole
chain in seq order, a page at a time, and names the first entry that does not hold.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import ColumnElement, Row, Select, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from govshare.audit import keys
from govshare.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry
from govshare.audit.schemas import AuditEntryOut, AuditFilters, EntryPage, VerifyResult
from govshare.db import utcnow
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid

GENESIS_HASH = "0" * 64
HASH_CONTEXT = "govshare-audit-v1"
CHECKPOINT_CONTEXT = b"govshare-audit-checkpoint-v1\n"
MAX_DETAILS_BYTES = 64 * 1024
MAX_PER_PAGE = 500
_HEAD_ID = 1
_BATCH = 5000

_entries = cast(Table, AuditEntry.__table__)
_head = cast(Table, AuditChainHead.__table__)
_checkpoints = cast(Table, AuditCheckpoint.__table__)

# The order of the fields in the hashed serialization; changing it breaks every chain.
HASHED_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "department_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "method",
    "details",
    "prev_hash",
)
_N_HASHED = len(HASHED_COLUMNS)
_ENTRY_COLUMNS = [_entries.c[name] for name in (*HASHED_COLUMNS, "entry_hash")]

CSV_COLUMNS = (*HASHED_COLUMNS, "entry_hash")

# Built once: building statements per call costs more than executing them on SQLite.
_INSERT_ENTRY = insert(_entries)
_SELECT_HEAD = select(_head.c.last_seq, _head.c.last_hash).where(_head.c.id == _HEAD_ID)
# PostgreSQL: serialises appenders until commit. SQLite ignores FOR UPDATE; there the
# transaction already holds the database write lock (BEGIN IMMEDIATE in make_engine).
_SELECT_HEAD_FOR_UPDATE = _SELECT_HEAD.with_for_update()
_UPDATE_HEAD = (
    update(_head)
    .where(_head.c.id == _HEAD_ID)
    .values(last_seq=bindparam("seq"), last_hash=bindparam("entry_hash"))
)
# PostgreSQL runs the insert as a data-modifying CTE of the head update.
_APPEND_PG = _UPDATE_HEAD.add_cte(
    insert(_entries).values({c.name: bindparam(c.name) for c in _entries.c}).cte("new_entry")
)


class AuditChainBroken(DomainError):
    """The stored chain does not verify, so nothing more may be appended to or signed over it."""

    status = 500
    code = "audit_chain_broken"


# -- hashing -----------------------------------------------------------------------------


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
)


def canonical_json(value: Any) -> str:
    """The one serialization that is hashed: sorted keys, no spaces, ASCII, no NaN."""
    return _CANONICAL.encode(value)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def _digest(values: Sequence[Any]) -> str:
    """SHA-256 (hex) of the entry fields in HASHED_COLUMNS order."""
    seq, occurred_at, *rest = values
    payload = [HASH_CONTEXT, seq, _iso(occurred_at), *rest]
    return hashlib.sha256(canonical_json(payload).encode("ascii")).hexdigest()


def compute_entry_hash(fields: dict[str, Any]) -> str:
    """The hash an entry with these fields (HASHED_COLUMNS, prev_hash included) must carry."""
    return _digest([fields[name] for name in HASHED_COLUMNS])


def checkpoint_message(*, seq: int, entry_hash: str, signed_at: datetime) -> bytes:
    """The bytes a checkpoint signature covers: (seq, hash, time) under a fixed context."""
    return CHECKPOINT_CONTEXT + canonical_json([seq, entry_hash, _iso(signed_at)]).encode("ascii")


# -- appending -------------------------------------------------------------------------


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Appends one entry to the audit log in the caller's transaction."""
    # `details` must never hold a plain subject identifier (ID number, credit code): callers
    # pass the keyed hash (blind index) instead, because the log is kept and exported forever.
    fields = _validated_fields(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        details=details,
    )
    head_seq, head_hash = _lock_head_for_append(session)
    # Taken after the lock so that time never runs backwards along the chain on one clock.
    fields["occurred_at"] = utcnow()
    fields["seq"] = head_seq + 1
    fields["prev_hash"] = head_hash
    fields["entry_hash"] = compute_entry_hash(fields)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_APPEND_PG, fields)  # one round trip instead of two
    else:
        connection.execute(_INSERT_ENTRY, fields)
        connection.execute(_UPDATE_HEAD, {"seq": fields["seq"], "entry_hash": fields["entry_hash"]})


@dataclass(frozen=True)
class Entry:
    """One entry for `record_many`: the arguments `record` takes, less the session."""

    actor: Actor
    action: str
    object_type: str
    object_id: str | int | None = None
    purpose: str | None = None
    details: dict[str, Any] | None = None


def record_many(session: Session, entries: Sequence[Entry]) -> None:
    """Appends several entries in order, in the caller's transaction, with one lock and one insert.

    The chain is the same as `record` called once per entry: each entry hashes its predecessor.
    Every entry is validated before anything is written, so a bad one appends none of them.
    """
    if not entries:
        return
    rows = [
        _validated_fields(
            actor=e.actor,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            purpose=e.purpose,
            details=e.details,
        )
        for e in entries
    ]
    seq, last_hash = _lock_head_for_append(session)
    occurred_at = utcnow()
    for fields in rows:
        seq += 1
        fields["occurred_at"] = occurred_at
        fields["seq"] = seq
        fields["prev_hash"] = last_hash
        fields["entry_hash"] = last_hash = compute_entry_hash(fields)
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, rows)
    connection.execute(_UPDATE_HEAD, {"seq": seq, "entry_hash": last_hash})


def _validated_fields(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int | None,
    purpose: str | None,
    details: dict[str, Any] | None,
) -> dict[str, Any]:
    # Lengths are checked here so that SQLite (which ignores VARCHAR lengths) and PostgreSQL
    # accept and refuse the same entries.
    _check_text("action", action, 100)
    _check_text("object_type", object_type, 64)
    _check_text("actor name", actor.name, 200)
    oid = None if object_id is None else str(object_id)
    if oid is not None and len(oid) > 128:
        raise Invalid("audit object_id is longer than 128 characters")
    if details is not None and not isinstance(details, dict):
        raise Invalid("audit details must be a JSON object")
    try:
        # Round-tripped first so the hash covers exactly what the database will give back
        # (tuples become lists, integer keys become strings).
        normalized = json.loads(json.dumps(details or {}, allow_nan=False))
        serialized = canonical_json(normalized)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"audit details are not plain JSON: {exc}") from exc
    if len(serialized) > MAX_DETAILS_BYTES:
        raise Invalid(f"audit details exceed {MAX_DETAILS_BYTES} bytes")
    return {
        "actor_kind": str(actor.kind),
        "actor_id": actor.id,
        "actor_name": actor.name,
        "department_id": actor.department_id,
        "action": action,
        "object_type": object_type,
        "object_id": oid,
        "purpose": purpose,
        "method": str(actor.method),
        "details": normalized,
    }


def _check_text(name: str, value: str, limit: int) -> None:
    if not isinstance(value, str) or not value:
        raise Invalid(f"audit {name} is required")
    if len(value) > limit:
        raise Invalid(f"audit {name} is longer than {limit} characters")


def _lock_head_for_append(session: Session) -> tuple[int, str]:
    """Locks the chain head row (creating it for the first entry ever); returns seq and hash."""
    locked = _head_or_broken(session, lock=True)
    if locked is not None:
        return locked
    # Waits for a concurrent first writer's insert to commit, then does nothing.
    session.execute(_insert_head_if_missing(session))
    locked = _select_head(session, lock=True)
    assert locked is not None  # inserted above, or by a concurrent first writer
    return locked


def _head_or_broken(session: Session, *, lock: bool) -> tuple[int, str] | None:
    """The chain head; None on an empty log; raises when entries exist without a head."""
    head = _select_head(session, lock=lock)
    if head is not None:
        return head
    if session.scalar(select(func.max(_entries.c.seq))) is None:
        return None
    # Entries and the head commit together: entries seen now whose head was not visible a
    # statement ago were committed in between (PostgreSQL, read committed), so look again.
    head = _select_head(session, lock=lock)
    if head is None:
        raise AuditChainBroken("the audit chain head is missing although entries exist")
    return head


def _select_head(session: Session, *, lock: bool) -> tuple[int, str] | None:
    stmt = _SELECT_HEAD_FOR_UPDATE if lock else _SELECT_HEAD
    row = session.connection().execute(stmt).one_or_none()
    return None if row is None else (int(row[0]), str(row[1]))


def _insert_head_if_missing(session: Session) -> Any:
    values = {"id": _HEAD_ID, "last_seq": 0, "last_hash": GENESIS_HASH}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(_head).values(**values).on_conflict_do_nothing(index_elements=["id"])
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(_head).values(**values).on_conflict_do_nothing(index_elements=["id"])
    return insert(_head).values(**values)


# -- checkpoints -----------------------------------------------------------------------


def checkpoint(session: Session, *, now: datetime | None = None) -> AuditCheckpoint | None:
    """Signs (seq, hash, time) of the newest entry; None when the log is empty."""
    # Run it in a transaction of its own: on PostgreSQL it holds the head lock until commit.
    signed_at = now if now is not None else utcnow()
    if signed_at.tzinfo is None:
        raise Invalid("checkpoint time must be timezone-aware")
    head = _head_or_broken(session, lock=True)
    if head is None:
        return None
    head_seq, head_hash = head
    if head_seq == 0:
        return None
    existing = session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq == head_seq))
    if existing is not None:
        return existing
    # Never sign over a chain that was altered since the last checkpoint: that would bless it.
    result = _verify_since_last_checkpoint(session, head_seq=head_seq, head_hash=head_hash)
    if not result.ok:
        raise AuditChainBroken(
            f"audit chain broken at entry {result.first_bad_seq}: {result.reason}",
            first_bad_seq=result.first_bad_seq,
        )
    key_id, private_key = keys.load_signing_key()
    message = checkpoint_message(seq=head_seq, entry_hash=head_hash, signed_at=signed_at)
    made = AuditCheckpoint(
        seq=head_seq,
        entry_hash=head_hash,
        signed_at=signed_at,
        key_id=key_id,
        signature=private_key.sign(message).hex(),
    )
    session.add(made)
    session.flush()  # assigns the id the CLI prints, and hits the unique seq constraint now
    return made


def _verify_since_last_checkpoint(
    session: Session, *, head_seq: int, head_hash: str
) -> VerifyResult:
    last_cp_seq = session.scalar(select(func.max(_checkpoints.c.seq)))
    if last_cp_seq is None or last_cp_seq < 1:
        after_seq, prev_hash = 0, GENESIS_HASH
    else:
        # Start at the checkpointed entry itself: its signed hash vouches for its prev_hash.
        after_seq = last_cp_seq - 1
        stored_prev = session.scalar(
            select(_entries.c.prev_hash).where(_entries.c.seq == last_cp_seq)
        )
        prev_hash = stored_prev if stored_prev is not None else GENESIS_HASH
    return _walk(
        session,
        public_keys=keys.load_public_keys(),
        after_seq=after_seq,
        prev_hash=prev_hash,
        head=(head_seq, head_hash),
        end_seq=max(head_seq, session.scalar(select(func.max(_entries.c.seq))) or 0),
        checkpoints_after=after_seq,
        checkpoints_end=last_cp_seq or 0,
    )


# -- verification ----------------------------------------------------------------------


def verify(session: Session) -> VerifyResult:
    """Walks the whole chain and its checkpoints; reports the first entry that does not hold."""
    # One statement, so that on PostgreSQL all four figures come from one snapshot; entries
    # committed while the walk runs lie beyond these bounds and are left for the next run.
    bounds = session.execute(
        select(
            select(_head.c.last_seq).where(_head.c.id == _HEAD_ID).scalar_subquery(),
            select(_head.c.last_hash).where(_head.c.id == _HEAD_ID).scalar_subquery(),
            select(func.max(_entries.c.seq)).scalar_subquery(),
            select(func.max(_checkpoints.c.seq)).scalar_subquery(),
        )
    ).one()
    head_seq, head_hash, max_entry_seq, max_cp_seq = bounds
    head = None if head_seq is None else (int(head_seq), str(head_hash))
    return _walk(
        session,
        public_keys=keys.load_public_keys(),
        after_seq=0,
        prev_hash=GENESIS_HASH,
        head=head,
        end_seq=max(head[0] if head else 0, max_entry_seq or 0),
        checkpoints_after=None,
        checkpoints_end=max_cp_seq,
    )


@dataclass
class _Failure:
    seq: int | None
    reason: str


def _walk(
    session: Session,
    *,
    public_keys: dict[str, Ed25519PublicKey],
    after_seq: int,
    prev_hash: str,
    head: tuple[int, str] | None,
    end_seq: int,
    checkpoints_after: int | None,
    checkpoints_end: int | None,
) -> VerifyResult:
    """Checks entries after_seq+1..end_seq, the checkpoints among them, then the chain head."""
    expected = after_seq + 1
    checked = 0
    cps_checked = 0
    cp_rows = _stream_checkpoints(session, after=checkpoints_after, end=checkpoints_end)
    pending = next(cp_rows, None)

    def result(failure: _Failure | None) -> VerifyResult:
        return VerifyResult(
            ok=failure is None,
            entries_checked=checked,
            first_bad_seq=None if failure is None else failure.seq,
            reason=None if failure is None else failure.reason,
            checkpoints_checked=cps_checked,
            last_seq=expected - 1,
        )

    for row in _stream_entries(session, after=after_seq, end=end_seq):
        seq = row[0]
        # Checkpoints of earlier entries were consumed there; one left behind has a bogus seq.
        if pending is not None and pending.seq < expected:
            return result(_Failure(pending.seq, f"checkpoint {pending.id} points at no entry"))
        if seq != expected:
            if seq > expected:
                missing = f"{expected}" if seq == expected + 1 else f"{expected}..{seq - 1}"
                return result(_Failure(expected, f"entry {missing} missing (next entry is {seq})"))
            return result(_Failure(seq, f"entry has seq {seq} out of order"))
        if row[_N_HASHED - 1] != prev_hash:
            return result(_Failure(seq, f"prev_hash does not match the hash of entry {seq - 1}"))
        computed = _digest(row[:_N_HASHED])
        if computed != row[_N_HASHED]:
            return result(_Failure(seq, "entry content does not match its hash (edited)"))
        while pending is not None and pending.seq == seq:
            problem = _check_checkpoint(pending, computed, public_keys)
            if problem is not None:
                return result(_Failure(seq, problem))
            cps_checked += 1
            pending = next(cp_rows, None)
        prev_hash = computed
        expected += 1
        checked += 1

    last_seq = expected - 1
    if pending is not None and pending.seq <= last_seq:
        return result(_Failure(pending.seq, f"checkpoint {pending.id} points at no entry"))
    if pending is not None:
        return result(
            _Failure(
                last_seq + 1,
                f"checkpoint {pending.id} signs entry {pending.seq} but the log ends at "
                f"{last_seq} (entries truncated)",
            )
        )
    if head is None:
        if last_seq > after_seq:
            return result(_Failure(None, "the chain head row is missing"))
        return result(None)
    head_seq, head_hash = head
    if head_seq > last_seq:
        return result(
            _Failure(
                last_seq + 1,
                f"entries {last_seq + 1}..{head_seq} missing: the chain head says {head_seq} "
                "(entries truncated)",
            )
        )
    if head_seq < last_seq:
        return result(
            _Failure(head_seq + 1, f"entry {head_seq + 1} lies beyond the chain head {head_seq}")
        )
    if head_hash != prev_hash:
        return result(_Failure(last_seq, "the chain head hash does not match the last entry"))
    return result(None)


def _check_checkpoint(
    cp: Row[Any], computed_hash: str, public_keys: dict[str, Ed25519PublicKey]
) -> str | None:
    if cp.entry_hash != computed_hash:
        return f"checkpoint {cp.id} hash does not match entry {cp.seq}"
    public_key = public_keys.get(cp.key_id)
    if public_key is None:
        return f"checkpoint {cp.id} is signed with unknown key {cp.key_id}"
    try:
        signature = bytes.fromhex(cp.signature)
    except ValueError:
        return f"checkpoint {cp.id} signature is not hex"
    message = checkpoint_message(seq=cp.seq, entry_hash=cp.entry_hash, signed_at=cp.signed_at)
    if not keys.verify_signature(public_key, signature, message):
        return f"checkpoint {cp.id} signature does not verify"
    return None


def _stream_entries(session: Session, *, after: int, end: int) -> Iterator[Row[Any]]:
    """Entries after..end in seq order, a page at a time (keyset pagination, bounded memory)."""
    cursor = after
    while True:
        rows = session.execute(
            select(*_ENTRY_COLUMNS)
            .where(_entries.c.seq > cursor, _entries.c.seq <= end)
            .order_by(_entries.c.seq)
            .limit(_BATCH)
        ).all()
        yield from rows
        if len(rows) < _BATCH:
            return
        cursor = rows[-1][0]


def _stream_checkpoints(
    session: Session, *, after: int | None, end: int | None
) -> Iterator[Row[Any]]:
    if end is None:
        return
    cursor = after
    while True:
        stmt = select(_checkpoints).where(_checkpoints.c.seq <= end)
        if cursor is not None:
            stmt = stmt.where(_checkpoints.c.seq > cursor)
        rows = session.execute(stmt.order_by(_checkpoints.c.seq).limit(_BATCH)).all()
        yield from rows
        if len(rows) < _BATCH:
            return
        cursor = rows[-1].seq


# -- reading -----------------------------------------------------------------------------


def list_entries(
    session: Session,
    *,
    filters: AuditFilters | None = None,
    page: int = 1,
    per_page: int = 50,
) -> EntryPage:
    """One page of the filtered log, newest first, for the auditor's viewer."""
    if page < 1:
        raise Invalid("page starts at 1")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(f"per_page must be between 1 and {MAX_PER_PAGE}")
    conditions = _conditions(filters)
    total = session.scalar(select(func.count()).select_from(_entries).where(*conditions)) or 0
    rows = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.seq.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return EntryPage(
        items=[AuditEntryOut.model_validate(row) for row in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


def export_csv(session: Session, *, filters: AuditFilters | None = None) -> Iterator[str]:
    """The filtered log as CSV lines (header first, oldest first), streamed a page at a time."""
    # A generator: the caller must consume it while the session is still open.
    conditions = _conditions(filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Sequence[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    cursor = 0
    while True:
        stmt: Select[Any] = (
            select(*_ENTRY_COLUMNS)
            .where(_entries.c.seq > cursor, *conditions)
            .order_by(_entries.c.seq)
            .limit(_BATCH)
        )
        rows = session.execute(stmt).all()
        for row in rows:
            yield line(
                [_csv_cell(name, value) for name, value in zip(CSV_COLUMNS, row, strict=True)]
            )
        if len(rows) < _BATCH:
            return
        cursor = rows[-1][0]


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name == "occurred_at":
        return _iso(value)
    if name == "details":
        return canonical_json(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # Spreadsheets run cells starting like formulas; auditors open these files in them.
        return "'" + value
    return value


def _conditions(filters: AuditFilters | None) -> list[ColumnElement[bool]]:
    if filters is None:
        return []
    c = _entries.c
    conditions: list[ColumnElement[bool]] = []
    if filters.action_prefix:
        conditions.append(c.action.startswith(filters.action_prefix, autoescape=True))
    if filters.actor_kind is not None:
        conditions.append(c.actor_kind == str(filters.actor_kind))
    if filters.actor_id is not None:
        conditions.append(c.actor_id == filters.actor_id)
    if filters.actor_name:
        conditions.append(c.actor_name == filters.actor_name)
    if filters.department_id is not None:
        conditions.append(c.department_id == filters.department_id)
    if filters.object_type:
        conditions.append(c.object_type == filters.object_type)
    if filters.object_id is not None:
        conditions.append(c.object_id == filters.object_id)
    if filters.method is not None:
        conditions.append(c.method == str(filters.method))
    if filters.since is not None:
        conditions.append(c.occurred_at >= filters.since)
    if filters.until is not None:
        conditions.append(c.occurred_at < filters.until)
    return conditions
