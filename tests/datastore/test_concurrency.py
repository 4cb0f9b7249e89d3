"""Two loads of one resource at once: the second waits for the first, and versions never collide."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from govshare.datastore import parsing, records, service
from govshare.datastore.models import RecordVersion
from govshare.db import make_engine, make_session_factory, transaction
from tests.datastore import builders as b


def test_concurrent_loads_of_one_resource_are_serialised(
    database_factory, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # ZS 17 (one data, one source): concurrent updates of one resource never lose or fork a version.
    monkeypatch.setattr(service, "BATCH_SIZE", 5)
    engine = make_engine(database_factory())
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        dept, officer = b.provider(session)
        rid = b.resource(session, dept).id
        # Connected already: the connection row exists, so only its lock keeps the loads apart.
        service.push(session, actor=officer, resource_id=rid, records=[b.person(b.next_n())])
    people = [b.person(b.next_n(), 婚姻状况="未婚") for _ in range(12)]
    changed = [{**p, "婚姻状况": "已婚"} for p in people]
    first_is_writing = threading.Event()
    errors: list[BaseException] = []

    def run(rows: list[dict[str, Any]], pause: bool) -> None:
        def progress(done: int, total: int | None) -> None:
            if pause and not first_is_writing.is_set():
                first_is_writing.set()
                threading.Event().wait(0.5)  # hold the lock while the other load starts

        try:
            with transaction(factory) as session:
                service.load(
                    session,
                    actor=officer,
                    resource_id=rid,
                    rows=parsing.read(io.BytesIO(b.csv_bytes(rows)), filename="people.csv"),
                    method="cli",
                    progress=progress,
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    first = threading.Thread(target=run, args=(people, True))
    first.start()
    assert first_is_writing.wait(30)
    second = threading.Thread(target=run, args=(changed, False))
    second.start()
    first.join(60)
    second.join(60)
    assert errors == []
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(RecordVersion)) == 25
        for p in people:
            record = records.current_one(
                session, resource_id=rid, subject_hash_=records.subject_hash(p["公民身份号码"])
            )
            assert record is not None and (record.version, record.payload["婚姻状况"]) == (
                2,
                "已婚",
            )
    engine.dispose()
