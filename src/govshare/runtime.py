"""The process-wide runtime: settings, engine and session factory, made once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from govshare.config import Settings
from govshare.db import make_engine, make_session_factory

_engines: dict[str, Engine] = {}


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process."""
    return Settings.from_env()


def engine(url: str | None = None) -> Engine:
    """The engine for the configured (or given) database URL, made once per URL."""
    target = url or settings().database_url
    if target not in _engines:
        if target.startswith("sqlite:///"):
            Path(target.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        _engines[target] = make_engine(target)
    return _engines[target]


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """A session factory on the configured database."""
    return make_session_factory(engine(url))


def reset() -> None:
    """Forgets cached settings and engines (tests, and the demo re-creating its database)."""
    for eng in _engines.values():
        eng.dispose()
    _engines.clear()
    settings.cache_clear()
