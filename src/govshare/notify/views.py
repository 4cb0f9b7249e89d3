"""Console pages of the in-app inbox: every user's notifications, unread first, marked read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Forbidden, NotFound
from govshare.notify import mail, service
from govshare.notify.models import Notification

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

INBOX = "/notifications"
PER_PAGE = 25


def _user_id(actor: Actor) -> int:
    if actor.id is None:  # every console user has an id; a system actor has no inbox
        raise Forbidden("this account has no inbox", code="no_inbox")
    return actor.id


@router.get(INBOX, response_class=HTMLResponse)
def inbox(
    request: Request,
    db: Db,
    page: int = 1,
    unread: int = 0,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """The user's notifications, unread first, a page at a time; each opens its object's page."""
    user_id = _user_id(actor)
    result = service.inbox(
        db, user_id=user_id, unread_only=bool(unread), page=page, per_page=PER_PAGE
    )
    return render(
        request,
        "notify/inbox.html",
        {
            "page": result,
            "unread_only": bool(unread),
            "unread": service.unread_count(db, user_id=user_id),
            "label_of": mail.kind_label,
        },
    )


@router.get(INBOX + "/{notification_id}")
def open_notification(
    request: Request, db: Db, notification_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """Marks the notification read and goes to the page of what it is about."""
    user_id = _user_id(actor)
    note = db.get(Notification, notification_id)
    if note is None:
        raise NotFound(
            "no notification {notification_id}",
            code="notification_not_found",
            notification_id=notification_id,
        )
    service.mark_read(db, user_id=user_id, notification_id=notification_id)
    return redirect(mail.console_path(note))


@router.post(INBOX + "/{notification_id}/read")
def mark_one(
    request: Request, db: Db, notification_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """Marks one notification read."""
    try:
        with db.begin_nested():
            service.mark_read(db, user_id=_user_id(actor), notification_id=notification_id)
    except DomainError as exc:
        return form_error(request, exc, INBOX)
    flash(request, "Marked as read")
    return redirect(INBOX)


@router.post(INBOX + "/read-all")
def mark_all(
    request: Request,
    db: Db,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """Marks every notification of the user read."""
    count = service.mark_read(db, user_id=_user_id(actor))
    flash(request, "{count} notifications marked as read", count=str(count))
    return redirect(INBOX)
