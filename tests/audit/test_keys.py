"""The checkpoint signing key: generated on first use, 0600, rotated with old public keys kept."""

from __future__ import annotations

import hashlib
import stat
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from govshare.audit import keys


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_use_generates_a_private_key_readable_only_by_the_owner(tmp_path: Path) -> None:
    key_id, private = keys.load_signing_key(key_dir=tmp_path)

    private_path = tmp_path / "audit" / keys.SIGNING_KEY_NAME
    public_path = tmp_path / "audit" / "public" / f"{key_id}.pem"
    assert mode(private_path) == 0o600
    assert public_path.exists()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert key_id == hashlib.sha256(raw).hexdigest()
    assert set(keys.load_public_keys(key_dir=tmp_path)) == {key_id}
    assert keys.load_signing_key(key_dir=tmp_path)[0] == key_id


def test_default_location_is_the_configured_key_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVSHARE_KEY_DIR", str(tmp_path / "k"))
    key_id, _ = keys.load_signing_key()
    assert (tmp_path / "k" / "audit" / "public" / f"{key_id}.pem").exists()


def test_rotation_replaces_the_signing_key_and_keeps_old_public_keys(tmp_path: Path) -> None:
    old_id, old_private = keys.load_signing_key(key_dir=tmp_path)
    old_signature = old_private.sign(b"before")

    new_id = keys.rotate_signing_key(key_dir=tmp_path)

    assert new_id != old_id
    assert keys.load_signing_key(key_dir=tmp_path)[0] == new_id
    assert mode(tmp_path / "audit" / keys.SIGNING_KEY_NAME) == 0o600
    public = keys.load_public_keys(key_dir=tmp_path)
    assert set(public) == {old_id, new_id}
    assert keys.verify_signature(public[old_id], old_signature, b"before")
    assert not keys.verify_signature(public[new_id], old_signature, b"before")
    assert [p.name for p in (tmp_path / "audit").iterdir() if p.name.endswith(".tmp")] == []


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    keys.load_signing_key(key_dir=tmp_path)
    (tmp_path / "audit" / keys.SIGNING_KEY_NAME).chmod(0o644)
    with pytest.raises(keys.SigningKeyError, match="chmod 600"):
        keys.load_signing_key(key_dir=tmp_path)


def test_a_public_key_file_under_a_wrong_name_is_indexed_by_its_real_fingerprint(
    tmp_path: Path,
) -> None:
    key_id, _ = keys.load_signing_key(key_dir=tmp_path)
    public_dir = tmp_path / "audit" / "public"
    (public_dir / f"{key_id}.pem").rename(public_dir / "renamed.pem")
    assert set(keys.load_public_keys(key_dir=tmp_path)) == {key_id}


def test_no_keys_yet_means_no_public_keys(tmp_path: Path) -> None:
    assert keys.load_public_keys(key_dir=tmp_path) == {}


def test_concurrent_first_use_agrees_on_one_key(tmp_path: Path) -> None:
    barrier = threading.Barrier(8)
    found: list[str] = []

    def load() -> None:
        barrier.wait()
        found.append(keys.load_signing_key(key_dir=tmp_path)[0])

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(found) == 8
    assert len(set(found)) == 1
    assert set(keys.load_public_keys(key_dir=tmp_path)) == set(found)
