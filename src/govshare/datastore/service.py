"""Connected data, the provider's side: loads (files, API pushes, deletions), load reports, export.

A load is validated completely before any of it counts: unless the provider asks for a
partial load, one bad row and nothing is kept (GZ 18; ZS 17: the provider guarantees the
validity of what it shares). The rows are checked and written in one pass, batch by batch,
inside a SAVEPOINT; the first problem stops the writing, the rest of the input is still
checked so that every problem is reported, and the savepoint is rolled back before
`LoadInvalid` is raised. So memory stays constant in the size of the load (a million rows
are never held at once) and a failed load leaves nothing behind, even for a caller that
catches the error and commits.

A failed load is still worth a record (the provider's console lists it, with its
problems). It cannot be written in the transaction that is rolled back, so the caller
records it in a transaction of its own with `record_failure` (the CLI and the upload route
do).

Writing is set-based: per batch of `BATCH_SIZE` rows one query fetches the latest version
of the batch's subjects, unchanged rows are skipped, and the new versions go in with one
`COPY` (PostgreSQL) or one `executemany` (SQLite); never an INSERT per row. Subjects are
stored as a blind index and encrypted; payloads are encrypted when `must_encrypt` says so.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, cast

from sqlalchemy import Table, and_, bindparam, exists, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.enums import SharingType, SubjectKeyType
from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.datastore import records
from govshare.datastore.models import Connection, Load, RecordVersion
from govshare.datastore.parsing import Source, SourceRow, json_row
from govshare.datastore.validation import CleanRow, ItemSpec, Problem, Validator
from govshare.db import utcnow
from govshare.kit.actor import Actor, ActorKind
from govshare.kit.crypto import DataKeyring, keyring
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Role
from govshare.profiles.schema import Profile
from govshare.profiles.service import get_active_profile
from govshare.quality import divergence

BATCH_SIZE = 2000
MAX_REPORTED = 1000  # problems kept with a load and sent back in an error
MAX_PUSH = 10_000  # records per API call
SQLITE_LOAD_CACHE_KIB = 128 * 1024  # SQLite page cache cap while a load runs

Progress = Callable[[int, int | None], None]

_versions = cast(Table, RecordVersion.__table__)
_connections = cast(Table, Connection.__table__)
# Canonical JSON of a payload, as `records.digest` writes it (built once: json.dumps builds an encoder per call).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False)
_encode_str: Callable[[str], str] = json.encoder.encode_basestring  # what _CANONICAL uses for text
_key_prefixes: dict[str, str] = {}
TOMBSTONE_DIGEST = records.digest({})

# The columns a load writes, varying ones first; `BulkWriter` appends the per-load constants.
ROW_COLUMNS = (
    "subject_hash",
    "version",
    "subject_enc",
    "payload",
    "payload_enc",
    "payload_digest",
    "deleted",
)
CONSTANT_COLUMNS = ("resource_id", "load_id", "recorded_at", "changed_by", "reason")

# The latest version of each of a batch's subjects, in one query. PostgreSQL: DISTINCT ON over
# one array parameter (2,000 separate parameters cost more than the look-ups). SQLite: a bare
# column beside max() takes its values from the row holding the maximum (documented SQLite).
_LATEST = {
    "postgresql": text(
        "SELECT DISTINCT ON (subject_hash) subject_hash, version, payload_digest, deleted"
        " FROM record_version WHERE resource_id = :resource_id AND subject_hash = ANY(:hashes)"
        " ORDER BY subject_hash, version DESC"
    ),
    "sqlite": text(
        "SELECT subject_hash, max(version), payload_digest, deleted"
        " FROM record_version WHERE resource_id = :resource_id AND subject_hash IN :hashes"
        " GROUP BY subject_hash"
    ).bindparams(bindparam("hashes", expanding=True)),
}


class LoadStatus(StrEnum):
    LOADED = "loaded"  # every row accepted
    PARTIAL = "partial"  # a partial load: the good rows loaded, the others rejected
    REJECTED = "rejected"  # nothing loaded


class LoadInvalid(Invalid):
    """The load has problems and nothing of it was kept; `problems` lists them all."""

    code = "load_invalid"

    def __init__(self, message: str, *, problems: list[Problem], rows_total: int) -> None:
        super().__init__(
            message,
            problems=[p.as_dict() for p in problems[:MAX_REPORTED]],
            problem_count=len(problems),
            rows_total=rows_total,
        )
        self.problems = problems
        self.rows_total = rows_total


@dataclass
class LoadResult:
    """A load that was kept: its report, and (partial loads) the rejected rows with their problems."""

    load: Load
    problems: list[Problem] = field(default_factory=list)
    rejected: list[SourceRow] = field(default_factory=list)


def canonical_json(payload: dict[str, Any]) -> str:
    """`json.dumps(payload, sort_keys=True, ensure_ascii=False)`, the text `records.digest` hashes, made faster.

    Validated payloads come in key order and hold only text, integers, booleans and nulls;
    those are written here directly (about half the time of the encoder, on every row of a
    load). Anything else goes to the encoder itself.
    """
    parts = []
    previous = ""
    for key, value in payload.items():
        if key < previous:
            return _CANONICAL.encode(payload)
        previous = key
        if value.__class__ is str:
            text = _encode_str(value)
        elif value is None:
            text = "null"
        elif value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif value.__class__ is int:
            text = int.__repr__(value)
        else:
            return _CANONICAL.encode(payload)
        prefix = _key_prefixes.get(key)
        if prefix is None:
            prefix = _encode_str(key) + ": "
            if len(_key_prefixes) < 4096:
                _key_prefixes[key] = prefix
        parts.append(prefix + text)
    return "{" + ", ".join(parts) + "}"


class _Graded(Protocol):
    @property
    def subject_key_type(self) -> str: ...
    @property
    def sharing_type(self) -> str: ...
    @property
    def data_grade(self) -> int | None: ...


@dataclass(frozen=True)
class Published:
    """What a load is checked against: the resource as last published in the directory."""

    id: int
    code: str
    department_id: int
    subject_key_type: str
    sharing_type: str
    data_grade: int | None
    items: list[ItemSpec]

    @property
    def key(self) -> ItemSpec:
        return next(i for i in self.items if i.is_subject_key)


def must_encrypt(resource: _Graded, profile: Profile) -> bool:
    """Whether the resource's payloads are encrypted at rest.

    When the profile defines data grades (ZS 8, 33) and the resource has one, the grade
    decides (`encrypt_at_rest`; a grade the profile does not know is encrypted). Otherwise,
    by default, payloads are encrypted for every resource keyed by resident identity number
    (records about persons) and every resource that is not shared unconditionally; only
    unconditional records about organisations or things are stored in clear.
    """
    grades = profile.classification.grades
    if grades.levels and resource.data_grade is not None:
        for grade in grades.levels:
            if grade.level == resource.data_grade:
                return grade.encrypt_at_rest
        return True
    return (
        resource.subject_key_type == SubjectKeyType.RESIDENT_ID
        or resource.sharing_type != SharingType.UNCONDITIONAL
    )


# --- who may ------------------------------------------------------------------------------------


def _is_operator(actor: Actor) -> bool:
    return actor.kind == ActorKind.SYSTEM and actor.has_role(Role.AUTHORITY_ADMIN)


def _check_provider(actor: Actor, department_id: int) -> None:
    # GZ 19 (whoever collects and provides manages); ZS 17: only the providing department
    # loads, through its data officer or its business system; the operator at the CLI too.
    if _is_operator(actor):
        return
    if actor.department_id == department_id and actor.has_role(Role.DATA_OFFICER, Role.SERVICE):
        return
    raise Forbidden(
        "only the providing department loads and reads this resource's data", code="not_your_data"
    )


def _check_reader(actor: Actor, department_id: int) -> None:
    # Load reports: the provider, and the authority that supervises freshness (GZ 19; ZS 18).
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return
    _check_provider(actor, department_id)


def _resource(session: Session, resource_id: int) -> Resource:
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(f"no catalogue entry {resource_id}", code="resource_not_found")
    return resource


def published(session: Session, *, actor: Actor, resource_id: int) -> Published:
    """The published resource a provider loads into (refused: others, and unpublished entries)."""
    resource = _resource(session, resource_id)
    _check_provider(actor, resource.department_id)
    entry = session.get(DirectoryEntry, resource_id)
    if resource.published_version is None or entry is None:
        raise IllegalTransition(
            "data is connected to a published resource; publish the catalogue entry first",
            code="not_published",
        )
    snap = entry.snapshot
    return Published(
        id=resource.id,
        code=resource.code,
        department_id=resource.department_id,
        subject_key_type=snap.get("subject_key_type") or resource.subject_key_type,
        sharing_type=snap.get("sharing_type") or resource.sharing_type,
        data_grade=snap.get("data_grade"),
        items=[ItemSpec.from_snapshot(i) for i in snap.get("items", [])],
    )


def item_names(session: Session, *, actor: Actor, resource_id: int) -> list[str]:
    """The published data item names, in catalogue order (the columns of a load file)."""
    return [i.name for i in published(session, actor=actor, resource_id=resource_id).items]


# --- writing ------------------------------------------------------------------------------------


def _copy_text(value: str) -> str:
    """A text value in COPY's text format (backslash, tab and line breaks escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


