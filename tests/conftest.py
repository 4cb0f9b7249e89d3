"""Test database: built by running the migrations; each test runs in a transaction rolled back."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from govshare import migrate
from govshare.db import make_engine

pytest_plugins = ["tests.web_support"]

# Speed is measured by benchmarks, never by timed tests: no per-example deadline.
settings.register_profile("govshare", deadline=None, print_blob=True)
settings.load_profile("govshare")


def _base_url(tmp_root: Path) -> str:
    return os.environ.get("GOVSHARE_TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.db'}"


def _create_database(base_url: str, tmp_root: Path) -> str:
    """A new empty database next to the base one; returns its URL."""
    if base_url.startswith("sqlite"):
        return f"sqlite:///{tmp_root / f'db-{uuid.uuid4().hex[:8]}.db'}"
    name = f"govshare_t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(base_url: str, url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = make_url(url).database
    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keys and var files of the test run live in a temporary folder."""
    root = tmp_path_factory.mktemp("var")
    old = {
        k: os.environ.get(k) for k in ("GOVSHARE_VAR_DIR", "GOVSHARE_KEY_DIR", "GOVSHARE_PROFILE")
    }
    os.environ["GOVSHARE_VAR_DIR"] = str(root)
    os.environ["GOVSHARE_KEY_DIR"] = str(root / "keys")
    os.environ["GOVSHARE_PROFILE"] = "guangzhou"
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Makes new migrated databases (for tests that need real commits or several processes)."""
    root = tmp_path_factory.mktemp("db")
    base = _base_url(root)
    made: list[str] = []

    def make() -> str:
        url = _create_database(base, root)
        migrate.upgrade(url=url)
        made.append(url)
        return url

    yield make
    for url in made:
        _drop_database(base, url)


@pytest.fixture(scope="session")
def engine(database_factory: object) -> Iterator[Engine]:
    """The shared test database, migrated once per run."""
    url = database_factory()  # type: ignore[operator]
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        trans.rollback()
        conn.close()
