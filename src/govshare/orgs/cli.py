"""CLI of departments and accounts (for operators at the server)."""

from __future__ import annotations

from typing import Annotated

import typer

from govshare.kit.actor import Actor

app = typer.Typer(no_args_is_help=True)


@app.command("departments")
def departments(q: Annotated[str, typer.Option(help="search text")] = "") -> None:
    """Lists the departments."""
    from govshare.cli_support import session_scope
    from govshare.orgs import service as orgs

    with session_scope() as session:
        for d in orgs.list_departments(session, q=q, per_page=200).items:
            typer.echo(f"{d.id:>4}  {d.code:<12} {d.level:<10} {d.uscc}  {d.name}")


@app.command("add-department")
def add_department(
    name: str,
    code: str,
    uscc: str,
    level: Annotated[str, typer.Option()] = "municipal",
    kind: Annotated[str, typer.Option()] = "other",
    name_en: Annotated[str, typer.Option()] = "",
    parent_id: Annotated[int | None, typer.Option()] = None,
    authority: Annotated[
        bool, typer.Option(help="this department is the sharing authority")
    ] = False,
) -> None:
    """Registers a department."""
    from govshare.cli_support import session_scope
    from govshare.orgs import service as orgs

    with session_scope() as session:
        dept = orgs.create_department(
            session,
            actor=Actor.operator(),
            name=name,
            code=code,
            uscc=uscc,
            level=level,
            kind=kind,
            name_en=name_en,
            parent_id=parent_id,
            is_authority=authority,
        )
        typer.echo(f"department {dept.id} registered")


@app.command("add-user")
def add_user(
    username: str,
    role: str,
    department_id: int,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    display_name: Annotated[str, typer.Option()] = "",
) -> None:
    """Creates a console account."""
    from govshare.cli_support import session_scope
    from govshare.orgs import service as orgs

    with session_scope() as session:
        user = orgs.create_user(
            session,
            actor=Actor.operator(),
            username=username,
            password=password,
            role=role,
            department_id=department_id,
            display_name=display_name,
        )
        typer.echo(f"user {user.id} ({user.username}) created")
