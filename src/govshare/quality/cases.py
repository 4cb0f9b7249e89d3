"""Divergence cases: who sees them, and the steps open → assigned → resolved or dismissed (ZS 17; JS 11).

The authority sees every case with the subject and both values. A provider sees the cases of
its own resources with the subject masked, its own value, and the other side's value only
while its department is the one verifying the case (it needs both to verify).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.models import Resource
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile
from govshare.quality.divergence import open_subject, open_values, tell
from govshare.quality.links import get_link, require_authority
from govshare.quality.models import ACTIVE_STATES, Divergence, DivergenceState, SourceLink

HIDDEN = object()  # a value the viewer may not see


def mask(subject: str) -> str:
    """A subject key with its middle hidden, e.g. 440103********1234."""
    n = len(subject)
    if n >= 12:
        return subject[:6] + "*" * (n - 10) + subject[-4:]
    if n > 4:
        return subject[:1] + "*" * (n - 2) + subject[-1:]
    return "*" * n


@dataclass(frozen=True)
class CaseView:
    """A case as one viewer may see it."""

    case: Divergence
    link: SourceLink
    subject: str  # masked unless the viewer is the authority
    value_a: Any  # HIDDEN when the viewer may not see it
    value_b: Any
    code_a: str
    code_b: str
    may_assign: bool
    may_resolve: bool
    may_dismiss: bool

    @property
    def shows_a(self) -> bool:
        return self.value_a is not HIDDEN

    @property
    def shows_b(self) -> bool:
        return self.value_b is not HIDDEN


def _is_authority(actor: Actor) -> bool:
    return actor.has_role(Role.AUTHORITY_ADMIN)


def _scope(actor: Actor) -> ColumnElement[bool] | None:
    """The cases a viewer may see (None: all)."""
    if _is_authority(actor):
        return None
    if actor.department_id is None or not actor.has_role(Role.DATA_OFFICER, Role.SERVICE):
        raise Forbidden("your role may not do this", code="forbidden_role")
    d = actor.department_id
    return or_(Divergence.department_a_id == d, Divergence.department_b_id == d)


def _view(case: Divergence, link: SourceLink, codes: dict[int, str], actor: Actor) -> CaseView:
    authority = _is_authority(actor)
    d = actor.department_id
    verifier = case.state == DivergenceState.ASSIGNED and case.assigned_department_id == d
    a, b = open_values(case)
    subject = open_subject(case)
    active = case.state in ACTIVE_STATES
    return CaseView(
        case=case,
        link=link,
        subject=subject if authority else mask(subject),
        value_a=a if authority or verifier or case.department_a_id == d else HIDDEN,
        value_b=b if authority or verifier or case.department_b_id == d else HIDDEN,
        code_a=codes.get(case.resource_a_id, str(case.resource_a_id)),
        code_b=codes.get(case.resource_b_id, str(case.resource_b_id)),
        may_assign=authority and active,
        may_resolve=active and (authority or (verifier and actor.has_role(Role.DATA_OFFICER))),
        may_dismiss=authority and active,
    )


def _views(session: Session, actor: Actor, cases: list[Divergence]) -> list[CaseView]:
    link_ids = {c.link_id for c in cases}
    links = {
        link.id: link
        for link in session.scalars(select(SourceLink).where(SourceLink.id.in_(link_ids)))
    }
    resource_ids = {c.resource_a_id for c in cases} | {c.resource_b_id for c in cases}
    stmt = select(Resource.id, Resource.code).where(Resource.id.in_(resource_ids))
    codes = {rid: code for rid, code in session.execute(stmt)}
    return [_view(c, links[c.link_id], codes, actor) for c in cases]


def list_cases(
    session: Session,
    *,
    actor: Actor,
    state: str | None = None,
    department_id: int | None = None,
    resource_id: int | None = None,
    link_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[CaseView]:
    """The cases the viewer may see, newest first, filtered by state, department, resource or link."""
    stmt = select(Divergence).order_by(Divergence.id.desc())
    scope = _scope(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    if state == "active":
        stmt = stmt.where(Divergence.state.in_(ACTIVE_STATES))
    elif state:
        if state not in set(DivergenceState):
            raise Invalid("unknown state {state}", code="invalid_state", state=state)
        stmt = stmt.where(Divergence.state == state)
    if department_id is not None:
        stmt = stmt.where(
            or_(
                Divergence.department_a_id == department_id,
                Divergence.department_b_id == department_id,
                Divergence.assigned_department_id == department_id,
            )
        )
    if resource_id is not None:
        stmt = stmt.where(
            or_(Divergence.resource_a_id == resource_id, Divergence.resource_b_id == resource_id)
        )
    if link_id is not None:
        stmt = stmt.where(Divergence.link_id == link_id)
    result = paginate(session, stmt, page=page, per_page=per_page)
    return Page(
        items=_views(session, actor, result.items),
        total=result.total,
        page=result.page,
        per_page=result.per_page,
    )


def _case(session: Session, actor: Actor, divergence_id: int) -> Divergence:
    case = session.get(Divergence, divergence_id)
    scope_ok = case is not None and (
        _is_authority(actor)
        or (
            actor.department_id is not None
            and actor.has_role(Role.DATA_OFFICER, Role.SERVICE)
            and actor.department_id in (case.department_a_id, case.department_b_id)
        )
    )
    if case is None or not scope_ok:
        # The same answer for a case that does not exist and one the viewer may not see.
        raise NotFound(
            "no divergence case {divergence_id}",
            code="divergence_not_found",
            divergence_id=divergence_id,
        )
    return case


def get_case(session: Session, *, actor: Actor, divergence_id: int) -> CaseView:
    """One case as the viewer may see it."""
    return _views(session, actor, [_case(session, actor, divergence_id)])[0]


def _require_active(case: Divergence) -> None:
    if case.state not in ACTIVE_STATES:
        raise IllegalTransition(
            "the case is {state}; only open or assigned cases can change",
            code="case_closed",
            state=case.state,
        )


def _verifier(
    session: Session, *, actor: Actor, case: Divergence, link: SourceLink, department_id: int | None
) -> tuple[int, str]:
    """The department that verifies the case and the profile branch that decided it."""
    rule = get_active_profile().data.divergence_resolved_by
    basis = "silent" if rule.silent else str(rule.value)
    parties = {case.department_a_id, case.department_b_id}
    if basis == "collecting_department":
        # JS 11: the organ in charge of collecting the data verifies and explains.
        collecting = None
        if link.source_resource_id is not None:
            source = session.get(Resource, link.source_resource_id)
            if source is not None:
                collecting = source.collecting_department_id or source.department_id
        if collecting is None:
            if department_id is None or department_id not in parties:
                raise Invalid(
                    "the link names no source: choose the collecting department, one of the two providers",
                    code="collecting_department_required",
                )
            return department_id, basis
        if department_id is not None and department_id != collecting:
            raise Invalid(
                "under the profile the collecting department verifies this case",
                code="collecting_department_verifies",
                department_id=collecting,
            )
        return collecting, basis
    # ZS 17: the data department organises the departments concerned; where the text is silent
    # the authority decides likewise. By default it verifies itself.
    own = actor.department_id or session.scalar(
        select(Department.id).where(Department.is_authority.is_(True)).order_by(Department.id)
    )
    chosen = department_id if department_id is not None else own
    if chosen is None or (chosen not in parties and chosen != own):
        raise Invalid(
            "choose the authority or one of the two providing departments",
            code="invalid_verifier",
        )
    return chosen, basis


def assign(
    session: Session,
    *,
    actor: Actor,
    divergence_id: int,
    department_id: int | None = None,
    note: str = "",
    today: date | None = None,
) -> CaseView:
    """The authority assigns the department that verifies the case (the profile decides which)."""
    require_authority(actor)
    case = _case(session, actor, divergence_id)
    _require_active(case)
    link = get_link(session, link_id=case.link_id)
    verifier, basis = _verifier(
        session, actor=actor, case=case, link=link, department_id=department_id
    )
    day = today or date.today()
    case.state = DivergenceState.ASSIGNED
    case.assigned_department_id = verifier
    case.assigned_on = day
    case.assigned_by = actor.name
    case.assign_basis = basis
    case.due_on = None  # no text sets a time limit for verifying a divergence
    if note.strip():
        case.note = note.strip()
    audit.record(
        session,
        actor=actor,
        action="quality.divergence_assign",
        object_type="divergence",
        object_id=case.id,
        details={"department_id": verifier, "basis": basis, "subject_hash": case.subject_hash},
    )
    tell(
        session,
        departments={verifier, case.department_a_id, case.department_b_id},
        authority=False,
        kind="divergence.assigned",
        title=f"Divergence case {case.id} assigned to department {verifier} for verification",
        link=f"/quality/divergences/{case.id}",
        object_type="divergence",
        object_id=case.id,
    )
    return get_case(session, actor=actor, divergence_id=case.id)


def resolve(
    session: Session,
    *,
    actor: Actor,
    divergence_id: int,
    correct: str,
    note: str,
    today: date | None = None,
) -> CaseView:
    """The verifier (or the authority) states which value is right; the other provider must correct its value."""
    case = _case(session, actor, divergence_id)
    _require_active(case)
    verifier = (
        case.state == DivergenceState.ASSIGNED
        and actor.department_id == case.assigned_department_id
        and actor.has_role(Role.DATA_OFFICER)
    )
    if not (_is_authority(actor) or verifier):
        raise Forbidden(
            "only the verifying department or the authority resolves this case",
            code="not_the_verifier",
        )
    if correct not in ("a", "b"):
        raise Invalid("say which value is right: a or b", code="invalid_side")
    if not note.strip():
        raise Invalid("the note is required", code="note_required")
    case.state = DivergenceState.RESOLVED
    case.correct_side = correct
    case.note = note.strip()
    case.closed_on = today or date.today()
    case.closed_by = actor.name
    case.closed_reason = "verified"
    wrong = case.department_b_id if correct == "a" else case.department_a_id
    link = get_link(session, link_id=case.link_id)
    wrong_item = link.item_b if correct == "a" else link.item_a
    audit.record(
        session,
        actor=actor,
        action="quality.divergence_resolve",
        object_type="divergence",
        object_id=case.id,
        details={
            "correct": correct,
            "to_correct_department_id": wrong,
            "subject_hash": case.subject_hash,
        },
    )
    tell(
        session,
        departments={wrong},
        authority=False,
        kind="divergence.correct",
        title=f"Divergence case {case.id}: correct your value of {wrong_item}",
        body=case.note,
        link=f"/quality/divergences/{case.id}",
        object_type="divergence",
        object_id=case.id,
    )
    tell(
        session,
        departments={case.department_a_id, case.department_b_id} - {wrong},
        authority=True,
        kind="divergence.resolved",
        title=f"Divergence case {case.id} resolved",
        link=f"/quality/divergences/{case.id}",
        object_type="divergence",
        object_id=case.id,
    )
    return get_case(session, actor=actor, divergence_id=case.id)


def dismiss(
    session: Session, *, actor: Actor, divergence_id: int, reason: str, today: date | None = None
) -> CaseView:
    """The authority dismisses a case with a reason (the same values will not reopen it)."""
    require_authority(actor)
    case = _case(session, actor, divergence_id)
    _require_active(case)
    if not reason.strip():
        raise Invalid("the reason is required", code="reason_required")
    case.state = DivergenceState.DISMISSED
    case.note = reason.strip()
    case.closed_on = today or date.today()
    case.closed_by = actor.name
    case.closed_reason = "dismissed"
    audit.record(
        session,
        actor=actor,
        action="quality.divergence_dismiss",
        object_type="divergence",
        object_id=case.id,
        details={"reason": case.note, "subject_hash": case.subject_hash},
    )
    tell(
        session,
        departments={case.department_a_id, case.department_b_id},
        authority=False,
        kind="divergence.dismissed",
        title=f"Divergence case {case.id} dismissed",
        body=case.note,
        link=f"/quality/divergences/{case.id}",
        object_type="divergence",
        object_id=case.id,
    )
    return get_case(session, actor=actor, divergence_id=case.id)
