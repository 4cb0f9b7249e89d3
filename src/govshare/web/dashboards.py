"""What each role sees first: the figures and lists of its dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.jobs import service as jobs
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import ApiKey, ContactPerson, Department, Role, User


def build(session: Session, *, actor: Actor, today: date) -> dict[str, Any]:
    """The dashboard context of the actor's role."""
    role = next(iter(actor.roles))
    dept = (
        orgs.get_department(session, department_id=actor.department_id)
        if actor.department_id
        else None
    )
    context: dict[str, Any] = {"role": role, "department": dept, "cards": [], "flags": []}
    if role == Role.AUTHORITY_ADMIN:
        context["cards"] = [
            ("Departments", _count(session, Department), "/departments"),
            ("Users", _count(session, User), "/users"),
            ("Open flags", len(jobs.open_flags(session)), "/dashboard#flags"),
            ("Late personnel filings", _late_filings(session), "/personnel"),
            *_supervision(session, department_id=None),
        ]
        context["flags"] = jobs.open_flags(session)[:20]
    elif role == Role.DATA_OFFICER and dept is not None:
        context["cards"] = [
            ("Personnel on file", len(orgs.registry(session, department_id=dept.id)), "/personnel"),
            ("API keys in use", _active_keys(session, dept.id), "/api-keys"),
            (
                "Open flags",
                len(jobs.open_flags(session, department_id=dept.id)),
                "/dashboard#flags",
            ),
            *_supervision(session, department_id=dept.id),
        ]
        context["flags"] = jobs.open_flags(session, department_id=dept.id)
    elif role == Role.STAFF and dept is not None:
        context["cards"] = [
            ("Departments on the platform", _count(session, Department), "/departments"),
            ("Sharing contacts", len(orgs.registry(session)), "/personnel"),
        ]
    elif role == Role.AUDITOR:
        from govshare.audit.models import AuditCheckpoint, AuditEntry

        summary = {
            "entries": _count(session, AuditEntry),
            "checkpoints": _count(session, AuditCheckpoint),
            "last_seq": session.scalar(select(func.max(AuditEntry.seq))),
            "last_checkpoint_seq": session.scalar(select(func.max(AuditCheckpoint.seq))),
        }
        context["cards"] = [
            ("Audit entries", summary["entries"], "/audit"),
            ("Checkpoints", summary["checkpoints"], "/audit"),
        ]
        context["audit_summary"] = summary
    return context


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _late_filings(session: Session) -> int:
    stmt = select(func.count()).select_from(ContactPerson).where(ContactPerson.filed_late.is_(True))
    return session.scalar(stmt) or 0


def _active_keys(session: Session, department_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.department_id == department_id, ApiKey.revoked_at.is_(None))
    )
    return session.scalar(stmt) or 0


def _supervision(session: Session, *, department_id: int | None) -> list[tuple[str, int, str]]:
    """Open supervision cases: the authority's to handle, or those a department must answer."""
    from govshare.governance.complaint_models import OPEN_STATES as COMPLAINT_OPEN
    from govshare.governance.complaint_models import Complaint
    from govshare.governance.rectification_models import OPEN_STATES as NOTICE_OPEN
    from govshare.governance.rectification_models import RectificationNotice
    from govshare.quality.verification_models import RequestState, VerificationRequest

    requests = select(func.count()).where(VerificationRequest.state == RequestState.OPEN)
    complaints = select(func.count()).where(Complaint.state.in_([str(s) for s in COMPLAINT_OPEN]))
    notices = select(func.count()).where(
        RectificationNotice.state.in_([str(s) for s in NOTICE_OPEN])
    )
    if department_id is not None:
        requests = requests.where(VerificationRequest.provider_department_id == department_id)
        complaints = complaints.where(Complaint.respondent_department_id == department_id)
        notices = notices.where(RectificationNotice.department_id == department_id)
    return [
        ("Open verification requests", session.scalar(requests) or 0, "/verification-requests"),
        ("Open complaints", session.scalar(complaints) or 0, "/complaints"),
        ("Open rectification notices", session.scalar(notices) or 0, "/rectification"),
    ]
