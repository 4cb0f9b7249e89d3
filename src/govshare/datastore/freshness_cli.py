"""`govshare freshness …`: which connected data is stale, delay filings and their decisions.

The CLI acts as the operator of the server (`Actor.operator()`), with the authority's view.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(
    help="Data freshness: stale resources, delay filings (GZ 19; ZS 18; JS 15).",
    no_args_is_help=True,
)


def _day(value: str | None) -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"'{value}' is not a date (use YYYY-MM-DD)")


@app.command("list")
def list_(
    stale: Annotated[bool, typer.Option("--stale", help="only stale resources")] = False,
    department: Annotated[str | None, typer.Option(help="only this department (its code)")] = None,
    today: Annotated[str | None, typer.Option(help="the day to assess (YYYY-MM-DD)")] = None,
) -> None:
    """Connected resources with their due date and status; exits 2 when any is stale."""
    from sqlalchemy import select

    from govshare.cli_support import fail, session_scope
    from govshare.datastore import freshness
    from govshare.kit.pagination import MAX_PER_PAGE
    from govshare.orgs.models import Department

    day = _day(today)
    any_stale = False
    with session_scope() as session:
        dept_id = None
        if department is not None:
            dept_id = session.scalar(select(Department.id).where(Department.code == department))
            if dept_id is None:
                fail(f"no department with code {department}")
        page, shown = 1, 0
        while True:
            found = freshness.list_freshness(
                session,
                actor=Actor.operator(),
                today=day,
                department_id=dept_id,
                stale=True if stale else None,
                page=page,
                per_page=MAX_PER_PAGE,
            )
            for f in found.items:
                any_stale = any_stale or f.status == freshness.Status.STALE
                since = f" since {f.stale_since}" if f.stale_since else ""
                filed = f" (filed until {f.covered_until})" if f.covered_until else ""
                typer.echo(
                    f"{f.code}\t{f.name}\t{f.update_cycle}\tlast {f.last_updated_on or '-'}\t"
                    f"due {f.due_on or '-'} [{f.article}]\t{f.status}{since}{filed}"
                )
                shown += 1
            if not found.has_next:
                break
            page += 1
        typer.echo(f"{shown} resource(s) on {day}")
    if any_stale:
        raise typer.Exit(2)


@app.command("file")
def file_(
    resource_code: Annotated[str, typer.Argument(help="the resource's code")],
    reason: Annotated[str, typer.Option(help="why the data cannot be updated in time")],
    until: Annotated[str, typer.Option(help="the day by which it will be updated (YYYY-MM-DD)")],
    evidence: Annotated[
        list[Path] | None, typer.Option(help="an evidence file (repeat for several)")
    ] = None,
    today: Annotated[str | None, typer.Option(help="the day of filing (YYYY-MM-DD)")] = None,
) -> None:
    """Files a delay for a connected resource, with evidence files."""
    from govshare.attachments.service import Upload
    from govshare.catalogue import service as catalogue
    from govshare.cli_support import fail, session_scope
    from govshare.datastore import freshness_filings

    uploads = []
    for path in evidence or []:
        if not path.is_file():
            fail(f"no file {path}")
        uploads.append(Upload(filename=path.name, data=path.read_bytes()))
    update_by, day = _day(until), _day(today)
    with session_scope() as session:
        resource = catalogue.get_by_code(session, code=resource_code)
        filing = freshness_filings.file_delay(
            session,
            actor=Actor.operator(),
            resource_id=resource.id,
            reason=reason,
            update_by=update_by,
            today=day,
            uploads=uploads,
        )
        typer.echo(f"delay filing {filing.id}: {filing.state} [{filing.article}]")


@app.command("filings")
def filings(
    state: Annotated[str, typer.Option(help="pending, approved, rejected or accepted")] = "",
) -> None:
    """Delay filings, newest first (the first 200)."""
    from govshare.cli_support import session_scope
    from govshare.datastore import freshness_filings
    from govshare.kit.pagination import MAX_PER_PAGE

    with session_scope() as session:
        found = freshness_filings.list_filings(
            session, actor=Actor.operator(), state=state, per_page=MAX_PER_PAGE
        )
        for f in found.items:
            typer.echo(
                f"{f.id}\tresource {f.resource_id}\t{f.state}\tby {f.update_by}\t"
                f"filed {f.filed_on} by {f.filed_by}\t{f.reason}"
            )
        typer.echo(f"{found.total} filing(s)")


@app.command("decide")
def decide(
    filing_id: Annotated[int, typer.Argument(help="the filing's number")],
    decision: Annotated[str, typer.Argument(help="approve or reject")],
    reason: Annotated[str, typer.Option(help="the reason (required to reject)")] = "",
    today: Annotated[str | None, typer.Option(help="the day of the decision (YYYY-MM-DD)")] = None,
) -> None:
    """Approves or rejects a pending filing as the authority (GZ 19 ¶4)."""
    from govshare.cli_support import fail, session_scope
    from govshare.datastore import freshness_filings

    if decision not in ("approve", "reject"):
        fail("the decision is 'approve' or 'reject'")
    with session_scope() as session:
        filing = freshness_filings.decide(
            session,
            actor=Actor.operator(),
            filing_id=filing_id,
            approve=decision == "approve",
            reason=reason,
            today=_day(today),
        )
        typer.echo(f"delay filing {filing.id}: {filing.state}")
