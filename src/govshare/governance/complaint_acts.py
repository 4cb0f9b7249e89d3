"""What the two departments do on an open complaint (GZ 36): the complainant withdraws it or adds
evidence, the respondent gives the authority its statement. See `complaints` for who reads what.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.governance.complaint_models import Complaint
from govshare.governance.complaints import (
    MAX_TEXT,
    OVERDUE,
    PARTY_ROLES,
    S,
    audit_event,
    clean_text,
    get,
    require_open,
    tell,
)
from govshare.jobs.service import resolve_flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, Invalid
from govshare.orgs.models import Role


def respond(
    session: Session,
    *,
    actor: Actor,
    complaint_id: int,
    statement: str,
    today: date,
    uploads: Sequence[attachments.Upload] = (),
) -> Complaint:
    """The respondent gives the authority its statement (and evidence) on an open complaint."""
    complaint = get(session, actor=actor, complaint_id=complaint_id)
    if (
        not actor.has_role(*PARTY_ROLES)
        or actor.department_id != complaint.respondent_department_id
    ):
        raise Forbidden("only the respondent department answers here", code="not_respondent")
    require_open(complaint)
    complaint.respondent_statement = clean_text(statement, "statement_required")
    complaint.respondent_statement_on = today
    complaint.respondent_statement_by = actor.name
    attachments.attach(
        session, actor=actor, owner_type="complaint", owner_id=complaint.id, uploads=uploads
    )
    audit_event(session, actor, complaint, "statement")
    tell(
        session,
        complaint,
        kind="complaint.statement",
        title=f"Complaint {complaint.id}: the respondent's statement",
        authority=True,
    )
    return complaint


def add_evidence(
    session: Session,
    *,
    actor: Actor,
    complaint_id: int,
    uploads: Sequence[attachments.Upload],
) -> Complaint:
    """The complainant, the respondent or the authority adds files to an open complaint."""
    complaint = get(session, actor=actor, complaint_id=complaint_id)
    if actor.has_role(Role.AUDITOR) and not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("auditors read complaints, they do not add to them", code="read_only")
    require_open(complaint)
    if not attachments.check(uploads):
        raise Invalid("choose a file to attach", code="attachment_missing")
    attachments.attach(
        session, actor=actor, owner_type="complaint", owner_id=complaint.id, uploads=uploads
    )
    return complaint


def withdraw(
    session: Session, *, actor: Actor, complaint_id: int, reason: str, today: date
) -> Complaint:
    """The complainant withdraws its complaint before the answer."""
    complaint = get(session, actor=actor, complaint_id=complaint_id)
    if (
        not actor.has_role(*PARTY_ROLES)
        or actor.department_id != complaint.complainant_department_id
    ):
        raise Forbidden("only the complaining department withdraws", code="not_complainant")
    require_open(complaint)
    complaint.state = S.WITHDRAWN
    complaint.withdrawn_on = today
    complaint.withdrawal_reason = (reason or "").strip()[:MAX_TEXT]
    audit_event(session, actor, complaint, "withdraw", reason=complaint.withdrawal_reason)
    resolve_flag(
        session,
        actor=actor,
        kind=OVERDUE,
        object_type="complaint",
        object_id=complaint.id,
        today=today,
    )
    tell(
        session,
        complaint,
        kind="complaint.withdrawn",
        title=f"Complaint {complaint.id} withdrawn",
        respondent=True,
        authority=True,
    )
    return complaint
