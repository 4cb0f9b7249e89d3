"""Small builders of departments, users and keys for tests."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from govshare.kit.actor import Actor
from govshare.kit.demo_codes import make_uscc
from govshare.orgs import service as orgs
from govshare.orgs.models import Department, DepartmentKind, Level, Role, User

_serial = itertools.count(1)
PASSWORD = "correct horse battery"


def department(session: Session, *, authority: bool = False, **overrides: object) -> Department:
    """A department with unique name, code and a valid credit code."""
    n = next(_serial)
    values: dict[str, object] = {
        "name": f"测试部门{n}",
        "name_en": f"Test department {n}",
        "code": f"T-{n}",
        "uscc": make_uscc("440100", 900_000 + n),
        "level": Level.MUNICIPAL,
        "kind": DepartmentKind.AUTHORITY if authority else DepartmentKind.CIVIL_AFFAIRS,
        "is_authority": authority,
    }
    values.update(overrides)
    return orgs.create_department(session, actor=Actor.operator(), **values)  # type: ignore[arg-type]


def user(session: Session, *, role: Role, dept: Department, password: str = PASSWORD) -> User:
    """A user of the role in the department."""
    n = next(_serial)
    return orgs.create_user(
        session,
        actor=Actor.operator(),
        username=f"{role.value.replace('_', '')}{n}",
        display_name=f"{role} {n}",
        password=password,
        role=role,
        department_id=dept.id,
    )


def actor_of(u: User) -> Actor:
    """The console actor of a user."""
    return orgs.actor_for_user(u, "console")
