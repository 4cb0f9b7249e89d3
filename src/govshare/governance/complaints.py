"""Complaints that a department breaks the rules (GZ 36; ZZ 32).

- Any department complains about another to the sharing authority, naming a ground from a fixed
  list and, where there is one, the resource or application it concerns, with evidence.
- The authority takes the complaint up (an investigator), records its findings and answers:
  upheld or not, with the answer's text. The answer is due within the profile's
  `complaints.answer` working days counted from the day the complaint is received (GZ 36: 15
  WD); the platform receives a complaint the day it is filed. Where the profile is silent (ZS,
  ZZ "promptly", JS) the complaint has no due date and is never flagged overdue; the page says
  so. Where `complaints.answer_in_writing` holds (GZ 36) the answer is a written letter to the
  complainant, downloadable as a PDF (`complaint_letter`).
- The complainant may withdraw its complaint until it is answered.

Who reads what. The complainant and the authority read everything. The respondent reads the
complaint, its evidence and the answer, and may send the authority a statement with its own
evidence: it cannot answer the authority's questions about a complaint it may not see, and an
answer that upholds a complaint against it is the ground of its rectification. The
investigator's findings are the authority's working notes until the answer: they are shown to
the two departments with the answer, never before. Auditors read every complaint.

Every change writes its audit entry and notifications in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit import service as audit
from govshare.audit.models import AuditEntry
from govshare.calendar.service import WorkingCalendar
from govshare.catalogue.models import Resource
from govshare.governance.complaint_models import OPEN_STATES, Complaint, ComplaintState
from govshare.jobs.service import resolve_flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role
from govshare.profiles.schema import ComplaintRules
from govshare.profiles.service import get_active_profile
from govshare.sharing.application_models import Application
from govshare.sharing.applications import deadline_date

GROUNDS = (
    "refused_data",
    "late_update",
    "stale_data",
    "misuse",
    "repeated_materials",
    "other",
)
PARTY_ROLES = (Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
OVERDUE = "complaint.overdue"
MAX_TEXT = 4000
S = ComplaintState


def _readers(session: Session, complaint_id: int) -> set[int]:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        return set()
    return {complaint.complainant_department_id, complaint.respondent_department_id}


attachments.register_owner("complaint", _readers)


def rules() -> ComplaintRules:
    """The active profile's complaint rules (GZ 36; ZZ 32; silent in ZS and JS)."""
    return get_active_profile().complaints


def clean_text(value: str, code: str, *, limit: int = MAX_TEXT) -> str:
    """The stripped text; Invalid (with `code`) when empty or too long."""
    text = (value or "").strip()
    if not text:
        raise Invalid("this field is required", code=code)
    if len(text) > limit:
        raise Invalid("the text is too long", code=f"{code}_too_long", limit=limit)
    return text


def audit_event(
    session: Session, actor: Actor, complaint: Complaint, action: str, **details: Any
) -> None:
    """Audits `complaint.<action>` on the complaint."""
    audit.record(
        session,
        actor=actor,
        action=f"complaint.{action}",
        object_type="complaint",
        object_id=complaint.id,
        details=details,
    )


def tell(
    session: Session,
    complaint: Complaint,
    *,
    kind: str,
    title: str,
    complainant: bool = False,
    respondent: bool = False,
    authority: bool = False,
) -> int:
    """Notifies the chosen sides of the complaint (the respondent through its data officers)."""
    people = []
    if complainant:
        people += notify.recipients(session, department_id=complaint.complainant_department_id)
    if respondent:
        people += notify.recipients(
            session, department_id=complaint.respondent_department_id, roles=notify.OFFICERS
        )
    if authority:
        people += notify.recipients(session, roles=notify.AUTHORITY)
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        link=f"/complaints/{complaint.id}",
        object_type="complaint",
        object_id=complaint.id,
    )


# --- filing -----------------------------------------------------------------------------------


def _check_subject(
    session: Session, respondent_id: int, resource_id: int | None, application_id: int | None
) -> None:
    """The resource must be the respondent's; the application must have it as a party."""
    if resource_id is not None:
        owner = session.scalar(select(Resource.department_id).where(Resource.id == resource_id))
        if owner is None:
            raise NotFound("no such resource", code="resource_not_found")
        if owner != respondent_id:
            raise Invalid("the resource is not the respondent department's", code="not_respondents")
    if application_id is not None:
        application = session.get(Application, application_id)
        if application is None:
            raise NotFound("no such application", code="application_not_found")
        if respondent_id not in (
            application.consumer_department_id,
            application.provider_department_id,
        ):
            raise Invalid(
                "the respondent department is not a party to the application",
                code="not_respondents",
            )


