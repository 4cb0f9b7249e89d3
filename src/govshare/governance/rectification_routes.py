"""JSON API of rectification notices (/api/v1/rectification-notices) and proposals (GZ 43; ZS 38)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govshare.governance import rectification, rectification_report
from govshare.governance import rectification_proposals as proposals
from govshare.governance import rectification_queries as queries
from govshare.governance.rectification_models import RectificationNotice
from govshare.governance.rectification_schemas import (
    AnswerIn,
    CountOut,
    DismissIn,
    EscalateIn,
    FromProposalIn,
    NoticeIn,
    NoticeOut,
    NoticePage,
    ProposalOut,
    ReviewIn,
)
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["rectification"])

AUTHORITY = (Role.AUTHORITY_ADMIN,)
OVERSIGHT = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
DEPARTMENT = (Role.DATA_OFFICER, Role.STAFF)
READERS = (*OVERSIGHT, *DEPARTMENT)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not the authority, or not the notified department"},
    404: {"description": "no such notice (or department, proposal)"},
    409: {"description": "not_awaiting, not_answered, not_escalable, proposal_not_found"},
    422: {"description": "unknown_ground, deadline_required, deadline_past, profile_silent"},
}


def _out(request: Request, db: Db, notice: RectificationNotice) -> NoticeOut:
    return NoticeOut.of(
        notice,
        overdue=rectification.is_overdue(notice, today_of(request)),
        history=rectification.history(db, notice),
    )


@router.get("/rectification-notices", response_model=NoticePage)
def list_notices(
    request: Request,
    db: Db,
    state: str | None = None,
    department_id: int | None = None,
    ground: str | None = None,
    overdue: bool = False,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS),
) -> NoticePage:
    """Notices: all for the authority and auditors, a department's own for its users."""
    today = today_of(request)
    found = queries.list_notices(
        db,
        actor=actor,
        today=today,
        state=state,
        department_id=department_id,
        ground=ground,
        overdue=overdue,
        page=page,
        per_page=per_page,
    )
    return NoticePage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[NoticeOut.of(n, overdue=rectification.is_overdue(n, today)) for n in found.items],
    )


@router.get("/rectification-notices/per-department", response_model=list[CountOut])
def per_department(request: Request, db: Db, actor: Actor = allow(*OVERSIGHT)) -> list[CountOut]:
    """How many notices each department has: open, overdue, closed, escalated."""
    rows = queries.counts(db, actor=actor, today=today_of(request))
    return [CountOut(**r.__dict__) for r in rows]


@router.post("/rectification-notices", response_model=NoticeOut, status_code=201, responses=ERRORS)
def issue(request: Request, db: Db, body: NoticeIn, actor: Actor = allow(*AUTHORITY)) -> NoticeOut:
    """Issues a notice on a ground of the profile's list (GZ 43; ZS 38; ZZ 32; JS 33)."""
    notice = rectification.issue(
        db,
        actor=actor,
        department_id=body.department_id,
        ground=body.ground,
        facts=body.facts,
        requirement=body.requirement,
        due_on=body.due_on,
        today=today_of(request),
    )
    return _out(request, db, notice)


@router.get("/rectification-notices/{notice_id}", response_model=NoticeOut, responses=ERRORS)
def get_notice(
    request: Request, db: Db, notice_id: int, actor: Actor = allow(*READERS)
) -> NoticeOut:
    """One notice with its history."""
    return _out(request, db, rectification.get_notice(db, actor=actor, notice_id=notice_id))


@router.post(
    "/rectification-notices/{notice_id}/answer", response_model=NoticeOut, responses=ERRORS
)
def answer(
    request: Request, db: Db, notice_id: int, body: AnswerIn, actor: Actor = allow(*DEPARTMENT)
) -> NoticeOut:
    """The notified department says what it did."""
    notice = rectification.answer(
        db, actor=actor, notice_id=notice_id, response=body.response, today=today_of(request)
    )
    return _out(request, db, notice)


@router.post(
    "/rectification-notices/{notice_id}/review", response_model=NoticeOut, responses=ERRORS
)
def review(
    request: Request, db: Db, notice_id: int, body: ReviewIn, actor: Actor = allow(*AUTHORITY)
) -> NoticeOut:
    """The authority accepts the answer, rejects it (same or new deadline) or escalates."""
    today = today_of(request)
    if body.decision == "accept":
        notice = rectification.accept(
            db, actor=actor, notice_id=notice_id, note=body.note, today=today
        )
    elif body.decision == "reject":
        notice = rectification.reject(
            db, actor=actor, notice_id=notice_id, note=body.note, due_on=body.due_on, today=today
        )
    else:
        notice = rectification.escalate(
            db, actor=actor, notice_id=notice_id, reason=body.note, today=today
        )
    return _out(request, db, notice)


@router.post(
    "/rectification-notices/{notice_id}/escalate", response_model=NoticeOut, responses=ERRORS
)
def escalate(
    request: Request, db: Db, notice_id: int, body: EscalateIn, actor: Actor = allow(*AUTHORITY)
) -> NoticeOut:
    """Reports a notice past its deadline to the people's government at the same level."""
    notice = rectification.escalate(
        db, actor=actor, notice_id=notice_id, reason=body.reason, today=today_of(request)
    )
    return _out(request, db, notice)


@router.get(
    "/rectification-notices/{notice_id}/report.pdf",
    responses={200: {"content": {"application/pdf": {}}}, **ERRORS},
    response_class=Response,
)
def report_pdf(db: Db, notice_id: int, actor: Actor = allow(*OVERSIGHT)) -> Response:
    """The escalation report to the people's government, as a PDF."""
    report = rectification_report.build(db, actor=actor, notice_id=notice_id)
    return Response(
        rectification_report.pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="rectification-{notice_id}.pdf"'},
    )


@router.get("/rectification-proposals", response_model=list[ProposalOut])
def list_proposals(
    request: Request,
    db: Db,
    kind: str | None = None,
    department_id: int | None = None,
    actor: Actor = allow(*OVERSIGHT),
) -> list[ProposalOut]:
    """Notices the platform proposes from its records, each with its ground and records."""
    found = proposals.list_proposals(
        db, actor=actor, today=today_of(request), kind=kind, department_id=department_id
    )
    return [ProposalOut.of(p) for p in found]


@router.post(
    "/rectification-proposals/{kind}/{source_id}/notice",
    response_model=NoticeOut,
    status_code=201,
    responses=ERRORS,
)
def notice_from_proposal(
    request: Request,
    db: Db,
    kind: str,
    source_id: int,
    body: FromProposalIn,
    actor: Actor = allow(*AUTHORITY),
) -> NoticeOut:
    """Turns a proposal into a notice in one step."""
    today = today_of(request)
    p = proposals.get_proposal(db, actor=actor, kind=kind, source_id=source_id, today=today)
    notice = rectification.issue(
        db,
        actor=actor,
        department_id=p.department_id,
        ground=p.ground,
        facts=body.facts or p.facts,
        requirement=body.requirement or p.requirement,
        due_on=body.due_on,
        today=today,
        source_kind=p.kind,
        source_id=p.source_id,
    )
    return _out(request, db, notice)


@router.post(
    "/rectification-proposals/{kind}/{source_id}/dismiss", status_code=204, responses=ERRORS
)
def dismiss(
    request: Request,
    db: Db,
    kind: str,
    source_id: int,
    body: DismissIn,
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Dismisses a proposal with a reason; it is not proposed again."""
    proposals.dismiss(
        db, actor=actor, kind=kind, source_id=source_id, reason=body.reason, today=today_of(request)
    )
    return Response(status_code=204)
