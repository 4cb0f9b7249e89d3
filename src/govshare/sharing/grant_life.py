"""The life of a grant after it is made: expiry, renewal, revocation, suspension, its record.

- Expiry: a grant is expired from the day after `valid_until` (`sharing.grant_state`). The
  consumer's people and the provider's officers are reminded N working days before; N is the
  profile's `applications.grant_expiry_notice` where a profile has one, else the platform
  default `DEFAULT_EXPIRY_NOTICE_WORKING_DAYS` (docs/grants.md). The sweep (`grant_rules`)
  reminds once per grant and records the expiry.
- Renewal: the consumer applies again from an expiring or expired grant; the new application
  starts from the old one's purposes, items and basis (`renewal_prefill`) and names the grant
  it renews; its grant starts where the old one ends (`applications.approve`).
- Revocation (provider or authority, with a reason) is effective for the next query, as are a
  suspension (e.g. during a dispute, `mark_suspended`) and its lifting, each with a reason.

Revoked and expired grants stay on record: who did what, when and why is the grant's audit trail.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.models import Resource
from govshare.kit.actor import Actor, ActorKind
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application, ApplicationState, GrantLife
from govshare.sharing.models import Grant

# No shipped text sets a notice period before a grant ends: the platform's default.
DEFAULT_EXPIRY_NOTICE_WORKING_DAYS = 10
MAX_REASON = 2000
Side = Literal["held", "given"]
GState = sharing.GrantState


def expiry_notice_days() -> int:
    """Working days before `valid_until` the reminder goes out (the profile's, else the default)."""
    rule = getattr(get_active_profile().applications, "grant_expiry_notice", None)
    days = getattr(rule, "working_days", None)
    return days if isinstance(days, int) else DEFAULT_EXPIRY_NOTICE_WORKING_DAYS


def is_expiring(cal: WorkingCalendar, grant: Grant, today: date) -> bool:
    """Active and ending within the notice period."""
    if sharing.grant_state(grant, today=today) != GState.ACTIVE:
        return False
    return grant.valid_until <= cal.add(today, expiry_notice_days())


def life_of(session: Session, grant_id: int, *, create: bool = False) -> GrantLife | None:
    """The grant's life record (made on first need when `create`)."""
    life = session.get(GrantLife, grant_id)
    if life is None and create:
        life = GrantLife(grant_id=grant_id)  # the text columns default to "" at the flush
        session.add(life)
    return life


def provider_of(session: Session, grant: Grant) -> int | None:
    """The department whose resource the grant is of."""
    return session.scalar(select(Resource.department_id).where(Resource.id == grant.resource_id))


def tell(session: Session, grant: Grant, *, kind: str, title: str, body: str = "") -> int:
    """Notifies the consumer department's people and the provider's data officers."""
    people = notify.recipients(session, department_id=grant.consumer_department_id)
    provider = provider_of(session, grant)
    if provider is not None:
        people += notify.recipients(session, department_id=provider, roles=notify.OFFICERS)
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        body=body,
        link=f"/grants/{grant.id}",
        object_type="grant",
        object_id=grant.id,
    )


# --- who may see and act -------------------------------------------------------------------------


def get_visible(session: Session, *, actor: Actor, grant_id: int) -> Grant:
    """A grant the actor may see: its two departments' people, the authority, auditors."""
    grant = sharing.get_grant(session, grant_id=grant_id)
    if actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR):
        return grant
    if actor.department_id not in (grant.consumer_department_id, provider_of(session, grant)):
        raise Forbidden("this grant is between other departments", code="not_your_grant")
    return grant


def may_manage(session: Session, actor: Actor, grant: Grant) -> bool:
    """The authority, the providing department's data officer, or the platform itself."""
    if actor.kind == ActorKind.SYSTEM or actor.has_role(Role.AUTHORITY_ADMIN):
        return True
    return actor.has_role(Role.DATA_OFFICER) and actor.department_id == provider_of(session, grant)


