"""Delay filings: a provider that cannot update in time says why, until when, with evidence.

GZ 19 ¶4 (with the authority's approval, at least once in the first 10 WD of each quarter),
ZS 18 (report to the data department with evidence), ZZ 28 (remedy and inform the authority);
JS sets no exception, so the filing is refused. The profile's `data.update_exception.requires`
decides what follows the filing: `authority_approval` waits for the authority's decision
(a rejection states its reason); the other branches are in force on filing and the authority
is informed. Evidence files are attachments of the filing (owner type `delay_filing`), read by
the filing department and the authority. Every step is audited in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.models import Resource
from govshare.datastore.freshness import FilingState, fallback_bound, scope_of, sees_all
from govshare.datastore.models import Connection, DelayFiling
from govshare.kit.actor import Actor, ActorKind
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Role
from govshare.profiles.schema import UpdateException
from govshare.profiles.service import get_active_profile

OWNER = "delay_filing"
MAX_TEXT = 2000


def _readers(session: Session, filing_id: int) -> set[int]:
    filing = session.get(DelayFiling, filing_id)
    return {filing.department_id} if filing is not None else set()


attachments.register_owner(OWNER, _readers)


def _text(value: str, *, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid("state the reason", code=code)
    if len(text) > MAX_TEXT:
        raise Invalid("the reason is at most {limit} characters", code=code, limit=MAX_TEXT)
    return text


def _exception() -> UpdateException:
    exception = get_active_profile().data.update_exception
    if exception.requires is None:
        raise Invalid(
            "the profile sets no exception to the update limit: update the data instead",
            code="profile_silent",
            note=exception.note or "",
        )
    return exception


def _tell(
    session: Session, filing: DelayFiling, *, kind: str, title: str, officers: bool, authority: bool
) -> int:
    people = []
    if officers:
        people += notify.recipients(
            session, department_id=filing.department_id, roles=notify.OFFICERS
        )
    if authority:
        people += notify.recipients(session, roles=notify.AUTHORITY)
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        link="/data/freshness",
        object_type=OWNER,
        object_id=filing.id,
    )


def file_delay(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    reason: str,
    update_by: date,
    today: date,
    uploads: Sequence[attachments.Upload] = (),
) -> DelayFiling:
    """Files a delay for a connected resource with reason, date and evidence (GZ 19 ¶4; ZS 18; ZZ 28)."""
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound("no catalogue entry {id}", code="resource_not_found", id=resource_id)
    operator = actor.kind == ActorKind.SYSTEM and sees_all(actor)
    own = actor.department_id == resource.department_id
    if not operator and not (own and actor.has_role(Role.DATA_OFFICER, Role.SERVICE)):
        raise Forbidden(
            "only the providing department files a delay for its resource", code="not_your_data"
        )
    exception = _exception()
    connection = session.get(Connection, resource_id)
    if connection is None:
        raise IllegalTransition(
            "the resource's data is not connected yet; load it first", code="not_connected"
        )
    text = _text(reason, code="reason_required")
    if update_by < today:
        raise Invalid("the update date must not be in the past", code="update_by_past")
    kept = attachments.check(uploads)
    if exception.requires == "report_with_evidence" and not kept:
        raise Invalid(
            "attach the evidence: the profile requires it [{article}]",
            code="evidence_required",
            article=exception.citation(),
        )
    bound = fallback_bound(
        WorkingCalendar(session), exception, filed_on=today, last=connection.last_updated_on
    )
    if bound is not None and update_by > bound:
        raise Invalid(
            "the update date may be {bound} at the latest [{article}]",
            code="update_by_beyond_bound",
            bound=bound.isoformat(),
            article=exception.citation(),
        )
    pending = session.scalar(
        select(DelayFiling.id).where(
            DelayFiling.resource_id == resource_id, DelayFiling.state == FilingState.PENDING
        )
    )
    if pending is not None:
        raise Conflict(
            "a delay filing of this resource awaits the authority's decision",
            code="filing_pending",
            filing_id=pending,
        )
    approval = exception.requires == "authority_approval"
    filing = DelayFiling(
        resource_id=resource_id,
        department_id=resource.department_id,
        state=FilingState.PENDING if approval else FilingState.ACCEPTED,
        requires=exception.requires,
        article=exception.citation()[:40],
        reason=text,
        update_by=update_by,
        bound_on=bound,
        filed_on=today,
        filed_by=actor.name[:100],
        decided_by="",
        decision_reason="",
    )
    session.add(filing)
    session.flush()  # the attachments and the audit entry name the filing
    attachments.attach(session, actor=actor, owner_type=OWNER, owner_id=filing.id, uploads=kept)
    audit.record(
        session,
        actor=actor,
        action="data.delay.file",
        object_type=OWNER,
        object_id=filing.id,
        details={
            "resource_id": resource_id,
            "state": str(filing.state),
            "requires": filing.requires,
            "update_by": update_by.isoformat(),
            "bound_on": str(bound or ""),
            "evidence": len(kept),
            "article": filing.article,
        },
    )
    verb = "awaits your approval" if approval else "was reported"
    _tell(
        session,
        filing,
        kind="data.delay_filed",
        title=f"Delay filing {filing.id} for {resource.code} {verb}: update by {update_by} "
        f"[{filing.article}]",
        officers=False,
        authority=True,
    )
    return filing


def decide(
    session: Session,
    *,
    actor: Actor,
    filing_id: int,
    approve: bool,
    reason: str = "",
    today: date,
) -> DelayFiling:
    """The authority approves or rejects a pending filing (GZ 19 ¶4); a rejection states its reason."""
    if not sees_all(actor):
        raise Forbidden("only the authority decides on a delay filing", code="forbidden_role")
    filing = session.scalar(
        select(DelayFiling).where(DelayFiling.id == filing_id).with_for_update()
    )
    if filing is None:
        raise NotFound("no delay filing {id}", code="filing_not_found", id=filing_id)
    if filing.state != FilingState.PENDING:
        raise IllegalTransition(
            "the filing is {state}; only a pending filing is decided",
            code="illegal_transition",
            state=str(filing.state),
        )
    text = (reason or "").strip()
    if not approve:
        text = _text(text, code="reason_required")
    elif len(text) > MAX_TEXT:
        raise Invalid(
            "the reason is at most {limit} characters", code="reason_required", limit=MAX_TEXT
        )
    filing.state = FilingState.APPROVED if approve else FilingState.REJECTED
    filing.decided_on = today
    filing.decided_by = actor.name[:100]
    filing.decision_reason = text
    audit.record(
        session,
        actor=actor,
        action="data.delay.approve" if approve else "data.delay.reject",
        object_type=OWNER,
        object_id=filing.id,
        details={"resource_id": filing.resource_id, "reason": text, "article": filing.article},
    )
    _tell(
        session,
        filing,
        kind="data.delay_decided",
        title=f"Delay filing {filing.id}: {filing.state}" + (f" ({text[:120]})" if text else ""),
        officers=True,
        authority=False,
    )
    return filing


def _filingscope_of(actor: Actor) -> int | None:
    return None if sees_all(actor) else scope_of(actor, None)


def list_filings(
    session: Session,
    *,
    actor: Actor,
    state: str = "",
    department_id: int | None = None,
    resource_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[DelayFiling]:
    """Delay filings, newest first: a provider's own, or all for the authority."""
    scope = scope_of(actor, department_id)
    stmt = select(DelayFiling).order_by(DelayFiling.id.desc())
    if scope is not None:
        stmt = stmt.where(DelayFiling.department_id == scope)
    if state:
        if state not in set(FilingState):
            raise Invalid("unknown filing state {state}", code="invalid_state", state=state)
        stmt = stmt.where(DelayFiling.state == state)
    if resource_id is not None:
        stmt = stmt.where(DelayFiling.resource_id == resource_id)
    return paginate(session, stmt, page=page, per_page=per_page)


def get_filing(session: Session, *, actor: Actor, filing_id: int) -> DelayFiling:
    """One filing, for its department or the authority (404 for anyone else)."""
    filing = session.get(DelayFiling, filing_id)
    scope = _filingscope_of(actor)
    if filing is None or (scope is not None and filing.department_id != scope):
        raise NotFound("no delay filing {id}", code="filing_not_found", id=filing_id)
    return filing


def resource_labels(session: Session, filings: Sequence[DelayFiling]) -> dict[int, Resource]:
    """The resources the filings name, by id, in one query (for lists)."""
    ids = {f.resource_id for f in filings}
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(ids)))}
