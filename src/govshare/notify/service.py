"""Telling people: in-app notifications in the event's transaction; e-mail sent afterwards from the outbox."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govshare.config import Settings
from govshare.db import utcnow
from govshare.kit.errors import Forbidden, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify.models import Notification
from govshare.orgs.models import Role, User

OFFICERS = (Role.DATA_OFFICER,)
AUTHORITY = (Role.AUTHORITY_ADMIN,)


def recipients(
    session: Session,
    *,
    department_id: int | None = None,
    roles: Iterable[str] = (),
    user_ids: Iterable[int] = (),
) -> list[User]:
    """Active users of a department with some roles, plus named users (each once)."""
    found: dict[int, User] = {}
    if department_id is not None or roles:
        stmt = select(User).where(User.active.is_(True))
        if department_id is not None:
            stmt = stmt.where(User.department_id == department_id)
        role_list = list(roles)
        if role_list:
            stmt = stmt.where(User.role.in_(role_list))
        found.update({u.id: u for u in session.scalars(stmt)})
    ids = [i for i in user_ids if i not in found]
    if ids:
        found.update(
            {
                u.id: u
                for u in session.scalars(
                    select(User).where(User.id.in_(ids), User.active.is_(True))
                )
            }
        )
    return list(found.values())


def notify(
    session: Session,
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    object_type: str = "",
    object_id: str | int = "",
) -> int:
    """Writes one notification per user in the caller's transaction; returns how many."""
    rows = [
        Notification(
            user_id=u.id,
            kind=kind,
            title=title,
            body=body,
            link=link,
            object_type=object_type,
            object_id=str(object_id),
            email_to=u.email or "",
        )
        for u in users
    ]
    session.add_all(rows)
    return len(rows)


def inbox(
    session: Session, *, user_id: int, unread_only: bool = False, page: int = 1, per_page: int = 30
) -> Page[Notification]:
    """A user's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(session, stmt.order_by(Notification.id.desc()), page=page, per_page=per_page)


def unread_count(session: Session, *, user_id: int) -> int:
    """How many notifications the user has not read."""
    stmt = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return session.scalar(stmt) or 0


def mark_read(session: Session, *, user_id: int, notification_id: int | None = None) -> int:
    """Marks one (or every) notification of the user as read."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        note = session.get(Notification, notification_id)
        if note is None:
            raise NotFound(f"no notification {notification_id}", code="notification_not_found")
        if note.user_id != user_id:
            raise Forbidden("this notification is someone else's", code="not_yours")
        stmt = stmt.where(Notification.id == notification_id)
    result = session.execute(stmt.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def send_pending_email(session: Session, *, settings: Settings, limit: int = 200) -> int:
    """Sends waiting e-mails through the configured SMTP server; a failure is kept on the row and retried."""
    if not settings.smtp_host:
        return 0
    stmt = (
        select(Notification)
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_to != "",
            Notification.email_error == "",
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    pending = list(session.scalars(stmt))
    if not pending:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            for note in pending:
                message = EmailMessage()
                message["From"] = settings.smtp_sender
                message["To"] = note.email_to
                message["Subject"] = note.title
                message.set_content(f"{note.body}\n\n{note.link}".strip())
                try:
                    smtp.send_message(message)
                except smtplib.SMTPException as exc:
                    note.email_error = f"{type(exc).__name__}: {exc}"[:500]
                    continue
                note.emailed_at = utcnow()
                sent += 1
    except OSError:  # the server is unreachable: what was not sent waits for the next sweep
        return sent
    return sent
