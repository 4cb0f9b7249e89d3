"""JSON API of connected data, the provider's side (/api/v1/data/...): upload, push, delete, load reports.

Service accounts need the `data:load` scope to write or read load reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Form, Request, UploadFile
from sqlalchemy.orm import Session

from govshare.datastore import parsing, service
from govshare.datastore.schemas import DeleteIn, LoadOut, LoadPage, PushIn
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["data"])

LOAD_SCOPE = "data:load"
PROVIDERS = (Role.DATA_OFFICER, Role.SERVICE)
READERS = (Role.DATA_OFFICER, Role.SERVICE, Role.AUTHORITY_ADMIN)


@contextmanager
def _refusal_recorded(
    request: Request,
    db: Session,
    *,
    actor: Actor,
    resource_id: int,
    method: str,
    filename: str = "",
    partial: bool = False,
) -> Iterator[None]:
    """A refused load is recorded in a transaction of its own (the request's is rolled back)."""
    try:
        yield
    except service.LoadInvalid as exc:
        db.rollback()  # releases the load's locks before the record is written
        with request.app.state.open_session() as other:
            service.record_failure(
                other,
                actor=actor,
                resource_id=resource_id,
                method=method,
                error=exc,
                filename=filename,
                partial=partial,
            )
            other.commit()
        raise


@router.post("/data/resources/{resource_id}/loads", response_model=LoadOut, status_code=201)
def upload(
    request: Request,
    db: Db,
    resource_id: int,
    file: UploadFile,
    partial: bool = Form(False),
    actor: Actor = allow(*PROVIDERS, scope=LOAD_SCOPE),
) -> LoadOut:
    """Loads a CSV, XLSX or JSON Lines file: every row or none (with `partial`, the good rows)."""
    name = file.filename or ""
    with _refusal_recorded(
        request,
        db,
        actor=actor,
        resource_id=resource_id,
        method="upload",
        filename=name,
        partial=partial,
    ):
        result = service.load(
            db,
            actor=actor,
            resource_id=resource_id,
            rows=parsing.read(file.file, filename=name),
            method="upload",
            filename=name,
            partial=partial,
            today=today_of(request),
        )
    return LoadOut.model_validate(result.load)


@router.post("/data/resources/{resource_id}/records", response_model=LoadOut, status_code=201)
def push(
    request: Request,
    db: Db,
    resource_id: int,
    body: PushIn,
    actor: Actor = allow(*PROVIDERS, scope=LOAD_SCOPE),
) -> LoadOut:
    """Upserts changed records from a business system (a new version only where a record changed)."""
    with _refusal_recorded(
        request, db, actor=actor, resource_id=resource_id, method="api", partial=body.partial
    ):
        result = service.push(
            db,
            actor=actor,
            resource_id=resource_id,
            records=body.records,
            partial=body.partial,
            today=today_of(request),
        )
    return LoadOut.model_validate(result.load)


@router.post(
    "/data/resources/{resource_id}/records/delete", response_model=LoadOut, status_code=201
)
def delete(
    request: Request,
    db: Db,
    resource_id: int,
    body: DeleteIn,
    actor: Actor = allow(*PROVIDERS, scope=LOAD_SCOPE),
) -> LoadOut:
    """Deletes subjects' records with tombstones (subjects go in the body, never in a URL that is logged)."""
    with _refusal_recorded(request, db, actor=actor, resource_id=resource_id, method="api"):
        result = service.delete_subjects(
            db,
            actor=actor,
            resource_id=resource_id,
            subjects=body.subjects,
            reason=body.reason,
            today=today_of(request),
        )
    return LoadOut.model_validate(result.load)


@router.get("/data/resources/{resource_id}/loads", response_model=LoadPage)
def list_loads(
    db: Db,
    resource_id: int,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=LOAD_SCOPE),
) -> LoadPage:
    """A resource's loads, newest first (its provider, and the authority)."""
    p = service.list_loads(db, actor=actor, resource_id=resource_id, page=page, per_page=per_page)
    return LoadPage(
        total=p.total,
        page=p.page,
        per_page=p.per_page,
        items=[LoadOut.model_validate(x) for x in p.items],
    )


@router.get("/data/loads/{load_id}", response_model=LoadOut)
def get_load(db: Db, load_id: int, actor: Actor = allow(*READERS, scope=LOAD_SCOPE)) -> LoadOut:
    """One load's report with its problems."""
    return LoadOut.model_validate(service.get_load(db, actor=actor, load_id=load_id))
