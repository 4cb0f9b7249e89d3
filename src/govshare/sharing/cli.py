"""CLI of grants for the authority at the server: `govshare grants list|given|create|revoke`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from govshare.kit.actor import Actor

if TYPE_CHECKING:
    from govshare.sharing.service import GrantState, GrantView

app = typer.Typer(no_args_is_help=True)

TodayOpt = Annotated[
    str | None, typer.Option("--today", help="the day states are computed for (YYYY-MM-DD)")
]
StateOpt = Annotated[
    str | None, typer.Option(help="active, not_yet_valid, expired, revoked, suspended")
]


def _day(value: str | None, what: str = "date") -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{what}: '{value}' is not a date (use YYYY-MM-DD)")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _print(views: list[GrantView]) -> None:
    for view in views:
        g = view.grant
        typer.echo(
            f"{g.id:>5}  {view.state:<13} dept {g.consumer_department_id:<4} {view.resource_code:<12} "
            f"{g.valid_from}..{g.valid_until}  items: {', '.join(g.items)}  "
            f"purposes: {', '.join(g.purposes)}  approved by {g.approved_by}"
        )


def _state(value: str | None) -> GrantState | None:
    from govshare.cli_support import fail
    from govshare.sharing.service import GrantState

    if value is None:
        return None
    try:
        return GrantState(value)
    except ValueError:
        fail(f"unknown state '{value}'; use one of {', '.join(GrantState)}")


@app.command("list")
def list_held(
    department: Annotated[int | None, typer.Option(help="the consumer department's id")] = None,
    state: StateOpt = None,
    today: TodayOpt = None,
) -> None:
    """Lists the grants a department holds (all grants without --department)."""
    from govshare.cli_support import session_scope
    from govshare.sharing import service as sharing

    with session_scope() as session:
        page = sharing.grants_held(
            session,
            actor=Actor.operator(),
            today=_day(today),
            department_id=department,
            state=_state(state),
            per_page=200,
        )
        _print(page.items)
        typer.echo(f"{page.total} grant(s)")


@app.command("given")
def list_given(
    department: Annotated[int, typer.Option(help="the provider department's id")],
    state: StateOpt = None,
    today: TodayOpt = None,
) -> None:
    """Lists the grants given on a provider department's resources."""
    from govshare.cli_support import session_scope
    from govshare.sharing import service as sharing

    with session_scope() as session:
        page = sharing.grants_given(
            session,
            actor=Actor.operator(),
            today=_day(today),
            department_id=department,
            state=_state(state),
            per_page=200,
        )
        _print(page.items)
        typer.echo(f"{page.total} grant(s)")


@app.command("create")
def create(
    department: Annotated[int, typer.Option(help="the consumer department's id")],
    resource: Annotated[str, typer.Option(help="the resource code in the sharing directory")],
    items: Annotated[str, typer.Option(help="data item names, comma-separated")],
    purposes: Annotated[str, typer.Option(help="business-matter codes, comma-separated")],
    valid_from: Annotated[str, typer.Option("--from", help="first day (YYYY-MM-DD)")],
    valid_until: Annotated[str, typer.Option("--until", help="last day (YYYY-MM-DD)")],
    note: Annotated[str, typer.Option()] = "",
    today: TodayOpt = None,
) -> None:
    """Grants a department items of a conditional resource by hand (as the authority)."""
    from govshare.cli_support import session_scope
    from govshare.sharing import service as sharing

    start, end = _day(valid_from, "--from"), _day(valid_until, "--until")
    with session_scope() as session:
        grant = sharing.create_grant(
            session,
            actor=Actor.operator(),
            consumer_department_id=department,
            resource_id=sharing.resource_id_of(session, code=resource),
            items=_split(items),
            purposes=_split(purposes),
            valid_from=start,
            valid_until=end,
            today=_day(today),
            note=note,
        )
        typer.echo(f"grant {grant.id} created")


@app.command("revoke")
def revoke(
    grant_id: int,
    reason: Annotated[str, typer.Option(help="why the grant is revoked")],
) -> None:
    """Revokes a grant with a reason; the next query no longer relies on it."""
    from govshare.cli_support import session_scope
    from govshare.sharing import service as sharing

    with session_scope() as session:
        grant = sharing.revoke_grant(
            session, actor=Actor.operator(), grant_id=grant_id, reason=reason
        )
        typer.echo(f"grant {grant.id} revoked")
