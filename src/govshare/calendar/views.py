"""Console page of working days: the year's schedule, the calculator, loading a schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from govshare.calendar import service as calendar
from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request, db: Db, year: int | None = None, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """A year's schedule and the working-day calculator."""
    today = today_of(request)
    shown = year or today.year
    return render(
        request,
        "calendar.html",
        {
            "schedule": calendar.year_schedule(db, year=shown),
            "missing": calendar.missing_years(db, today),
            "year": shown,
        },
    )


@router.get("/calendar/calc", response_class=HTMLResponse)
def calc(
    request: Request, db: Db, start: str = "", n: str = "", actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """The calculator's answer (an HTMX fragment)."""
    try:
        try:
            day, count = date.fromisoformat(start), int(n)
        except ValueError as exc:
            raise Invalid("give a date (YYYY-MM-DD) and a whole number of working days") from exc
        result = {"start": day, "n": count, "due": calendar.add_working_days(db, day, count)}
        error = None
    except DomainError as exc:
        result, error = None, exc.message
    return render(
        request, "calendar_calc.html", {"result": result, "error": error}, with_banners=False
    )


@router.post("/calendar/schedule")
async def load_schedule(
    request: Request,
    db: Db,
    file: Annotated[UploadFile, File()],
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> Response:
    """Loads a schedule file from the form; a bad file changes nothing."""
    content = await file.read()
    try:
        with db.begin_nested():
            result = calendar.load_schedule(
                db, actor=actor, content=content, filename=file.filename or "schedule.csv"
            )
    except DomainError as exc:
        return form_error(request, exc, "/calendar")
    flash(
        request,
        "Schedule of {year} loaded: {holidays} holidays, {workdays} adjusted working days",
        year=str(result.year),
        holidays=str(result.holidays),
        workdays=str(result.workdays),
    )
    for warning in result.warnings:
        flash(request, warning, "warning")
    return redirect(f"/calendar?year={result.year}")
