"""Disputes between departments and their escalation ladder (GZ 28; ZS 37; ZZ 18; JS 13, 19).

- Either side raises a dispute about an application (the consumer after a refusal or a partial
  approval; the provider about an agreement it contests) or about a grant. The ladder comes from
  the profile (`disputes.ladder_for(kind)`); where the profile has none, raising is refused.
- The dispute starts at step 1; each step records its start, its deadline in working days (None
  where the profile sets none), who decided what and why. A step ends in an agreement or a
  decision (the case closes with the outcome) or is escalated to the next step.
- Negotiation steps (`decided_by = "parties"`) close by the conceding side: the provider agrees
  to provide, the consumer agrees not to be provided. Every other step is decided by the
  authority, which records decisions taken outside the platform (joint review, government).
- Outcome "provide": a grant for the contested items and period, and a provide-by date from
  `provide_after_decision` (GZ 28: 5 WD); the sweep flags a late provider.
- Where the ladder `suspends_grants`, a dispute about a grant suspends it until closure.

Every change writes its audit entry and notifications in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, get_args

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.models import Resource
from govshare.governance.models import Dispute, DisputeState, DisputeStep, Outcome, StepState
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Role
from govshare.profiles.schema import DisputeKind, DisputeLadder
from govshare.profiles.service import get_active_profile
from govshare.sharing import grant_life
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.applications import deadline_date
from govshare.sharing.models import Grant

MAX_TEXT = 4000
KINDS: tuple[str, ...] = get_args(DisputeKind)
PARTY_ROLES = (Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
PROVIDE_LATE = "dispute.provide_late"
STEP_OVERDUE = "dispute.step_overdue"
A = ApplicationState


def _readers(session: Session, dispute_id: int) -> set[int]:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        return set()
    return {dispute.consumer_department_id, dispute.provider_department_id}


attachments.register_owner("dispute", _readers)


# --- the ladder -------------------------------------------------------------------------------


def ladder_of(kind: str) -> DisputeLadder:
    """The profile's ladder for this kind of dispute; Invalid where the profile has none."""
    if kind not in KINDS:
        raise Invalid("unknown kind of dispute: {kind}", code="invalid_kind", kind=kind)
    ladder = get_active_profile().disputes.ladder_for(kind)  # type: ignore[arg-type]
    if ladder is None:
        raise Invalid(
            "the profile sets no procedure for this kind of dispute: the text is silent",
            code="profile_silent",
            kind=kind,
        )
    return ladder


def ladder_for_dispute(dispute: Dispute) -> DisputeLadder:
    """The ladder the dispute climbs (the one it was raised on)."""
    ladder = ladder_of(dispute.kind)
    if ladder.key != dispute.ladder_key:
        raise Conflict(
            "the active profile no longer has the ladder this dispute was raised on",
            code="ladder_changed",
            ladder=dispute.ladder_key,
        )
    return ladder


def start_step(
    session: Session, dispute: Dispute, ladder: DisputeLadder, number: int, started_on: date
) -> DisputeStep:
    """Records that the dispute reached step `number` (1-based) on `started_on`."""
    rule = ladder.steps[number - 1]
    step = DisputeStep(
        dispute_id=dispute.id,
        number=number,
        key=rule.key,
        title=rule.title,
        title_zh=rule.title_zh or "",
        decider=rule.decided_by,
        article=rule.citation(),
        outside_platform=rule.outside_platform,
        state=StepState.OPEN,
        started_on=started_on,
        due_on=deadline_date(WorkingCalendar(session), started_on, rule.deadline),
        decided_by="",
        decision="",
        reasons="",
        automatic=False,
    )
    dispute.steps.append(step)
    dispute.current_step = number
    session.flush()  # the audit entry names the step
    return step


# --- raising ----------------------------------------------------------------------------------


