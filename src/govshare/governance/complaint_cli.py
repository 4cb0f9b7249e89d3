"""CLI of complaints and error reports for the authority at the server.

`govshare complaints list [--state] [--overdue]` and `govshare error-reports list [--state]`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)
error_reports_app = typer.Typer(no_args_is_help=True)

Today = Annotated[
    str | None, typer.Option("--today", help="the day deadlines are judged on (YYYY-MM-DD)")
]


@app.callback()
def main() -> None:
    """Complaints about departments, answered by the authority (GZ 36; ZZ 32)."""


@error_reports_app.callback()
def error_reports_main() -> None:
    """Error reports: decisions taken wrongly because of inaccurate shared data (GZ 31)."""


def _day(value: str | None) -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today: '{value}' is not a date (use YYYY-MM-DD)")


@app.command("list")
def list_complaints(
    state: Annotated[
        str | None,
        typer.Option("--state", help="received, investigating, answered or withdrawn"),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="only open complaints past their answer's due date")
    ] = False,
    today: Today = None,
) -> None:
    """Lists every complaint (the authority's view), newest first."""
    from govshare.cli_support import fail, session_scope
    from govshare.governance import complaints
    from govshare.governance.complaint_models import ComplaintState

    if state is not None and state not in set(ComplaintState):
        fail(f"--state: '{state}' is not one of {', '.join(ComplaintState)}")
    day = _day(today)
    with session_scope() as session:
        page = complaints.list_complaints(
            session,
            actor=Actor.operator(),
            today=day,
            state=ComplaintState(state) if state else None,
            overdue=overdue,
            per_page=200,
        )
        for c in page.items:
            verdict = "" if c.upheld is None else (" upheld" if c.upheld else " not upheld")
            flag = " OVERDUE" if complaints.is_overdue(c, day) else ""
            typer.echo(
                f"{c.id:>5}  {c.state:<13} {c.ground:<18} dept {c.complainant_department_id} "
                f"-> dept {c.respondent_department_id}  filed {c.filed_on}  "
                f"due {c.due_on or '-'} [{c.article}]{verdict}{flag}  {c.subject}"
            )
        typer.echo(f"{page.total} complaint(s)")


@error_reports_app.command("list")
def list_error_reports(
    state: Annotated[
        str | None, typer.Option("--state", help="reported, filed or returned")
    ] = None,
) -> None:
    """Lists every error report (the authority's view), newest first."""
    from govshare.cli_support import fail, session_scope
    from govshare.quality import error_reports
    from govshare.quality.error_report_models import ReportState

    if state is not None and state not in set(ReportState):
        fail(f"--state: '{state}' is not one of {', '.join(ReportState)}")
    with session_scope() as session:
        page = error_reports.list_reports(
            session,
            actor=Actor.operator(),
            state=ReportState(state) if state else None,
            per_page=200,
        )
        for r in page.items:
            typer.echo(
                f"{r.id:>5}  {r.state:<9} resource {r.resource_id} dept "
                f"{r.consumer_department_id} (consumer) / dept {r.provider_department_id} "
                f"(provider)  reported {r.reported_on}  {r.decision_reference}"
            )
        typer.echo(f"{page.total} error report(s)")
