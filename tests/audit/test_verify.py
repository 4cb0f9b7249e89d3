"""verify and checkpoint: an intact log passes, each kind of tampering names its first bad seq."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from govshare.audit import keys
from govshare.audit import service as audit
from govshare.audit.models import AuditCheckpoint, AuditEntry
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.errors import Invalid

STAFF = Actor(kind=ActorKind.USER, id=5, name="Chen", method=Method.API, department_id=3)


@pytest.fixture(autouse=True)
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "keys"
    monkeypatch.setenv("GOVSHARE_KEY_DIR", str(folder))
    return folder


def append(session: Session, n: int) -> None:
    for i in range(n):
        audit.record(
            session,
            actor=STAFF,
            action="sharing.query",
            object_type="resource",
            object_id=i,
            purpose="benefit check",
            details={"i": i, "fields": ["name"]},
        )


def sql(session: Session, statement: str, **params: object) -> None:
    session.execute(text(statement), params)


def entry_fields(session: Session, seq: int) -> dict[str, object]:
    entry = session.execute(select(AuditEntry).where(AuditEntry.seq == seq)).scalar_one()
    return {name: getattr(entry, name) for name in audit.HASHED_COLUMNS}


def assert_bad(session: Session, seq: int | None, *reason_words: str) -> None:
    result = audit.verify(session)
    assert not result.ok
    assert result.first_bad_seq == seq, result
    for word in reason_words:
        assert word in (result.reason or ""), result


def test_empty_log_verifies(session: Session) -> None:
    result = audit.verify(session)
    assert result.ok
    assert (result.entries_checked, result.first_bad_seq, result.reason) == (0, None, None)


def test_intact_log_with_checkpoints_verifies(session: Session) -> None:
    append(session, 4)
    first = audit.checkpoint(session)
    append(session, 3)
    second = audit.checkpoint(session)
    append(session, 2)

    result = audit.verify(session)

    assert result.ok, result
    assert (result.entries_checked, result.checkpoints_checked, result.last_seq) == (9, 2, 9)
    assert first is not None and second is not None
    assert (first.seq, second.seq) == (4, 7)


def test_verify_pages_through_the_log(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "_BATCH", 3)
    append(session, 5)
    audit.checkpoint(session)
    append(session, 6)
    audit.checkpoint(session)
    append(session, 2)
    assert audit.verify(session).entries_checked == 13

    sql(session, "UPDATE audit_entry SET purpose = 'other' WHERE seq = 10")
    assert_bad(session, 10, "edited")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "sharing.verify"),
        ("actor_name", "Someone Else"),
        ("actor_id", 6),
        ("department_id", None),
        ("object_id", "99"),
        ("purpose", None),
        ("method", "cli"),
        ("details", '{"i": 3, "fields": ["name", "income"]}'),
        ("occurred_at", "2020-01-01 00:00:00.000000"),
    ],
)
def test_editing_a_field_is_detected_at_that_entry(
    session: Session, column: str, value: object
) -> None:
    append(session, 8)
    sql(session, f"UPDATE audit_entry SET {column} = :v WHERE seq = 4", v=value)
    assert_bad(session, 4, "edited")


def test_editing_an_entry_and_its_hash_breaks_the_next_link(session: Session) -> None:
    append(session, 8)
    fields = entry_fields(session, 4) | {"action": "sharing.nothing"}
    forged = audit.compute_entry_hash(fields)
    sql(
        session,
        "UPDATE audit_entry SET action = 'sharing.nothing', entry_hash = :h WHERE seq = 4",
        h=forged,
    )
    assert_bad(session, 5, "prev_hash")


def test_deleting_a_middle_entry_is_detected(session: Session) -> None:
    append(session, 8)
    sql(session, "DELETE FROM audit_entry WHERE seq = 5")
    assert_bad(session, 5, "missing")


def test_deleting_the_first_entry_is_detected(session: Session) -> None:
    append(session, 3)
    sql(session, "DELETE FROM audit_entry WHERE seq = 1")
    assert_bad(session, 1, "missing")


def test_swapping_two_entries_is_detected(session: Session) -> None:
    append(session, 8)
    sql(session, "UPDATE audit_entry SET seq = -1 WHERE seq = 3")
    sql(session, "UPDATE audit_entry SET seq = 3 WHERE seq = 6")
    sql(session, "UPDATE audit_entry SET seq = 6 WHERE seq = -1")
    assert_bad(session, 3)


def test_truncating_the_tail_is_detected_by_the_head(session: Session) -> None:
    append(session, 10)
    sql(session, "DELETE FROM audit_entry WHERE seq >= 8")
    assert_bad(session, 8, "truncated")


def test_truncating_the_tail_and_the_head_is_detected_by_a_later_checkpoint(
    session: Session,
) -> None:
    append(session, 9)
    audit.checkpoint(session)
    append(session, 1)
    fields = entry_fields(session, 7)
    sql(session, "DELETE FROM audit_entry WHERE seq >= 8")
    sql(
        session,
        "UPDATE audit_chain_head SET last_seq = 7, last_hash = :h",
        h=audit.compute_entry_hash(fields),
    )
    assert_bad(session, 8, "checkpoint", "truncated")


def test_known_limit_tail_after_last_checkpoint_with_rewritten_head_goes_unnoticed(
    session: Session,
) -> None:
    # Documented in docs/audit.md: only an off-database copy of the head can catch this.
    append(session, 5)
    audit.checkpoint(session)
    append(session, 5)
    sql(session, "DELETE FROM audit_entry WHERE seq > 7")
    last = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == 7))
    sql(session, "UPDATE audit_chain_head SET last_seq = 7, last_hash = :h", h=last)
    assert audit.verify(session).ok


def test_missing_head_row_is_detected(session: Session) -> None:
    append(session, 2)
    sql(session, "DELETE FROM audit_chain_head")
    assert_bad(session, None, "head")


def test_entry_slipped_in_after_the_head_is_detected(session: Session) -> None:
    append(session, 3)
    fields = entry_fields(session, 3)
    extra = {
        **fields,
        "seq": 4,
        "prev_hash": session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == 3)),
    }
    extra["entry_hash"] = audit.compute_entry_hash(extra)
    session.execute(insert(AuditEntry).values(**extra))
    assert_bad(session, 4, "beyond")


def test_rewriting_the_chain_after_a_checkpoint_is_caught_at_the_checkpoint(
    session: Session,
) -> None:
    append(session, 6)
    audit.checkpoint(session)
    # An attacker edits entry 3 and recomputes every later hash and the head.
    prev = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == 2))
    for seq in range(3, 7):
        fields = entry_fields(session, seq) | {"prev_hash": prev}
        if seq == 3:
            fields["purpose"] = "rewritten"
        prev = audit.compute_entry_hash(fields)
        sql(
            session,
            "UPDATE audit_entry SET purpose = :p, prev_hash = :ph, entry_hash = :h WHERE seq = :s",
            p=fields["purpose"],
            ph=fields["prev_hash"],
            h=prev,
            s=seq,
        )
    sql(session, "UPDATE audit_chain_head SET last_hash = :h", h=prev)
    assert_bad(session, 6, "checkpoint", "does not match")


def test_forged_checkpoint_signature_is_detected(session: Session) -> None:
    append(session, 3)
    audit.checkpoint(session)
    append(session, 3)
    cp = audit.checkpoint(session)
    assert cp is not None
    signature = bytearray(bytes.fromhex(cp.signature))
    signature[0] ^= 1
    sql(
        session,
        "UPDATE audit_checkpoint SET signature = :s WHERE id = :i",
        s=signature.hex(),
        i=cp.id,
    )
    assert_bad(session, 6, "signature does not verify")


def test_checkpoint_with_a_moved_time_is_detected(session: Session) -> None:
    append(session, 2)
    cp = audit.checkpoint(session, now=datetime(2024, 5, 1, tzinfo=UTC))
    assert cp is not None
    sql(
        session,
        "UPDATE audit_checkpoint SET signed_at = '2024-04-01 00:00:00.000000' WHERE id = :i",
        i=cp.id,
    )
    assert_bad(session, 2, "signature does not verify")


def test_checkpoint_signed_by_an_unknown_key_is_detected(session: Session) -> None:
    append(session, 3)
    attacker = Ed25519PrivateKey.generate()
    seq, entry_hash = 3, session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == 3))
    assert entry_hash is not None
    moment = datetime(2024, 5, 1, tzinfo=UTC)
    session.add(
        AuditCheckpoint(
            seq=seq,
            entry_hash=entry_hash,
            signed_at=moment,
            key_id=keys.key_id_of(attacker.public_key()),
            signature=attacker.sign(
                audit.checkpoint_message(seq=seq, entry_hash=entry_hash, signed_at=moment)
            ).hex(),
        )
    )
    session.flush()
    assert_bad(session, 3, "unknown key")


def test_checkpoint_pointing_at_a_different_hash_is_detected(session: Session) -> None:
    append(session, 4)
    cp = audit.checkpoint(session)
    assert cp is not None
    sql(session, "UPDATE audit_checkpoint SET entry_hash = :h WHERE id = :i", h="f" * 64, i=cp.id)
    assert_bad(session, 4, "does not match")


def test_checkpoint_of_an_empty_log_is_none(session: Session) -> None:
    assert audit.checkpoint(session) is None


def test_checkpoint_is_idempotent_until_new_entries(session: Session) -> None:
    append(session, 2)
    first = audit.checkpoint(session)
    again = audit.checkpoint(session)
    append(session, 1)
    later = audit.checkpoint(session)
    assert first is not None and again is not None and later is not None
    assert again.id == first.id
    assert (first.seq, later.seq) == (2, 3)
    assert session.scalar(select(AuditCheckpoint.id).where(AuditCheckpoint.seq == 3)) == later.id


def test_checkpoint_signs_seq_hash_and_time_with_the_platform_key(
    session: Session, key_dir: Path
) -> None:
    append(session, 2)
    moment = datetime(2024, 6, 1, 8, 30, tzinfo=UTC)
    cp = audit.checkpoint(session, now=moment)
    assert cp is not None
    head_hash = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == 2))
    assert (cp.seq, cp.entry_hash, cp.signed_at) == (2, head_hash, moment)
    public = keys.load_public_keys(key_dir=key_dir)[cp.key_id]
    message = audit.checkpoint_message(seq=2, entry_hash=cp.entry_hash, signed_at=moment)
    assert keys.verify_signature(public, bytes.fromhex(cp.signature), message)
    assert not keys.verify_signature(public, bytes.fromhex(cp.signature), message + b" ")


def test_checkpoint_refuses_naive_time(session: Session) -> None:
    append(session, 1)
    with pytest.raises(Invalid):
        audit.checkpoint(session, now=datetime(2024, 1, 1))


def test_checkpoint_refuses_to_sign_over_a_chain_altered_since_the_last_one(
    session: Session,
) -> None:
    append(session, 3)
    audit.checkpoint(session)
    append(session, 3)
    sql(session, "UPDATE audit_entry SET object_id = 'x' WHERE seq = 5")
    with pytest.raises(audit.AuditChainBroken) as caught:
        audit.checkpoint(session)
    assert caught.value.details["first_bad_seq"] == 5
    assert session.scalar(select(AuditCheckpoint.id).where(AuditCheckpoint.seq == 6)) is None


def test_checkpoint_refuses_when_its_predecessor_was_forged(session: Session) -> None:
    append(session, 3)
    cp = audit.checkpoint(session)
    assert cp is not None
    append(session, 1)
    sql(session, "UPDATE audit_checkpoint SET signature = :s WHERE id = :i", s="00" * 64, i=cp.id)
    with pytest.raises(audit.AuditChainBroken):
        audit.checkpoint(session)


def test_record_refuses_when_the_head_row_was_removed(session: Session) -> None:
    append(session, 2)
    sql(session, "DELETE FROM audit_chain_head")
    with pytest.raises(audit.AuditChainBroken):
        append(session, 1)


def test_checkpoints_from_before_a_key_rotation_still_verify(
    session: Session, key_dir: Path
) -> None:
    append(session, 2)
    old = audit.checkpoint(session)
    new_id = keys.rotate_signing_key()
    append(session, 2)
    new = audit.checkpoint(session)
    assert old is not None and new is not None
    assert new.key_id == new_id != old.key_id

    assert audit.verify(session).checkpoints_checked == 2

    (key_dir / "audit" / "public" / f"{old.key_id}.pem").unlink()
    assert_bad(session, 2, "unknown key")