def _managed(session: Session, actor: Actor, grant_id: int) -> Grant:
    grant = sharing.get_grant(session, grant_id=grant_id)
    if not may_manage(session, actor, grant):
        raise Forbidden(
            "only the providing department or the authority acts on a grant",
            code="not_your_grant",
        )
    return grant


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise Invalid("state the reason", code="missing_reason")
    if len(text) > MAX_REASON:
        raise Invalid("the reason is at most 2000 characters", code="reason_too_long")
    return text


# --- revocation and suspension -------------------------------------------------------------------


def revoke(session: Session, *, actor: Actor, grant_id: int, reason: str, today: date) -> Grant:
    """Revokes a grant with a mandatory reason; the next query no longer relies on it; both sides are told."""
    grant = sharing.revoke_grant(session, actor=actor, grant_id=grant_id, reason=_reason(reason))
    tell(
        session,
        grant,
        kind="grant.revoked",
        title=f"Grant {grant.id} revoked on {today}",
        body=grant.revoked_reason,
    )
    return grant


def suspend(
    session: Session,
    *,
    actor: Actor,
    grant_id: int,
    reason: str,
    today: date,
    cause: str = "",
) -> Grant:
    """Suspends a grant with a reason (the provider, the authority or the platform); see `mark_suspended`."""
    grant = _managed(session, actor, grant_id)
    return mark_suspended(
        session, actor=actor, grant=grant, reason=reason, today=today, cause=cause
    )


def mark_suspended(
    session: Session, *, actor: Actor, grant: Grant, reason: str, today: date, cause: str = ""
) -> Grant:
    """Suspends a grant for a workflow that has authorised it (e.g. `cause="dispute:4"`)."""
    text = _reason(reason)
    if sharing.grant_state(grant, today=today) in (GState.REVOKED, GState.SUSPENDED):
        raise IllegalTransition(
            "the grant is revoked or already suspended", code="grant_not_suspendable"
        )
    life = life_of(session, grant.id, create=True)
    assert life is not None
    grant.suspended = True
    life.suspended_on, life.suspended_by = today, actor.name
    life.suspended_reason, life.suspended_for = text, cause.strip()[:100]
    life.lifted_on, life.lifted_by, life.lifted_reason = None, "", ""
    audit.record(
        session,
        actor=actor,
        action="grant.suspend",
        object_type="grant",
        object_id=grant.id,
        details={"reason": text, "cause": life.suspended_for, "on": today.isoformat()},
    )
    tell(session, grant, kind="grant.suspended", title=f"Grant {grant.id} suspended", body=text)
    return grant


def lift(session: Session, *, actor: Actor, grant_id: int, reason: str, today: date) -> Grant:
    """Lifts a grant's suspension with a reason (the provider, the authority or the platform)."""
    grant = _managed(session, actor, grant_id)
    return mark_lifted(session, actor=actor, grant=grant, reason=reason, today=today)


def mark_lifted(session: Session, *, actor: Actor, grant: Grant, reason: str, today: date) -> Grant:
    """Lifts a suspension for a workflow that has authorised it; the grant entitles again."""
    text = _reason(reason)
    if not grant.suspended or grant.revoked_at is not None:
        raise IllegalTransition("the grant is not suspended", code="grant_not_suspended")
    life = life_of(session, grant.id, create=True)
    assert life is not None
    grant.suspended = False
    life.lifted_on, life.lifted_by, life.lifted_reason = today, actor.name, text
    audit.record(
        session,
        actor=actor,
        action="grant.lift_suspension",
        object_type="grant",
        object_id=grant.id,
        details={"reason": text, "on": today.isoformat(), "cause": life.suspended_for},
    )
    tell(session, grant, kind="grant.resumed", title=f"Grant {grant.id} resumed", body=text)
    return grant


# --- renewal -------------------------------------------------------------------------------------


