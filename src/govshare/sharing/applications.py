"""Applications for conditional data: submission, the provider's answer, withdrawal, delivery.

- A consumer department applies for conditional items of a published conditional resource,
  naming purpose, legal basis and business matters (GZ 25-26; ZS 21-22; JS 18).
- `due_on` is computed once at submission from the profile's response limit and the working
  calendar (the submission day not counted). A profile without a limit in working or calendar
  days (e.g. JS 18 outside secrets and privacy) gives no due date: nothing happens on silence.
- The provider approves (possibly fewer items and a shorter period: a grant is created) or
  refuses with a reason (GZ 26; ZS 22; JS 18). Once the deadline has passed under a profile
  that gives silence an effect, the effect has applied (GZ 26: deemed consent from the day
  after), so a late answer is refused; the sweep records the effect.
- The silence effects, reminders and late-delivery flags live in `application_rules`.
- A renewal (`renews_grant_id`) is an application like any other; its grant starts the day
  after the old one ends. A cross-level application records its route (`application_route`).

Every change writes its audit entry and its notifications in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.enums import SharingType
from govshare.jobs import service as jobs
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Role
from govshare.profiles.schema import Deadline
from govshare.profiles.service import get_active_profile
from govshare.sharing import application_route, grant_life
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.models import Grant

S = ApplicationState
MAX_TEXT = 2000
OPEN_FOR_DELIVERY = (S.APPROVED, S.DEEMED_CONSENT)
_NEXT: dict[ApplicationState, frozenset[ApplicationState]] = {
    S.SUBMITTED: frozenset(
        {S.APPROVED, S.REFUSED, S.WITHDRAWN, S.DEEMED_CONSENT, S.REFERRED_TO_AUTHORITY}
    ),
    S.APPROVED: frozenset({S.DELIVERED}),
    S.DEEMED_CONSENT: frozenset({S.DELIVERED}),
}
Box = Literal["mine", "inbox", "all"]


def require(application: Application, to: ApplicationState) -> None:
    """IllegalTransition unless the application's state allows moving to `to`."""
    current = ApplicationState(application.state)
    if to not in _NEXT.get(current, frozenset()):
        raise IllegalTransition(
            "application {application_id} is {state}; it cannot become {to}",
            code="illegal_transition",
            application_id=application.id,
            state=str(current),
            to=str(to),
        )


def transition(application: Application, to: ApplicationState) -> None:
    """Moves the application to `to`; IllegalTransition when its state does not allow it."""
    require(application, to)
    application.state = to


def deadline_date(cal: WorkingCalendar, start: date, deadline: Deadline) -> date | None:
    """The last day of a limit counted from `start`; None when the profile sets no such limit."""
    if deadline.working_days is not None:
        return cal.add(start, deadline.working_days)
    if deadline.calendar_days is not None:
        return start + timedelta(days=deadline.calendar_days)
    return None  # silent, or "real time": no day after which silence has an effect