class BulkWriter:
    """Appends prepared versions (ROW_COLUMNS tuples): one COPY on PostgreSQL, one executemany on SQLite.

    Both go through the session's own connection, so they are part of its transaction.
    `encode` turns rows into what `send` hands to the driver; the load encodes in its own
    thread and sends from a helper thread. For COPY, the whole batch is encoded into one
    buffer so that the sending thread needs Python's GIL a few times per batch, not once
    per row (a thread waiting for the GIL waits up to the switch interval each time).
    """

    def __init__(
        self,
        session: Session,
        *,
        resource_id: int,
        load_id: int | None,
        recorded_at: Any,
        changed_by: str,
        reason: str,
    ) -> None:
        connection = session.connection()
        self.driver: Any = connection.connection.driver_connection
        self.postgres = connection.dialect.name == "postgresql"
        columns = ", ".join((*ROW_COLUMNS, *CONSTANT_COLUMNS))
        if self.postgres:
            self.sql = f"COPY record_version ({columns}) FROM STDIN"
            load = "\\N" if load_id is None else str(load_id)
            stamp = recorded_at.isoformat()
            self.tail = f"\t{resource_id}\t{load}\t{stamp}\t{_copy_text(changed_by)}\t{_copy_text(reason)}\n"
        else:
            marks = ", ".join("?" * (len(ROW_COLUMNS) + len(CONSTANT_COLUMNS)))
            self.sql = f"INSERT INTO record_version ({columns}) VALUES ({marks})"
            # The timestamp as SQLAlchemy itself would bind it (UTCDateTime on this dialect).
            process = _versions.c.recorded_at.type.bind_processor(connection.dialect)
            self.consts = (
                resource_id,
                load_id,
                process(recorded_at) if process else recorded_at,
                changed_by,
                reason,
            )

    def encode(self, rows: list[tuple[Any, ...]]) -> Any:
        """The batch as the driver takes it: COPY text, or parameter tuples."""
        if not self.postgres:
            consts = self.consts
            return [row + consts for row in rows]
        tail = self.tail
        null = "\\N"
        lines = []
        for h, version, subject_enc, payload, payload_enc, digest, deleted in rows:
            clear = null if payload is None else _copy_text(payload)
            sealed = null if payload_enc is None else _copy_text(payload_enc)
            flag = "t" if deleted else "f"
            lines.append(
                f"{h}\t{version}\t{_copy_text(subject_enc)}\t{clear}\t{sealed}\t{digest}\t{flag}{tail}"
            )
        return "".join(lines).encode()

    def send(self, data: Any) -> None:
        """Hands an encoded batch to the database."""
        if not data:
            return
        if self.postgres:
            with self.driver.cursor() as cursor, cursor.copy(self.sql) as copy:
                copy.write(data)
        else:
            self.driver.executemany(self.sql, data)

    def __call__(self, rows: list[tuple[Any, ...]]) -> None:
        self.send(self.encode(rows))


