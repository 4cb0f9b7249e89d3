"""CLI of one data, one source for the authority at the server: `govshare quality divergences|links`."""

from __future__ import annotations

from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)


@app.callback()
def main() -> None:
    """Source links and divergence cases (ZS 17; JS 11)."""


@app.command("divergences")
def list_divergences(
    open_only: Annotated[
        bool, typer.Option("--open", help="only cases still open or being verified")
    ] = False,
    state: Annotated[
        str | None,
        typer.Option(help="open, assigned, resolved, dismissed or closed"),
    ] = None,
    resource: Annotated[int | None, typer.Option(help="only cases of this resource id")] = None,
    department: Annotated[int | None, typer.Option(help="only cases of this department id")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="how many to list")] = 200,
) -> None:
    """Lists divergence cases, newest first (the authority's view; subjects shown masked)."""
    from govshare.cli_support import fail, session_scope
    from govshare.quality import cases

    if open_only and state:
        fail("use either --open or --state, not both")
    with session_scope() as session:
        page = cases.list_cases(
            session,
            actor=Actor.operator(),
            state="active" if open_only else state,
            resource_id=resource,
            department_id=department,
            per_page=limit,
        )
        for v in page.items:
            c = v.case
            # The terminal is not the console: subjects stay masked here too.
            typer.echo(
                f"{c.id:>6}  {c.state:<9} {cases.mask(v.subject):<20} "
                f"{v.code_a}.{v.link.item_a}={v.value_a!s:<10} "
                f"{v.code_b}.{v.link.item_b}={v.value_b!s:<10} "
                f"detected {c.detected_on}  verifier {c.assigned_department_id or '-'}"
            )
        typer.echo(f"{page.total} case(s)")


@app.command("links")
def list_links(
    removed: Annotated[bool, typer.Option("--removed", help="include removed links")] = False,
) -> None:
    """Lists the source links."""
    from govshare.cli_support import session_scope
    from govshare.quality import links

    with session_scope() as session:
        page = links.list_links(
            session, actor=Actor.operator(), include_removed=removed, per_page=200
        )
        for x in page.items:
            source = x.source_resource_id or "-"
            gone = f"  removed: {x.removed_reason}" if x.removed_at else ""
            typer.echo(
                f"{x.id:>5}  {x.resource_a_id}.{x.item_a} = {x.resource_b_id}.{x.item_b}"
                f"  source {source}{gone}"
            )
        typer.echo(f"{page.total} link(s)")


@app.command("link")
def create_link(
    resource_a: Annotated[int, typer.Argument(help="resource id of side A")],
    item_a: Annotated[str, typer.Argument(help="data item of side A")],
    resource_b: Annotated[int, typer.Argument(help="resource id of side B")],
    item_b: Annotated[str, typer.Argument(help="data item of side B")],
    source: Annotated[
        str | None, typer.Option(help="the collecting side: a or b (omit when not known)")
    ] = None,
    note: Annotated[str, typer.Option(help="a note")] = "",
) -> None:
    """Declares that two published data items are the same data."""
    from govshare.cli_support import fail, session_scope
    from govshare.quality import links

    if source not in (None, "a", "b"):
        fail("--source must be a or b")
    with session_scope() as session:
        link = links.create_link(
            session,
            actor=Actor.operator(),
            resource_a_id=resource_a,
            item_a=item_a,
            resource_b_id=resource_b,
            item_b=item_b,
            source_resource_id={"a": resource_a, "b": resource_b}.get(source or ""),
            note=note,
        )
        typer.echo(f"source link {link.id} declared")


@app.command("unlink")
def remove_link(
    link_id: Annotated[int, typer.Argument(help="the link id")],
    reason: Annotated[str, typer.Option(help="why the link is removed")] = "",
) -> None:
    """Removes a source link (its open cases are closed)."""
    from govshare.cli_support import session_scope
    from govshare.quality import links

    with session_scope() as session:
        links.remove_link(session, actor=Actor.operator(), link_id=link_id, reason=reason)
        typer.echo(f"source link {link_id} removed")


@app.command("compare")
def compare_link(
    link_id: Annotated[int, typer.Argument(help="the link id")],
) -> None:
    """Compares every subject already loaded on both sides of a link (loads compare by themselves)."""
    from govshare.cli_support import session_scope
    from govshare.quality import divergence

    with session_scope() as session:
        result = divergence.compare_link(session, actor=Actor.operator(), link_id=link_id)
        typer.echo(
            f"opened {result.opened}, changed {result.updated}, closed {result.closed} case(s)"
        )
