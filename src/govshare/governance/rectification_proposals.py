"""Notices the platform proposes from what it already knows (GZ 43; ZS 38; ZZ 32; JS 33).

Each kind of proposal reads records other domains keep and names the ground of the profile's
list it points to (the first of its preferred grounds the profile lists; none, no proposal):

- ``stale_resource``: a connected resource past its update deadline (`Connection.stale_since`,
  set by the freshness sweep; GZ 19) → data not updated.
- ``overdue_application``: an application still unanswered past its due date (GZ 26; JS 18)
  → refusing or delaying provision.
- ``deemed_consent``: an application the provider let lapse into deemed consent (GZ 26) and has
  not delivered → refusing or delaying provision.
- ``late_verification``: a verification request still open past its due date (GZ 30; ZS 23)
  → delaying provision / inconsistent data.
- ``catalogue_not_updated``: a registered change whose catalogue update is past due (GZ 8;
  ZS 11) → catalogue not compiled or updated.

A source with a notice that is not closed (open or escalated) is not proposed again, nor one the
authority dismissed with a reason (`ProposalDismissal`). Proposals are computed when asked for:
there is nothing to keep in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.models import ChangeEvent, Resource
from govshare.datastore.models import Connection
from govshare.governance.rectification_models import (
    NoticeState,
    ProposalDismissal,
    RectificationNotice,
)
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, Invalid, NotFound
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile
from govshare.quality.verification_models import VerificationRequest
from govshare.sharing.application_models import Application, ApplicationState

LIMIT = 500  # per kind: the authority works through the oldest first


@dataclass(frozen=True)
class Record:
    """A record behind a proposal, with the console page that shows it."""

    label: str
    link: str


@dataclass(frozen=True)
class Proposal:
    """A notice the platform suggests: the department, the ground and the facts, with their records."""

    kind: str
    source_id: int
    department_id: int
    ground: str
    article: str
    since: date
    facts: str
    requirement: str
    records: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    """One kind of proposal: its preferred grounds and how to find its sources."""

    key: str
    grounds: tuple[str, ...]
    find: Callable[[Session, date, int | None], list[tuple[Any, ...]]]
    build: Callable[[tuple[Any, ...], date], tuple[str, str, list[Record]]]


def _not_taken(kind: str, column: Any) -> list[ColumnElement[bool]]:
    """No notice that is not closed and no dismissal for this source."""
    noticed = (
        select(RectificationNotice.id)
        .where(
            RectificationNotice.source_kind == kind,
            RectificationNotice.source_id == column,
            RectificationNotice.state != NoticeState.CLOSED,
        )
        .exists()
    )
    dismissed = (
        select(ProposalDismissal.id)
        .where(ProposalDismissal.source_kind == kind, ProposalDismissal.source_id == column)
        .exists()
    )
    return [~noticed, ~dismissed]


def _rows(session: Session, stmt: Any, source_id: int | None, column: Any) -> list[tuple[Any, ...]]:
    if source_id is not None:
        stmt = stmt.where(column == source_id)
    return [tuple(r) for r in session.execute(stmt.limit(LIMIT))]


# --- the kinds --------------------------------------------------------------------------------


def _stale(session: Session, today: date, source_id: int | None) -> list[tuple[Any, ...]]:
    stmt = (
        select(
            Resource.id,
            Resource.department_id,
            Connection.stale_since,
            Resource.code,
            Resource.name,
            Connection.last_updated_on,
        )
        .join(Connection, Connection.resource_id == Resource.id)
        .where(Connection.stale_since.is_not(None), Connection.stale_since < today)
        .where(*_not_taken("stale_resource", Resource.id))
        .order_by(Connection.stale_since, Resource.id)
    )
    return _rows(session, stmt, source_id, Resource.id)


def _stale_facts(row: tuple[Any, ...], today: date) -> tuple[str, str, list[Record]]:
    rid, _, since, code, name, last = row
    facts = (
        f"数据资源「{name}」({code})自 {since} 起未按声明的更新周期更新"
        f"(最近一次更新:{last or '从未更新'};至 {today} 已逾期 {(today - since).days} 日)。"
    )
    return (
        facts,
        "按更新周期更新该数据资源并接入共享平台,或依规报备延期更新。",
        [Record(f"{code} {name}", f"/catalogue/{rid}")],
    )


def _applications(state: ApplicationState, column: Any) -> Callable[..., list[tuple[Any, ...]]]:
    kind = "overdue_application" if state == ApplicationState.SUBMITTED else "deemed_consent"

    def find(session: Session, today: date, source_id: int | None) -> list[tuple[Any, ...]]:
        stmt = (
            select(
                Application.id,
                Application.provider_department_id,
                column,
                Application.resource_code,
                Application.submitted_on,
                Application.delivery_due_on,
            )
            .where(Application.state == state, column.is_not(None), column < today)
            .where(*_not_taken(kind, Application.id))
            .order_by(column, Application.id)
        )
        return _rows(session, stmt, source_id, Application.id)

    return find


def _overdue_facts(row: tuple[Any, ...], today: date) -> tuple[str, str, list[Record]]:
    aid, _, due, code, submitted, _ = row
    facts = (
        f"共享申请 {aid}(资源 {code})于 {submitted} 提交,应于 {due} 前答复,至 {today} 仍未答复。"
    )
    return (
        facts,
        "立即答复该共享申请,并说明逾期原因及防止再次逾期的措施。",
        [Record(f"Application {aid}", f"/applications/{aid}")],
    )


def _deemed_facts(row: tuple[Any, ...], today: date) -> tuple[str, str, list[Record]]:
    aid, _, due, code, submitted, delivery = row
    facts = (
        f"共享申请 {aid}(资源 {code})于 {submitted} 提交,提供部门未在 {due} 前答复,"
        f"依规视为同意;应于 {delivery or '规定期限'} 前提供数据,至 {today} 仍未提供。"
    )
    return (
        facts,
        "按视为同意的授权向申请部门提供数据,并健全共享申请的答复机制。",
        [Record(f"Application {aid}", f"/applications/{aid}")],
    )


def _verification(session: Session, today: date, source_id: int | None) -> list[tuple[Any, ...]]:
    v = VerificationRequest
    stmt = (
        select(v.id, v.provider_department_id, v.due_on, Resource.code, v.filed_on)
        .join(Resource, Resource.id == v.resource_id)
        .where(v.state == "open", v.due_on.is_not(None), v.due_on < today)
        .where(*_not_taken("late_verification", v.id))
        .order_by(v.due_on, v.id)
    )
    return _rows(session, stmt, source_id, v.id)


def _verification_facts(row: tuple[Any, ...], today: date) -> tuple[str, str, list[Record]]:
    vid, _, due, code, filed = row
    facts = (
        f"核查请求 {vid}(资源 {code})于 {filed} 提出,应于 {due} 前答复核查结果,"
        f"至 {today} 仍未答复。"
    )
    return (
        facts,
        "完成核查并答复使用部门;数据有误的,予以更正。",
        [Record(f"Verification request {vid}", f"/verification-requests/{vid}")],
    )


def _catalogue(session: Session, today: date, source_id: int | None) -> list[tuple[Any, ...]]:
    e = ChangeEvent
    stmt = (
        select(e.id, e.department_id, e.due_on, e.description, e.occurred_on)
        .where(e.resolved_on.is_(None), e.due_on.is_not(None), e.due_on < today)
        .where(*_not_taken("catalogue_not_updated", e.id))
        .order_by(e.due_on, e.id)
    )
    return _rows(session, stmt, source_id, e.id)


def _catalogue_facts(row: tuple[Any, ...], today: date) -> tuple[str, str, list[Record]]:
    eid, _, due, description, occurred = row
    facts = (
        f"{occurred} 发生的变更事项「{description}」要求更新政务信息资源目录,"
        f"应于 {due} 前完成,至 {today} 仍未更新。"
    )
    return (
        facts,
        "按变更事项更新本部门政务信息资源目录并提交审核。",
        [Record(f"Change {eid}", "/catalogue/changes")],
    )


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "stale_resource",
            ("data_not_updated", "data_inconsistent", "other"),
            _stale,
            _stale_facts,
        ),
        Kind(
            "overdue_application",
            ("refusing_or_delaying_provision", "other"),
            _applications(ApplicationState.SUBMITTED, Application.due_on),
            _overdue_facts,
        ),
        Kind(
            "deemed_consent",
            ("refusing_or_delaying_provision", "other"),
            _applications(ApplicationState.DEEMED_CONSENT, Application.delivery_due_on),
            _deemed_facts,
        ),
        Kind(
            "late_verification",
            ("refusing_or_delaying_provision", "data_inconsistent", "other"),
            _verification,
            _verification_facts,
        ),
        Kind(
            "catalogue_not_updated",
            ("catalogue_not_compiled_or_updated", "other"),
            _catalogue,
            _catalogue_facts,
        ),
    )
}


def _ground(kind: Kind) -> tuple[str, str] | None:
    listed = {g.key: g.citation() for g in get_active_profile().rectification.grounds}
    for key in kind.grounds:
        if key in listed:
            return key, listed[key]
    return None


def _proposals(
    session: Session, kind: Kind, today: date, source_id: int | None = None
) -> list[Proposal]:
    ground = _ground(kind)
    if ground is None:
        return []  # the article lists no ground this kind points to
    out = []
    for row in kind.find(session, today, source_id):
        facts, requirement, records = kind.build(row, today)
        out.append(
            Proposal(
                kind=kind.key,
                source_id=int(row[0]),
                department_id=int(row[1]),
                ground=ground[0],
                article=ground[1],
                since=row[2],
                facts=facts,
                requirement=requirement,
                records=records,
            )
        )
    return out


# --- the service ------------------------------------------------------------------------------


def _authority(actor: Actor) -> None:
    if not actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR):
        raise Forbidden("proposals are the authority's", code="not_authority")


def _kind(key: str) -> Kind:
    if key not in KINDS:
        raise Invalid("unknown kind of proposal", code="invalid_kind", kind=key)
    return KINDS[key]


def list_proposals(
    session: Session,
    *,
    actor: Actor,
    today: date,
    kind: str | None = None,
    department_id: int | None = None,
) -> list[Proposal]:
    """Every proposal standing today (oldest first within each kind)."""
    _authority(actor)
    kinds = [_kind(kind)] if kind else list(KINDS.values())
    found = [p for k in kinds for p in _proposals(session, k, today)]
    if department_id is not None:
        found = [p for p in found if p.department_id == department_id]
    return found


def find(session: Session, *, kind: str, source_id: int, today: date) -> Proposal | None:
    """The proposal of one source if it stands today."""
    found = _proposals(session, _kind(kind), today, source_id)
    return found[0] if found else None


def get_proposal(
    session: Session, *, actor: Actor, kind: str, source_id: int, today: date
) -> Proposal:
    """One standing proposal; NotFound when it no longer stands."""
    _authority(actor)
    proposal = find(session, kind=kind, source_id=source_id, today=today)
    if proposal is None:
        raise NotFound("this proposal no longer stands", code="proposal_not_found")
    return proposal


def check_source(
    session: Session, *, kind: str, source_id: int | None, department_id: int, today: date
) -> None:
    """Refuses a notice from a proposal that no longer stands or is for another department."""
    if source_id is None:
        raise Invalid("a proposal names its record", code="invalid_source")
    proposal = find(session, kind=kind, source_id=source_id, today=today)
    if proposal is None:
        raise Conflict(
            "this proposal no longer stands (a notice exists, it was dismissed, or it was resolved)",
            code="proposal_not_found",
        )
    if proposal.department_id != department_id:
        raise Invalid("the proposal concerns another department", code="wrong_department")


def dismiss(
    session: Session, *, actor: Actor, kind: str, source_id: int, reason: str, today: date
) -> ProposalDismissal:
    """The authority decides not to act on a proposal, with a reason; it is not proposed again."""
    from govshare.governance.rectification import clean

    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("only the sharing authority does this", code="not_authority")
    proposal = get_proposal(session, actor=actor, kind=kind, source_id=source_id, today=today)
    row = ProposalDismissal(
        source_kind=proposal.kind,
        source_id=proposal.source_id,
        reason=clean(reason, "reason_required"),
        dismissed_by=actor.name,
    )
    session.add(row)
    session.flush()  # the audit entry names the dismissal
    audit.record(
        session,
        actor=actor,
        action="rectification.proposal_dismiss",
        object_type=f"proposal.{proposal.kind}",
        object_id=proposal.source_id,
        details={
            "dismissal": row.id,
            "department_id": proposal.department_id,
            "ground": proposal.ground,
            "reason": row.reason,
        },
    )
    return row


def dismissals(session: Session, *, actor: Actor, limit: int = 50) -> list[ProposalDismissal]:
    """The latest dismissals, newest first."""
    _authority(actor)
    stmt = select(ProposalDismissal).order_by(ProposalDismissal.id.desc()).limit(limit)
    return list(session.scalars(stmt))


__all__ = ["KINDS", "Proposal", "Record", "dismiss", "find", "get_proposal", "list_proposals"]
