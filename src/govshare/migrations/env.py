"""Alembic environment: runs the migrations against the connection or URL given."""

from __future__ import annotations

from alembic import context

from govshare import models  # noqa: F401  (registers every table on Base.metadata)
from govshare.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from govshare.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Objects the models do not describe (the full-text indexes) belong to hand-written
    # revisions; autogenerate must not propose dropping them.
    return not (reflected and compare_to is None)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        include_object=_include_object,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
