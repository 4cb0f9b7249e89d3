"""The `govshare` command line: one group per domain, errors on stderr with a non-zero exit."""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated

import typer

from govshare import runtime

app = typer.Typer(help="govshare: the government data sharing platform.", no_args_is_help=True)


def _mount() -> None:
    from govshare.audit.cli import app as audit_app
    from govshare.calendar.cli import app as calendar_app
    from govshare.calendar.cli import workdays_app
    from govshare.catalogue.interchange_cli import app as catalogue_app
    from govshare.datastore.cli import app as data_app
    from govshare.datastore.freshness_cli import app as freshness_app
    from govshare.datastore.keys_cli import app as keys_app
    from govshare.governance.annual_cli import app as report_app
    from govshare.governance.cli import app as disputes_app
    from govshare.governance.complaint_cli import app as complaints_app
    from govshare.governance.complaint_cli import error_reports_app
    from govshare.governance.evaluation_cli import evaluate
    from govshare.governance.material_cli import app as guides_app
    from govshare.governance.rectification_cli import app as rectification_app
    from govshare.orgs.cli import app as orgs_app
    from govshare.profiles.cli import app as profile_app
    from govshare.quality.cli import app as quality_app
    from govshare.quality.verification_cli import app as verification_app
    from govshare.sharing.application_cli import app as applications_app
    from govshare.sharing.cli import app as sharing_app

    app.add_typer(profile_app, name="profile", help="Jurisdiction profiles: list, show, check.")
    app.add_typer(workdays_app, name="workdays", help="Working-day arithmetic.")
    app.add_typer(calendar_app, name="calendar", help="The holiday schedule.")
    app.add_typer(audit_app, name="audit", help="The audit log: verify, checkpoint, export.")
    app.add_typer(orgs_app, name="orgs", help="Departments and accounts.")
    app.add_typer(data_app, name="data", help="Connected data: load, export.")
    app.add_typer(freshness_app, name="freshness", help="Data freshness and delay filings.")
    app.add_typer(keys_app, name="keys", help="Data keys: rotate, status.")
    app.add_typer(sharing_app, name="sharing", help="Grants, queries and verification.")
    app.add_typer(applications_app, name="applications", help="Applications for conditional data.")
    app.add_typer(disputes_app, name="disputes", help="Disputes and their escalation ladder.")
    app.add_typer(complaints_app, name="complaints", help="Complaints about departments.")
    app.add_typer(error_reports_app, name="error-reports", help="Error reports (GZ 31).")
    app.add_typer(guides_app, name="guides", help="Service guides: import, re-check, report.")
    app.add_typer(report_app, name="report", help="Reports: the annual report.")
    app.command("evaluate")(evaluate)
    app.add_typer(rectification_app, name="rectification", help="Rectification notices.")
    app.add_typer(quality_app, name="quality", help="Source links and divergence cases.")
    app.add_typer(verification_app, name="verification", help="Verification requests.")
    app.add_typer(
        catalogue_app, name="catalogue", help="The catalogue: Excel template, import, export, DCAT."
    )


def _parse_day(value: str | None) -> date:
    from govshare.cli_support import fail

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"'{value}' is not a date (use YYYY-MM-DD)")


@app.command()
def init() -> None:
    """Creates or upgrades the database to the newest schema."""
    from govshare import migrate

    migrate.upgrade(url=runtime.settings().database_url)
    typer.echo(f"database ready: {runtime.settings().database_url}")


@app.command()
def tick(
    today: Annotated[str | None, typer.Option(help="the day to run for (YYYY-MM-DD)")] = None,
) -> None:
    """Runs every deadline rule once for the day (idempotent; safe with several processes)."""
    from govshare.cli_support import fail
    from govshare.jobs import service as jobs

    report = jobs.tick(runtime.session_factory(), today=_parse_day(today))
    for name, n in sorted(report.changed.items()):
        typer.echo(f"{name}: {n}")
    if report.errors:
        fail("; ".join(f"{k}: {v}" for k, v in report.errors.items()))


@app.command()
def demo(
    force: Annotated[bool, typer.Option(help="drop the existing database first")] = False,
) -> None:
    """Creates a fresh database with the Guangzhou demo and prints the log-ins."""
    from govshare import demo as demo_data

    logins = demo_data.create(runtime.settings().database_url, force=force)
    typer.echo("\nDemo loaded. Log in at the console with (user name / password):\n")
    for role, username, password, dept in logins:
        typer.echo(f"  {role:<16} {username:<14} {password:<16} {dept}")
    typer.echo("")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    sweep: Annotated[
        bool, typer.Option(help="run the sweep every minute in the background")
    ] = True,
) -> None:
    """Serves the console and the API; runs the sweep every minute."""
    import uvicorn

    from govshare import migrate
    from govshare.web.app import create_app

    migrate.upgrade(url=runtime.settings().database_url)
    if sweep:
        threading.Thread(target=_sweep_forever, daemon=True, name="govshare-sweep").start()
    typer.echo(f"govshare on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


def _sweep_forever(interval: float = 60.0) -> None:
    import logging

    from govshare.jobs import service as jobs

    stop = threading.Event()
    while not stop.wait(interval):
        try:
            jobs.tick(runtime.session_factory(), today=date.today())
        except Exception:  # the server keeps serving; the next minute tries again
            logging.getLogger("govshare.sweep").exception("sweep failed")


def main() -> None:
    """Entry point of the `govshare` command."""
    app()


_mount()
