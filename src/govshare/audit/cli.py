"""`govshare audit …`: verify the chain, sign a checkpoint, export entries, rotate the key."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from govshare.kit.actor import Actor, ActorKind, Method

app = typer.Typer(help="The audit log: verify, checkpoint, export.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Walks the whole chain and its checkpoints; exits 1 naming the first bad entry."""
    from govshare.audit import service as audit
    from govshare.cli_support import fail, session_scope

    with session_scope() as session:
        result = audit.verify(session)
    if not result.ok:
        where = (
            "the chain head" if result.first_bad_seq is None else f"entry {result.first_bad_seq}"
        )
        fail(
            f"audit log NOT intact at {where}: {result.reason} "
            f"({result.entries_checked} entries verified before it)"
        )
    typer.echo(
        f"audit log intact: {result.entries_checked} entries, "
        f"{result.checkpoints_checked} checkpoints verified"
    )


@app.command()
def checkpoint() -> None:
    """Signs the newest entry with the platform key (the sweep does this too)."""
    from govshare.audit import service as audit
    from govshare.cli_support import session_scope

    with session_scope() as session:
        made = audit.checkpoint(session)
        if made is None:
            typer.echo("the audit log is empty: nothing to sign")
            return
        # Printed so that operators can keep a copy off this server (see docs/audit.md).
        typer.echo(
            f"checkpoint {made.id}: seq={made.seq} hash={made.entry_hash} "
            f"time={made.signed_at.isoformat()} key={made.key_id} signature={made.signature}"
        )


@app.command("rotate-key")
def rotate_key() -> None:
    """Replaces the checkpoint signing key; old public keys stay so old checkpoints verify."""
    from govshare.audit import keys

    typer.echo(f"new audit signing key: {keys.rotate_signing_key()}")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write, '-' for stdout")],
    action_prefix: Annotated[str | None, typer.Option(help="e.g. sharing.")] = None,
    actor_kind: Annotated[ActorKind | None, typer.Option(help="user, service or system")] = None,
    actor_id: Annotated[int | None, typer.Option()] = None,
    actor_name: Annotated[str | None, typer.Option()] = None,
    department_id: Annotated[int | None, typer.Option()] = None,
    object_type: Annotated[str | None, typer.Option()] = None,
    object_id: Annotated[str | None, typer.Option()] = None,
    method: Annotated[Method | None, typer.Option(help="console, api, cli or sweep")] = None,
    since: Annotated[str | None, typer.Option(help="from (inclusive), ISO date/time, UTC")] = None,
    until: Annotated[str | None, typer.Option(help="to (exclusive), ISO date/time, UTC")] = None,
    bom: Annotated[bool, typer.Option(help="start with a UTF-8 BOM (for Excel)")] = False,
) -> None:
    """Writes the filtered entries as CSV, oldest first; the export itself is audited."""
    from govshare.audit import service as audit
    from govshare.audit.schemas import AuditFilters
    from govshare.cli_support import fail, session_scope

    try:
        filters = AuditFilters(
            action_prefix=action_prefix,
            actor_kind=actor_kind,
            actor_id=actor_id,
            actor_name=actor_name,
            department_id=department_id,
            object_type=object_type,
            object_id=object_id,
            method=method,
            since=_parse_time(since),
            until=_parse_time(until),
        )
    except (ValueError, ValidationError) as exc:
        fail(f"bad filter: {exc}")
    to_stdout = str(out) == "-"
    try:
        stream = sys.stdout if to_stdout else out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        fail(f"cannot write {out}: {exc}")
    written = 0
    try:
        with session_scope() as session:
            if bom:
                stream.write("\ufeff")
            lines = audit.export_csv(session, filters=filters)
            stream.write(next(lines))  # the header
            for line in lines:
                stream.write(line)
                written += 1
            audit.record(
                session,
                actor=Actor.operator(),
                action="audit.exported",
                object_type="audit_log",
                details={
                    "filters": filters.model_dump(mode="json", exclude_none=True),
                    "rows": written,
                },
            )
    finally:
        if not to_stdout:
            stream.close()
    if not to_stdout:
        typer.echo(f"{written} entries written to {out}", err=True)


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value)
