"""JSON API of one data, one source (/api/v1/quality/...): source links and divergence cases (ZS 17; JS 11).

The authority manages links and cases; providers (data officers, and business systems with the
`data:load` scope) read the cases of their own resources, and the verifying department resolves.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role
from govshare.quality import cases, divergence, links
from govshare.quality.schemas import (
    AssignIn,
    CaseOut,
    CasePage,
    CompareOut,
    DismissIn,
    LinkIn,
    LinkOut,
    LinkPage,
    RemoveLinkIn,
    ResolveIn,
)

router = APIRouter(route_class=TransactionalRoute, tags=["quality"])

AUTHORITY = (Role.AUTHORITY_ADMIN,)
READERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.SERVICE)
RESOLVERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
SCOPE = "data:load"


@router.get("/quality/source-links", response_model=LinkPage)
def list_links(
    db: Db,
    resource_id: int | None = None,
    include_removed: bool = False,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> LinkPage:
    """Source links: all for the authority, those touching its resources for a provider."""
    found = links.list_links(
        db,
        actor=actor,
        resource_id=resource_id,
        include_removed=include_removed,
        page=page,
        per_page=per_page,
    )
    return LinkPage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[LinkOut.model_validate(x) for x in found.items],
    )


@router.post("/quality/source-links", response_model=LinkOut, status_code=201)
def create_link(db: Db, body: LinkIn, actor: Actor = allow(*AUTHORITY)) -> LinkOut:
    """Declares that two published data items are the same data (the authority; ZS 17, JS 11)."""
    return LinkOut.model_validate(links.create_link(db, actor=actor, **body.model_dump()))


@router.post("/quality/source-links/{link_id}/remove", response_model=LinkOut)
def remove_link(
    request: Request, db: Db, link_id: int, body: RemoveLinkIn, actor: Actor = allow(*AUTHORITY)
) -> LinkOut:
    """Ends a link with a reason; its open cases are closed."""
    link = links.remove_link(
        db, actor=actor, link_id=link_id, reason=body.reason, today=today_of(request)
    )
    return LinkOut.model_validate(link)


@router.post("/quality/source-links/{link_id}/compare", response_model=CompareOut)
def compare_link(
    request: Request, db: Db, link_id: int, actor: Actor = allow(*AUTHORITY)
) -> CompareOut:
    """Compares every subject already loaded on both sides (loads are compared by themselves)."""
    result = divergence.compare_link(db, actor=actor, link_id=link_id, today=today_of(request))
    return CompareOut(opened=result.opened, updated=result.updated, closed=result.closed)


@router.get("/quality/divergences", response_model=CasePage)
def list_divergences(
    db: Db,
    state: str | None = None,
    department_id: int | None = None,
    resource_id: int | None = None,
    link_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> CasePage:
    """Divergence cases, newest first; `state` may also be `active` (open or assigned)."""
    found = cases.list_cases(
        db,
        actor=actor,
        state=state,
        department_id=department_id,
        resource_id=resource_id,
        link_id=link_id,
        page=page,
        per_page=per_page,
    )
    return CasePage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[CaseOut.of(v) for v in found.items],
    )


@router.get("/quality/divergences/{divergence_id}", response_model=CaseOut)
def get_divergence(
    db: Db, divergence_id: int, actor: Actor = allow(*READERS, scope=SCOPE)
) -> CaseOut:
    """One case, with the values the caller may see."""
    return CaseOut.of(cases.get_case(db, actor=actor, divergence_id=divergence_id))


@router.post("/quality/divergences/{divergence_id}/assign", response_model=CaseOut)
def assign(
    request: Request, db: Db, divergence_id: int, body: AssignIn, actor: Actor = allow(*AUTHORITY)
) -> CaseOut:
    """The authority assigns the verifying department, as the profile decides."""
    view = cases.assign(
        db,
        actor=actor,
        divergence_id=divergence_id,
        department_id=body.department_id,
        note=body.note,
        today=today_of(request),
    )
    return CaseOut.of(view)


@router.post("/quality/divergences/{divergence_id}/resolve", response_model=CaseOut)
def resolve(
    request: Request, db: Db, divergence_id: int, body: ResolveIn, actor: Actor = allow(*RESOLVERS)
) -> CaseOut:
    """The verifying department (or the authority) states which value is right."""
    view = cases.resolve(
        db,
        actor=actor,
        divergence_id=divergence_id,
        correct=body.correct,
        note=body.note,
        today=today_of(request),
    )
    return CaseOut.of(view)


@router.post("/quality/divergences/{divergence_id}/dismiss", response_model=CaseOut)
def dismiss(
    request: Request, db: Db, divergence_id: int, body: DismissIn, actor: Actor = allow(*AUTHORITY)
) -> CaseOut:
    """The authority dismisses a case with a reason."""
    view = cases.dismiss(
        db, actor=actor, divergence_id=divergence_id, reason=body.reason, today=today_of(request)
    )
    return CaseOut.of(view)
