"""CLI of reports for the authority at the server: `govshare report annual --year 2026 --out r.pdf`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx"}


@app.callback()
def main() -> None:
    """Reports (a group, so that `annual` stays a subcommand)."""


@app.command("annual")
def annual(
    year: Annotated[int, typer.Option("--year", help="the year the report covers")],
    out: Annotated[Path, typer.Option("--out", help="the file to write: .pdf, .docx or .xlsx")],
    department: Annotated[
        str | None,
        typer.Option("--department", help="a department's code (default: the authority's report)"),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help="the day to draft on when not drafted (YYYY-MM-DD)"),
    ] = None,
) -> None:
    """Writes the annual report (the authority's, or a department's) as PDF, Word or Excel.

    A report not drafted yet is drafted from the platform's records first, where the profile
    has such a report (GZ 37; ZS 35).
    """
    from sqlalchemy import select

    from govshare.cli_support import fail, session_scope
    from govshare.governance import annual_docx, annual_reports
    from govshare.orgs.models import Department

    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        fail(f"--out: '{out}' must end in .pdf, .docx or .xlsx")
    if not out.parent.exists():
        fail(f"--out: the folder '{out.parent}' does not exist")
    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        fail(f"--today: '{today}' is not a date (use YYYY-MM-DD)")
    actor = Actor.operator()
    with session_scope() as session:
        dept_id: int | None = None
        if department is not None:
            dept_id = session.scalar(select(Department.id).where(Department.code == department))
            if dept_id is None:
                fail(f"--department: no department with code '{department}'")
        report = annual_reports.find(session, year=year, department_id=dept_id)
        if report is None and year == day.year:
            # The year is not over (GZ 37: a report covers the previous year): a preview so far.
            report = annual_reports.preview(session, year=year, department_id=dept_id, today=day)
            typer.echo(f"the year {year} is not over: a preview of its figures up to {day}")
        elif report is None:
            if dept_id is None:
                report = annual_reports.draft_authority(session, actor=actor, year=year, today=day)
            else:
                report = annual_reports.draft_department(
                    session, actor=actor, department_id=dept_id, year=year, today=day
                )
            typer.echo(f"drafted the report on {year} from the platform's records")
        content, _, _ = annual_docx.export(session, report=report, fmt=fmt)
        state = f"{report.state}{' (late)' if report.late else ''}"
    out.write_bytes(content)
    typer.echo(f"wrote {out} ({len(content)} bytes): report on {year}, {state}")
