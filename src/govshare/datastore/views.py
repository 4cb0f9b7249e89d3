"""Console pages of connected data, the provider's side: connections, uploads with their progress,
load reports with every problem, the rejected rows of partial loads, the export of one's own data."""

from __future__ import annotations

import csv
import os
import tempfile
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from govshare.catalogue import directory
from govshare.datastore import console, service
from govshare.http.deps import Allow, Db, TransactionalRoute, allow
from govshare.http.rendering import form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.kit.pagination import Page
from govshare.orgs import service as orgs
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

READERS = (Role.DATA_OFFICER, Role.AUTHORITY_ADMIN)
PROVIDERS = (Role.DATA_OFFICER,)
PROBLEMS_PER_PAGE = 50


def _(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


STATUS_LABELS = {
    service.LoadStatus.LOADED: _("Loaded"),
    service.LoadStatus.PARTIAL: _("Partly loaded"),
    service.LoadStatus.REJECTED: _("Nothing loaded"),
}
METHOD_LABELS = {"upload": _("Console upload"), "api": _("API"), "cli": _("Command line")}


def _common(db: Db) -> dict[str, Any]:
    depts = {d.id: d for d in orgs.list_departments(db, per_page=200).items}
    return {"depts": depts, "status_labels": STATUS_LABELS, "method_labels": METHOD_LABELS}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _provides(actor: Actor, department_id: int) -> bool:
    return actor.has_role(Role.DATA_OFFICER) and actor.department_id == department_id


@router.get("/data", response_class=HTMLResponse)
def connections(
    request: Request,
    db: Db,
    q: str = "",
    department_id: str = "",
    page: int = 1,
    actor: Actor = allow(*READERS),
) -> Response:
    """The department's published resources with their connection status."""
    if page < 1:
        raise Invalid("page must be 1 or more", code="invalid_page")
    dept = int(department_id) if department_id.strip().isdigit() else None
    found = console.connections(db, actor=actor, q=q, department_id=dept, page=page)
    return render(
        request,
        "datastore/connections.html",
        {
            **_common(db),
            "page": found,
            "q": q,
            "department_id": dept,
            "query": urlencode({"q": q, "department_id": department_id}),
        },
    )


@router.get("/data/resources/{resource_id}", response_class=HTMLResponse)
def resource_page(
    request: Request, db: Db, resource_id: int, page: int = 1, actor: Actor = allow(*READERS)
) -> Response:
    """One resource: its connection, the upload form, its loads and the export of its data."""
    connection = service.connection_of(db, actor=actor, resource_id=resource_id)
    entry = directory.get_entry(db, resource_id=resource_id)
    loads = service.list_loads(
        db, actor=actor, resource_id=resource_id, page=max(page, 1), per_page=20
    )
    items = [i["name"] for i in entry.snapshot.get("items", [])]
    return render(
        request,
        "datastore/resource.html",
        {
            **_common(db),
            "e": entry,
            "items": items,
            "connection": connection,
            "page": loads,
            "query": "",
            "may_load": _provides(actor, entry.department_id),
        },
    )


@router.post("/data/resources/{resource_id}/loads")
def upload(
    request: Request,
    db: Db,
    resource_id: int,
    file: UploadFile | None = None,
    partial: Annotated[str, Form()] = "",
    actor: Actor = allow(*PROVIDERS),
) -> Response:
    """Starts an upload; it runs after this answer, and the next page follows its progress."""
    back = f"/data/resources/{resource_id}"
    name = (file.filename or "") if file is not None else ""
    try:
        if file is None or not name:
            raise Invalid("choose a file to load", code="no_file")
        path = console.save_upload(file.file, name)
        try:
            with db.begin_nested():
                job = console.start_upload(
                    db,
                    actor=actor,
                    resource_id=resource_id,
                    filename=name,
                    partial=bool(partial),
                    user_id=request.session.get("user_id"),
                    session_version=request.session.get("session_version"),
                )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    except DomainError as exc:
        return form_error(request, exc, back)
    response = redirect(f"/data/jobs/{job.id}")
    response.background = BackgroundTask(
        console.run_upload,
        request.app.state.open_session,
        job_id=job.id,
        actor=actor,
        resource_id=resource_id,
        path=path,
        filename=name,
        partial=bool(partial),
        today=today_of(request),
    )
    return response


class _StarterOrAllow(Allow):
    """Who started a running upload follows its progress without a database read (on SQLite the
    load holds the write lock until it commits); everyone else, and every other moment, goes
    through the usual check."""

    async def __call__(self, request: Request, session: Db) -> Actor:
        job_id = str(request.path_params.get("job_id", ""))
        entry = console.live(int(job_id)) if job_id.isdigit() else None
        if (
            entry is not None
            and entry.state == console.RUNNING
            and entry.user_id is not None
            and request.session.get("user_id") == entry.user_id
            and request.session.get("session_version") == entry.session_version
        ):
            return None  # type: ignore[return-value]
        return await super().__call__(request, session)


def _progress(
    request: Request, job_id: int, done: int, total: int | None, filename: str
) -> Response:
    template = (
        "datastore/_progress.html" if request.headers.get("hx-request") else "datastore/job.html"
    )
    percent = min(99, int(done * 100 / total)) if total else None
    return render(
        request,
        template,
        {"job_id": job_id, "done": done, "total": total, "percent": percent, "filename": filename},
        with_banners=False,
    )


@router.get("/data/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request,
    db: Db,
    job_id: int,
    actor: Actor | None = Depends(_StarterOrAllow(*READERS)),
) -> Response:
    """An upload: its progress while it runs (polled), then its report in place of the bar."""
    entry = console.live(job_id)
    if actor is None and entry is not None:  # the starter, while the load runs (no database)
        return _progress(request, job_id, entry.done, entry.total, "")
    assert actor is not None
    job = console.get_job(db, actor=actor, job_id=job_id)
    if job.state == console.RUNNING:
        return _progress(request, job_id, job.rows_done, job.rows_expected, job.filename)
    if job.state == console.FAILED or job.load_id is None:
        if request.headers.get("hx-request"):  # the whole page shows why, without polling
            return Response(status_code=204, headers={"HX-Redirect": f"/data/jobs/{job_id}"})
        message, details = console.job_error(job)
        return render(
            request,
            "datastore/job.html",
            {"job_id": job_id, "failed": True, "job": job, "message": message, "details": details},
        )
    if request.headers.get("hx-request"):
        response = _report(request, db, actor, job.load_id, 1, fragment=True)
        response.headers["HX-Push-Url"] = f"/data/loads/{job.load_id}"
        return response
    return redirect(f"/data/loads/{job.load_id}")


def _report(
    request: Request, db: Db, actor: Actor, load_id: int, page: int, *, fragment: bool = False
) -> Response:
    load = service.get_load(db, actor=actor, load_id=load_id)
    job = console.job_of_load(db, actor=actor, load_id=load_id)
    entry = directory.get_entry(db, resource_id=load.resource_id)
    problems = list(load.problems or [])
    page = max(page, 1)
    start = (page - 1) * PROBLEMS_PER_PAGE
    shown = Page(
        items=problems[start : start + PROBLEMS_PER_PAGE],
        total=len(problems),
        page=page,
        per_page=PROBLEMS_PER_PAGE,
    )
    return render(
        request,
        "datastore/_report.html" if fragment else "datastore/load.html",
        {
            **_common(db),
            "load": load,
            "e": entry,
            "page": shown,
            "query": "",
            "has_rejected_file": job is not None and bool(job.rejected_csv),
            "capped": len(problems) >= service.MAX_REPORTED,
        },
    )


@router.get("/data/loads/{load_id}", response_class=HTMLResponse)
def load_page(
    request: Request, db: Db, load_id: int, page: int = 1, actor: Actor = allow(*READERS)
) -> Response:
    """A load's report: counts, every problem (row, column, reason), the rejected rows file."""
    return _report(request, db, actor, load_id, page)


@router.get("/data/loads/{load_id}/rejected.csv")
def rejected_rows(
    request: Request, db: Db, load_id: int, actor: Actor = allow(*READERS)
) -> Response:
    """The rows a partial load rejected, with their problems, to fix and load again."""
    text = console.rejected_rows(db, actor=actor, load_id=load_id)
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="load-{load_id}-rejected.csv"'},
    )


@router.get("/data/resources/{resource_id}/export.csv")
def export(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*PROVIDERS)
) -> Response:
    """The provider's own current records as CSV (decrypted; audited)."""
    columns = service.item_names(db, actor=actor, resource_id=resource_id)
    rows = service.export(db, actor=actor, resource_id=resource_id)
    fd, name = tempfile.mkstemp(prefix="govshare-export-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row[c]) for c in columns])
    except BaseException:
        os.unlink(name)
        raise
    code = directory.get_entry(db, resource_id=resource_id).code.replace("/", "-")
    return FileResponse(
        name,
        media_type="text/csv; charset=utf-8",
        filename=f"{code}.csv",
        background=BackgroundTask(os.unlink, name),
    )
