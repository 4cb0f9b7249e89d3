"""Data key rotation: re-encryption in committed batches, resumable after an interruption; key status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from govshare import runtime
from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.datastore import keys_cli, records, service
from govshare.datastore.models import RecordVersion
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.crypto import forget_keyrings, keyring
from tests.datastore import builders as b

runner = CliRunner()


@pytest.fixture()
def world(
    database_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SimpleNamespace]:  # type: ignore[no-untyped-def]
    """A database of its own (batches commit) and a key directory of its own (rotation writes keys)."""
    url = database_factory()
    monkeypatch.setenv("GOVSHARE_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    runtime.reset()
    forget_keyrings()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    people = [b.person(b.next_n()) for _ in range(23)]
    with transaction(factory) as session:
        dept, officer = b.provider(session)
        resource = b.resource(session, dept)
        service.push(session, actor=officer, resource_id=resource.id, records=people[:20])
        service.push(
            session, actor=officer, resource_id=resource.id, records=[{**people[0], "姓名": "改"}]
        )
        service.delete_subjects(
            session,
            actor=officer,
            resource_id=resource.id,
            subjects=[people[1]["公民身份号码"]],
            reason="x",
        )
        service.push(session, actor=officer, resource_id=resource.id, records=people[20:])
        rid = resource.id
    yield SimpleNamespace(factory=factory, rid=rid, people=people, url=url)
    engine.dispose()
    runtime.reset()
    forget_keyrings()


def _key_ids(session: Session) -> set[str]:
    rows = session.execute(select(RecordVersion.subject_enc, RecordVersion.payload_enc)).all()
    return {v.partition(".")[0] for row in rows for v in row if v is not None}


def _all_open(session: Session, world: SimpleNamespace) -> None:
    hashes = [records.subject_hash(p["公民身份号码"]) for p in world.people]
    current = records.current(session, resource_id=world.rid, subject_hashes=hashes)
    assert len(current) == 22 and current[hashes[0]].payload["姓名"] == "改"
    for row in session.scalars(select(RecordVersion)):
        records.open_row(row)  # every version, tombstones and old ones too


def test_rotation_stops_after_n_batches_and_resumes_to_the_end(world: SimpleNamespace) -> None:
    # ZS 33: graded security protection of government data; keys rotate without losing a value.
    old_key = keyring().current_key_id
    with transaction(world.factory) as session:
        total = keys_cli.remaining(session, key_id="none")
    assert total == 25  # 20 + 1 change + 1 tombstone + 3

    first = keys_cli.rotate(world.factory, batch_size=4, max_batches=3)
    assert (first.new_key, first.batches, first.values, first.finished) == (True, 3, 12, False)
    new_key = first.key_id
    assert new_key != old_key and keyring().current_key_id == new_key
    with transaction(world.factory) as session:
        assert keys_cli.key_counts(session) == {old_key: (13, 12), new_key: (12, 12)}
        assert keys_cli.remaining(session, key_id=new_key) == 13
        _all_open(session, world)  # half-way, everything still opens (old keys are kept)

    forget_keyrings()  # as a new process would
    second = keys_cli.rotate(world.factory, batch_size=4)
    assert (second.new_key, second.key_id, second.values, second.finished) == (
        False,
        new_key,
        13,
        True,
    )
    with transaction(world.factory) as session:
        assert _key_ids(session) == {new_key}
        assert keys_cli.remaining(session, key_id=new_key) == 0
        _all_open(session, world)
        assert audit.verify(session).ok
        stmt = (
            select(AuditEntry.action)
            .where(AuditEntry.action.startswith("keys."))
            .order_by(AuditEntry.seq)
        )
        actions = session.scalars(stmt).all()
        assert actions == ["keys.rotate", *["keys.reencrypt"] * 3, *["keys.reencrypt"] * 4]

    third = keys_cli.rotate(world.factory, batch_size=100)
    assert third.new_key and third.key_id != new_key and third.values == 25 and third.finished


def test_keys_cli_status_and_rotate(world: SimpleNamespace) -> None:
    old_key = keyring().current_key_id
    status = runner.invoke(keys_cli.app, ["status"])
    assert status.exit_code == 0, status.output
    assert (
        f"{old_key} (current): 25 subjects, 24 payloads" in status.stdout
    )  # a tombstone has no payload

    partial = runner.invoke(keys_cli.app, ["rotate", "--batch-size", "10", "--max-batches", "1"])
    assert partial.exit_code == 0, partial.output
    assert "run `govshare keys rotate` again" in partial.stderr
    forget_keyrings()
    new_key = keyring().current_key_id
    status = runner.invoke(keys_cli.app, ["status"])
    assert (
        f"{old_key}: 15 subjects" in status.stdout
        and f"{new_key} (current): 10 subjects" in status.stdout
    )
    assert "values on older keys" in status.stderr

    rest = runner.invoke(keys_cli.app, ["rotate", "--resume"])
    assert (
        rest.exit_code == 0
        and f"resuming the rotation to data key {new_key}: 15 versions" in rest.stdout
    )
    status = runner.invoke(keys_cli.app, ["status"])
    assert (
        f"{new_key} (current): 25 subjects, 24 payloads" in status.stdout
        and old_key not in status.stdout
    )