_URLSAFE = bytes.maketrans(b"+/", b"-_")


class _Sealer:
    """`DataKeyring.blind_index` and `encrypt` for the rows of a batch, with byte-identical output formats.

    Per value the keyring draws a nonce from `secrets` (a system call each) and goes through
    `hmac.new` and `base64`'s wrappers; a load seals two values per row. Here one `os.urandom`
    call draws the random 96-bit nonces of a whole batch, the blind index is the one-shot C
    HMAC, and the tokens are `<key id>.<urlsafe base64(nonce + ciphertext)>` as `encrypt` writes
    them, so `DataKeyring.decrypt` opens them. Same keys, same AES-256-GCM, same AAD.
    """

    NONCE = 12  # kit.crypto.NONCE_BYTES

    def __init__(self, ring: DataKeyring) -> None:
        key_id = ring.current_key_id
        # The keyring keeps its keys to itself; the load reads the two it uses (see the docstring).
        self.aead = ring._keys[key_id]
        self.index_key: bytes = ring._index_key
        self.prefix = f"{key_id}."
        self._nonces = b""
        self._at = 0

    def reserve(self, n: int) -> None:
        """Draws the nonces of the next `n` values in one call."""
        self._nonces = os.urandom(self.NONCE * n)
        self._at = 0

    def blind_index(self, value: str) -> str:
        return hmac.digest(self.index_key, value.encode(), "sha256").hex()[:40]

    def seal(self, plaintext: bytes, aad: bytes) -> str:
        at = self._at
        nonce = self._nonces[at : at + self.NONCE]
        if len(nonce) != self.NONCE:  # never reuse a nonce: draw more if the batch ran out
            self.reserve(64)
            return self.seal(plaintext, aad)
        self._at = at + self.NONCE
        sealed = nonce + self.aead.encrypt(nonce, plaintext, aad)
        return self.prefix + binascii.b2a_base64(sealed, newline=False).translate(_URLSAFE).decode()


