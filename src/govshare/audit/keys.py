"""The Ed25519 platform key that signs audit checkpoints, and the public keys that verify them.

Layout under ``Settings.key_dir``::

    audit/signing-key.pem        the current private key (PKCS#8 PEM, mode 0600)
    audit/public/<key_id>.pem    every public key ever used for signing (kept across rotations)

The public keys live on the file system, not in the database, on purpose: someone who can
write to the database must not be able to add a key of their own and sign forged checkpoints.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govshare.config import Settings
from govshare.kit.errors import DomainError

SIGNING_KEY_NAME = "signing-key.pem"
PUBLIC_DIR_NAME = "public"


class SigningKeyError(DomainError):
    """The signing key cannot be used (unsafe permissions, unreadable, wrong type)."""

    status = 500
    code = "audit_signing_key"


def audit_key_dir(key_dir: Path | None = None) -> Path:
    """The folder holding the audit keys (``<key_dir>/audit``)."""
    return (key_dir if key_dir is not None else Settings.from_env().key_dir) / "audit"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The key id: SHA-256 fingerprint (hex) of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_signing_key(*, key_dir: Path | None = None) -> tuple[str, Ed25519PrivateKey]:
    """The current signing key and its id; generates one on first use."""
    folder = audit_key_dir(key_dir)
    path = folder / SIGNING_KEY_NAME
    if not path.exists():
        _install_new_key(folder, replace=False)
    private = _read_private_key(path)
    key_id = key_id_of(private.public_key())
    # Re-create the public copy if someone removed it; verification needs it.
    _write_public_key(folder, private.public_key())
    return key_id, private


def rotate_signing_key(*, key_dir: Path | None = None) -> str:
    """Replaces the signing key with a new one (old public keys are kept); returns the new id."""
    folder = audit_key_dir(key_dir)
    private = _install_new_key(folder, replace=True)
    return key_id_of(private.public_key())


def load_public_keys(*, key_dir: Path | None = None) -> dict[str, Ed25519PublicKey]:
    """Every public key that ever signed checkpoints, by key id (the id is recomputed)."""
    public_dir = audit_key_dir(key_dir) / PUBLIC_DIR_NAME
    keys: dict[str, Ed25519PublicKey] = {}
    if not public_dir.is_dir():
        return keys
    for path in sorted(public_dir.glob("*.pem")):
        loaded = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(loaded, Ed25519PublicKey):
            keys[key_id_of(loaded)] = loaded
    return keys


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """True when the signature over the message verifies with the public key."""
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _install_new_key(folder: Path, *, replace: bool) -> Ed25519PrivateKey:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = Ed25519PrivateKey.generate()
    # The public key is written first so that a signing key never exists without it.
    _write_public_key(folder, private.public_key())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    final = folder / SIGNING_KEY_NAME
    tmp = folder / f".{SIGNING_KEY_NAME}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        if replace:
            os.replace(tmp, final)
        else:
            # link() refuses to overwrite: when two processes generate at once, one key wins.
            try:
                os.link(tmp, final)
            except FileExistsError:
                # Another process won; its key is the one. Ours never signed anything.
                public_path = folder / PUBLIC_DIR_NAME / f"{key_id_of(private.public_key())}.pem"
                public_path.unlink(missing_ok=True)
                return _read_private_key(final)
    finally:
        tmp.unlink(missing_ok=True)
    return private


def _write_public_key(folder: Path, public_key: Ed25519PublicKey) -> None:
    public_dir = folder / PUBLIC_DIR_NAME
    public_dir.mkdir(parents=True, exist_ok=True, mode=0o755)
    path = public_dir / f"{key_id_of(public_key)}.pem"
    if path.exists():
        return
    pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    tmp = public_dir / f".{uuid.uuid4().hex}.tmp"
    tmp.write_bytes(pem)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _read_private_key(path: Path) -> Ed25519PrivateKey:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise SigningKeyError(
            f"the audit signing key {path} is accessible to other users; run: chmod 600 {path}"
        )
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return loaded
