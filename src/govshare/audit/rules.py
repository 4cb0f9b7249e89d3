"""Sweep rule of the audit log: sign a checkpoint after every other rule has run."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.audit.models import AuditCheckpoint
from govshare.jobs.service import rule
from govshare.kit.actor import Actor


@rule("audit.checkpoint", "Sign a checkpoint of the audit chain", order=1000)
def sign_checkpoint(session: Session, *, today: date, actor: Actor) -> int:
    """Signs the newest entry unless it is already signed."""
    before = session.scalar(select(func.max(AuditCheckpoint.seq)))
    made = audit.checkpoint(session)
    return int(made is not None and made.seq != before)
