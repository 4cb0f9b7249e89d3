"""``govshare profile list|show|check``: the jurisdiction profiles from the command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from govshare.kit.errors import DomainError
from govshare.profiles import service

app = typer.Typer(
    help="Jurisdiction profiles: the deadlines and branches of each regulation, with articles.",
    no_args_is_help=True,
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _active_name() -> str:
    return os.environ.get(service.ENV_VAR) or service.DEFAULT_PROFILE


@app.command("list")
def list_command() -> None:
    """Lists the shipped profiles; * marks the active one (GOVSHARE_PROFILE)."""
    active = _active_name()
    for name in service.list_profiles():
        try:
            profile = service.load_profile(name)
        except DomainError as exc:
            _fail(exc.message)
        mark = "*" if name == active else " "
        typer.echo(f"{mark} {name:<10} in force {profile.in_force}  {profile.title}")
    if active not in service.list_profiles():
        typer.echo(f"* active: {active} (custom file)")


@app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="A shipped profile name, or the path of a file.")],
    quotes: Annotated[
        bool, typer.Option("--quotes", help="Also print each rule's quote and note.")
    ] = False,
    silent_only: Annotated[
        bool, typer.Option("--silent", help="Only the rules on which the text is silent.")
    ] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Print the profile's TOML source.")] = False,
) -> None:
    """Prints a profile's rules as a table: key, rule, article."""
    try:
        profile = service.load_profile(name)
    except DomainError as exc:
        _fail(exc.message)
    if raw:
        typer.echo(service.profile_source(name), nl=False)
        return
    typer.echo(f"{profile.name}: {profile.title}")
    if profile.title_zh:
        typer.echo(f"  {profile.title_zh}")
    typer.echo(f"  {profile.jurisdiction}, in force {profile.in_force}")
    typer.echo(f"  source: {profile.source}")
    if profile.source_note:
        typer.echo(f"  note: {profile.source_note}")
    typer.echo("")
    rows = [r for r in service.describe_rules(profile) if r.silent or not silent_only]
    width = max((len(r.key) for r in rows), default=0)
    typer.echo(f"{'key':<{width}}  {'rule':<40}  article")
    for row in rows:
        typer.echo(f"{row.key:<{width}}  {row.rule:<40}  {row.article}")
        if quotes:
            if row.quote:
                typer.echo(f"{'':<{width}}    quote: {row.quote}")
            if row.note:
                typer.echo(f"{'':<{width}}    note: {row.note}")


@app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(help="The profile TOML file to validate.")],
) -> None:
    """Validates a custom profile file: prints OK, or the error naming the key (exit 1)."""
    try:
        profile = service.check_profile_file(file)
    except DomainError as exc:
        _fail(exc.message)
    silent = sum(1 for r in service.describe_rules(profile) if r.silent)
    typer.echo(f"OK: {file}: profile {profile.name!r} ({profile.title}); {silent} rules silent")
