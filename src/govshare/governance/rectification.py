"""Rectification notices (责令整改, GZ 43; ZS 38; ZZ 32; JS 33).

- The authority issues a notice to a department on a ground from the profile's list (the
  ground's article is stored with the notice), with the facts, what must be done and a deadline.
  Where the profile gives the time limit in working (or calendar) days the deadline defaults from
  the calendar; where the text leaves it to the notice (GZ 43 "规定的时限") the authority sets
  the date itself and a notice without one is refused.
- The department answers with what it did; the authority accepts (the notice closes) or rejects
  with a note, and the department answers again by the same or a new deadline.
- A notice unanswered past its deadline, or one the authority rejects and escalates, goes to the
  people's government at the same level (`rectification.escalate_to`); the platform writes the
  escalation report (rectification_report). Where the profile names no such body (JS 33) the
  sweep flags the notice for the authority instead.

Every change writes its history row, its audit entry and its notifications in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.governance.rectification_models import (
    EventKind,
    NoticeState,
    RectificationEvent,
    RectificationNotice,
)
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role
from govshare.profiles.schema import Ground
from govshare.profiles.service import get_active_profile

MAX_TEXT = 4000
OWNER = "rectification_notice"
OVERDUE_FLAG = "rectification.overdue"
DEPARTMENT_ROLES = (Role.DATA_OFFICER, Role.STAFF)
AWAITING_ANSWER = (NoticeState.ISSUED, NoticeState.REJECTED)
S = NoticeState


def _readers(session: Session, notice_id: int) -> set[int]:
    notice = session.get(RectificationNotice, notice_id)
    return set() if notice is None else {notice.department_id}


attachments.register_owner(OWNER, _readers)


# --- the profile ------------------------------------------------------------------------------


def grounds() -> list[Ground]:
    """The grounds of the active profile's article, in the article's order."""
    return list(get_active_profile().rectification.grounds)


def ground_of(key: str) -> Ground:
    """The profile's ground with this key; Invalid for a ground the article does not list."""
    for ground in grounds():
        if ground.key == key:
            return ground
    raise Invalid(
        "the ground is not in the list of the regulation's article",
        code="unknown_ground",
        ground=key,
    )


def default_due(session: Session, issued_on: date) -> date | None:
    """The deadline the profile gives counted from the notice; None where the text is silent."""
    deadline = get_active_profile().rectification.deadline
    if deadline.working_days is not None:
        return WorkingCalendar(session).add(issued_on, deadline.working_days)
    if deadline.calendar_days is not None:
        return issued_on + timedelta(days=deadline.calendar_days)
    return None


def escalates_to() -> str | None:
    """The body an unrectified notice is reported to ("people_government"), None where silent."""
    return get_active_profile().rectification.escalate_to.value


def escalation_article() -> str:
    """The article that sends an unrectified notice up (or says nothing of it)."""
    return get_active_profile().rectification.escalate_to.citation()


# --- helpers ----------------------------------------------------------------------------------


def clean(value: str, code: str, *, required: bool = True) -> str:
    """Stripped text; Invalid when required and empty, or too long."""
    text = (value or "").strip()
    if required and not text:
        raise Invalid("this text is required", code=code)
    if len(text) > MAX_TEXT:
        raise Invalid("a text is at most 4000 characters", code=f"{code}_too_long")
    return text


def _authority(actor: Actor) -> None:
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("only the sharing authority does this", code="not_authority")


def event(
    session: Session,
    notice: RectificationNotice,
    kind: EventKind,
    *,
    on: date,
    by: str,
    text: str = "",
    late: bool = False,
    automatic: bool = False,
) -> RectificationEvent:
    """Adds one step to the notice's history (with the deadline in force after it)."""
    row = RectificationEvent(
        notice_id=notice.id,
        kind=kind,
        happened_on=on,
        actor=by,
        text=text,
        due_on=notice.due_on,
        late=late,
        automatic=automatic,
    )
    session.add(row)
    return row


def tell(
    session: Session,
    notice: RectificationNotice,
    *,
    kind: str,
    title: str,
    body: str = "",
    authority: bool = True,
) -> int:
    """Notifies the department's users (and the authority) of a step of the notice."""
    people = notify.recipients(session, department_id=notice.department_id, roles=DEPARTMENT_ROLES)
    if authority:
        people += notify.recipients(session, roles=notify.AUTHORITY)
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        body=body,
        link=f"/rectification/{notice.id}",
        object_type=OWNER,
        object_id=notice.id,
    )


def _record(
    session: Session, actor: Actor, action: str, notice: RectificationNotice, **details: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"rectification.{action}",
        object_type=OWNER,
        object_id=notice.id,
        details={"state": str(notice.state), "due_on": str(notice.due_on), **details},
    )


