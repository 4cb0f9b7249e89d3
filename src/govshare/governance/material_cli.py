"""CLI of service guides (mounted as `govshare guides`): import, re-check, report (GZ 32; ZS 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)


@app.command("template")
def template(
    out: Annotated[Path, typer.Option("--out", help="the file to write", dir_okay=False)],
) -> None:
    """Writes the empty Excel template of service guides."""
    from govshare.governance import material_excel

    out.write_bytes(material_excel.template())
    typer.echo(f"template written to {out}")


@app.command("import")
def import_guides(
    file: Annotated[Path, typer.Argument(help="the filled template (.xlsx)", dir_okay=False)],
    department: Annotated[str, typer.Option("--department", help="the department's code")],
) -> None:
    """Imports a filled template into a department's service guides: all or nothing."""
    from govshare.catalogue.interchange_cli import _department_id
    from govshare.cli_support import fail, session_scope
    from govshare.governance import material_excel
    from govshare.kit.errors import Invalid

    if not file.is_file():
        fail(f"no file {file}")
    with session_scope() as session:
        department_id = _department_id(session, department)
        try:
            result = material_excel.import_workbook(
                session,
                actor=Actor.operator(),
                department_id=department_id,
                content=file.read_bytes(),
            )
        except Invalid as exc:
            for p in exc.details.get("problems", []):
                typer.echo(f"{p['sheet']}!{p['row']}:{p['column']} {p['message']}", err=True)
            fail(exc.message)
    typer.echo(
        f"imported {result.created} new and {result.updated} updated service guides "
        f"with {result.materials} materials"
    )


@app.command("check")
def check(
    department: Annotated[
        str | None, typer.Option("--department", help="only this department's guides")
    ] = None,
) -> None:
    """Re-checks service guides against the published sharing directory."""
    from govshare.catalogue.interchange_cli import _department_id
    from govshare.cli_support import session_scope
    from govshare.governance import materials

    with session_scope() as session:
        dept = _department_id(session, department) if department else None
        r = materials.recheck(session, actor=Actor.operator(), department_id=dept)
    typer.echo(
        f"checked {r.checked} materials: {r.supplied} supplied by shared data "
        f"({r.newly_supplied} newly found, {r.no_longer_supplied} no longer supplied)"
    )


@app.command("report")
def report(
    out: Annotated[
        Path | None, typer.Option("--out", help="also write the report as .xlsx", dir_okay=False)
    ] = None,
) -> None:
    """Per department: services, materials, supplied by shared data, still required, removed, marked."""
    from sqlalchemy import select

    from govshare.cli_support import session_scope
    from govshare.governance import material_excel, materials
    from govshare.orgs.models import Department

    with session_scope() as session:
        counts = materials.counts_by_department(session)
        names = {i: n for i, n in session.execute(select(Department.code, Department.id))}
        by_id = {i: c for c, i in names.items()}
        typer.echo("department\tservices\tmaterials\tsupplied\tstill_required\tremoved\tmarked")
        for dept, c in sorted(counts.items(), key=lambda kv: by_id.get(kv[0], "")):
            typer.echo(
                f"{by_id.get(dept, dept)}\t{c.services}\t{c.materials}\t{c.supplied}"
                f"\t{c.still_required}\t{c.removed}\t{c.marked}"
            )
        if out is not None:
            items = materials.still_required(session, actor=Actor.operator())
            full = {i: n for i, n in session.execute(select(Department.id, Department.name))}
            out.write_bytes(
                material_excel.report_xlsx(
                    counts,
                    names=full,
                    items=items,
                    codes=materials.resource_codes(session, [m.resource_id for _, m in items]),
                )
            )
            typer.echo(f"report written to {out}")
