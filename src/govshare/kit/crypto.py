"""Data protection keys: a blind index (keyed hash) for lookups and AES-GCM encryption with key ids.

Layout under ``Settings.key_dir``::

    data/index.key            32 random bytes: the HMAC key of the blind index (never rotated in place)
    data/keys/<key_id>.key    32 random bytes each: AES-256-GCM data keys, old ones kept for decryption
    data/current              the id of the key new values are encrypted with
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from govshare.config import Settings
from govshare.kit.errors import DomainError

NONCE_BYTES = 12


class DataKeyError(DomainError):
    """A data key is missing or a value does not decrypt."""

    status = 500
    code = "data_key"


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


class DataKeyring:
    """The blind-index key and the data keys of one key directory."""

    def __init__(self, key_dir: Path) -> None:
        self.folder = key_dir / "data"
        index_path = self.folder / "index.key"
        if not index_path.exists():
            with contextlib.suppress(FileExistsError):  # another process made it first
                _write_secret(index_path, secrets.token_bytes(32))
        self._index_key = index_path.read_bytes()
        self._keys: dict[str, AESGCM] = {}
        if not (self.folder / "current").exists():
            self.rotate()
        self._load()

    def _load(self) -> None:
        for path in sorted((self.folder / "keys").glob("*.key")):
            self._keys[path.stem] = AESGCM(path.read_bytes())
        self.current_key_id = (self.folder / "current").read_text().strip()
        if self.current_key_id not in self._keys:
            raise DataKeyError(
                f"the current data key {self.current_key_id} is missing from {self.folder}"
            )

    def rotate(self) -> str:
        """Makes a new data key current; old keys stay for decryption. Returns the new id."""
        key = secrets.token_bytes(32)
        key_id = hashlib.sha256(key).hexdigest()[:12]
        _write_secret(self.folder / "keys" / f"{key_id}.key", key)
        tmp = self.folder / "current.tmp"
        tmp.write_text(key_id)
        tmp.replace(self.folder / "current")
        self._load()
        return key_id

    def blind_index(self, value: str) -> str:
        """The keyed hash a subject identifier is looked up by (the identifier itself is never stored in clear)."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()[:40]

    def encrypt(self, plaintext: bytes, *, aad: bytes = b"") -> str:
        """`<key id>.<base64(nonce + ciphertext)>` with the current key."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._keys[self.current_key_id].encrypt(nonce, plaintext, aad)
        return f"{self.current_key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, aad: bytes = b"") -> bytes:
        """Opens a value sealed by `encrypt` with whichever key it names."""
        key_id, _, body = token.partition(".")
        key = self._keys.get(key_id)
        if key is None:
            self._load()
            key = self._keys.get(key_id)
        if key is None:
            raise DataKeyError(f"data key {key_id} is not in the keyring")
        raw = base64.urlsafe_b64decode(body)
        try:
            return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise DataKeyError("a stored value does not decrypt: it was altered or moved") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        """The key id a sealed value names."""
        return token.partition(".")[0]


@cache
def _keyring(key_dir: str) -> DataKeyring:
    return DataKeyring(Path(key_dir))


_default: DataKeyring | None = None


def keyring(key_dir: Path | None = None) -> DataKeyring:
    """The process's keyring for the configured (or given) key directory; cheap after the first call."""
    global _default
    if key_dir is not None:
        return _keyring(str(key_dir))
    if _default is None:
        _default = _keyring(str(Settings.from_env().key_dir))
    return _default


def forget_keyrings() -> None:
    """Drops cached keyrings (tests, and after a rotation by another process)."""
    global _default
    _default = None
    _keyring.cache_clear()