@dataclass
class _Counts:
    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    records_delta: int = 0


class _Writer:
    """Turns accepted rows into new versions, a batch at a time.

    The bulk write of one batch runs in a helper thread while the next batch is validated,
    hashed and encrypted: the database's share of the work (SQLite's B-tree inserts run
    without the GIL; PostgreSQL's in the server process) overlaps Python's. At most one write
    is in flight, and nothing else touches the connection until it has finished.
    """

    def __init__(
        self, session: Session, *, resource_id: int, encrypt: bool, write: BulkWriter
    ) -> None:
        self.session = session
        self.resource_id = resource_id
        self.encrypt = encrypt
        self.bulk = write
        self.ring: DataKeyring = (
            keyring()
        )  # once per load: keyring() reads the settings on each call
        self.sealer = _Sealer(self.ring)
        self.counts = _Counts()
        # A resource without any version yet needs no look-ups: a load names each subject once,
        # and the connection lock keeps other loads of this resource out until we commit.
        self.fresh = not session.scalar(
            select(exists().where(_versions.c.resource_id == resource_id))
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._threaded: bool | None = None
        self._cache_size: int | None = None
        if session.get_bind().dialect.name == "sqlite":
            # A large load inserts at random places of the subject index: with SQLite's default
            # 2 MiB page cache it re-reads index pages more and more as the table grows. The cap
            # is raised for this load only (pages are allocated as used) and restored by close().
            driver: Any = session.connection().connection.driver_connection
            self._cache_size = driver.execute("PRAGMA cache_size").fetchone()[0]
            driver.execute(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE_KIB * -1}")

    def _can_thread(self) -> bool:
        if self._threaded is None:
            connection = self.session.connection()
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govshare-load")
            if connection.dialect.name == "sqlite":
                # A SQLite connection opened with check_same_thread refuses other threads.
                driver: Any = connection.connection.driver_connection
                self._threaded = self._pool.submit(lambda: driver.total_changes).exception() is None
            else:
                self._threaded = True
        return self._threaded

    def settle(self) -> None:
        """Waits for the write in flight; raises its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Waits for the write in flight (its error, if any, is left to `settle`) and stops the thread."""
        if self._pending is not None:
            wait([self._pending])
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._cache_size is not None:
            driver: Any = self.session.connection().connection.driver_connection
            driver.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def latest(self, hashes: list[str]) -> dict[str, tuple[int, str, bool]]:
        """(version, digest, deleted) of the latest version of each subject that has one: one query."""
        if self.fresh:
            return {}
        self.settle()
        statement = _LATEST[self.session.get_bind().dialect.name]
        rows = self.session.execute(statement, {"resource_id": self.resource_id, "hashes": hashes})
        return {h: (v, d, bool(x)) for h, v, d, x in rows}

    def write(self, batch: list[CleanRow], *, last: bool = False) -> None:
        """Writes the batch's new versions (in the background unless it is the last batch)."""
        out = self.prepare(batch)
        self.settle()
        if last or not out or not self._can_thread():
            self.bulk(out)
        else:
            assert self._pool is not None
            self._pending = self._pool.submit(self.bulk.send, self.bulk.encode(out))

    def prepare(self, batch: list[CleanRow]) -> list[tuple[Any, ...]]:
        """The new versions of a batch (ROW_COLUMNS tuples); unchanged rows are skipped."""
        rid, counts, sealer = self.resource_id, self.counts, self.sealer
        # Locals: this loop runs once per row of every load.
        seal, blake2b, to_json = sealer.seal, hashlib.blake2b, canonical_json
        blind_index = sealer.blind_index
        hashes = [blind_index(row.subject) for row in batch]
        latest = self.latest(hashes)
        sealer.reserve(2 * len(batch))  # a subject and a payload per row at most
        aad_prefix = f"{rid}:"  # records.aad
        out: list[tuple[Any, ...]] = []
        for row, h in zip(batch, hashes, strict=True):
            prev = latest.get(h)
            if row.delete:
                if prev is None or prev[2]:  # nothing to delete
                    counts.unchanged += 1
                    continue
                binding = (aad_prefix + h).encode()
                out.append(
                    (
                        h,
                        prev[0] + 1,
                        seal(row.subject.encode(), binding),
                        None,
                        None,
                        TOMBSTONE_DIGEST,
                        True,
                    )
                )
                counts.deleted += 1
                counts.records_delta -= 1
                continue
            text = to_json(row.payload)
            data = text.encode()
            digest = blake2b(data, digest_size=16).hexdigest()
            if prev is None:
                version = 1
                counts.records_delta += 1
            elif prev[2]:
                version = prev[0] + 1
                counts.records_delta += 1
            elif prev[1] == digest:
                counts.unchanged += 1
                continue
            else:
                version = prev[0] + 1
            binding = (aad_prefix + h).encode()
            subject_enc = seal(row.subject.encode(), binding)
            if self.encrypt:
                out.append((h, version, subject_enc, None, seal(data, binding), digest, False))
            else:
                out.append((h, version, subject_enc, text, None, digest, False))
        counts.written += len(out) - sum(1 for r in out if r[6])
        return out


def _lock_connection(session: Session, resource_id: int, now: Any) -> Connection:
    """The resource's connection row, created on the first load and locked until commit.

    The lock serialises loads of one resource (two loads computing the same next version
    would collide); SQLite's write lock already does that.
    """
    dialect = session.get_bind().dialect.name
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        make_insert(_connections)
        .values(resource_id=resource_id, connected_at=now, records=0)
        .on_conflict_do_nothing(index_elements=["resource_id"])
    )
    stmt = select(Connection).where(Connection.resource_id == resource_id).with_for_update()
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def _run(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    rows: Iterable[SourceRow],
    method: str,
    filename: str,
    partial: bool,
    today: date | None,
    progress: Progress | None,
    reason: str = "",
) -> LoadResult:
    target = published(session, actor=actor, resource_id=resource_id)
    validator = Validator(target.items, target.subject_key_type)
    columns = rows.columns if isinstance(rows, Source) else None
    if columns is not None:
        header = validator.check_columns(columns)
        if header:
            raise LoadInvalid(
                "the file's columns do not match the resource's data items",
                problems=header,
                rows_total=0,
            )
    total = len(rows) if isinstance(rows, Sized) else getattr(rows, "size_hint", None)
    now = utcnow()
    with session.begin_nested():  # rolled back (nothing kept) when the load is refused
        connection = _lock_connection(session, target.id, now)
        job = Load(
            resource_id=target.id,
            department_id=target.department_id,
            actor_name=actor.name,
            method=method,
            filename=filename[:200],
            status=LoadStatus.LOADED,
            partial=partial,
            problems=[],
            started_at=now,
        )
        session.add(job)
        session.flush()  # the versions name the load
        writer = _Writer(
            session,
            resource_id=target.id,
            encrypt=must_encrypt(target, get_active_profile()),
            write=BulkWriter(
                session,
                resource_id=target.id,
                load_id=job.id,
                recorded_at=now,
                changed_by=actor.name,
                reason=reason,
            ),
        )
        problems: list[Problem] = []
        rejected: list[SourceRow] = []
        batch: list[CleanRow] = []
        seen = 0
        try:
            for row in rows:
                seen += 1
                checked = validator.check(row)
                if isinstance(checked, CleanRow):
                    if partial or not problems:
                        batch.append(checked)
                else:
                    problems.extend(checked)
                    if partial:
                        rejected.append(row)
                    else:
                        batch.clear()  # nothing more is written: the load will be refused
                if len(batch) >= BATCH_SIZE:
                    writer.write(batch)
                    batch = []
                if progress is not None and seen % BATCH_SIZE == 0:
                    progress(seen, total)
            if seen == 0:
                raise LoadInvalid("nothing to load: there are no rows", problems=[], rows_total=0)
            if problems and not partial:
                bad = len({p.row for p in problems})
                raise LoadInvalid(
                    f"{bad} of {seen} rows have problems ({len(problems)} in all); nothing was loaded",
                    problems=problems,
                    rows_total=seen,
                )
            writer.write(batch, last=True)
        finally:
            writer.close()  # nothing may use the connection while a write is in flight
        if progress is not None:
            progress(seen, total)
        counts = writer.counts
        accepted = seen - len(rejected)
        job.status = (
            LoadStatus.LOADED
            if not rejected
            else LoadStatus.PARTIAL
            if accepted
            else LoadStatus.REJECTED
        )
        job.rows_total = seen
        job.rows_written = counts.written
        job.rows_unchanged = counts.unchanged
        job.rows_deleted = counts.deleted
        job.rows_rejected = len(rejected)
        job.problems = [p.as_dict() for p in problems[:MAX_REPORTED]]
        job.finished_at = utcnow()
        if accepted:
            # A load the provider sends is its statement that the data is current (GZ 19; ZS 18).
            day = today or date.today()
            # Never backwards: a load dated before the last one does not make the data older.
            if connection.last_updated_on is None or day >= connection.last_updated_on:
                connection.last_updated_at = now
                connection.last_updated_on = day
            connection.records += counts.records_delta
            # ZS 17; JS 11: linked items are compared with the other source for the changed subjects.
            divergence.compare(
                session, actor=actor, resource_id=target.id, load_id=job.id, today=today
            )
        audit.record(
            session,
            actor=actor,
            action="data.load",
            object_type="resource",
            object_id=target.id,
            details={
                "load_id": job.id,
                "method": method,
                "status": str(job.status),
                "rows_total": seen,
                "rows_written": counts.written,
                "rows_unchanged": counts.unchanged,
                "rows_deleted": counts.deleted,
                "rows_rejected": len(rejected),
                "payload_encrypted": writer.encrypt,
            },
        )
    return LoadResult(load=job, problems=problems, rejected=rejected)


