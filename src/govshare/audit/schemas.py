"""Pydantic shapes of the audit log: filters, entries, pages, verification results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from govshare.kit.actor import ActorKind, Method


class AuditFilters(BaseModel):
    """What the auditor's viewer and the CSV export narrow the log to (all optional, ANDed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action_prefix: str | None = Field(
        default=None, description="e.g. 'sharing.' or 'sharing.query'"
    )
    actor_kind: ActorKind | None = None
    actor_id: int | None = None
    actor_name: str | None = None
    department_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    method: Method | None = None
    since: datetime | None = Field(default=None, description="inclusive; naive means UTC")
    until: datetime | None = Field(default=None, description="exclusive; naive means UTC")

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class AuditEntryOut(BaseModel):
    """One entry as shown to the auditor."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    seq: int
    occurred_at: datetime
    actor_kind: str
    actor_id: int | None
    actor_name: str
    department_id: int | None
    action: str
    object_type: str
    object_id: str | None
    purpose: str | None
    method: str
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str


class EntryPage(BaseModel):
    """One page of entries, newest first."""

    model_config = ConfigDict(frozen=True)

    items: list[AuditEntryOut]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the filtered log spans (at least one)."""
        return max(1, -(-self.total // self.per_page))


class VerifyResult(BaseModel):
    """The outcome of walking the chain: ok, or the first bad seq and why."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    entries_checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    checkpoints_checked: int = 0
    last_seq: int = 0
