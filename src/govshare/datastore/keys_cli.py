"""`govshare keys …`: rotate the data key and re-encrypt stored values; show which keys values are sealed with.

Rotation makes a new data key current and re-encrypts every value sealed with an older
key (`record_version.subject_enc` and `payload_enc`), a batch at a time, each batch in its
own committed transaction, walking the table by id. A value already on the current key is
skipped, so an interrupted rotation is finished by running `rotate` again: while values
remain on older keys, `rotate` resumes instead of making yet another key. Old keys stay
in the key directory (values written by a process that has not yet noticed the rotation
still open); see docs/keys.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast

import typer
from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from govshare.datastore import records
from govshare.datastore.models import RecordVersion
from govshare.kit.actor import Actor

app = typer.Typer(help="Data keys: rotate, status.", no_args_is_help=True)

BATCH_SIZE = 5000
_versions = cast(Table, RecordVersion.__table__)
_UPDATE = (
    update(_versions)
    .where(_versions.c.id == bindparam("b_id"))
    .values(subject_enc=bindparam("b_subject"), payload_enc=bindparam("b_payload"))
)


@dataclass
class Rotation:
    """What a rotation run did."""

    key_id: str
    new_key: bool
    batches: int = 0
    values: int = 0
    finished: bool = False


def _stale(key_id: str) -> Any:
    prefix = f"{key_id}."
    return or_(
        ~_versions.c.subject_enc.startswith(prefix, autoescape=True),
        _versions.c.payload_enc.is_not(None)
        & ~_versions.c.payload_enc.startswith(prefix, autoescape=True),
    )


def remaining(session: Session, *, key_id: str) -> int:
    """How many stored versions hold a value sealed with another key than `key_id`."""
    return session.scalar(select(func.count()).select_from(_versions).where(_stale(key_id))) or 0


def reencrypt_batch(
    session: Session, *, key_id: str, after_id: int, size: int = BATCH_SIZE
) -> tuple[int, int]:
    """Re-encrypts the next `size` versions (by id, after `after_id`) not on the current key; (rows, last id)."""
    from govshare.audit import service as audit
    from govshare.kit.crypto import keyring

    ring = keyring()
    if ring.current_key_id != key_id:
        raise RuntimeError(
            f"the current key changed to {ring.current_key_id} during the rotation to {key_id}"
        )
    rows = session.execute(
        select(
            _versions.c.id,
            _versions.c.resource_id,
            _versions.c.subject_hash,
            _versions.c.subject_enc,
            _versions.c.payload_enc,
        )
        .where(_versions.c.id > after_id, _stale(key_id))
        .order_by(_versions.c.id)
        .limit(size)
    ).all()
    if not rows:
        return 0, after_id
    changes = []
    for row_id, resource_id, subject_hash, subject_enc, payload_enc in rows:
        binding = records.aad(resource_id, subject_hash)
        changes.append(
            {
                "b_id": row_id,
                # Reading through the old key proves the value is intact before it is replaced.
                "b_subject": ring.encrypt(ring.decrypt(subject_enc, aad=binding), aad=binding),
                "b_payload": None
                if payload_enc is None
                else ring.encrypt(ring.decrypt(payload_enc, aad=binding), aad=binding),
            }
        )
    session.connection().execute(_UPDATE, changes)  # executemany
    last = rows[-1][0]
    audit.record(
        session,
        actor=Actor.operator(),
        action="keys.reencrypt",
        object_type="data_key",
        object_id=key_id,
        details={"versions": len(changes), "first_id": rows[0][0], "last_id": last},
    )
    return len(changes), last


def rotate(
    factory: sessionmaker[Session],
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
    new_key: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Rotation:
    """Makes a new data key current (unless a rotation is unfinished) and re-encrypts older values, batch by batch.

    Each batch is its own transaction. `max_batches` stops early (tests, or a maintenance
    window); running again resumes. `new_key` forces (True) or forbids (False) a new key.
    """
    from govshare.audit import service as audit
    from govshare.db import transaction
    from govshare.kit.crypto import forget_keyrings, keyring

    forget_keyrings()  # another process may have rotated since this one read the key directory
    ring = keyring()
    with transaction(factory) as session:
        left = remaining(session, key_id=ring.current_key_id)
    make_key = new_key if new_key is not None else left == 0
    if make_key:
        previous = ring.current_key_id
        key_id = ring.rotate()
        with transaction(factory) as session:
            audit.record(
                session,
                actor=Actor.operator(),
                action="keys.rotate",
                object_type="data_key",
                object_id=key_id,
                details={"previous_key": previous},
            )
            left = remaining(session, key_id=key_id)
    else:
        key_id = ring.current_key_id
    report = Rotation(key_id=key_id, new_key=make_key)
    after = 0
    while max_batches is None or report.batches < max_batches:
        with transaction(factory) as session:
            done, after = reencrypt_batch(session, key_id=key_id, after_id=after, size=batch_size)
        if not done:
            report.finished = True
            break
        report.batches += 1
        report.values += done
        if progress is not None:
            progress(report.values, left)
    return report


def key_counts(session: Session) -> dict[str, tuple[int, int]]:
    """Per key id: how many stored subjects and payloads it seals."""

    def key_of(column: Any) -> Any:
        if session.get_bind().dialect.name == "postgresql":
            return func.split_part(column, ".", 1)
        return func.substr(column, 1, func.instr(column, ".") - 1)

    out: dict[str, list[int]] = {}
    for column, slot in ((_versions.c.subject_enc, 0), (_versions.c.payload_enc, 1)):
        key = key_of(column).label("key_id")
        stmt = select(key, func.count()).where(column.is_not(None)).group_by(key)
        for key_id, count in session.execute(stmt):
            out.setdefault(key_id, [0, 0])[slot] = count
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


@app.command("rotate")
def rotate_command(
    batch_size: Annotated[
        int, typer.Option(min=1, help="versions per committed batch")
    ] = BATCH_SIZE,
    max_batches: Annotated[
        int | None, typer.Option(min=1, help="stop after this many batches (run again to resume)")
    ] = None,
    new_key: Annotated[
        bool | None,
        typer.Option(
            "--new-key/--resume", help="force a new key, or only finish an unfinished rotation"
        ),
    ] = None,
) -> None:
    """Makes a new data key current and re-encrypts every value sealed with an older one (resumable)."""
    from govshare import runtime

    def show(done: int, total: int) -> None:
        typer.echo(f"re-encrypted {done:,} of {total:,} versions", err=True)

    report = rotate(
        runtime.session_factory(),
        batch_size=batch_size,
        max_batches=max_batches,
        new_key=new_key,
        progress=show,
    )
    verb = "new current data key" if report.new_key else "resuming the rotation to data key"
    typer.echo(
        f"{verb} {report.key_id}: {report.values:,} versions re-encrypted in {report.batches} batches"
    )
    if not report.finished:
        typer.echo("stopped before the end: run `govshare keys rotate` again to finish", err=True)


@app.command()
def status() -> None:
    """How many stored values each data key seals; the current key is marked."""
    from govshare.cli_support import session_scope
    from govshare.kit.crypto import forget_keyrings, keyring

    forget_keyrings()
    ring = keyring()
    with session_scope() as session:
        counts = key_counts(session)
    typer.echo(f"current data key: {ring.current_key_id}")
    if ring.current_key_id not in counts:
        counts[ring.current_key_id] = (0, 0)
    for key_id, (subjects, payloads) in sorted(counts.items()):
        mark = " (current)" if key_id == ring.current_key_id else ""
        known = (ring.folder / "keys" / f"{key_id}.key").exists()
        missing = "" if known else "  MISSING from the key directory: these values cannot be read"
        typer.echo(f"  {key_id}{mark}: {subjects:,} subjects, {payloads:,} payloads{missing}")
    stale = sum(s + p for k, (s, p) in counts.items() if k != ring.current_key_id)
    if stale:
        typer.echo(
            f"{stale:,} values on older keys: run `govshare keys rotate` to finish re-encrypting",
            err=True,
        )
