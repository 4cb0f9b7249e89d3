"""`govshare calendar …` (schedules) and `govshare workdays …` (working-day arithmetic)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from govshare.calendar import service
from govshare.calendar.schemas import YearStatus
from govshare.kit.actor import Actor

app = typer.Typer(
    help="The working-day calendar: load and show holiday schedules.", no_args_is_help=True
)
workdays_app = typer.Typer(
    help="Working-day arithmetic (the event day is not counted).", no_args_is_help=True
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _fail(message: str) -> NoReturn:
    from govshare.cli_support import fail

    fail(message)


def _date(value: str, what: str) -> date:
    value = value.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail(f"{what} must be a date written YYYY-MM-DD, not {value!r}")


def _count(value: str) -> int:
    try:
        n = int(value.strip())
    except ValueError:
        _fail(f"N must be a whole number of working days, not {value!r}")
    if n < 0:
        _fail(f"N must be 0 or more, not {n}: deadlines are counted forward")
    return n


# A negative N ("-3") reaches the command, to be refused with a clear message, not as an option.
@workdays_app.command("add", context_settings={"ignore_unknown_options": True})
def add(
    start: Annotated[str, typer.Argument(metavar="DATE", help="The event day, YYYY-MM-DD.")],
    n: Annotated[str, typer.Argument(metavar="N", help="Working days to add, 0 or more.")],
) -> None:
    """Print the date N working days after DATE (DATE itself not counted)."""
    from govshare.cli_support import session_scope

    day, count = _date(start, "DATE"), _count(n)
    with session_scope() as session:
        result = service.add_working_days(session, day, count)
    typer.echo(result.isoformat())


@workdays_app.command("between")
def between(
    a: Annotated[str, typer.Argument(metavar="A", help="YYYY-MM-DD")],
    b: Annotated[str, typer.Argument(metavar="B", help="YYYY-MM-DD")],
) -> None:
    """Print the number of working days after A up to and including B (negative if B < A)."""
    from govshare.cli_support import session_scope

    first, last = _date(a, "A"), _date(b, "B")
    with session_scope() as session:
        result = service.working_days_between(session, first, last)
    typer.echo(str(result))


@app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A .csv (date,kind,name) or .toml schedule file.")],
    year: Annotated[
        int | None, typer.Option(help="The year the schedule is for (CSV with several years).")
    ] = None,
    allow_other_years: Annotated[
        bool, typer.Option(help="Accept dates of the year before or after (调休 across years).")
    ] = False,
    check: Annotated[bool, typer.Option(help="Validate the file only; store nothing.")] = False,
) -> None:
    """Load a year's holiday schedule, replacing that year's overrides."""
    from govshare.cli_support import session_scope
    from govshare.kit.errors import DomainError

    try:
        content = file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}")
    if check:
        try:
            parsed = service.parse_schedule(
                content, file.name, year=year, allow_other_years=allow_other_years
            )
        except DomainError as exc:
            _fail(exc.message)
        typer.echo(
            f"{parsed.source_file} is a good schedule for {parsed.year}: "
            f"{parsed.holidays} holidays, {parsed.workdays} adjusted working days"
        )
        return
    actor = Actor.operator(os.environ.get("USER") or "operator")
    with session_scope() as session:
        result = service.load_schedule(
            session,
            actor=actor,
            content=content,
            filename=file.name,
            year=year,
            allow_other_years=allow_other_years,
        )
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"loaded the {result.year} schedule from {result.source_file}: {result.holidays} "
        f"holidays, {result.workdays} adjusted working days "
        f"({result.replaced} earlier overrides replaced)"
    )


@app.command("show")
def show(year: Annotated[int, typer.Argument(help="The year, e.g. 2027.")]) -> None:
    """List a year's holidays and adjusted working days, and where they come from."""
    from govshare.cli_support import session_scope

    with session_scope() as session:
        schedule = service.year_schedule(session, year=year)
    if schedule.loaded is not None:
        loaded = schedule.loaded
        typer.echo(
            f"{year}: loaded from {loaded.source_file} by {loaded.loaded_by} "
            f"at {loaded.loaded_at:%Y-%m-%d %H:%M} UTC (sha256 {loaded.sha256[:12]}…)"
        )
        if loaded.notice:
            typer.echo(f"notice: {loaded.notice}")
    elif schedule.status is YearStatus.BUILTIN:
        typer.echo(f"{year}: the State Council schedule built into chinesecalendar")
    else:
        typer.echo(
            f"{year}: NOT KNOWN - working days are counted Monday to Friday; "
            "load the schedule with `govshare calendar load FILE`"
        )
    for d in schedule.days:
        name = f"  {d.name}" if d.name else ""
        note = f"  ({d.note})" if d.note else ""
        typer.echo(
            f"{d.day.isoformat()}  {_WEEKDAYS[d.day.weekday()]}  {d.kind.value:<7}  "
            f"[{d.source.value}]{name}{note}"
        )
