"""Concurrent appenders, each with its own engine, on a database with real commits."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.audit.models import AuditCheckpoint, AuditEntry
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.actor import Actor, ActorKind, Method

WRITERS = 4
TRANSACTIONS = 40
PER_TRANSACTION = 3


@pytest.fixture(autouse=True)
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "keys"
    monkeypatch.setenv("GOVSHARE_KEY_DIR", str(folder))
    return folder


def _writer(url: str, writer: int, errors: list[BaseException], barrier: threading.Barrier) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    actor = Actor(kind=ActorKind.SERVICE, id=writer, name=f"writer-{writer}", method=Method.API)
    try:
        barrier.wait()
        for tx in range(TRANSACTIONS):
            with transaction(factory) as session:
                for k in range(PER_TRANSACTION):
                    audit.record(
                        session,
                        actor=actor,
                        action="sharing.query",
                        object_type="resource",
                        object_id=k,
                        details={"writer": writer, "tx": tx, "k": k},
                    )
    except BaseException as exc:
        errors.append(exc)
    finally:
        engine.dispose()


def _checkpointer(url: str, stop: threading.Event, errors: list[BaseException]) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        while not stop.is_set():
            with transaction(factory) as session:
                audit.checkpoint(session)
            stop.wait(0.01)
    except BaseException as exc:
        errors.append(exc)
    finally:
        engine.dispose()


def _check_log(url: str, expected: int) -> tuple[list[AuditEntry], int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            result = audit.verify(session)
            assert result.ok, result
            assert result.entries_checked == expected
            rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
            checkpoints = len(session.scalars(select(AuditCheckpoint)).all())
    finally:
        engine.dispose()
    assert [e.seq for e in rows] == list(range(1, expected + 1))
    return rows, checkpoints


def _assert_transactions_contiguous(rows: list[AuditEntry]) -> None:
    # The head lock is held from a transaction's first entry to its commit, so no other
    # transaction's entries can fall between them.
    seqs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for entry in rows:
        seqs[(entry.details["writer"], entry.details["tx"])].append(entry.seq)
    for key, found in seqs.items():
        assert len(found) == PER_TRANSACTION, key
        assert found == list(range(found[0], found[0] + PER_TRANSACTION)), key


def test_concurrent_threads_keep_one_contiguous_verifiable_chain(
    database_factory: Callable[[], str],
) -> None:
    url = database_factory()
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)
    stop = threading.Event()
    threads = [
        threading.Thread(target=_writer, args=(url, w, errors, barrier)) for w in range(WRITERS)
    ]
    checkpointers = [
        threading.Thread(target=_checkpointer, args=(url, stop, errors)) for _ in range(2)
    ]
    for t in threads + checkpointers:
        t.start()
    for t in threads:
        t.join(timeout=300)
    stop.set()
    for t in checkpointers:
        t.join(timeout=60)

    assert errors == []
    rows, checkpoints = _check_log(url, WRITERS * TRANSACTIONS * PER_TRANSACTION)
    _assert_transactions_contiguous(rows)
    assert checkpoints >= 1


_PROCESS_SCRIPT = textwrap.dedent(
    """
    import sys
    from govshare.audit import service as audit
    from govshare.db import make_engine, make_session_factory, transaction
    from govshare.kit.actor import Actor, ActorKind, Method

    url = sys.argv[1]
    writer, transactions, per_tx = (int(a) for a in sys.argv[2:5])
    engine = make_engine(url)
    factory = make_session_factory(engine)
    actor = Actor(kind=ActorKind.SERVICE, id=writer, name=f"proc-{writer}", method=Method.API)
    for tx in range(transactions):
        with transaction(factory) as session:
            for k in range(per_tx):
                audit.record(session, actor=actor, action="sharing.query", object_type="resource",
                             object_id=k, details={"writer": writer, "tx": tx, "k": k})
        if tx % 10 == 0:
            with transaction(factory) as session:
                audit.checkpoint(session)
    engine.dispose()
    """
)


def test_concurrent_processes_keep_one_contiguous_verifiable_chain(
    database_factory: Callable[[], str],
) -> None:
    url = database_factory()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _PROCESS_SCRIPT,
                url,
                str(w),
                str(TRANSACTIONS),
                str(PER_TRANSACTION),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    rows, checkpoints = _check_log(url, WRITERS * TRANSACTIONS * PER_TRANSACTION)
    _assert_transactions_contiguous(rows)
    assert checkpoints >= 1
