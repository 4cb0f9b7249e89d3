"""Lists of rectification notices: the authority's and a department's, filters, counts per department."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from govshare.governance.rectification import S, overdue_condition, sees_all
from govshare.governance.rectification_models import (
    OPEN_STATES,
    NoticeState,
    RectificationNotice,
)
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, Invalid
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Department


def list_notices(
    session: Session,
    *,
    actor: Actor,
    today: date,
    state: str | None = None,
    department_id: int | None = None,
    ground: str | None = None,
    overdue: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[RectificationNotice]:
    """Notices the actor may see (the authority and auditors: all; a department: its own), newest first."""
    stmt: Select[Any] = select(RectificationNotice)
    if not sees_all(actor):
        if actor.department_id is None:
            raise Forbidden("this list is a department's", code="no_department")
        if department_id is not None and department_id != actor.department_id:
            raise Forbidden("another department's notices are not yours to list", code="not_yours")
        department_id = actor.department_id
    if department_id is not None:
        stmt = stmt.where(RectificationNotice.department_id == department_id)
    if state:
        if state not in set(NoticeState):
            raise Invalid("unknown state", code="invalid_state", state=state)
        stmt = stmt.where(RectificationNotice.state == state)
    if ground:
        stmt = stmt.where(RectificationNotice.ground == ground)
    if overdue:
        stmt = stmt.where(overdue_condition(today))
    stmt = stmt.order_by(RectificationNotice.id.desc())
    return paginate(session, stmt, page=page, per_page=per_page)


@dataclass(frozen=True)
class DepartmentCount:
    """How many notices a department has, by where they stand."""

    department_id: int
    name: str
    total: int
    open: int
    overdue: int
    closed: int
    escalated: int


def counts(session: Session, *, actor: Actor, today: date) -> list[DepartmentCount]:
    """Notices per department (the authority's and auditors' overview), most open first."""
    if not sees_all(actor):
        raise Forbidden("the overview is the authority's", code="not_authority")
    n = RectificationNotice
    is_open = n.state.in_([str(s) for s in OPEN_STATES])

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    stmt = (
        select(
            n.department_id,
            Department.name,
            func.count(n.id),
            count_if(is_open),
            count_if(overdue_condition(today)),
            count_if(n.state == S.CLOSED),
            count_if(n.state == S.ESCALATED),
        )
        .join(Department, Department.id == n.department_id)
        .group_by(n.department_id, Department.name)
    )
    rows = [
        DepartmentCount(d, name, int(t), int(o or 0), int(late or 0), int(c or 0), int(e or 0))
        for d, name, t, o, late, c, e in session.execute(stmt)
    ]
    return sorted(rows, key=lambda r: (-r.open, -r.overdue, r.name))


def department_names(session: Session, ids: Sequence[int] = ()) -> dict[int, str]:
    """Names of departments (all when no ids are given)."""
    stmt = select(Department.id, Department.name)
    if ids:
        stmt = stmt.where(Department.id.in_(set(ids)))
    return {i: name for i, name in session.execute(stmt)}
