"""What the provider's console needs beyond the load service: the connections overview, uploads run
off the request with their progress, and the rejected rows of partial loads.

An upload runs after its request has answered (`run_upload`, in its own session). While it runs,
its progress is kept in memory in the process that runs it (`live`), and on PostgreSQL also written
to its `LoadJob` row in short transactions of their own, so that another process can show it. On
SQLite the load holds the database's write lock until it commits, so progress there is only in
memory (the page that polls it does not touch the database, see `views.py`).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session

from govshare.catalogue.models import DirectoryEntry
from govshare.datastore import parsing, service
from govshare.datastore.job_models import LoadJob
from govshare.datastore.models import Connection, Load
from govshare.db import utcnow
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Forbidden, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Role

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"
DB_PROGRESS_EVERY = 2.0  # seconds between progress writes to the job row (PostgreSQL)
MAX_LIVE = 500  # finished uploads remembered in memory


# --- the connections overview --------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionRow:
    """A published resource with its connection and its latest load (None before the first)."""

    entry: DirectoryEntry
    connection: Connection | None
    last_load: Load | None


def _scope(actor: Actor, department_id: int | None) -> int | None:
    """The department whose connections the actor sees (the authority: any, or all)."""
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return department_id
    if actor.department_id is None or not actor.has_role(Role.DATA_OFFICER):
        raise Forbidden(
            "only the providing department loads and reads this resource's data",
            code="not_your_data",
        )
    return actor.department_id


def connections(
    session: Session,
    *,
    actor: Actor,
    q: str = "",
    department_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[ConnectionRow]:
    """The published resources of the actor's department with their connection status."""
    scope = _scope(actor, department_id)
    stmt = select(DirectoryEntry).order_by(DirectoryEntry.code)
    if scope is not None:
        stmt = stmt.where(DirectoryEntry.department_id == scope)
    text = q.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(
            or_(
                DirectoryEntry.code.ilike(like),
                DirectoryEntry.name.ilike(like),
                DirectoryEntry.name_en.ilike(like),
            )
        )
    found = paginate(session, stmt, page=page, per_page=per_page)
    ids = [e.resource_id for e in found.items]
    conns = {
        c.resource_id: c
        for c in session.scalars(select(Connection).where(Connection.resource_id.in_(ids)))
    }
    latest = select(func.max(Load.id)).where(Load.resource_id.in_(ids)).group_by(Load.resource_id)
    loads = {x.resource_id: x for x in session.scalars(select(Load).where(Load.id.in_(latest)))}
    rows = [
        ConnectionRow(e, conns.get(e.resource_id), loads.get(e.resource_id)) for e in found.items
    ]
    return Page(items=rows, total=found.total, page=found.page, per_page=found.per_page)


# --- uploads off the request ---------------------------------------------------------------------


@dataclass
class Live:
    """An upload's progress in this process."""

    user_id: int | None
    session_version: Any
    state: str = RUNNING
    done: int = 0
    total: int | None = None
    load_id: int | None = None


_live: dict[int, Live] = {}
_live_lock = threading.Lock()


def live(job_id: int) -> Live | None:
    """The in-memory progress of an upload run by this process (None when unknown here)."""
    with _live_lock:
        return _live.get(job_id)


def _remember(job_id: int, entry: Live) -> None:
    with _live_lock:
        _live[job_id] = entry
        finished = [k for k, v in _live.items() if v.state != RUNNING]
        for k in finished[: max(0, len(finished) - MAX_LIVE)]:
            del _live[k]


def save_upload(stream: IO[bytes], filename: str) -> Path:
    """Copies an uploaded file to a temporary file (the load reads it after the request)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in parsing.FORMATS:
        raise Invalid(
            "load a CSV, XLSX or JSON Lines file (.csv, .xlsx, .jsonl)", code="unreadable_file"
        )
    fd, name = tempfile.mkstemp(prefix="govshare-upload-", suffix=suffix)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
    return Path(name)


def start_upload(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    filename: str,
    partial: bool,
    user_id: int | None,
    session_version: Any = None,
) -> LoadJob:
    """Registers an upload to run: the provider's own published resource only."""
    target = service.published(session, actor=actor, resource_id=resource_id)
    job = LoadJob(
        resource_id=target.id,
        department_id=target.department_id,
        user_id=user_id,
        actor_name=actor.name,
        filename=filename[:200],
        partial=partial,
        state=RUNNING,
        rows_done=0,
        error="",
    )
    session.add(job)
    session.flush()  # the page that follows names the job
    _remember(job.id, Live(user_id=user_id, session_version=session_version))
    return job


Opener = Callable[[], AbstractContextManager[Session]]


