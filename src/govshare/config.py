"""Configuration from the environment (the public contract in the README)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_var_dir() -> Path:
    return Path(os.environ.get("GOVSHARE_VAR_DIR", "var")).resolve()


@dataclass(frozen=True)
class Settings:
    """Settings read once from GOVSHARE_* environment variables."""

    database_url: str
    profile: str
    var_dir: Path
    key_dir: Path
    secret_key: str
    secure_cookies: bool
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "govshare@localhost"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        """Reads the settings from the environment, with documented defaults."""
        var_dir = _default_var_dir()
        db_url = os.environ.get("GOVSHARE_DATABASE_URL") or f"sqlite:///{var_dir / 'govshare.db'}"
        key_dir = Path(os.environ.get("GOVSHARE_KEY_DIR", str(var_dir / "keys"))).resolve()
        return cls(
            database_url=db_url,
            profile=os.environ.get("GOVSHARE_PROFILE", "guangzhou"),
            var_dir=var_dir,
            key_dir=key_dir,
            secret_key=os.environ.get("GOVSHARE_SECRET_KEY", ""),
            secure_cookies=os.environ.get("GOVSHARE_SECURE_COOKIES", "0") == "1",
            smtp_host=os.environ.get("GOVSHARE_SMTP_HOST") or None,
            smtp_port=int(os.environ.get("GOVSHARE_SMTP_PORT", "25")),
            smtp_sender=os.environ.get("GOVSHARE_SMTP_SENDER", "govshare@localhost"),
        )
