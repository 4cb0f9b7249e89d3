"""JSON API of working days and the holiday schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel

from govshare.calendar import service as calendar
from govshare.calendar.schemas import LoadResult, YearSchedule
from govshare.http.deps import EVERYONE, Db, TransactionalRoute, allow
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["working days"])


class WorkdaysAdd(BaseModel):
    start: date
    n: int
    result: date


class WorkdaysBetween(BaseModel):
    a: date
    b: date
    working_days: int


@router.get("/workdays/add", response_model=WorkdaysAdd)
def add(db: Db, start: date, n: int, actor: Actor = allow(*EVERYONE)) -> WorkdaysAdd:
    """The date N working days after START (the day of START not counted)."""
    return WorkdaysAdd(start=start, n=n, result=calendar.add_working_days(db, start, n))


@router.get("/workdays/between", response_model=WorkdaysBetween)
def between(db: Db, a: date, b: date, actor: Actor = allow(*EVERYONE)) -> WorkdaysBetween:
    """Working days in (A, B]."""
    return WorkdaysBetween(a=a, b=b, working_days=calendar.working_days_between(db, a, b))


@router.get("/calendar/{year}", response_model=YearSchedule)
def year_schedule(db: Db, year: int, actor: Actor = allow(*EVERYONE)) -> YearSchedule:
    """A year's holidays and adjusted working days, with where each comes from."""
    return calendar.year_schedule(db, year=year)


@router.post("/calendar/schedule", response_model=LoadResult, status_code=201)
async def load_schedule(
    db: Db,
    file: Annotated[UploadFile, File(description="CSV (date,kind,name) or TOML schedule")],
    allow_other_years: Annotated[bool, Form()] = False,
    actor: Actor = allow(Role.AUTHORITY_ADMIN),
) -> LoadResult:
    """Loads a year's schedule; a bad file changes nothing."""
    content = await file.read()
    return calendar.load_schedule(
        db,
        actor=actor,
        content=content,
        filename=file.filename or "schedule.csv",
        allow_other_years=allow_other_years,
    )