# --- issuing ----------------------------------------------------------------------------------


def issue(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    ground: str,
    facts: str,
    requirement: str,
    today: date,
    due_on: date | None = None,
    source_kind: str = "",
    source_id: int | None = None,
    uploads: Sequence[attachments.Upload] = (),
) -> RectificationNotice:
    """Issues a notice to a department on a ground of the profile's list (GZ 43; ZS 38)."""
    from govshare.governance import rectification_proposals as proposals

    _authority(actor)
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound("no such department", code="department_not_found")
    if department.is_authority:
        raise Invalid("the authority does not notify itself", code="notice_to_authority")
    rule = ground_of(ground)
    due = due_on or default_due(session, today)
    if due is None:
        raise Invalid(
            "the regulation leaves the time limit to the notice: set the deadline",
            code="deadline_required",
            article=get_active_profile().rectification.deadline.citation(),
        )
    if due <= today:
        raise Invalid("the deadline must be after the day of the notice", code="deadline_past")
    if source_kind:
        proposals.check_source(
            session,
            kind=source_kind,
            source_id=source_id,
            department_id=department_id,
            today=today,
        )
    notice = RectificationNotice(
        department_id=department_id,
        ground=rule.key,
        article=rule.citation(),
        facts=clean(facts, "facts_required"),
        requirement=clean(requirement, "requirement_required"),
        source_kind=source_kind,
        source_id=source_id if source_kind else None,
        state=S.ISSUED,
        issued_on=today,
        issued_by=actor.name,
        due_on=due,
        response="",
        responded_by="",
        reviewed_by="",
        review_note="",
        escalation_reason="",
    )
    session.add(notice)
    session.flush()  # the history, the attachments and the audit entry name the new id
    event(session, notice, EventKind.ISSUED, on=today, by=actor.name, text=notice.requirement)
    attachments.attach(session, actor=actor, owner_type=OWNER, owner_id=notice.id, uploads=uploads)
    _record(
        session,
        actor,
        "issue",
        notice,
        department_id=department_id,
        ground=rule.key,
        article=notice.article,
        source_kind=source_kind,
        source_id=notice.source_id,
    )
    tell(
        session,
        notice,
        kind="rectification.issued",
        title=f"Rectification notice {notice.id}: rectify by {due} [{notice.article}]",
        body=notice.facts,
        authority=False,
    )
    return notice


# --- the department's answer and the authority's review ---------------------------------------


def answer(
    session: Session,
    *,
    actor: Actor,
    notice_id: int,
    response: str,
    today: date,
    uploads: Sequence[attachments.Upload] = (),
) -> RectificationNotice:
    """The department says what it did; the notice waits for the authority's review."""
    notice = get_notice(session, actor=actor, notice_id=notice_id)
    if not actor.has_role(*DEPARTMENT_ROLES, Role.SERVICE) or (
        actor.department_id != notice.department_id
    ):
        raise Forbidden("only the notified department answers", code="not_yours")
    if notice.state not in AWAITING_ANSWER:
        raise IllegalTransition(
            "this notice does not wait for an answer", code="not_awaiting", state=notice.state
        )
    late = today > notice.due_on
    notice.response = clean(response, "response_required")
    notice.responded_on = today
    notice.responded_by = actor.name
    notice.state = S.ANSWERED
    event(
        session,
        notice,
        EventKind.ANSWERED,
        on=today,
        by=actor.name,
        text=notice.response,
        late=late,
    )
    attachments.attach(session, actor=actor, owner_type=OWNER, owner_id=notice.id, uploads=uploads)
    _record(session, actor, "answer", notice, late=late)
    people = notify.recipients(session, roles=notify.AUTHORITY)
    notify.notify(
        session,
        users=people,
        kind="rectification.answered",
        title=f"Rectification notice {notice.id}: the department answered",
        body=notice.response,
        link=f"/rectification/{notice.id}",
        object_type=OWNER,
        object_id=notice.id,
    )
    return notice


def _answered(session: Session, actor: Actor, notice_id: int) -> RectificationNotice:
    _authority(actor)
    notice = get_notice(session, actor=actor, notice_id=notice_id)
    if notice.state != S.ANSWERED:
        raise IllegalTransition(
            "only an answered notice is reviewed", code="not_answered", state=notice.state
        )
    return notice