def check_renewable(
    session: Session, *, actor: Actor, grant_id: int, resource_id: int, today: date
) -> Grant:
    """The consumer's expiring or expired grant of this resource, not already being renewed."""
    grant = session.get(Grant, grant_id)
    if grant is None or grant.consumer_department_id != actor.department_id:
        raise NotFound("no such grant of your department to renew", code="grant_not_found")
    if grant.resource_id != resource_id:
        raise Invalid("a renewal is for the resource of the grant", code="renewal_other_resource")
    state = sharing.grant_state(grant, today=today)
    if state != GState.EXPIRED and not is_expiring(WorkingCalendar(session), grant, today):
        raise IllegalTransition(
            "only an expiring or expired grant is renewed", code="grant_not_renewable"
        )
    open_states = [
        ApplicationState.SUBMITTED,
        ApplicationState.APPROVED,
        ApplicationState.DEEMED_CONSENT,
        ApplicationState.DELIVERED,
    ]
    pending = select(Application.id).where(
        Application.renews_grant_id == grant_id, Application.state.in_(open_states)
    )
    if session.scalar(pending.limit(1)) is not None:
        raise IllegalTransition("this grant is already being renewed", code="renewal_exists")
    return grant


def origin(session: Session, grant_id: int) -> Application | None:
    """The application that created the grant, if any."""
    stmt = select(Application).where(Application.grant_id == grant_id).order_by(Application.id)
    return session.scalars(stmt.limit(1)).first()


def renewals(session: Session, grant_id: int) -> list[Application]:
    """The applications that renew the grant, oldest first."""
    stmt = select(Application).where(Application.renews_grant_id == grant_id)
    return list(session.scalars(stmt.order_by(Application.id)))


def renewal_prefill(
    session: Session, *, actor: Actor, grant_id: int, today: date
) -> dict[str, Any]:
    """The fields of a renewal application, from the old application (editable before submitting)."""
    grant = sharing.get_grant(session, grant_id=grant_id)
    check_renewable(
        session, actor=actor, grant_id=grant_id, resource_id=grant.resource_id, today=today
    )
    old = origin(session, grant.id)
    start = max(today, grant.valid_until + timedelta(days=1))
    return {
        "resource_id": grant.resource_id,
        "purpose_text": old.purpose_text if old else grant.note,
        "legal_basis": old.legal_basis if old else "",
        "purposes": list(grant.purposes),
        "items": list(grant.items),
        "expected_volume": old.expected_volume if old else "",
        "period_from": start,
        "period_until": start + (grant.valid_until - grant.valid_from),
        "involves_secret_or_privacy": old.involves_secret_or_privacy if old else False,
    }


# --- the record and the lists --------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One audited act on a grant: who, when, what, why."""

    at: datetime
    who: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class GrantRow:
    """A grant as the console lists and exports it."""

    view: sharing.GrantView
    consumer: str
    provider_id: int | None
    provider: str
    life: GrantLife | None

    @property
    def grant(self) -> Grant:
        """The grant itself."""
        return self.view.grant


@dataclass(frozen=True)
class GrantRecord:
    """A grant with its history, the application it came from and the ones that renew it."""

    row: GrantRow
    events: list[Event]
    origin: Application | None
    renewals: list[Application]
    renews: int | None


def _rows(session: Session, views: list[sharing.GrantView]) -> list[GrantRow]:
    grants = [v.grant for v in views]
    res = {g.resource_id for g in grants}
    providers: dict[int, int] = {
        rid: dept
        for rid, dept in session.execute(
            select(Resource.id, Resource.department_id).where(Resource.id.in_(res))
        )
    }
    ids = {g.consumer_department_id for g in grants} | set(providers.values())
    names: dict[int, str] = {
        did: name
        for did, name in session.execute(
            select(Department.id, Department.name).where(Department.id.in_(ids))
        )
    }
    lives = {
        life.grant_id: life
        for life in session.scalars(
            select(GrantLife).where(GrantLife.grant_id.in_([g.id for g in grants]))
        )
    }
    out = []
    for v in views:
        provider = providers.get(v.grant.resource_id)
        out.append(
            GrantRow(
                view=v,
                consumer=names.get(v.grant.consumer_department_id, ""),
                provider_id=provider,
                provider=names.get(provider, "") if provider is not None else "",
                life=lives.get(v.grant.id),
            )
        )
    return out