def clean_text(value: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid("state the reasons", code=code)
    if len(text) > MAX_TEXT:
        raise Invalid("the reasons are at most 4000 characters", code=f"{code}_too_long")
    return text


def _side(actor: Actor, consumer_id: int, provider_id: int) -> str:
    if not actor.has_role(*PARTY_ROLES) or actor.department_id not in (consumer_id, provider_id):
        raise Forbidden("only the two departments concerned raise a dispute", code="not_a_party")
    return "consumer" if actor.department_id == consumer_id else "provider"


def partial_grant(session: Session, application: Application) -> bool:
    grant = session.get(Grant, application.grant_id) if application.grant_id else None
    if grant is None:
        return False
    return (
        set(grant.items) != set(application.items)
        or grant.valid_from > application.period_from
        or grant.valid_until < application.period_until
    )


def _check_application(session: Session, application: Application, side: str) -> None:
    state = ApplicationState(application.state)
    if side == "consumer":
        if state == A.REFUSED or (
            state in (A.APPROVED, A.DELIVERED, A.DEEMED_CONSENT)
            and partial_grant(session, application)
        ):
            return
        raise IllegalTransition(
            "the applying department disputes a refusal or a partial approval",
            code="nothing_to_dispute",
            state=str(state),
        )
    if state in (A.SUBMITTED, A.WITHDRAWN, A.REFUSED):
        raise IllegalTransition(
            "the providing department disputes an agreement or a referral, not an open, "
            "withdrawn or refused application",
            code="nothing_to_dispute",
            state=str(state),
        )


def _open_dispute_of(session: Session, column: Any, value: int) -> Dispute | None:
    return session.scalar(
        select(Dispute).where(column == value, Dispute.state == DisputeState.OPEN).limit(1)
    )


def raise_dispute(
    session: Session,
    *,
    actor: Actor,
    reasons: str,
    today: date,
    application_id: int | None = None,
    grant_id: int | None = None,
    kind: str | None = None,
    uploads: Sequence[attachments.Upload] = (),
) -> Dispute:
    """Raises a dispute about an application or a grant; it starts at step 1 of the profile's ladder."""
    if (application_id is None) == (grant_id is None):
        raise Invalid("a dispute is about one application or one grant", code="invalid_subject")
    grant: Grant | None = None
    if application_id is not None:
        application = session.get(Application, application_id)
        if application is None:
            raise NotFound("no such application", code="application_not_found")
        consumer_id, provider_id = (
            application.consumer_department_id,
            application.provider_department_id,
        )
        side = _side(actor, consumer_id, provider_id)
        _check_application(session, application, side)
        kind = kind or "application"
        if _open_dispute_of(session, Dispute.application_id, application_id):
            raise Conflict("this application is already in dispute", code="already_disputed")
    else:
        assert grant_id is not None
        grant = sharing.get_grant(session, grant_id=grant_id)
        consumer_id = grant.consumer_department_id
        provider = session.scalar(
            select(Resource.department_id).where(Resource.id == grant.resource_id)
        )
        assert provider is not None  # a grant is of an existing resource
        provider_id = provider
        _side(actor, consumer_id, provider_id)
        if grant.revoked_at is not None:
            raise IllegalTransition("this grant is revoked", code="already_revoked")
        kind = kind or "general"
        if _open_dispute_of(session, Dispute.grant_id, grant_id):
            raise Conflict("this grant is already in dispute", code="already_disputed")
    ladder = ladder_of(kind)
    assert actor.department_id is not None  # a party (checked above)
    dispute = Dispute(
        kind=kind,
        subject="application" if application_id is not None else "grant",
        application_id=application_id,
        grant_id=grant_id,
        consumer_department_id=consumer_id,
        provider_department_id=provider_id,
        raised_by_department_id=actor.department_id,
        raised_by=actor.name,
        raised_on=today,
        reasons=clean_text(reasons, "reasons_required"),
        ladder_key=ladder.key,
        article=ladder.citation(),
        state=DisputeState.OPEN,
        current_step=1,
        outcome="",
        suspended_grant=False,
    )
    session.add(dispute)
    session.flush()  # the step, the attachments and the audit entry name the new id
    step = start_step(session, dispute, ladder, 1, today)
    if grant is not None and ladder.suspends_grants.enabled:
        _suspend(session, actor, dispute, grant, today)
    attachments.attach(
        session, actor=actor, owner_type="dispute", owner_id=dispute.id, uploads=uploads
    )
    audit.record(
        session,
        actor=actor,
        action="dispute.raise",
        object_type="dispute",
        object_id=dispute.id,
        details={
            "kind": kind,
            "subject": dispute.subject,
            "application_id": application_id,
            "grant_id": grant_id,
            "ladder": ladder.key,
            "article": ladder.citation(),
            "step": step.key,
            "due_on": str(step.due_on or ""),
            "suspended_grant": dispute.suspended_grant,
        },
    )
    tell(
        session,
        dispute,
        title=f"Dispute {dispute.id} raised: step 1, {step.title} [{step.article}]",
        body=dispute.reasons,
    )
    return dispute


def _suspend(session: Session, actor: Actor, dispute: Dispute, grant: Grant, today: date) -> None:
    # The grant's own record says why and since when (shown on the grant's page).
    grant_life.mark_suspended(
        session,
        actor=actor,
        grant=grant,
        reason=dispute.reasons or "dispute",
        today=today,
        cause=f"dispute:{dispute.id}",
    )
    dispute.suspended_grant = True


def tell(session: Session, dispute: Dispute, *, title: str, body: str = "") -> int:
    """Notifies both departments' users and the authority of a step of the dispute."""
    people = notify.recipients(session, department_id=dispute.consumer_department_id)
    people += notify.recipients(session, department_id=dispute.provider_department_id)
    people += notify.recipients(session, roles=notify.AUTHORITY)
    unique = list({u.id: u for u in people}.values())
    return notify.notify(
        session,
        users=unique,
        kind="dispute.step",
        title=title,
        body=body,
        link=f"/disputes/{dispute.id}",
        object_type="dispute",
        object_id=dispute.id,
    )


# --- reading ----------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    """The authority and auditors see every dispute."""
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def get_dispute(session: Session, *, actor: Actor, dispute_id: int) -> Dispute:
    """A dispute the actor may see: its two departments, the authority, auditors."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("no such dispute", code="dispute_not_found")
    if not sees_all(actor) and actor.department_id not in (
        dispute.consumer_department_id,
        dispute.provider_department_id,
    ):
        raise Forbidden("this dispute is between other departments", code="not_yours")
    return dispute


def open_step(dispute: Dispute) -> DisputeStep:
    """The open step of an open dispute; IllegalTransition when the dispute is closed."""
    step = dispute.step
    if dispute.state != DisputeState.OPEN or step is None or step.state != StepState.OPEN:
        raise IllegalTransition("this dispute is closed", code="dispute_closed")
    return step


def may_decide(actor: Actor, dispute: Dispute, step: DisputeStep, outcome: Outcome) -> bool:
    """Whether the actor may close the step with this outcome (see the module doc)."""
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return True
    if step.decider != "parties" or not actor.has_role(*PARTY_ROLES):
        return False
    if outcome == Outcome.PROVIDE:  # the provider concedes; granting is its data officer's act
        return (
            actor.has_role(Role.DATA_OFFICER)
            and actor.department_id == dispute.provider_department_id
        )
    return actor.department_id == dispute.consumer_department_id


def may_escalate(actor: Actor, dispute: Dispute, step: DisputeStep) -> bool:
    """A party leaves a failed negotiation; the authority escalates from any step."""
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return True
    return (
        step.decider == "parties"
        and actor.has_role(*PARTY_ROLES)
        and actor.department_id in (dispute.consumer_department_id, dispute.provider_department_id)
    )


# --- lists ------------------------------------------------------------------------------------


def overdue_condition(today: date) -> Any:
    """An open step past its deadline, or an outcome "provide" not provided in time."""
    late_step = (
        select(DisputeStep.id)
        .where(
            DisputeStep.dispute_id == Dispute.id,
            DisputeStep.state == StepState.OPEN,
            DisputeStep.due_on < today,
        )
        .exists()
    )
    late_provide = and_(
        Dispute.outcome == Outcome.PROVIDE,
        Dispute.provided_on.is_(None),
        Dispute.provide_due_on < today,
    )
    return or_(and_(Dispute.state == DisputeState.OPEN, late_step), late_provide)


def is_overdue(dispute: Dispute, today: date) -> bool:
    """Whether a deadline of the dispute passed without its act."""
    step = dispute.step
    if dispute.state == DisputeState.OPEN and step is not None:
        return step.due_on is not None and today > step.due_on
    return (
        dispute.outcome == Outcome.PROVIDE
        and dispute.provided_on is None
        and dispute.provide_due_on is not None
        and today > dispute.provide_due_on
    )


def list_disputes(
    session: Session,
    *,
    actor: Actor,
    today: date,
    state: DisputeState | None = None,
    step: str | None = None,
    department_id: int | None = None,
    application_id: int | None = None,
    grant_id: int | None = None,
    overdue: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[Dispute]:
    """Disputes the actor may see (the authority and auditors: all; a department: its own), newest first."""
    stmt: Select[Any] = select(Dispute)
    if not sees_all(actor):
        if actor.department_id is None:
            raise Forbidden("this list is a department's", code="no_department")
        if department_id is not None and department_id != actor.department_id:
            raise Forbidden("another department's disputes are not yours to list", code="not_yours")
        department_id = actor.department_id
    if department_id is not None:
        stmt = stmt.where(
            or_(
                Dispute.consumer_department_id == department_id,
                Dispute.provider_department_id == department_id,
            )
        )
    if state is not None:
        stmt = stmt.where(Dispute.state == state)
    if step:
        current = (
            select(DisputeStep.id)
            .where(
                DisputeStep.dispute_id == Dispute.id,
                DisputeStep.number == Dispute.current_step,
                DisputeStep.key == step,
            )
            .exists()
        )
        stmt = stmt.where(current)
    if application_id is not None:
        stmt = stmt.where(Dispute.application_id == application_id)
    if grant_id is not None:
        stmt = stmt.where(Dispute.grant_id == grant_id)
    if overdue:
        stmt = stmt.where(overdue_condition(today))
    return paginate(session, stmt.order_by(Dispute.id.desc()), page=page, per_page=per_page)


def step_keys() -> list[str]:
    """The step keys of every ladder of the active profile, in ladder order (for filters)."""
    keys: list[str] = []
    for ladder in get_active_profile().disputes.ladders:
        keys += [s.key for s in ladder.steps if s.key not in keys]
    return keys
