"""Audit log benchmark: chained appends vs plain inserts, and verify throughput.

    python bench/audit_bench.py [--url URL] [--n N] [--verify-n 1000000]

Without --url it works in a temporary SQLite file. With a PostgreSQL URL it creates a
scratch database on that server (needs CREATEDB) and drops it afterwards. Signing keys
go to a temporary folder, never to the configured key_dir.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from govshare import migrate
from govshare.db import make_engine, make_session_factory, transaction

GENERATE_BATCH = 10_000
CHECKPOINT_EVERY = 10_000


@contextmanager
def scratch_database(url: str | None, tmp: Path) -> Iterator[str]:
    """A new, migrated, empty database; dropped afterwards when it is on a server."""
    if url is None or url.startswith("sqlite"):
        target = f"sqlite:///{tmp / 'audit_bench.db'}"
        migrate.upgrade(url=target)
        yield target
        return
    name = f"govshare_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url=target)
        yield target
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f} /s  ({seconds * 1e6 / n:,.1f} µs each, {n:,} in {seconds:.2f} s)"


def timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report_ratio(chain_s: float, plain_s: float) -> None:
    print(
        f"  ratio: a chained append takes {chain_s / plain_s:.2f}x the time of a plain insert "
        f"(chained throughput = {plain_s / chain_s:.0%} of plain)"
    )


def reset_audit_tables(engine: Engine) -> None:
    from govshare.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry

    with transaction(make_session_factory(engine)) as session:
        for model in (AuditCheckpoint, AuditChainHead, AuditEntry):
            session.execute(delete(model))


def bench_appends(engine: Engine, n: int) -> None:
    from govshare.audit import service as audit
    from govshare.audit.models import AuditEntry
    from govshare.kit.actor import Actor, ActorKind, Method

    factory = make_session_factory(engine)
    actor = Actor(
        kind=ActorKind.SERVICE, id=7, name="tax-system", method=Method.API, department_id=3
    )
    details = {"fields": ["name", "address"], "subject": "bi:3f9a0c"}
    plain_seq = iter(range(10**12, 10**13))

    def plain_row() -> dict[str, Any]:
        return {
            "seq": next(plain_seq),
            "occurred_at": datetime.now(UTC),
            "actor_kind": "service",
            "actor_id": 7,
            "actor_name": "tax-system",
            "department_id": 3,
            "action": "sharing.query",
            "object_type": "resource",
            "object_id": "12",
            "purpose": "benefit eligibility",
            "method": "api",
            "details": details,
            "prev_hash": "",
            "entry_hash": "",
        }

    def chained(session: Session) -> None:
        audit.record(
            session,
            actor=actor,
            action="sharing.query",
            object_type="resource",
            object_id=12,
            purpose="benefit eligibility",
            details=details,
        )

    plain_insert = insert(
        AuditEntry.metadata.tables["audit_entry"]
    )  # the statement record() executes, built once

    def plain(session: Session) -> None:
        session.connection().execute(plain_insert, plain_row())

    def one_per_transaction(step: Callable[[Session], None]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(n):
                with transaction(factory) as session:
                    step(session)

        return run

    def all_in_one_transaction(step: Callable[[Session], None]) -> Callable[[], None]:
        def run() -> None:
            with transaction(factory) as session:
                for _ in range(n):
                    step(session)

        return run

    # Warm up connections, statement caches and the head row.
    one_per_transaction(chained)()
    one_per_transaction(plain)()

    print(f"\nAppends, one entry per committed transaction (n={n:,}):")
    plain_s = timed(one_per_transaction(plain))
    chain_s = timed(one_per_transaction(chained))
    print(f"  plain insert      {rate(n, plain_s)}")
    print(f"  audit.record      {rate(n, chain_s)}")
    report_ratio(chain_s, plain_s)

    print(f"\nAppends, {n:,} entries in one transaction (the per-entry CPU cost of the chain):")
    plain_s = timed(all_in_one_transaction(plain))
    chain_s = timed(all_in_one_transaction(chained))
    print(f"  plain insert      {rate(n, plain_s)}")
    print(f"  audit.record      {rate(n, chain_s)}")
    report_ratio(chain_s, plain_s)


def generate_chain(engine: Engine, total: int) -> None:
    """Writes a valid chain of `total` entries with a checkpoint every CHECKPOINT_EVERY, fast."""
    from govshare.audit import keys
    from govshare.audit import service as audit
    from govshare.audit.models import AuditChainHead, AuditCheckpoint, AuditEntry

    key_id, private_key = keys.load_signing_key()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    prev = audit.GENESIS_HASH
    factory = make_session_factory(engine)
    actions = ("sharing.query", "sharing.verify", "catalogue.updated", "orgs.user_created")
    seq = 0
    while seq < total:
        rows: list[dict[str, Any]] = []
        checkpoints: list[dict[str, Any]] = []
        for _ in range(min(GENERATE_BATCH, total - seq)):
            seq += 1
            row: dict[str, Any] = {
                "seq": seq,
                "occurred_at": start + timedelta(milliseconds=seq),
                "actor_kind": "service",
                "actor_id": seq % 50,
                "actor_name": f"system-{seq % 50}",
                "department_id": seq % 30,
                "action": actions[seq % len(actions)],
                "object_type": "resource",
                "object_id": str(seq % 1000),
                "purpose": "benefit eligibility" if seq % 3 else None,
                "method": "api",
                "details": {"fields": ["name", "address"], "subject": f"bi:{seq:012x}"},
                "prev_hash": prev,
            }
            prev = row["entry_hash"] = audit.compute_entry_hash(row)
            rows.append(row)
            if seq % CHECKPOINT_EVERY == 0 or seq == total:
                signed_at = row["occurred_at"] + timedelta(seconds=1)
                message = audit.checkpoint_message(seq=seq, entry_hash=prev, signed_at=signed_at)
                checkpoints.append(
                    {
                        "seq": seq,
                        "entry_hash": prev,
                        "signed_at": signed_at,
                        "key_id": key_id,
                        "signature": private_key.sign(message).hex(),
                    }
                )
        with transaction(factory) as session:
            connection = session.connection()
            connection.execute(
                insert(AuditEntry.metadata.tables["audit_entry"]), rows
            )  # executemany
            if checkpoints:
                connection.execute(
                    insert(AuditCheckpoint.metadata.tables["audit_checkpoint"]), checkpoints
                )
        if seq % 100_000 == 0:
            print(f"  ... {seq:,} entries", flush=True)
    with transaction(factory) as session:
        session.execute(insert(AuditChainHead).values(id=1, last_seq=total, last_hash=prev))


def bench_verify(engine: Engine, total: int) -> None:
    from govshare.audit import service as audit

    print(f"\nVerify over {total:,} entries (checkpoint every {CHECKPOINT_EVERY:,}):")
    reset_audit_tables(engine)
    gen_start = time.perf_counter()
    generate_chain(engine, total)
    print(f"  setup: generated and inserted in {time.perf_counter() - gen_start:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE audit_entry"))
            conn.commit()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with transaction(make_session_factory(engine)) as session:
        start = time.perf_counter()
        result = audit.verify(session)
        seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not result.ok or result.entries_checked != total:
        sys.exit(f"verify failed on a generated chain: {result}")
    print(f"  verify            {rate(total, seconds)}")
    print(f"  checkpoints verified: {result.checkpoints_checked:,}")
    peak, before = rss_after / 1024, rss_before / 1024
    print(f"  peak RSS of this process: {peak:,.0f} MiB (before verify {before:,.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a PostgreSQL server URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--n", type=int, default=2000, help="appends per measurement (default 2000)"
    )
    parser.add_argument(
        "--verify-n", type=int, default=1_000_000, help="entries to verify (default 1,000,000)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govshare-audit-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        os.environ["GOVSHARE_KEY_DIR"] = str(tmp / "keys")  # never the operator's real key
        with scratch_database(args.url, tmp) as url:
            engine = make_engine(url)
            try:
                where = make_url(url).render_as_string()  # hides the password
                print(f"govshare audit benchmark on {engine.dialect.name} ({where})")
                bench_appends(engine, args.n)
                bench_verify(engine, args.verify_n)
            finally:
                engine.dispose()


if __name__ == "__main__":
    main()
