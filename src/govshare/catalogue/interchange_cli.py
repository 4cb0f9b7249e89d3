"""CLI of catalogue interchange (mounted as `govshare catalogue`): the Excel template, import, exports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)

OutFile = Annotated[Path, typer.Option("--out", help="the file to write", dir_okay=False)]


def _department_id(session: Session, code: str) -> int:
    from govshare.cli_support import fail
    from govshare.orgs import service as orgs

    found = [
        d for d in orgs.list_departments(session, q=code, per_page=200).items if d.code == code
    ]
    if not found:
        fail(f"no department with code '{code}'")
    return found[0].id


def _progress(stage: str, count: int) -> None:
    noun = "rows" if stage == "parsed" else "resources"
    typer.echo(f"{stage} {count} {noun}", err=True)


@app.command("template")
def template(out: OutFile) -> None:
    """Writes the empty Excel template officials fill in."""
    from govshare.catalogue import excel

    out.write_bytes(excel.template())
    typer.echo(f"template written to {out}")


@app.command("import")
def import_workbook(
    file: Annotated[Path, typer.Argument(help="the filled template (.xlsx)", dir_okay=False)],
    department_code: Annotated[
        str, typer.Option("--department-code", help="the department's code")
    ],
    today: Annotated[str | None, typer.Option(help="the day of the import (YYYY-MM-DD)")] = None,
) -> None:
    """Imports a filled template into a department's catalogue as drafts: all or nothing, every problem listed."""
    from govshare.catalogue import excel
    from govshare.cli_support import fail, session_scope
    from govshare.kit.errors import Invalid

    if not file.is_file():
        fail(f"no file {file}")
    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        fail(f"'{today}' is not a date (use YYYY-MM-DD)")
    with session_scope() as session:
        department_id = _department_id(session, department_code)
        try:
            result = excel.import_workbook(
                session,
                actor=Actor.operator(),
                department_id=department_id,
                content=file.read_bytes(),
                today=day,
                progress=_progress,
            )
        except Invalid as exc:
            for p in exc.details.get("problems", []):
                typer.echo(f"{p['sheet']}!{p['row']}:{p['column']} {p['message']}", err=True)
            fail(exc.message)
    typer.echo(f"imported {result.resources} resources with {result.items} data items as drafts")
    for code in result.codes:
        typer.echo(code)


@app.command("export")
def export(
    out: OutFile,
    department_code: Annotated[
        str | None,
        typer.Option(
            "--department-code", help="export this department's catalogue (working copies) instead"
        ),
    ] = None,
) -> None:
    """Writes the published sharing directory (or a department's catalogue) as a workbook."""
    from govshare.catalogue import excel
    from govshare.cli_support import session_scope

    with session_scope() as session:
        if department_code is None:
            content = excel.export_directory(session)
        else:
            content = excel.export_catalogue(
                session, department_id=_department_id(session, department_code)
            )
    out.write_bytes(content)
    typer.echo(f"written to {out}")


@app.command("dcat")
def dcat(
    out: OutFile,
    base_url: Annotated[str, typer.Option("--base-url", help="the platform's public address")],
) -> None:
    """Writes the published sharing directory as DCAT-AP style JSON-LD."""
    from govshare.catalogue import dcat as dcat_export
    from govshare.cli_support import session_scope

    with session_scope() as session:
        document = dcat_export.directory_jsonld(session, base_url=base_url)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(f"{len(document['dcat:dataset'])} datasets written to {out}")
