"""Sweep rule: send the e-mail outbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from govshare import runtime
from govshare.jobs.service import rule
from govshare.kit.actor import Actor
from govshare.notify import service


@rule(
    "notify.email",
    "Send waiting notifications by e-mail when an SMTP server is configured",
    order=900,
)
def send_email(session: Session, *, today: date, actor: Actor) -> int:
    """Sends the outbox; counts e-mails sent."""
    return service.send_pending_email(session, settings=runtime.settings())
