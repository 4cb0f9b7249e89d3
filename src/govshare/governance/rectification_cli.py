"""CLI of rectification notices for the authority: `govshare rectification list|proposals|report`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)

Today = Annotated[
    str | None, typer.Option("--today", help="the day deadlines are judged on (YYYY-MM-DD)")
]


@app.callback()
def main() -> None:
    """Rectification notices and the platform's proposals (GZ 43; ZS 38; ZZ 32; JS 33)."""


def _day(value: str | None) -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today: '{value}' is not a date (use YYYY-MM-DD)")


@app.command("list")
def list_notices(
    state: Annotated[str | None, typer.Option("--state", help="only notices in this state")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="only those past due")] = False,
    today: Today = None,
) -> None:
    """Lists every notice (the authority's view), newest first."""
    from govshare.cli_support import session_scope
    from govshare.governance import rectification
    from govshare.governance import rectification_queries as queries

    day = _day(today)
    with session_scope() as session:
        page = queries.list_notices(
            session, actor=Actor.operator(), today=day, state=state, overdue=overdue, per_page=200
        )
        names = queries.department_names(session, [n.department_id for n in page.items])
        for n in page.items:
            flag = " OVERDUE" if rectification.is_overdue(n, day) else ""
            typer.echo(
                f"{n.id:>5}  {n.state:<9} {names.get(n.department_id, n.department_id)}  "
                f"{n.ground} [{n.article}]  issued {n.issued_on}  due {n.due_on}{flag}"
            )
        typer.echo(f"{page.total} notice(s)")


@app.command("proposals")
def proposals(
    kind: Annotated[str | None, typer.Option("--kind", help="only proposals of this kind")] = None,
    today: Today = None,
) -> None:
    """Lists the notices the platform proposes today, with their ground and records."""
    from govshare.cli_support import session_scope
    from govshare.governance import rectification_proposals as service
    from govshare.governance import rectification_queries as queries

    with session_scope() as session:
        found = service.list_proposals(
            session, actor=Actor.operator(), today=_day(today), kind=kind
        )
        names = queries.department_names(session, [p.department_id for p in found])
        for p in found:
            records = ", ".join(r.label for r in p.records)
            typer.echo(
                f"{p.kind}:{p.source_id}  {names.get(p.department_id, p.department_id)}  "
                f"{p.ground} [{p.article}]  since {p.since}  ({records})"
            )
            typer.echo(f"    {p.facts}")
        typer.echo(f"{len(found)} proposal(s)")


@app.command("report")
def report(
    notice_id: Annotated[int, typer.Argument(help="the escalated notice's id")],
    out: Annotated[Path, typer.Option("--out", help="the PDF file to write")],
) -> None:
    """Writes the escalation report of a notice to the people's government as a PDF."""
    from govshare.cli_support import fail, session_scope
    from govshare.governance import rectification_report

    if out.suffix.lower() != ".pdf":
        fail(f"--out: '{out}' must be a .pdf file")
    if not out.parent.exists():
        fail(f"--out: the folder '{out.parent}' does not exist")
    with session_scope() as session:
        data = rectification_report.build(session, actor=Actor.operator(), notice_id=notice_id)
        out.write_bytes(rectification_report.pdf(data))
    typer.echo(f"wrote {out}")
