"""Rendering console pages: templates, the locale, flash messages, the banners."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from govshare.http.deps import csrf_token, get_db, resolve_actor
from govshare.http.i18n import DEFAULT_LOCALE, LOCALES, translator
from govshare.kit.errors import DomainError
from govshare.web.navigation import menu_for

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "web" / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
CHINA = ZoneInfo("Asia/Shanghai")


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as China Standard Time, the time officials read."""
    return moment.astimezone(CHINA).strftime(fmt) if moment is not None else ""


templates.env.filters["local"] = local_time


def locale_of(request: Request) -> str:
    """The locale chosen in the header switch (a cookie), zh-CN by default."""
    chosen = request.cookies.get("lang", DEFAULT_LOCALE)
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def flash(request: Request, message: str, category: str = "success", **params: str) -> None:
    """Queues a message (an English message id, translated when shown) for the next page."""
    # a new list (not an in-place append) so that the session notices the change
    queued = [
        *request.session.get("flashes", []),
        {"message": message, "category": category, "params": params},
    ]
    request.session["flashes"] = queued


def today_of(request: Request) -> date:
    """Today for the request (the application can pin it for demos and tests)."""
    pinned = getattr(request.app.state, "today", None)
    return pinned() if callable(pinned) else date.today()


def banners(request: Request) -> list[str]:
    """Warnings shown on every page to whom they concern."""
    actor = getattr(request.state, "actor", None)
    if actor is None or not actor.has_role("authority_admin"):
        return []
    import govshare.calendar.service as calendar

    gettext = translator(locale_of(request))
    years = calendar.missing_years(get_db(request), today=today_of(request))
    return [
        gettext(
            "The working-day schedule of {year} is not loaded; deadlines in {year} count Monday to Friday only. Load it on the calendar page.",
            year=y,
        )
        for y in years
    ]


def _unread(request: Request) -> int:
    user = getattr(request.state, "user", None)
    if user is None:
        return 0
    from govshare.notify.service import unread_count

    return unread_count(get_db(request), user_id=user.id)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    *,
    with_banners: bool = True,
) -> HTMLResponse:
    """Renders a console page with the common context."""
    locale = locale_of(request)
    ctx: dict[str, Any] = {
        "request": request,
        "_": translator(locale),
        "locale": locale,
        "actor": getattr(request.state, "actor", None),
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "flashes": request.session.pop("flashes", []),
        "banners": banners(request) if with_banners else [],
        "today": today_of(request),
        "menu": menu_for(getattr(request.state, "actor", None)),
        "unread": _unread(request) if with_banners else 0,
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """POST-redirect-GET."""
    return RedirectResponse(url, status_code=303)


def ensure_actor(request: Request) -> None:
    """Resolves the actor so that public pages know who is logged in."""
    resolve_actor(request, get_db(request))


def _plain(details: dict[str, Any]) -> dict[str, str]:
    # Session cookies hold JSON: the flash keeps each detail as the text it shows.
    return {key: value if isinstance(value, str) else str(value) for key, value in details.items()}


def form_error(request: Request, exc: Exception, back: str) -> RedirectResponse:
    """After a refused form: the reason as a flash message, back to the form."""
    if isinstance(exc, DomainError):
        flash(request, exc.template, "error", **_plain(exc.details))
    else:
        flash(request, str(exc), "error")
    return redirect(back)


def act_then_redirect(
    request: Request, db: Session, *, back: str, done: str, step: Callable[[], object]
) -> RedirectResponse:
    """POST-redirect-GET of one service act: `step` in a savepoint, then its refusal or `done`.

    A refused act leaves nothing written (the savepoint is rolled back) and comes back to
    `back` as a translatable flash message; a done one flashes `done`.
    """
    try:
        with db.begin_nested():
            step()
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, done)
    return redirect(back)