def file_complaint(
    session: Session,
    *,
    actor: Actor,
    respondent_department_id: int,
    ground: str,
    subject: str,
    description: str,
    today: date,
    resource_id: int | None = None,
    application_id: int | None = None,
    uploads: Sequence[attachments.Upload] = (),
) -> Complaint:
    """Files a department's complaint about another with the authority (GZ 36; ZZ 32)."""
    if not actor.has_role(*PARTY_ROLES) or actor.department_id is None:
        raise Forbidden("only a department files a complaint", code="not_a_department")
    if ground not in GROUNDS:
        raise Invalid("unknown ground of complaint: {ground}", code="invalid_ground", ground=ground)
    respondent = session.get(Department, respondent_department_id)
    if respondent is None:
        raise NotFound("no such department", code="department_not_found")
    if respondent.id == actor.department_id:
        raise Invalid("a department does not complain about itself", code="own_department")
    _check_subject(session, respondent.id, resource_id, application_id)
    rule = rules()
    complaint = Complaint(
        complainant_department_id=actor.department_id,
        respondent_department_id=respondent.id,
        ground=ground,
        subject=clean_text(subject, "subject_required", limit=200),
        description=clean_text(description, "description_required"),
        resource_id=resource_id,
        application_id=application_id,
        state=S.RECEIVED,
        filed_on=today,
        filed_by=actor.name,
        due_on=deadline_date(WorkingCalendar(session), today, rule.answer),
        article=rule.answer.citation(),
        investigator="",
        findings="",
        answer="",
        answered_by="",
        late=False,
    )
    session.add(complaint)
    session.flush()  # the attachments and the audit entry name the new id
    attachments.attach(
        session, actor=actor, owner_type="complaint", owner_id=complaint.id, uploads=uploads
    )
    audit_event(
        session,
        actor,
        complaint,
        "file",
        respondent_department_id=respondent.id,
        ground=ground,
        resource_id=resource_id,
        application_id=application_id,
        due_on=str(complaint.due_on or ""),
        article=complaint.article,
    )
    tell(
        session,
        complaint,
        kind="complaint.filed",
        title=f"Complaint {complaint.id}: {complaint.subject}",
        respondent=True,
        authority=True,
    )
    return complaint


# --- reading ----------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    """The authority and auditors see every complaint."""
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def get(session: Session, *, actor: Actor, complaint_id: int) -> Complaint:
    """A complaint the actor may read: its two departments, the authority, auditors."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("no such complaint", code="complaint_not_found")
    if not sees_all(actor) and actor.department_id not in (
        complaint.complainant_department_id,
        complaint.respondent_department_id,
    ):
        raise Forbidden("this complaint is between other departments", code="not_yours")
    return complaint


def may_read_findings(actor: Actor, complaint: Complaint) -> bool:
    """The findings are the authority's notes until the answer (see the module doc)."""
    return sees_all(actor) or complaint.state == S.ANSWERED


def is_overdue(complaint: Complaint, today: date) -> bool:
    """An open complaint past its due date (never where the profile sets none)."""
    return (
        complaint.state in OPEN_STATES and complaint.due_on is not None and today > complaint.due_on
    )


def list_complaints(
    session: Session,
    *,
    actor: Actor,
    today: date,
    state: ComplaintState | None = None,
    department_id: int | None = None,
    side: str | None = None,
    overdue: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[Complaint]:
    """Complaints the actor may see, newest first: all for the authority, else its own.

    `side` narrows to those the department filed ("complainant") or faces ("respondent").
    """
    if side not in (None, "", "complainant", "respondent"):
        raise Invalid("side is complainant or respondent", code="invalid_side")
    stmt: Select[Any] = select(Complaint)
    if not sees_all(actor):
        if actor.department_id is None:
            raise Forbidden("this list is a department's", code="no_department")
        department_id = actor.department_id
    if department_id is not None:
        if side == "complainant":
            stmt = stmt.where(Complaint.complainant_department_id == department_id)
        elif side == "respondent":
            stmt = stmt.where(Complaint.respondent_department_id == department_id)
        else:
            stmt = stmt.where(
                or_(
                    Complaint.complainant_department_id == department_id,
                    Complaint.respondent_department_id == department_id,
                )
            )
    if state is not None:
        stmt = stmt.where(Complaint.state == state)
    if overdue:
        stmt = stmt.where(
            Complaint.state.in_(list(OPEN_STATES)),
            Complaint.due_on.is_not(None),
            Complaint.due_on < today,
        )
    return paginate(session, stmt.order_by(Complaint.id.desc()), page=page, per_page=per_page)


def timeline(session: Session, complaint: Complaint) -> list[AuditEntry]:
    """What happened to the complaint, oldest first, from the audit log (reads left out)."""
    stmt = (
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "complaint",
            AuditEntry.object_id == str(complaint.id),
            AuditEntry.action.not_like("%.read"),
        )
        .order_by(AuditEntry.seq)
    )
    return list(session.scalars(stmt))


