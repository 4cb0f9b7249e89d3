"""Helpers shared by the CLI commands of every domain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from sqlalchemy.orm import Session

from govshare import runtime
from govshare.db import transaction
from govshare.kit.errors import DomainError


@contextmanager
def session_scope() -> Iterator[Session]:
    """One CLI command's unit of work on the configured database; a domain error exits 1."""
    try:
        with transaction(runtime.session_factory()) as session:
            yield session
    except DomainError as exc:
        fail(exc.message)


def fail(message: str) -> NoReturn:
    """Prints the message to stderr and exits with status 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
