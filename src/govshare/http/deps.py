"""Request plumbing shared by the JSON API and the console: transactions, actors, permissions."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from govshare.kit.actor import Actor, ActorKind
from govshare.kit.errors import Forbidden, Unauthorized
from govshare.orgs.models import USER_ROLES, Role

USER_ROLES_ALL: tuple[str, ...] = tuple(USER_ROLES)
EVERYONE: tuple[str, ...] = (*USER_ROLES, Role.SERVICE)

SessionOpener = Callable[[], AbstractContextManager[Session]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class TransactionalRoute(APIRoute):
    """A route whose request owns one transaction: committed when the handler returns, rolled back when it raises."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            opener: SessionOpener = request.app.state.open_session
            with opener() as session:
                request.state.db = session
                try:
                    response = await original(request)
                except BaseException:
                    await run_in_threadpool(session.rollback)
                    raise
                await run_in_threadpool(session.commit)
                return response

        return handler


def get_db(request: Request) -> Session:
    """The request's session."""
    session: Session = request.state.db
    return session


Db = Annotated[Session, Depends(get_db)]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF_FIELD] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """Refuses an unsafe request made with the session cookie but without the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_FIELD)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not secrets.compare_digest(str(expected), given):
        raise Forbidden("the form has expired; reload the page and try again", code="csrf_failed")


def resolve_actor(request: Request, session: Session) -> Actor | None:
    """The actor of the request: a bearer API key, or the logged-in user of the session cookie."""
    from govshare.orgs import service as orgs

    if hasattr(request.state, "actor"):
        cached: Actor | None = request.state.actor
        return cached
    actor: Actor | None = None
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("use 'Authorization: Bearer <key>'", code="invalid_api_key")
        key = orgs.authenticate_api_key(session, token=token.strip())
        actor = orgs.actor_for_key(key)
        request.state.scopes = frozenset(key.scopes)
    else:
        user_id = request.session.get("user_id")
        if user_id is not None:
            user = session.get(orgs.User, user_id)
            if (
                user is not None
                and user.active
                and user.session_version == request.session.get("session_version")
            ):
                method = "api" if request.url.path.startswith("/api/") else "console"
                actor = orgs.actor_for_user(user, method)
                request.state.user = user
            else:
                request.session.clear()
    request.state.actor = actor
    return actor


class Allow:
    """Declares who may call a route; the route matrix test reads these declarations."""

    def __init__(self, *roles: str, scope: str | None = None) -> None:
        self.roles = frozenset(roles)
        self.scope = scope

    async def __call__(self, request: Request, session: Db) -> Actor:
        # database work off the event loop: on SQLite a waiting writer must not block the loop
        actor = await run_in_threadpool(resolve_actor, request, session)
        if actor is None:
            raise Unauthorized("log in first", code="not_authenticated")
        if actor.kind == ActorKind.USER:
            await check_csrf(request)
        if not actor.roles.intersection(self.roles):
            raise Forbidden("your role may not do this", code="forbidden_role")
        if actor.kind == ActorKind.SERVICE and self.scope:
            scopes: frozenset[str] = getattr(request.state, "scopes", frozenset())
            if self.scope not in scopes:
                raise Forbidden(
                    "this key lacks the scope {scope}", code="missing_scope", scope=self.scope
                )
        return actor


def allow(*roles: str, scope: str | None = None) -> Any:
    """A dependency that returns the actor when it holds one of the roles."""
    return Depends(Allow(*roles, scope=scope))


def open_session_factory(factory: Callable[[], Session]) -> SessionOpener:
    """Turns a session factory into the opener the routes use."""
    from contextlib import contextmanager

    @contextmanager
    def opener() -> Iterator[Session]:
        session = factory()
        try:
            yield session
        finally:
            session.close()

    return opener
