"""Console pages that belong to no domain: log-in, log-out, language, dashboards."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow, check_csrf
from govshare.http.i18n import LOCALES, translator
from govshare.http.rendering import ensure_actor, locale_of, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import Unauthorized
from govshare.web import dashboards

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if (
        not target
        or urlparse(target).netloc
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return "/dashboard"
    return target


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Db) -> Response:
    """The console's front door."""
    ensure_actor(request)
    return redirect("/dashboard" if request.state.actor else "/login")


@router.get("/healthz")
def health() -> dict[str, str]:
    """Liveness for load balancers."""
    return {"status": "ok"}


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, db: Db, next: str | None = None) -> Response:
    """The log-in page."""
    ensure_actor(request)
    if request.state.actor is not None:
        return redirect(_safe_next(next))
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/dashboard",
) -> Response:
    """Checks the credentials; a failure shows the form again with the reason."""
    from starlette.concurrency import run_in_threadpool

    from govshare.orgs import service as orgs

    await check_csrf(request)
    try:
        user = await run_in_threadpool(orgs.authenticate, db, username=username, password=password)
    except Unauthorized as exc:
        _ = translator(locale_of(request))
        return render(
            request,
            "login.html",
            {"error": _(exc.message), "username": username, "next": _safe_next(next)},
            status_code=401,
        )
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["session_version"] = user.session_version
    return redirect(_safe_next(next))


@router.post("/logout")
async def logout(request: Request, actor: Actor = allow(*USER_ROLES_ALL)) -> Response:
    """Ends the session."""
    request.session.clear()
    return redirect("/login")


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, back: str = "/") -> Response:
    """Switches the console language (zh-CN or en)."""
    response = RedirectResponse(_safe_next(back) if back != "/" else "/", status_code=303)
    if code in LOCALES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, db: Db, actor: Actor = allow(*USER_ROLES_ALL)) -> Response:
    """The dashboard of the user's role."""
    return render(
        request, "dashboard.html", dashboards.build(db, actor=actor, today=today_of(request))
    )
