"""JSON API of departments, the personnel registry, users and API keys."""

from __future__ import annotations

from fastapi import APIRouter, Request

from govshare.http.deps import EVERYONE, Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs import schemas
from govshare.orgs import service as orgs
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["departments and accounts"])

ADMIN = (Role.AUTHORITY_ADMIN,)
MANAGERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)


@router.get("/me", response_model=schemas.Me)
def me(actor: Actor = allow(*EVERYONE)) -> schemas.Me:
    """Who the caller is."""
    return schemas.Me(
        kind=actor.kind,
        id=actor.id,
        name=actor.name,
        department_id=actor.department_id,
        roles=sorted(actor.roles),
    )


@router.get("/departments", response_model=schemas.DepartmentPage)
def list_departments(
    db: Db,
    q: str = "",
    level: str = "",
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*EVERYONE),
) -> schemas.DepartmentPage:
    """Departments on the platform, searchable."""
    p = orgs.list_departments(db, q=q, level=level, page=page, per_page=per_page)
    return schemas.DepartmentPage(
        total=p.total,
        page=p.page,
        per_page=p.per_page,
        items=[schemas.DepartmentOut.model_validate(d) for d in p.items],
    )


@router.post("/departments", response_model=schemas.DepartmentOut, status_code=201)
def create_department(
    db: Db, body: schemas.DepartmentIn, actor: Actor = allow(*ADMIN)
) -> schemas.DepartmentOut:
    """Registers a department (the authority only)."""
    dept = orgs.create_department(db, actor=actor, **body.model_dump())
    return schemas.DepartmentOut.model_validate(dept)


@router.get("/departments/{department_id}", response_model=schemas.DepartmentOut)
def get_department(
    db: Db, department_id: int, actor: Actor = allow(*EVERYONE)
) -> schemas.DepartmentOut:
    """One department."""
    return schemas.DepartmentOut.model_validate(
        orgs.get_department(db, department_id=department_id)
    )


@router.get("/personnel", response_model=list[schemas.PersonOut])
def personnel_registry(
    db: Db, department_id: int | None = None, actor: Actor = allow(*EVERYONE)
) -> list[schemas.PersonOut]:
    """The current personnel registry of every department (GZ 17: shown to all departments)."""
    return [
        schemas.PersonOut.model_validate(p) for p in orgs.registry(db, department_id=department_id)
    ]


@router.post(
    "/departments/{department_id}/personnel", response_model=schemas.PersonOut, status_code=201
)
def file_person(
    request: Request,
    db: Db,
    department_id: int,
    body: schemas.PersonIn,
    actor: Actor = allow(*MANAGERS),
) -> schemas.PersonOut:
    """Files a personnel change; a late filing is marked (GZ 17)."""
    person = orgs.file_person(
        db, actor=actor, department_id=department_id, today=today_of(request), **body.model_dump()
    )
    return schemas.PersonOut.model_validate(person)


@router.post("/personnel/{person_id}/end", response_model=schemas.PersonOut)
def end_person(
    request: Request,
    db: Db,
    person_id: int,
    body: schemas.PersonEnd,
    actor: Actor = allow(*MANAGERS),
) -> schemas.PersonOut:
    """Records that a person left a post."""
    person = orgs.end_person(
        db, actor=actor, person_id=person_id, ended_on=body.ended_on, today=today_of(request)
    )
    return schemas.PersonOut.model_validate(person)


@router.get("/users", response_model=schemas.UserPage)
def list_users(
    db: Db,
    q: str = "",
    department_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*ADMIN),
) -> schemas.UserPage:
    """Console accounts (the authority only)."""
    p = orgs.list_users(db, q=q, department_id=department_id, page=page, per_page=per_page)
    return schemas.UserPage(
        total=p.total,
        page=p.page,
        per_page=p.per_page,
        items=[schemas.UserOut.model_validate(u) for u in p.items],
    )


@router.post("/users", response_model=schemas.UserOut, status_code=201)
def create_user(db: Db, body: schemas.UserIn, actor: Actor = allow(*ADMIN)) -> schemas.UserOut:
    """Creates a console account (the authority only)."""
    return schemas.UserOut.model_validate(orgs.create_user(db, actor=actor, **body.model_dump()))


@router.get("/api-keys", response_model=list[schemas.ApiKeyOut])
def list_api_keys(db: Db, actor: Actor = allow(*MANAGERS)) -> list[schemas.ApiKeyOut]:
    """API keys of the caller's department (all departments for the authority)."""
    dept = None if actor.has_role(Role.AUTHORITY_ADMIN) else actor.department_id
    return [schemas.ApiKeyOut.model_validate(k) for k in orgs.list_api_keys(db, department_id=dept)]


@router.post("/api-keys", response_model=schemas.IssuedKeyOut, status_code=201)
def create_api_key(
    db: Db, body: schemas.ApiKeyIn, actor: Actor = allow(*MANAGERS)
) -> schemas.IssuedKeyOut:
    """Issues an API key; the token is in this response only."""
    issued = orgs.create_api_key(db, actor=actor, **body.model_dump())
    return schemas.IssuedKeyOut(
        key=schemas.ApiKeyOut.model_validate(issued.key), token=issued.token
    )


@router.post("/api-keys/{key_id}/revoke", response_model=schemas.ApiKeyOut)
def revoke_api_key(
    db: Db, key_id: int, body: schemas.RevokeIn, actor: Actor = allow(*MANAGERS)
) -> schemas.ApiKeyOut:
    """Revokes an API key at once."""
    return schemas.ApiKeyOut.model_validate(
        orgs.revoke_api_key(db, actor=actor, key_id=key_id, reason=body.reason)
    )
