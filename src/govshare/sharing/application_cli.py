"""CLI of applications for the authority at the server: `govshare applications list`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)


@app.callback()
def main() -> None:
    """Applications for conditional data (a group, so that `list` stays a subcommand)."""


def _day(value: str | None) -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today: '{value}' is not a date (use YYYY-MM-DD)")


@app.command("list")
def list_applications(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="only those past a deadline (answer or delivery)")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="the day deadlines are judged on (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Lists every application (the authority's view), nearest deadline first."""
    from govshare.cli_support import session_scope
    from govshare.sharing import applications

    day = _day(today)
    with session_scope() as session:
        page = applications.list_applications(
            session, actor=Actor.operator(), today=day, box="all", overdue=overdue, per_page=200
        )
        for v in page.items:
            a = v.application
            left = "" if v.working_days_left is None else f"{v.working_days_left:>3} WD left"
            flag = " OVERDUE" if v.overdue else ""
            typer.echo(
                f"{a.id:>5}  {a.state:<22} {a.resource_code:<12} "
                f"from dept {a.consumer_department_id:<4} to dept {a.provider_department_id:<4} "
                f"submitted {a.submitted_on}  due {a.due_on or '-'}  {left}{flag}"
            )
        typer.echo(f"{page.total} application(s)")
