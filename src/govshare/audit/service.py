"""The audit log: append-only, hash-chained, with signed checkpoints."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from govshare.kit.actor import Actor


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Appends one entry to the audit log in the caller's transaction."""
    raise NotImplementedError("being built")