def _text(value: str, what: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid("state the {what} (GZ 25; ZS 21)", code=code, what=what)
    if len(text) > MAX_TEXT:
        raise Invalid(
            "the {what} is at most {limit} characters",
            code=f"{code}_too_long",
            what=what,
            limit=MAX_TEXT,
        )
    return text


def _codes(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        code = value.strip()
        if not sharing.PURPOSE_CODE.fullmatch(code):
            raise Invalid(
                "a business-matter code is 1-64 letters, digits or . _ : / - (GZ 25; ZS 21)",
                code="invalid_purpose_code",
            )
        if code not in out:
            out.append(code)
    if not out:
        raise Invalid("name at least one business matter", code="missing_purpose")
    return out


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def submit(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    purpose_text: str,
    legal_basis: str,
    purposes: Sequence[str],
    items: Sequence[str],
    expected_volume: str,
    period_from: date,
    period_until: date,
    involves_secret_or_privacy: bool,
    today: date,
    renews_grant_id: int | None = None,
) -> Application:
    """Submits an application for conditional items of a published resource on behalf of the actor's department."""
    if actor.department_id is None:
        raise Forbidden("an application is made on behalf of a department", code="no_department")
    entry = sharing.published(session, resource_id=resource_id)
    if renews_grant_id is not None:
        grant_life.check_renewable(
            session,
            actor=actor,
            grant_id=renews_grant_id,
            resource_id=entry.resource_id,
            today=today,
        )
    if SharingType(entry.sharing_type) != SharingType.CONDITIONAL:
        raise Invalid(
            "{resource} is not a conditional resource: nothing to apply for (GZ 26; ZS 22)",
            code="not_conditional",
            resource=entry.code,
        )
    if entry.department_id == actor.department_id:
        raise Invalid("a department does not apply for its own data", code="own_resource")
    types = dict(sharing.item_types(entry))
    wanted = _unique(items)
    if not wanted:
        raise Invalid("name the data items needed (and only those)", code="missing_item")
    unknown = [name for name in wanted if name not in types]
    if unknown:
        raise Invalid(
            "{resource} has no data item {names}",
            code="unknown_item",
            resource=entry.code,
            names=", ".join(unknown),
            items=unknown,
        )
    open_items = [name for name in wanted if types[name] == SharingType.UNCONDITIONAL]
    if open_items:
        raise Invalid(
            "{names} are shared unconditionally: take them without applying (GZ 26 ¶1; ZS 22 ¶1)",
            code="item_unconditional",
            names=", ".join(open_items),
            items=open_items,
        )
    closed = [name for name in wanted if types[name] != SharingType.CONDITIONAL]
    if closed:
        raise Invalid(
            "{names} are not shared: only verification is possible (GZ 26 ¶3)",
            code="item_not_shared",
            names=", ".join(closed),
            items=closed,
        )
    if period_until < period_from:
        raise Invalid("the period ends on or after the day it starts", code="invalid_period")
    if period_until < today:
        raise Invalid("the period has already ended", code="invalid_period")
    rules = get_active_profile().applications
    deadline = rules.response_deadline(involves_secret_or_privacy=involves_secret_or_privacy)
    application = Application(
        consumer_department_id=actor.department_id,
        provider_department_id=entry.department_id,
        resource_id=entry.resource_id,
        resource_code=entry.code,
        purpose_text=_text(purpose_text, "purpose", "purpose_required"),
        legal_basis=_text(legal_basis, "legal basis", "legal_basis_required"),
        purposes=_codes(purposes),
        items=[name for name in types if name in wanted],
        expected_volume=(expected_volume or "").strip()[:200],
        period_from=period_from,
        period_until=period_until,
        involves_secret_or_privacy=involves_secret_or_privacy,
        state=S.SUBMITTED,
        submitted_on=today,
        submitted_by=actor.name,
        due_on=deadline_date(WorkingCalendar(session), today, deadline),
        answered_by="",
        refusal_reason="",
        renews_grant_id=renews_grant_id,
        route=application_route.route_for(
            session, consumer_id=actor.department_id, provider_id=entry.department_id
        ),
    )
    session.add(application)
    session.flush()  # the audit entry and the notifications name the new id
    audit.record(
        session,
        actor=actor,
        action="application.submit",
        object_type="application",
        object_id=application.id,
        details={
            "resource": entry.code,
            "items": application.items,
            "purposes": application.purposes,
            "period": [period_from.isoformat(), period_until.isoformat()],
            "due_on": str(application.due_on or ""),
            "deadline": deadline.citation(),
            "renews_grant_id": renews_grant_id,
            "route": application.route,
        },
    )
    application_route.tell_route(session, application_id=application.id, route=application.route)
    due = f"; answer by {application.due_on} [{deadline.citation()}]" if application.due_on else ""
    tell(
        session,
        application,
        officers_of=application.provider_department_id,
        kind="application.new",
        title=f"New application {application.id} for {entry.code}{due}",
    )
    return application


def tell(
    session: Session,
    application: Application,
    *,
    kind: str,
    title: str,
    body: str = "",
    officers_of: int | None = None,
    users_of: int | None = None,
    authority: bool = False,
) -> int:
    """Notifies a department's data officers, a department's users, and/or the authority."""
    people = []
    if officers_of is not None:
        people += notify.recipients(session, department_id=officers_of, roles=notify.OFFICERS)
    if users_of is not None:
        people += notify.recipients(session, department_id=users_of)
    if authority:
        people += notify.recipients(session, roles=notify.AUTHORITY)
    unique = list({u.id: u for u in people}.values())
    return notify.notify(
        session,
        users=unique,
        kind=kind,
        title=title,
        body=body,
        link=f"/applications/{application.id}",
        object_type="application",
        object_id=application.id,
    )


def get_application(session: Session, *, actor: Actor, application_id: int) -> Application:
    """Gets an application the actor may see: its two departments' people, the authority, auditors."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(
            "no application {application_id}",
            code="application_not_found",
            application_id=application_id,
        )
    if not _sees_all(actor) and actor.department_id not in (
        application.consumer_department_id,
        application.provider_department_id,
    ):
        raise Forbidden("this application is between other departments", code="not_yours")
    return application


def _sees_all(actor: Actor) -> bool:
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def _as_provider(actor: Actor, application: Application) -> None:
    if not (
        actor.has_role(Role.DATA_OFFICER)
        and actor.department_id == application.provider_department_id
    ):
        raise Forbidden(
            "only the providing department's data officer answers", code="not_the_provider"
        )


def _check_not_too_late(session: Session, application: Application, today: date) -> None:
    effect = get_active_profile().applications.on_silence
    if application.due_on is not None and today > application.due_on and effect.effect:
        raise IllegalTransition(
            "the answer was due by {due_on}; since the next day the silence "
            "has had its effect ({effect}, {article})",
            code="answer_too_late",
            due_on=str(application.due_on),
            effect=str(effect.effect),
            article=effect.citation(),
        )


def approve(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    today: date,
    items: Sequence[str] | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> Application:
    """Approves an application, possibly for fewer items and a shorter period, and creates its grant."""
    application = get_application(session, actor=actor, application_id=application_id)
    _as_provider(actor, application)
    require(application, S.APPROVED)
    _check_not_too_late(session, application, today)
    granted = application.items if items is None else _unique(items)
    extra = [name for name in granted if name not in application.items]
    if not granted or extra:
        raise Invalid(
            "approve some of the items applied for, and no others", code="items_not_requested"
        )
    start = valid_from or application.period_from
    end = valid_until or application.period_until
    renewed = session.get(Grant, application.renews_grant_id or 0)
    if renewed is not None:  # the new grant starts where the old one ends
        start = max(start, renewed.valid_until + timedelta(days=1))
    if start < application.period_from or end > application.period_until or end < start:
        raise Invalid(
            "the approved period lies within the period applied for", code="invalid_period"
        )
    grant = sharing.create_grant(
        session,
        actor=actor,
        consumer_department_id=application.consumer_department_id,
        resource_id=application.resource_id,
        items=granted,
        purposes=application.purposes,
        valid_from=start,
        valid_until=end,
        today=today,
        source="application",
        approved_by=actor.name,
        note=(note.strip() or f"application {application.id}"),
    )
    rules = get_active_profile().applications
    transition(application, S.APPROVED)
    _answered(application, actor, today)
    application.grant_id = grant.id
    application.delivery_due_on = deadline_date(WorkingCalendar(session), today, rules.delivery)
    audit.record(
        session,
        actor=actor,
        action="application.approve",
        object_type="application",
        object_id=application.id,
        details={
            "grant_id": grant.id,
            "items": grant.items,
            "valid": [start.isoformat(), end.isoformat()],
            "delivery_due_on": str(application.delivery_due_on or ""),
            "renews_grant_id": application.renews_grant_id,
        },
    )
    tell(
        session,
        application,
        users_of=application.consumer_department_id,
        kind="application.decision",
        title=f"Application {application.id} for {application.resource_code} approved",
        body=f"Items: {', '.join(grant.items)}; valid {start} to {end}.",
    )
    return application


def _answered(application: Application, actor: Actor, today: date) -> None:
    application.answered_on = today
    application.answered_by = actor.name


def refuse(
    session: Session, *, actor: Actor, application_id: int, reason: str, today: date
) -> Application:
    """Refuses an application; the reason is mandatory where the profile says so (GZ 26; ZS 22; JS 18)."""
    application = get_application(session, actor=actor, application_id=application_id)
    _as_provider(actor, application)
    require(application, S.REFUSED)
    _check_not_too_late(session, application, today)
    rule = get_active_profile().applications.refusal_reasons_required
    text = (reason or "").strip()
    if rule.enabled and not text:
        raise Invalid(
            "a refusal states its reasons [{article}]",
            code="refusal_reason_required",
            article=rule.citation(),
        )
    transition(application, S.REFUSED)
    _answered(application, actor, today)
    application.refusal_reason = text[:MAX_TEXT]
    audit.record(
        session,
        actor=actor,
        action="application.refuse",
        object_type="application",
        object_id=application.id,
        details={"reason": application.refusal_reason},
    )
    tell(
        session,
        application,
        users_of=application.consumer_department_id,
        kind="application.decision",
        title=f"Application {application.id} for {application.resource_code} refused",
        body=application.refusal_reason,
    )
    return application


def withdraw(session: Session, *, actor: Actor, application_id: int, today: date) -> Application:
    """Withdraws the department's own application before it is answered."""
    application = get_application(session, actor=actor, application_id=application_id)
    if actor.department_id != application.consumer_department_id:
        raise Forbidden("only the applying department withdraws", code="not_the_consumer")
    transition(application, S.WITHDRAWN)
    audit.record(
        session,
        actor=actor,
        action="application.withdraw",
        object_type="application",
        object_id=application.id,
        details={"withdrawn_on": today.isoformat()},
    )
    tell(
        session,
        application,
        officers_of=application.provider_department_id,
        kind="application.withdrawn",
        title=f"Application {application.id} for {application.resource_code} withdrawn",
    )
    return application


def mark_delivered(
    session: Session, *, actor: Actor, application_id: int, today: date
) -> Application:
    """Records that the provider has connected the data of an approved (or deemed) application."""
    application = get_application(session, actor=actor, application_id=application_id)
    _as_provider(actor, application)
    transition(application, S.DELIVERED)
    application.delivered_on = today
    late = application.delivery_due_on is not None and today > application.delivery_due_on
    jobs.resolve_flag(
        session,
        actor=actor,
        kind=DELIVERY_LATE,
        object_type="application",
        object_id=application.id,
        today=today,
    )
    audit.record(
        session,
        actor=actor,
        action="application.deliver",
        object_type="application",
        object_id=application.id,
        details={"delivery_due_on": str(application.delivery_due_on or ""), "late": late},
    )
    tell(
        session,
        application,
        users_of=application.consumer_department_id,
        kind="application.delivered",
        title=f"Data of application {application.id} ({application.resource_code}) delivered",
    )
    return application


DELIVERY_LATE = "application.delivery_late"
OVERDUE = "application.overdue"


# --- lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationView:
    """An application with what a list shows about its deadline on `today`."""

    application: Application
    working_days_left: int | None
    overdue: bool


def overdue_condition(today: date) -> Any:
    """Unanswered past the answer deadline, or agreed and not delivered past the delivery deadline."""
    return or_(
        and_(Application.state == S.SUBMITTED, Application.due_on < today),
        and_(
            Application.state.in_(list(OPEN_FOR_DELIVERY)),
            Application.delivery_due_on < today,
        ),
    )


def is_overdue(application: Application, today: date) -> bool:
    """Whether a deadline of the application passed without its act."""
    state = ApplicationState(application.state)
    if state == S.SUBMITTED:
        return application.due_on is not None and today > application.due_on
    if state in OPEN_FOR_DELIVERY:
        return application.delivery_due_on is not None and today > application.delivery_due_on
    return False


def view(cal: WorkingCalendar, application: Application, today: date) -> ApplicationView:
    """The application with its working days left (to answer, or to deliver) on `today`."""
    state = ApplicationState(application.state)
    due = {S.SUBMITTED: application.due_on}.get(state)
    if state in OPEN_FOR_DELIVERY:
        due = application.delivery_due_on
    left = None if due is None else cal.between(today, due)
    return ApplicationView(application, left, is_overdue(application, today))


def list_applications(
    session: Session,
    *,
    actor: Actor,
    today: date,
    box: Box | None = None,
    overdue: bool = False,
    state: ApplicationState | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[ApplicationView]:
    """Applications the actor may see: "mine" (as consumer), "inbox" (as provider) or "all" (authority)."""
    if box is None:
        box = (
            "all"
            if _sees_all(actor)
            else ("inbox" if actor.has_role(Role.DATA_OFFICER) else "mine")
        )
    stmt: Select[Any] = select(Application)
    if box == "all":
        if not _sees_all(actor):
            raise Forbidden("only the authority lists every application", code="authority_only")
    elif actor.department_id is None:
        raise Forbidden("this list is a department's", code="no_department")
    elif box == "mine":
        stmt = stmt.where(Application.consumer_department_id == actor.department_id)
    else:
        stmt = stmt.where(Application.provider_department_id == actor.department_id)
    if overdue:
        stmt = stmt.where(overdue_condition(today))
    if state is not None:
        stmt = stmt.where(Application.state == state)
    found = paginate(
        session,
        stmt.order_by(Application.due_on.is_(None), Application.due_on, Application.id),
        page=page,
        per_page=per_page,
    )
    cal = WorkingCalendar(session)
    return Page(
        items=[view(cal, a, today) for a in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )
