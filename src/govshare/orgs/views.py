"""Console pages of departments, the personnel registry, users and API keys."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError
from govshare.orgs import service as orgs
from govshare.orgs.models import USER_ROLES, DepartmentKind, Level, PersonnelRole, Role

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

ADMIN = (Role.AUTHORITY_ADMIN,)
MANAGERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)


@router.get("/departments", response_class=HTMLResponse)
def departments(
    request: Request,
    db: Db,
    q: str = "",
    level: str = "",
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """Every department, searchable, with the registration form for the authority."""
    result = orgs.list_departments(db, q=q, level=level, page=page, per_page=25)
    return render(
        request,
        "orgs/departments.html",
        {
            "page": result,
            "q": q,
            "level": level,
            "levels": list(Level),
            "kinds": list(DepartmentKind),
            "parents": orgs.list_departments(db, per_page=200).items,
        },
    )


@router.post("/departments")
def create_department(
    request: Request,
    db: Db,
    name: Annotated[str, Form()],
    code: Annotated[str, Form()],
    uscc: Annotated[str, Form()],
    level: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    name_en: Annotated[str, Form()] = "",
    parent_id: Annotated[str, Form()] = "",
    actor: Actor = allow(*ADMIN),
) -> Response:
    """Registers a department from the form."""
    try:
        with db.begin_nested():
            dept = orgs.create_department(
                db,
                actor=actor,
                name=name,
                code=code,
                uscc=uscc,
                level=level,
                kind=kind,
                name_en=name_en,
                parent_id=int(parent_id) if parent_id else None,
            )
    except DomainError as exc:
        return form_error(request, exc, "/departments")
    flash(request, "Department registered")
    return redirect(f"/departments/{dept.id}")


@router.get("/departments/{department_id}", response_class=HTMLResponse)
def department(
    request: Request, db: Db, department_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """A department with its personnel registry and filing history."""
    dept = orgs.get_department(db, department_id=department_id)
    may_manage = actor.has_role(Role.AUTHORITY_ADMIN) or (
        actor.has_role(Role.DATA_OFFICER) and actor.department_id == dept.id
    )
    return render(
        request,
        "orgs/department.html",
        {
            "dept": dept,
            "current": orgs.registry(db, department_id=dept.id),
            "history": orgs.personnel_history(db, department_id=dept.id),
            "posts": list(PersonnelRole),
            "may_manage": may_manage,
            "notice_days": orgs.personnel_notice_days(),
        },
    )


@router.post("/departments/{department_id}/personnel")
def file_person(
    request: Request,
    db: Db,
    department_id: int,
    post: Annotated[str, Form()],
    name: Annotated[str, Form()],
    started_on: Annotated[date, Form()],
    position: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    actor: Actor = allow(*MANAGERS),
) -> Response:
    """Files a personnel change from the form."""
    back = f"/departments/{department_id}"
    try:
        with db.begin_nested():
            person = orgs.file_person(
                db,
                actor=actor,
                department_id=department_id,
                post=post,
                name=name,
                started_on=started_on,
                today=today_of(request),
                position=position,
                phone=phone,
                email=email,
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    if person.filed_late:
        flash(
            request,
            "Filed late: the deadline was {due}",
            "warning",
            due=str(person.filing_due_on),
        )
    else:
        flash(request, "Personnel change filed")
    return redirect(back)


@router.post("/personnel/{person_id}/end")
def end_person(
    request: Request,
    db: Db,
    person_id: int,
    ended_on: Annotated[date, Form()],
    back: Annotated[str, Form()] = "/personnel",
    actor: Actor = allow(*MANAGERS),
) -> Response:
    """Records that a person left a post."""
    try:
        with db.begin_nested():
            orgs.end_person(
                db, actor=actor, person_id=person_id, ended_on=ended_on, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Departure recorded; file the successor in time")
    return redirect(back if back.startswith("/") else "/personnel")


@router.get("/personnel", response_class=HTMLResponse)
def personnel(request: Request, db: Db, actor: Actor = allow(*USER_ROLES_ALL)) -> Response:
    """The personnel registry of all departments (GZ 17)."""
    people = orgs.registry(db)
    depts = {d.id: d for d in orgs.list_departments(db, per_page=200).items}
    return render(request, "orgs/personnel.html", {"people": people, "depts": depts})


@router.get("/users", response_class=HTMLResponse)
def users(
    request: Request, db: Db, q: str = "", page: int = 1, actor: Actor = allow(*ADMIN)
) -> Response:
    """Console accounts with the form to create one."""
    result = orgs.list_users(db, q=q, page=page, per_page=25)
    depts = orgs.list_departments(db, per_page=200).items
    return render(
        request,
        "orgs/users.html",
        {
            "page": result,
            "q": q,
            "roles": list(USER_ROLES),
            "depts": depts,
            "dept_by_id": {d.id: d for d in depts},
        },
    )


@router.post("/users")
def create_user(
    request: Request,
    db: Db,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    department_id: Annotated[int, Form()],
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    actor: Actor = allow(*ADMIN),
) -> Response:
    """Creates an account from the form."""
    try:
        with db.begin_nested():
            orgs.create_user(
                db,
                actor=actor,
                username=username,
                password=password,
                role=role,
                department_id=department_id,
                display_name=display_name,
                email=email,
            )
    except DomainError as exc:
        return form_error(request, exc, "/users")
    flash(request, "Account created")
    return redirect("/users")


@router.post("/users/{user_id}/active")
def set_active(
    request: Request,
    db: Db,
    user_id: int,
    active: Annotated[bool, Form()],
    actor: Actor = allow(*ADMIN),
) -> Response:
    """Enables or disables an account."""
    try:
        with db.begin_nested():
            orgs.set_active(db, actor=actor, user_id=user_id, active=active)
    except DomainError as exc:
        return form_error(request, exc, "/users")
    flash(request, "Account enabled" if active else "Account disabled")
    return redirect("/users")


@router.get("/api-keys", response_class=HTMLResponse)
def api_keys(request: Request, db: Db, actor: Actor = allow(*MANAGERS)) -> Response:
    """API keys of the department (all, for the authority); a new token is shown once."""
    admin = actor.has_role(Role.AUTHORITY_ADMIN)
    keys = orgs.list_api_keys(db, department_id=None if admin else actor.department_id)
    depts = (
        orgs.list_departments(db, per_page=200).items
        if admin
        else [orgs.get_department(db, department_id=actor.department_id or 0)]
    )
    return render(
        request,
        "orgs/api_keys.html",
        {
            "keys": keys,
            "depts": depts,
            "dept_by_id": {d.id: d for d in depts},
            "scopes": orgs.API_KEY_SCOPES,
            "new_token": request.session.pop("new_token", None),
        },
    )


@router.post("/api-keys")
async def create_api_key(request: Request, db: Db, actor: Actor = allow(*MANAGERS)) -> Response:
    """Issues a key from the form and shows its token once."""
    form = await request.form()
    try:
        with db.begin_nested():
            issued = orgs.create_api_key(
                db,
                actor=actor,
                department_id=int(str(form.get("department_id") or actor.department_id or 0)),
                name=str(form.get("name", "")),
                scopes=[str(s) for s in form.getlist("scopes")],
                valid_days=int(str(form.get("valid_days") or 180)),
            )
    except (DomainError, ValueError) as exc:
        return form_error(request, exc, "/api-keys")
    request.session["new_token"] = issued.token
    flash(request, "API key issued: copy the token now, it is shown only once")
    return redirect("/api-keys")


@router.post("/api-keys/{key_id}/revoke")
def revoke_api_key(
    request: Request,
    db: Db,
    key_id: int,
    reason: Annotated[str, Form()],
    actor: Actor = allow(*MANAGERS),
) -> Response:
    """Revokes a key from the form."""
    try:
        with db.begin_nested():
            orgs.revoke_api_key(db, actor=actor, key_id=key_id, reason=reason)
    except DomainError as exc:
        return form_error(request, exc, "/api-keys")
    flash(request, "API key revoked")
    return redirect("/api-keys")
