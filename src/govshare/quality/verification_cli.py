"""CLI of verification requests for the authority at the server: `govshare verification list`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)


@app.callback()
def main() -> None:
    """Verification requests (GZ 30, 33; ZS 23; ZZ 21)."""


@app.command("list")
def list_requests(
    state: Annotated[str | None, typer.Option(help="open, answered or withdrawn")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="only open requests past their due date")
    ] = False,
    today: Annotated[
        str | None, typer.Option(help="the day to judge lateness by (YYYY-MM-DD; default today)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="how many to list")] = 200,
) -> None:
    """Lists verification requests, newest first (subjects and values are not printed)."""
    from govshare.cli_support import fail, session_scope
    from govshare.quality import verification_queries
    from govshare.quality.verification_models import RequestState

    if state is not None and state not in set(RequestState):
        fail(f"unknown state {state!r}: use open, answered or withdrawn")
    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        fail(f"not a date: {today!r} (use YYYY-MM-DD)")
    with session_scope() as session:
        page = verification_queries.list_requests(
            session,
            actor=Actor.operator(),
            today=day,
            state=state or "",
            overdue=overdue,
            per_page=limit,
        )
        for r in page.items:
            late = " OVERDUE" if verification_queries.is_overdue(r, day) else ""
            typer.echo(
                f"{r.id:>6}  {r.state:<9} {r.outcome or '-':<9} resource {r.resource_id:<5} "
                f"{','.join(r.items):<20} consumer {r.consumer_department_id:<4} "
                f"provider {r.provider_department_id:<4} filed {r.filed_on} "
                f"due {r.due_on or '-'}{late}"
            )
        typer.echo(f"{page.total} request(s)")