def accept(
    session: Session, *, actor: Actor, notice_id: int, note: str = "", today: date
) -> RectificationNotice:
    """The authority accepts the rectification: the notice closes."""
    notice = _answered(session, actor, notice_id)
    notice.review_note = clean(note, "note_required", required=False)
    notice.reviewed_on = today
    notice.reviewed_by = actor.name
    notice.closed_on = today
    notice.state = S.CLOSED
    event(session, notice, EventKind.ACCEPTED, on=today, by=actor.name, text=notice.review_note)
    _record(session, actor, "accept", notice)
    tell(
        session,
        notice,
        kind="rectification.closed",
        title=f"Rectification notice {notice.id}: rectification accepted",
        body=notice.review_note,
        authority=False,
    )
    return notice


def reject(
    session: Session,
    *,
    actor: Actor,
    notice_id: int,
    note: str,
    today: date,
    due_on: date | None = None,
) -> RectificationNotice:
    """The authority finds the answer insufficient; the department answers again by the deadline."""
    notice = _answered(session, actor, notice_id)
    text = clean(note, "note_required")
    due = due_on or notice.due_on
    if due <= today:
        raise Invalid(
            "the deadline has passed: set a new deadline or escalate", code="deadline_past"
        )
    notice.review_note = text
    notice.reviewed_on = today
    notice.reviewed_by = actor.name
    notice.due_on = due
    notice.state = S.REJECTED
    event(session, notice, EventKind.REJECTED, on=today, by=actor.name, text=text)
    _record(session, actor, "reject", notice, note=text)
    tell(
        session,
        notice,
        kind="rectification.rejected",
        title=f"Rectification notice {notice.id}: answer rejected, rectify by {due}",
        body=text,
        authority=False,
    )
    return notice


def escalate(
    session: Session, *, actor: Actor, notice_id: int, reason: str, today: date
) -> RectificationNotice:
    """The authority reports a notice to the people's government at the same level.

    Allowed for an answer it rejects (the review and the escalation are one step) and for a
    notice past its deadline that waits for an answer.
    """
    _authority(actor)
    notice = get_notice(session, actor=actor, notice_id=notice_id)
    text = clean(reason, "reason_required")
    if notice.state == S.ANSWERED:
        notice.review_note = text
        notice.reviewed_on = today
        notice.reviewed_by = actor.name
        event(session, notice, EventKind.REJECTED, on=today, by=actor.name, text=text)
    elif not (notice.state in AWAITING_ANSWER and today > notice.due_on):
        raise IllegalTransition(
            "only a rejected answer or a notice past its deadline is escalated",
            code="not_escalable",
            state=notice.state,
        )
    mark_escalated(session, notice, actor=actor, on=today, reason=text, automatic=False)
    return notice


def mark_escalated(
    session: Session,
    notice: RectificationNotice,
    *,
    actor: Actor,
    on: date,
    reason: str,
    automatic: bool,
) -> None:
    """Moves the notice to escalated as of `on` (by hand or by the sweep); refused where silent."""
    body = escalates_to()
    if body is None:
        raise Invalid(
            "the regulation names no body to escalate to: the text is silent",
            code="profile_silent",
            article=escalation_article(),
        )
    notice.state = S.ESCALATED
    notice.escalated_on = on
    notice.escalation_reason = reason
    event(
        session, notice, EventKind.ESCALATED, on=on, by=actor.name, text=reason, automatic=automatic
    )
    _record(
        session, actor, "escalate", notice, to=body, article=escalation_article(), reason=reason
    )
    tell(
        session,
        notice,
        kind="rectification.escalated",
        title=(
            f"Rectification notice {notice.id} reported to the people's government "
            f"[{escalation_article()}]"
        ),
        body=reason,
    )


# --- reading ----------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    """The authority and auditors see every notice."""
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def get_notice(session: Session, *, actor: Actor, notice_id: int) -> RectificationNotice:
    """A notice the actor may see: its department, the authority, auditors."""
    notice = session.get(RectificationNotice, notice_id)
    if notice is None:
        raise NotFound("no such rectification notice", code="notice_not_found")
    if not sees_all(actor) and actor.department_id != notice.department_id:
        raise NotFound("no such rectification notice", code="notice_not_found")
    return notice


def history(session: Session, notice: RectificationNotice) -> list[RectificationEvent]:
    """The notice's steps in order."""
    stmt = (
        select(RectificationEvent)
        .where(RectificationEvent.notice_id == notice.id)
        .order_by(RectificationEvent.happened_on, RectificationEvent.id)
    )
    return list(session.scalars(stmt))


def is_overdue(notice: RectificationNotice, today: date) -> bool:
    """Waiting for the department's answer past the deadline."""
    return notice.state in AWAITING_ANSWER and today > notice.due_on


def overdue_condition(today: date) -> Any:
    """SQL form of `is_overdue`."""
    return and_(
        RectificationNotice.state.in_(list(AWAITING_ANSWER)), RectificationNotice.due_on < today
    )