# --- the authority's handling ------------------------------------------------------------------


def _authority(actor: Actor) -> None:
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("only the sharing authority handles complaints", code="not_authority")


def require_open(complaint: Complaint) -> None:
    """IllegalTransition unless the complaint is received or under investigation."""
    if complaint.state not in OPEN_STATES:
        raise IllegalTransition(
            "this complaint is closed", code="complaint_closed", state=complaint.state
        )


def take_up(
    session: Session, *, actor: Actor, complaint_id: int, investigator: str, today: date
) -> Complaint:
    """The authority starts its investigation and names the investigator."""
    _authority(actor)
    complaint = get(session, actor=actor, complaint_id=complaint_id)
    if complaint.state != S.RECEIVED:
        raise IllegalTransition(
            "only a received complaint is taken up", code="not_received", state=complaint.state
        )
    complaint.state = S.INVESTIGATING
    complaint.investigator = (investigator or "").strip()[:100] or actor.name
    complaint.taken_up_on = today
    audit_event(session, actor, complaint, "take_up", investigator=complaint.investigator)
    tell(
        session,
        complaint,
        kind="complaint.investigating",
        title=f"Complaint {complaint.id} is being investigated",
        complainant=True,
        respondent=True,
    )
    return complaint


def record_findings(
    session: Session, *, actor: Actor, complaint_id: int, findings: str, today: date
) -> Complaint:
    """The investigator records (or revises) the findings of an investigation under way."""
    _authority(actor)
    complaint = get(session, actor=actor, complaint_id=complaint_id)
    if complaint.state != S.INVESTIGATING:
        raise IllegalTransition(
            "take the complaint up before recording findings",
            code="not_investigating",
            state=complaint.state,
        )
    complaint.findings = clean_text(findings, "findings_required")
    audit_event(session, actor, complaint, "findings", day=today.isoformat())
    return complaint


def answer(
    session: Session,
    *,
    actor: Actor,
    complaint_id: int,
    upheld: bool,
    text: str,
    today: date,
    findings: str = "",
    uploads: Sequence[attachments.Upload] = (),
) -> Complaint:
    """The authority answers the complainant (in writing where the profile says so): upheld or not."""
    _authority(actor)
    complaint = get(session, actor=actor, complaint_id=complaint_id)
    if complaint.state != S.INVESTIGATING:
        raise IllegalTransition(
            "investigate the complaint before answering it",
            code="not_investigating",
            state=complaint.state,
        )
    reply = clean_text(text, "answer_required")
    found = clean_text(findings, "findings_required") if findings.strip() else complaint.findings
    if not found:
        raise Invalid("record the findings of the investigation first", code="findings_required")
    complaint.findings = found
    complaint.answer = reply
    complaint.upheld = bool(upheld)
    complaint.answered_on = today
    complaint.answered_by = actor.name
    complaint.late = complaint.due_on is not None and today > complaint.due_on
    complaint.state = S.ANSWERED
    attachments.attach(
        session, actor=actor, owner_type="complaint", owner_id=complaint.id, uploads=uploads
    )
    audit_event(
        session,
        actor,
        complaint,
        "answer",
        upheld=complaint.upheld,
        late=complaint.late,
        in_writing=rules().answer_in_writing.enabled,
        article=complaint.article,
    )
    resolve_flag(
        session,
        actor=actor,
        kind=OVERDUE,
        object_type="complaint",
        object_id=complaint.id,
        today=today,
    )
    verdict = "upheld" if complaint.upheld else "not upheld"
    tell(
        session,
        complaint,
        kind="complaint.answered",
        title=f"Complaint {complaint.id} answered: {verdict}",
        complainant=True,
        respondent=True,
    )
    return complaint


def department_names(session: Session, ids: Sequence[int] | set[int]) -> dict[int, str]:
    """Names of the departments by id (one query)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(wanted)))
    return {i: n for i, n in rows}