def list_grants(
    session: Session,
    *,
    actor: Actor,
    side: Side,
    today: date,
    department_id: int | None = None,
    resource_id: int | None = None,
    state: sharing.GrantState | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[GrantRow]:
    """Grants held by a department ("held") or given on its resources ("given"); the authority: any or all."""
    lister = sharing.grants_held if side == "held" else sharing.grants_given
    found = lister(
        session,
        actor=actor,
        today=today,
        department_id=department_id,
        resource_id=resource_id,
        state=state,
        page=page,
        per_page=per_page,
    )
    return Page(_rows(session, found.items), found.total, found.page, found.per_page)


def grant_record(session: Session, *, actor: Actor, grant_id: int, today: date) -> GrantRecord:
    """A grant the actor may see, with its who/when/why history."""
    grant = get_visible(session, actor=actor, grant_id=grant_id)
    row = _rows(session, [sharing.view_of(session, grant=grant, today=today)])[0]
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "grant", AuditEntry.object_id == str(grant.id))
        .order_by(AuditEntry.seq)
    )
    events = [Event(e.occurred_at, e.actor_name, e.action, dict(e.details)) for e in entries]
    first = origin(session, grant.id)
    return GrantRecord(
        row=row,
        events=events,
        origin=first,
        renewals=renewals(session, grant.id),
        renews=first.renews_grant_id if first else None,
    )


# --- export --------------------------------------------------------------------------------------

EXPORT_LIMIT = 50_000
_COLUMN_NAMES = (
    "id consumer_department provider_department resource_code items purposes valid_from "
    "valid_until state source granted_by approved_by created_at suspension_reason revoked_at "
    "revoked_by revoked_reason note"
)
COLUMNS = tuple(_COLUMN_NAMES.split(" "))


def export_rows(
    session: Session,
    *,
    actor: Actor,
    side: Side,
    today: date,
    department_id: int | None = None,
    resource_id: int | None = None,
    state: sharing.GrantState | None = None,
) -> list[list[Any]]:
    """Every grant of the list (filters as the list), one row of `COLUMNS` each; header first."""
    out: list[list[Any]] = [list(COLUMNS)]
    page = 1
    while True:
        found = list_grants(
            session,
            actor=actor,
            side=side,
            today=today,
            department_id=department_id,
            resource_id=resource_id,
            state=state,
            page=page,
            per_page=200,
        )
        for r in found.items:
            g = r.grant
            out.append(
                [
                    g.id,
                    r.consumer,
                    r.provider,
                    r.view.resource_code,
                    "; ".join(g.items),
                    "; ".join(g.purposes),
                    g.valid_from.isoformat(),
                    g.valid_until.isoformat(),
                    str(r.view.state),
                    g.source,
                    g.granted_by,
                    g.approved_by,
                    g.created_at.isoformat(timespec="seconds") if g.created_at else "",
                    r.life.suspended_reason if r.life and g.suspended else "",
                    g.revoked_at.isoformat(timespec="seconds") if g.revoked_at else "",
                    g.revoked_by,
                    g.revoked_reason,
                    g.note,
                ]
            )
        if not found.has_next or len(out) > EXPORT_LIMIT:
            return out
        page += 1


def _cell(value: Any) -> Any:
    # A spreadsheet runs a cell starting with = + - @ as a formula: such text is quoted.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(rows: list[list[Any]]) -> str:
    """The rows as CSV text (UTF-8 with a byte-order mark, so that Excel reads Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def to_xlsx(rows: list[list[Any]]) -> bytes:
    """The rows as an Excel workbook (one sheet "grants")."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("grants")
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
