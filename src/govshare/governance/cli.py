"""CLI of disputes for the authority at the server: `govshare disputes list|show`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)


@app.callback()
def main() -> None:
    """Disputes between departments and their escalation ladder (GZ 28; ZS 37; ZZ 18; JS 13, 19)."""


def _day(value: str | None) -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today: '{value}' is not a date (use YYYY-MM-DD)")


Today = Annotated[
    str | None, typer.Option("--today", help="the day deadlines are judged on (YYYY-MM-DD)")
]


@app.command("list")
def list_disputes(
    open_only: Annotated[bool, typer.Option("--open", help="only open disputes")] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="only those past a step or provide deadline")
    ] = False,
    today: Today = None,
) -> None:
    """Lists every dispute (the authority's view), newest first."""
    from govshare.cli_support import session_scope
    from govshare.governance import disputes
    from govshare.governance.models import DisputeState

    day = _day(today)
    with session_scope() as session:
        page = disputes.list_disputes(
            session,
            actor=Actor.operator(),
            today=day,
            state=DisputeState.OPEN if open_only else None,
            overdue=overdue,
            per_page=200,
        )
        for d in page.items:
            step = d.step
            where = f"{step.number}:{step.key}" if step is not None else "-"
            due = step.due_on if step is not None and d.state == DisputeState.OPEN else None
            flag = " OVERDUE" if disputes.is_overdue(d, day) else ""
            subject = f"{d.subject} {d.application_id or d.grant_id}"
            typer.echo(
                f"{d.id:>5}  {d.state:<7} {subject:<18} {d.article:<7} step {where:<22} "
                f"due {due or '-'}  outcome {d.outcome or '-'}{flag}"
            )
        typer.echo(f"{page.total} dispute(s)")


@app.command("show")
def show(
    dispute_id: Annotated[int, typer.Argument(help="the dispute's id")],
    today: Today = None,
) -> None:
    """Shows one dispute and its steps: deadlines, who decided what and why."""
    from govshare.cli_support import session_scope
    from govshare.governance import disputes

    day = _day(today)
    with session_scope() as session:
        d = disputes.get_dispute(session, actor=Actor.operator(), dispute_id=dispute_id)
        typer.echo(f"dispute {d.id} ({d.kind}, {d.article}, ladder {d.ladder_key}): {d.state}")
        typer.echo(f"  about {d.subject} {d.application_id or d.grant_id}")
        typer.echo(
            f"  between dept {d.consumer_department_id} (consumer) and "
            f"dept {d.provider_department_id} (provider)"
        )
        typer.echo(f"  raised by {d.raised_by} on {d.raised_on}: {d.reasons}")
        for s in d.steps:
            due = s.due_on or "no limit"
            line = (
                f"  {s.number}. {s.key} [{s.article}] started {s.started_on}, due {due}: {s.state}"
            )
            if s.decided_on:
                auto = " (automatic)" if s.automatic else ""
                line += f" on {s.decided_on} by {s.decided_by}{auto}: {s.decision} - {s.reasons}"
            typer.echo(line)
        if d.outcome:
            typer.echo(f"  outcome: {d.outcome} on {d.closed_on}")
        if d.provide_due_on:
            done = f", provided on {d.provided_on}" if d.provided_on else ""
            typer.echo(f"  provide by {d.provide_due_on}{done}")
        if disputes.is_overdue(d, day):
            typer.echo("  OVERDUE")
