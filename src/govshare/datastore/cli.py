"""`govshare data …`: load a file into a resource, export a resource's current records (the provider's own).

The CLI acts as the operator of the server (`Actor.operator()`), like the other groups.
"""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from govshare.kit.actor import Actor

app = typer.Typer(
    help="Connected data: load files, export a resource's records.", no_args_is_help=True
)

PROGRESS_EVERY = 100_000  # rows between progress lines when stderr is not a terminal


def _resource_id(code: str) -> int:
    from govshare.catalogue import service as catalogue
    from govshare.cli_support import session_scope

    with session_scope() as session:
        return catalogue.get_by_code(session, code=code).id


def _day(value: str | None) -> date | None:
    from govshare.cli_support import fail

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"'{value}' is not a date (use YYYY-MM-DD)")


class _Progress:
    """A progress line on stderr: rewritten in place on a terminal, every PROGRESS_EVERY rows otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = 0
        self.last: tuple[int, int | None] = (0, None)

    def __call__(self, done: int, total: int | None) -> None:
        self.last = (done, total)
        if self.tty or done - self.shown >= PROGRESS_EVERY:
            self._show(done, total)

    def _show(self, done: int, total: int | None) -> None:
        self.shown = done
        of = f" of about {total:,}" if total else ""
        line = f"checked and loaded {done:,}{of} rows"
        sys.stderr.write(f"\r{line}" if self.tty else f"{line}\n")
        sys.stderr.flush()

    def end(self) -> None:
        """Shows where the load ended (a terminal's line is closed)."""
        done, total = self.last
        if self.tty:
            if self.shown:
                sys.stderr.write("\n")
        elif done != self.shown:
            self._show(done, total)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def rejected_path(file: Path) -> Path:
    """Where a partial load writes the rows it rejected: `<name>.rejected.csv` next to the file."""
    return file.with_name(f"{file.stem}.rejected.csv")


def write_rejected(path: Path, rejected: list[Any], problems: list[Any]) -> None:
    """The rejected rows with their original columns and a `_problems` column (ignored when loaded again)."""
    from govshare.datastore.parsing import DELETE_COLUMN, PROBLEMS_COLUMN

    reasons: dict[int, list[str]] = {}
    for p in problems:
        reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
    columns: list[str] = []
    for row in rejected:
        for column in row.values:
            if column not in columns:
                columns.append(column)
    deletes = any(row.delete for row in rejected)
    header = [*columns, *([DELETE_COLUMN] if deletes else []), PROBLEMS_COLUMN]
    with path.open(
        "w", encoding="utf-8-sig", newline=""
    ) as fh:  # with BOM: Excel opens it as UTF-8
        out = csv.writer(fh)
        out.writerow(header)
        for row in rejected:
            cells = [_cell(row.values.get(c)) for c in columns]
            if deletes:
                cells.append("1" if row.delete else "")
            out.writerow([*cells, "; ".join(reasons.get(row.number, []))])


@app.command()
def load(
    resource_code: Annotated[str, typer.Argument(help="the resource's code, e.g. 301/000001")],
    file: Annotated[Path, typer.Argument(help="a .csv, .xlsx or .jsonl file", dir_okay=False)],
    partial: Annotated[
        bool,
        typer.Option("--partial", help="load the good rows; write the others to FILE.rejected.csv"),
    ] = False,
    today: Annotated[str | None, typer.Option(help="the day of the load (YYYY-MM-DD)")] = None,
) -> None:
    """Loads a file into a published resource: all rows or none (or the good ones with --partial)."""
    from govshare import runtime
    from govshare.cli_support import fail, session_scope
    from govshare.datastore import parsing, service
    from govshare.db import transaction
    from govshare.kit.errors import DomainError

    if not file.is_file():
        fail(f"no file {file}")
    day = _day(today)
    resource_id = _resource_id(resource_code)
    actor = Actor.operator()
    progress = _Progress()
    try:
        with transaction(runtime.session_factory()) as session, parsing.open_file(file) as source:
            result = service.load(
                session,
                actor=actor,
                resource_id=resource_id,
                rows=source,
                method="cli",
                filename=file.name,
                partial=partial,
                today=day,
                progress=progress,
            )
            report = result.load
    except service.LoadInvalid as exc:
        progress.end()
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        with session_scope() as session:  # its own transaction: the load's was rolled back
            service.record_failure(
                session,
                actor=actor,
                resource_id=resource_id,
                method="cli",
                error=exc,
                filename=file.name,
                partial=partial,
            )
        fail(exc.message)
    except DomainError as exc:
        progress.end()
        fail(exc.message)
    progress.end()
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if result.rejected:
        target = rejected_path(file)
        write_rejected(target, result.rejected, result.problems)
        typer.echo(f"{len(result.rejected):,} rejected rows written to {target}", err=True)
    typer.echo(
        f"load {report.id}: {report.rows_total:,} rows, {report.rows_written:,} new or changed, "
        f"{report.rows_unchanged:,} unchanged, {report.rows_deleted:,} deleted, {report.rows_rejected:,} rejected"
    )
    if report.rows_rejected and report.rows_rejected == report.rows_total:
        fail("nothing was loaded: every row has problems")


@app.command()
def export(
    resource_code: Annotated[str, typer.Argument(help="the resource's code")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="CSV file to write (default: stdout)", dir_okay=False),
    ] = None,
) -> None:
    """Writes the resource's current records as CSV (decrypted: the provider's own data; audited)."""
    from govshare.cli_support import session_scope
    from govshare.datastore import service

    resource_id = _resource_id(resource_code)
    actor = Actor.operator()
    count = 0
    with session_scope() as session:
        columns = service.item_names(session, actor=actor, resource_id=resource_id)
        rows = service.export(session, actor=actor, resource_id=resource_id)
        fh: IO[str] = out.open("w", encoding="utf-8-sig", newline="") if out else sys.stdout
        try:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row[c]) for c in columns])
                count += 1
        finally:
            if out:
                fh.close()
    if out:
        typer.echo(f"{count:,} records written to {out}", err=True)