def run_upload(
    opener: Opener,
    *,
    job_id: int,
    actor: Actor,
    resource_id: int,
    path: Path,
    filename: str,
    partial: bool,
    today: date,
) -> None:
    """Runs a registered upload in a session of its own and records how it ended."""
    entry = live(job_id) or Live(user_id=None, session_version=None)
    _remember(job_id, entry)
    try:
        with opener() as session:
            report = _progress_writer(session, job_id, entry)
            try:
                with parsing.open_file(path) as source:
                    result = service.load(
                        session,
                        actor=actor,
                        resource_id=resource_id,
                        rows=source,
                        method="upload",
                        filename=filename,
                        partial=partial,
                        today=today,
                        progress=report,
                    )
                rejected = _rejected_csv(result) if result.rejected else None
                _finish(session, job_id, entry, state=DONE, load=result.load, rejected=rejected)
            except service.LoadInvalid as exc:
                session.rollback()  # the load's own transaction: nothing of it is kept
                refused = service.record_failure(
                    session,
                    actor=actor,
                    resource_id=resource_id,
                    method="upload",
                    error=exc,
                    filename=filename,
                    partial=partial,
                )
                _finish(session, job_id, entry, state=DONE, load=refused)
            except DomainError as exc:
                session.rollback()
                error = json.dumps({"template": exc.template, "details": _plain(exc.details)})
                _finish(session, job_id, entry, state=FAILED, error=error)
            except Exception:
                log.exception("upload %s failed", job_id)
                session.rollback()
                error = json.dumps(
                    {"template": "the load failed unexpectedly; nothing was loaded", "details": {}}
                )
                _finish(session, job_id, entry, state=FAILED, error=error)
    finally:
        entry.state = entry.state if entry.state != RUNNING else FAILED
        path.unlink(missing_ok=True)


def _plain(details: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else str(v) for k, v in details.items() if k != "problems"}


def _finish(
    session: Session,
    job_id: int,
    entry: Live,
    *,
    state: str,
    load: Load | None = None,
    rejected: str | None = None,
    error: str = "",
) -> None:
    job = session.get(LoadJob, job_id)
    if job is not None:
        job.state = state
        job.load_id = load.id if load is not None else None
        job.rows_done = load.rows_total if load is not None else entry.done
        job.rejected_csv = rejected
        job.error = error
        job.finished_at = utcnow()
    session.commit()
    entry.load_id = load.id if load is not None else None
    if load is not None:
        entry.done = load.rows_total
    entry.state = state


def _progress_writer(session: Session, job_id: int, entry: Live) -> service.Progress:
    """The load's progress callback: memory always; the job row on PostgreSQL, now and then."""
    bind = session.get_bind()
    engine: Engine = bind if isinstance(bind, Engine) else bind.engine
    to_db = engine.dialect.name == "postgresql"
    last = [time.monotonic()]

    def report(done: int, total: int | None) -> None:
        entry.done, entry.total = done, total
        now = time.monotonic()
        if to_db and now - last[0] >= DB_PROGRESS_EVERY:
            last[0] = now
            try:  # a connection of its own: the load's transaction is not committed yet
                with engine.begin() as conn:
                    conn.execute(
                        update(LoadJob)
                        .where(LoadJob.id == job_id)
                        .values(rows_done=done, rows_expected=total)
                    )
            except Exception:  # progress is a courtesy; the load goes on without it
                log.warning("could not record the progress of upload %s", job_id, exc_info=True)

    return report


def _rejected_csv(result: service.LoadResult) -> str:
    from govshare.datastore.cli import write_rejected

    fd, name = tempfile.mkstemp(prefix="govshare-rejected-", suffix=".csv")
    os.close(fd)
    path = Path(name)
    try:
        write_rejected(path, result.rejected, result.problems)
        return path.read_text(encoding="utf-8-sig")
    finally:
        path.unlink(missing_ok=True)


def _check_reader(actor: Actor, department_id: int) -> None:
    # As the load service: the provider's data officers, and the authority (GZ 19; ZS 18).
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return
    if actor.department_id == department_id and actor.has_role(Role.DATA_OFFICER, Role.SERVICE):
        return
    raise Forbidden(
        "only the providing department loads and reads this resource's data", code="not_your_data"
    )


def get_job(session: Session, *, actor: Actor, job_id: int) -> LoadJob:
    """One upload (the provider's own; the authority's view)."""
    job = session.get(LoadJob, job_id)
    if job is None:
        raise NotFound("no upload {job_id}", code="job_not_found", job_id=job_id)
    _check_reader(actor, job.department_id)
    return job


def job_error(job: LoadJob) -> tuple[str, dict[str, str]]:
    """A failed upload's reason: a message id and its values."""
    try:
        data = json.loads(job.error or "{}")
        return str(data.get("template", "")), dict(data.get("details", {}))
    except ValueError:
        return job.error, {}


def job_of_load(session: Session, *, actor: Actor, load_id: int) -> LoadJob | None:
    """The console upload a load came from, if it came from one."""
    load = service.get_load(session, actor=actor, load_id=load_id)
    return session.scalar(select(LoadJob).where(LoadJob.load_id == load.id))


def rejected_rows(session: Session, *, actor: Actor, load_id: int) -> str:
    """The rejected rows of a partial load as CSV text, with their problems."""
    job = job_of_load(session, actor=actor, load_id=load_id)
    if job is None or not job.rejected_csv:
        raise NotFound("this load has no rejected rows file", code="no_rejected_rows")
    return job.rejected_csv
