"""The sweep: runs every registered deadline rule once for a given day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from govshare.audit import service as audit
from govshare.db import is_sqlite, transaction, utcnow
from govshare.jobs.models import Flag, TickRun
from govshare.kit.actor import Actor

RuleFn = Callable[..., int]
T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """A deadline rule: selects what is due on `today`, transitions it, returns the count."""

    name: str
    fn: RuleFn
    description: str
    order: int = 100


_RULES: dict[str, Rule] = {}


def rule(name: str, description: str, *, order: int = 100) -> Callable[[RuleFn], RuleFn]:
    """Registers a sweep rule under a unique name; rules run by `order`, then name."""

    def register(fn: RuleFn) -> RuleFn:
        _RULES[name] = Rule(name=name, fn=fn, description=description, order=order)
        return fn

    return register


def rules() -> list[Rule]:
    """Every registered rule, after importing the domains that define them."""
    from govshare.audit import rules as _audit_rules  # noqa: F401
    from govshare.calendar import rules as _calendar_rules  # noqa: F401
    from govshare.catalogue import rules as _catalogue_rules  # noqa: F401
    from govshare.datastore import freshness_rules as _freshness_rules  # noqa: F401
    from govshare.governance import annual_rules as _annual_rules  # noqa: F401
    from govshare.governance import complaint_rules as _complaint_rules  # noqa: F401
    from govshare.governance import evaluation_rules as _evaluation_rules  # noqa: F401
    from govshare.governance import rectification_rules as _rectification_rules  # noqa: F401
    from govshare.governance import rules as _governance_rules  # noqa: F401
    from govshare.notify import rules as _notify_rules  # noqa: F401
    from govshare.orgs import rules as _orgs_rules  # noqa: F401
    from govshare.quality import verification_rules as _verification_rules  # noqa: F401
    from govshare.sharing import application_rules as _application_rules  # noqa: F401
    from govshare.sharing import grant_rules as _grant_rules  # noqa: F401

    return sorted(_RULES.values(), key=lambda r: (r.order, r.name))


def lock_due(session: Session, stmt: Select[Any]) -> Select[Any]:
    """Adds FOR UPDATE SKIP LOCKED so that two sweeps never take the same item.

    SQLite needs nothing: its transactions take the write lock at BEGIN.
    """
    if is_sqlite(session):
        return stmt
    return stmt.with_for_update(skip_locked=True)


@dataclass
class TickReport:
    """What one tick did, rule by rule."""

    today: date
    changed: dict[str, int]
    errors: dict[str, str]


def tick(factory: sessionmaker[Session], *, today: date) -> TickReport:
    """Runs every rule for `today`, each in its own transaction; a failing rule does not stop the others."""
    actor = Actor.system()
    report = TickReport(today=today, changed={}, errors={})
    for r in rules():
        try:
            with transaction(factory) as session:
                run = TickRun(rule=r.name, run_for=today)
                session.add(run)
                n = r.fn(session, today=today, actor=actor)
                run.changed = n
                run.finished_at = utcnow()
                report.changed[r.name] = n
        except Exception as exc:  # one rule's failure is reported, the rest still run
            report.errors[r.name] = f"{type(exc).__name__}: {exc}"
            with transaction(factory) as session:
                session.add(
                    TickRun(
                        rule=r.name,
                        run_for=today,
                        finished_at=utcnow(),
                        error=report.errors[r.name],
                    )
                )
    return report


def raise_flag(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    object_type: str,
    object_id: str | int,
    today: date,
    message: str,
    department_id: int | None = None,
    due_on: date | None = None,
    details: dict[str, Any] | None = None,
) -> bool:
    """Raises a flag once; returns False when it is already raised (by us or a concurrent sweep)."""
    key = (Flag.kind == kind, Flag.object_type == object_type, Flag.object_id == str(object_id))
    flag = session.scalar(select(Flag).where(*key).with_for_update())
    if flag is not None and flag.resolved_on is None:
        return False
    if flag is None:
        try:
            with session.begin_nested():
                flag = Flag(kind=kind, object_type=object_type, object_id=str(object_id))
                flag.raised_on = today
                session.add(flag)
                session.flush()  # the unique key decides between two sweeps racing for it
        except IntegrityError:
            return False
    flag.raised_on = today
    flag.resolved_on = None
    flag.department_id = department_id
    flag.due_on = due_on
    flag.message = message
    flag.details = details or {}
    session.flush()  # the audit entry names the flag's id
    audit.record(
        session,
        actor=actor,
        action=f"flag.raise.{kind}",
        object_type=object_type,
        object_id=str(object_id),
        details={"flag_id": flag.id, "message": message, "due_on": str(due_on or "")},
    )
    return True


def resolve_flag(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    object_type: str,
    object_id: str | int,
    today: date,
) -> bool:
    """Resolves an open flag; returns False when none was open."""
    flag = session.scalar(
        select(Flag).where(
            Flag.kind == kind,
            Flag.object_type == object_type,
            Flag.object_id == str(object_id),
            Flag.resolved_on.is_(None),
        )
    )
    if flag is None:
        return False
    flag.resolved_on = today
    audit.record(
        session,
        actor=actor,
        action=f"flag.resolve.{kind}",
        object_type=object_type,
        object_id=str(object_id),
        details={"flag_id": flag.id},
    )
    return True


def open_flags(
    session: Session, *, department_id: int | None = None, kinds: tuple[str, ...] = ()
) -> list[Flag]:
    """Open flags, optionally of one department or of some kinds."""
    stmt = select(Flag).where(Flag.resolved_on.is_(None))
    if department_id is not None:
        stmt = stmt.where(Flag.department_id == department_id)
    if kinds:
        stmt = stmt.where(Flag.kind.in_(kinds))
    return list(session.scalars(stmt.order_by(Flag.raised_on.desc(), Flag.id)))
