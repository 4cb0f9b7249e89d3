"""Telling people: in-app notifications in the event's transaction; e-mail sent afterwards from the outbox."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from govshare.config import Settings
from govshare.db import is_sqlite, utcnow
from govshare.kit.errors import Forbidden, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import mail
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
            title=title[:200],
            body=body,
            link=link,
            object_type=object_type,
            object_id=str(object_id),
            email_to=u.email or "",
        )
        for u in {u.id: u for u in users}.values()
    ]
    session.add_all(rows)
    return len(rows)


@dataclass(frozen=True)
class Outgoing:
    """One notification to several people, for `notify_many`."""

    users: Sequence[User]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    object_type: str = ""
    object_id: str | int = ""


def notify_many(session: Session, messages: Iterable[Outgoing]) -> int:
    """Writes many notifications with one multi-row insert in the caller's transaction."""
    rows = [
        {
            "user_id": u.id,
            "kind": m.kind,
            "title": m.title[:200],
            "body": m.body,
            "link": m.link,
            "object_type": m.object_type,
            "object_id": str(m.object_id),
            "email_to": u.email or "",
            "email_error": "",
            "created_at": utcnow(),
        }
        for m in messages
        for u in {u.id: u for u in m.users}.values()
    ]
    if rows:
        session.execute(insert(Notification), rows)
    return len(rows)


def recipients_by_department(
    session: Session, department_ids: Iterable[int], *, roles: Iterable[str] = ()
) -> dict[int, list[User]]:
    """Active users of many departments (optionally with some roles), in one query."""
    ids = sorted(set(department_ids))
    found: dict[int, list[User]] = {i: [] for i in ids}
    if not ids:
        return found
    stmt = select(User).where(User.active.is_(True), User.department_id.in_(ids))
    role_list = list(roles)
    if role_list:
        stmt = stmt.where(User.role.in_(role_list))
    for user in session.scalars(stmt.order_by(User.id)):
        found[user.department_id].append(user)
    return found


def inbox(
    session: Session, *, user_id: int, unread_only: bool = False, page: int = 1, per_page: int = 30
) -> Page[Notification]:
    """A user's notifications, unread first, then newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    order = (Notification.read_at.is_not(None), Notification.id.desc())
    return paginate(session, stmt.order_by(*order), page=page, per_page=per_page)


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
            raise NotFound(
                "no notification {notification_id}",
                code="notification_not_found",
                notification_id=notification_id,
            )
        if note.user_id != user_id:
            raise Forbidden("this notification is someone else's", code="not_yours")
        stmt = stmt.where(Notification.id == notification_id)
    result = session.execute(stmt.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def send_pending_email(
    session: Session,
    *,
    settings: Settings,
    limit: int = 200,
    config: mail.SmtpConfig | None = None,
) -> int:
    """Sends waiting e-mails through the configured SMTP server; returns how many were sent.

    Each is sent once: the rows are locked (SKIP LOCKED) and `emailed_at` is set in this
    transaction. A failed delivery keeps its error and is retried (see `mail`).
    """
    smtp_config = config or mail.SmtpConfig.from_settings(settings)
    if not smtp_config.host:
        return 0
    stmt = (
        select(Notification, User.locale, User.display_name)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_to != "",
            or_(
                Notification.email_error == "",
                Notification.email_error.startswith(mail.RETRY_PREFIX),
            ),
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    if not is_sqlite(session):
        stmt = stmt.with_for_update(of=Notification, skip_locked=True)
    pending = [(row[0], row[1], row[2]) for row in session.execute(stmt)]
    if not pending:
        return 0
    sent = 0
    try:
        smtp = mail.connect(smtp_config)
    except (OSError, smtplib.SMTPException):
        # The server is unreachable or refuses us: nothing is used up, the next sweep tries again.
        return 0
    with smtp:
        for note, locale, name in pending:
            message = mail.compose(note, config=smtp_config, locale=locale or "", name=name)
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as exc:
                mail.record_failure(note, exc)
                continue
            note.emailed_at = utcnow()
            sent += 1
    session.flush()
    return sent