def load(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    rows: Iterable[SourceRow],
    method: str,
    filename: str = "",
    partial: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Validates and loads rows into a published resource: all or nothing, or the good rows when `partial`."""
    return _run(
        session,
        actor=actor,
        resource_id=resource_id,
        rows=rows,
        method=method,
        filename=filename,
        partial=partial,
        today=today,
        progress=progress,
    )


def push(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    records: Sequence[Any],
    partial: bool = False,
    today: date | None = None,
    reason: str = "",
) -> LoadResult:
    """Loads records a business system sends over the API (objects by item name; `"_delete": true` deletes).

    `reason` is written on every new version (e.g. the verification request a correction answers).
    """
    if len(records) > MAX_PUSH:
        raise Invalid(
            f"send at most {MAX_PUSH} records per call", code="too_many_records", limit=MAX_PUSH
        )
    rows = [json_row(n, record) for n, record in enumerate(records, start=1)]
    return _run(
        session,
        actor=actor,
        resource_id=resource_id,
        rows=rows,
        method="api",
        filename="",
        partial=partial,
        today=today,
        progress=None,
        reason=reason,
    )


def delete_subjects(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    subjects: Sequence[str],
    reason: str = "",
    method: str = "api",
    today: date | None = None,
) -> LoadResult:
    """Deletes subjects' records: each gets a tombstone version (its history stays)."""
    if len(subjects) > MAX_PUSH:
        raise Invalid(
            f"send at most {MAX_PUSH} subjects per call", code="too_many_records", limit=MAX_PUSH
        )
    key = published(session, actor=actor, resource_id=resource_id).key.name
    rows = [
        SourceRow(number=n, values={key: s}, delete=True) for n, s in enumerate(subjects, start=1)
    ]
    return _run(
        session,
        actor=actor,
        resource_id=resource_id,
        rows=rows,
        method=method,
        filename="",
        partial=False,
        today=today,
        progress=None,
        reason=reason,
    )


def record_failure(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    method: str,
    error: LoadInvalid,
    filename: str = "",
    partial: bool = False,
) -> Load:
    """Records a refused load and its problems; call it in a new transaction (the load's own was rolled back)."""
    resource = _resource(session, resource_id)
    _check_provider(actor, resource.department_id)
    now = utcnow()
    job = Load(
        resource_id=resource.id,
        department_id=resource.department_id,
        actor_name=actor.name,
        method=method,
        filename=filename[:200],
        status=LoadStatus.REJECTED,
        partial=partial,
        rows_total=error.rows_total,
        rows_rejected=len({p.row for p in error.problems}),
        problems=[p.as_dict() for p in error.problems[:MAX_REPORTED]],
        started_at=now,
        finished_at=now,
    )
    session.add(job)
    session.flush()  # the audit entry names the load
    audit.record(
        session,
        actor=actor,
        action="data.load_refused",
        object_type="resource",
        object_id=resource.id,
        details={
            "load_id": job.id,
            "method": method,
            "rows_total": error.rows_total,
            "problems": len(error.problems),
        },
    )
    return job


# --- reading one's own --------------------------------------------------------------------------


def list_loads(
    session: Session, *, actor: Actor, resource_id: int, page: int = 1, per_page: int = 50
) -> Page[Load]:
    """A resource's loads, newest first (the provider's, and the authority's view)."""
    _check_reader(actor, _resource(session, resource_id).department_id)
    stmt = select(Load).where(Load.resource_id == resource_id).order_by(Load.id.desc())
    return paginate(session, stmt, page=page, per_page=per_page)


def get_load(session: Session, *, actor: Actor, load_id: int) -> Load:
    """One load's report."""
    job = session.get(Load, load_id)
    if job is None:
        raise NotFound(f"no load {load_id}", code="load_not_found")
    _check_reader(actor, job.department_id)
    return job


def connection_of(session: Session, *, actor: Actor, resource_id: int) -> Connection | None:
    """The resource's connection (None until its first load)."""
    _check_reader(actor, _resource(session, resource_id).department_id)
    return session.get(Connection, resource_id)


def export(session: Session, *, actor: Actor, resource_id: int) -> Iterator[dict[str, Any]]:
    """The provider's own current records, decrypted, by item name in catalogue order; audited."""
    target = published(session, actor=actor, resource_id=resource_id)
    connection = session.get(Connection, target.id)
    # Written before the first row is read, so an export that is not audited returns nothing.
    audit.record(
        session,
        actor=actor,
        action="data.export",
        object_type="resource",
        object_id=target.id,
        details={"records": connection.records if connection else 0},
    )
    return _current_rows(session, target)


def _current_rows(session: Session, target: Published) -> Iterator[dict[str, Any]]:
    latest = (
        select(_versions.c.subject_hash, func.max(_versions.c.version).label("version"))
        .where(_versions.c.resource_id == target.id)
        .group_by(_versions.c.subject_hash)
        .subquery()
    )
    stmt = (
        select(
            _versions.c.subject_hash,
            _versions.c.subject_enc,
            _versions.c.payload,
            _versions.c.payload_enc,
        )
        .join(
            latest,
            and_(
                _versions.c.subject_hash == latest.c.subject_hash,
                _versions.c.version == latest.c.version,
            ),
        )
        .where(_versions.c.resource_id == target.id, _versions.c.deleted.is_(False))
        .order_by(_versions.c.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    ring = keyring()
    key = target.key.name
    names = [i.name for i in target.items]
    for h, subject_enc, payload, payload_enc in session.execute(stmt):
        binding = records.aad(target.id, h)
        values = (
            json.loads(ring.decrypt(payload_enc, aad=binding)) if payload_enc else (payload or {})
        )
        values[key] = ring.decrypt(subject_enc, aad=binding).decode()
        yield {name: values.get(name) for name in names}
