"""Downloading an attachment (/api/v1/attachments/{id}); the console uses the same handler."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from govshare.attachments import service
from govshare.http.deps import EVERYONE, USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.kit.actor import Actor

router = APIRouter(route_class=TransactionalRoute, tags=["attachments"])
console = APIRouter(route_class=TransactionalRoute, include_in_schema=False)


def _download(db: Db, actor: Actor, attachment_id: int) -> Response:
    row = service.fetch(db, actor=actor, attachment_id=attachment_id)
    return Response(
        content=row.content,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/attachments/{attachment_id}", response_class=Response)
def download(attachment_id: int, db: Db, actor: Actor = allow(*EVERYONE)) -> Response:
    """The file, for a department involved in its case or the authority (404 for anyone else)."""
    return _download(db, actor, attachment_id)


@console.get("/attachments/{attachment_id}", response_class=Response)
def download_in_console(
    attachment_id: int, db: Db, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """The same download for a signed-in user."""
    return _download(db, actor, attachment_id)
