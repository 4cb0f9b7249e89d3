"""JSON API of the catalogue (/api/v1/catalogue/...) and the published sharing directory (/api/v1/directory)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from govshare.catalogue import directory, projects
from govshare.catalogue import service as catalogue
from govshare.catalogue.schemas import (
    ChangeEventIn,
    ChangeEventOut,
    CommentIn,
    DecisionIn,
    DisputeIn,
    DisputeOut,
    FieldChange,
    PublishIn,
    ResourceIn,
    ResourceOut,
    ResourcePage,
    VersionOut,
)
from govshare.http.deps import EVERYONE, USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["catalogue"])

ADMIN = (Role.AUTHORITY_ADMIN,)
PROVIDERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
READERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.AUDITOR)


def _scope(actor: Actor, department_id: int | None) -> int | None:
    """Officers see their own department's working copies; the authority and auditors see all."""
    if actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR):
        return department_id
    return actor.department_id


@router.get("/catalogue/resources", response_model=ResourcePage)
def list_resources(
    db: Db,
    department_id: int | None = None,
    status: str = "",
    q: str = "",
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS),
) -> ResourcePage:
    """Catalogue entries (working copies), by department, status and text."""
    p = catalogue.list_resources(
        db,
        department_id=_scope(actor, department_id),
        status=status,
        q=q,
        page=page,
        per_page=per_page,
    )
    return ResourcePage(
        total=p.total,
        page=p.page,
        per_page=p.per_page,
        items=[ResourceOut.model_validate(r) for r in p.items],
    )


@router.post("/catalogue/resources", response_model=ResourceOut, status_code=201)
def create_resource(db: Db, body: ResourceIn, actor: Actor = allow(*PROVIDERS)) -> ResourceOut:
    """Adds a draft entry to a department's catalogue (every legal rule checked first)."""
    return ResourceOut.model_validate(catalogue.create_resource(db, actor=actor, data=body))


@router.get("/catalogue/resources/{resource_id}", response_model=ResourceOut)
def get_resource(db: Db, resource_id: int, actor: Actor = allow(*READERS)) -> ResourceOut:
    """One entry's working copy."""
    resource = catalogue.get_resource(db, resource_id=resource_id)
    if _scope(actor, resource.department_id) != resource.department_id:
        from govshare.kit.errors import Forbidden

        raise Forbidden(
            "another department's working copy is not yours to read; see the directory",
            code="not_your_catalogue",
        )
    return ResourceOut.model_validate(resource)


@router.put("/catalogue/resources/{resource_id}", response_model=ResourceOut)
def update_resource(
    db: Db, resource_id: int, body: ResourceIn, actor: Actor = allow(*PROVIDERS)
) -> ResourceOut:
    """Replaces a draft, returned or published entry's working copy."""
    return ResourceOut.model_validate(
        catalogue.update_resource(db, actor=actor, resource_id=resource_id, data=body)
    )


@router.post("/catalogue/resources/{resource_id}/submit", response_model=ResourceOut)
def submit(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*PROVIDERS)
) -> ResourceOut:
    """Submits the entry for the authority's review (GZ 8: answered within the profile's deadline)."""
    return ResourceOut.model_validate(
        catalogue.submit(db, actor=actor, resource_id=resource_id, today=today_of(request))
    )


@router.post("/catalogue/resources/{resource_id}/return", response_model=ResourceOut)
def return_entry(
    request: Request, db: Db, resource_id: int, body: CommentIn, actor: Actor = allow(*ADMIN)
) -> ResourceOut:
    """Returns a submitted entry with comments."""
    return ResourceOut.model_validate(
        catalogue.return_entry(
            db, actor=actor, resource_id=resource_id, comment=body.comment, today=today_of(request)
        )
    )


@router.post("/catalogue/resources/{resource_id}/approve", response_model=ResourceOut)
def approve(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*ADMIN)
) -> ResourceOut:
    """Approves a submitted entry."""
    return ResourceOut.model_validate(
        catalogue.approve(db, actor=actor, resource_id=resource_id, today=today_of(request))
    )


@router.post("/catalogue/publish", response_model=list[ResourceOut])
def publish(
    request: Request, db: Db, body: PublishIn, actor: Actor = allow(*ADMIN)
) -> list[ResourceOut]:
    """Publishes approved entries to the sharing directory (GZ 11)."""
    done = catalogue.publish(
        db, actor=actor, today=today_of(request), resource_ids=body.resource_ids
    )
    return [ResourceOut.model_validate(r) for r in done]


@router.get("/catalogue/resources/{resource_id}/versions", response_model=list[VersionOut])
def versions(db: Db, resource_id: int, actor: Actor = allow(*READERS)) -> list[VersionOut]:
    """Every submitted version of an entry."""
    return [VersionOut.model_validate(v) for v in catalogue.versions(db, resource_id=resource_id)]


@router.get("/catalogue/resources/{resource_id}/diff", response_model=list[FieldChange])
def diff(
    db: Db, resource_id: int, old: int, new: int = 0, actor: Actor = allow(*READERS)
) -> list[FieldChange]:
    """Changes from version OLD to version NEW (0: the working copy)."""
    return [
        FieldChange(**c)
        for c in catalogue.diff_versions(db, resource_id=resource_id, old=old, new=new)
    ]


@router.get("/catalogue/change-events", response_model=list[ChangeEventOut])
def change_events(
    db: Db,
    department_id: int | None = None,
    open_only: bool = False,
    actor: Actor = allow(*READERS),
) -> list[ChangeEventOut]:
    """Registered change events and whether the catalogue followed in time."""
    events = catalogue.change_events(
        db, department_id=_scope(actor, department_id), open_only=open_only
    )
    return [ChangeEventOut.model_validate(e) for e in events]


@router.post("/catalogue/change-events", response_model=ChangeEventOut, status_code=201)
def register_change_event(
    request: Request, db: Db, body: ChangeEventIn, actor: Actor = allow(*PROVIDERS)
) -> ChangeEventOut:
    """Registers a change (law amended, function changed) that obliges a catalogue update (GZ 8)."""
    event = catalogue.register_change_event(
        db, actor=actor, today=today_of(request), **body.model_dump()
    )
    return ChangeEventOut.model_validate(event)


@router.post("/catalogue/change-events/{event_id}/resolve", response_model=ChangeEventOut)
def resolve_change_event(
    request: Request, db: Db, event_id: int, body: CommentIn, actor: Actor = allow(*PROVIDERS)
) -> ChangeEventOut:
    """Closes a change event that needed no new submission, saying why."""
    event = catalogue.resolve_change_event(
        db, actor=actor, event_id=event_id, resolution=body.comment, today=today_of(request)
    )
    return ChangeEventOut.model_validate(event)


class FullReviewIn(BaseModel):
    department_id: int
    note: str = ""


@router.post("/catalogue/full-reviews", status_code=201)
def record_full_review(
    request: Request, db: Db, body: FullReviewIn, actor: Actor = allow(*PROVIDERS)
) -> dict[str, Any]:
    """Records a full review of a department's catalogue (ZS 11)."""
    review = catalogue.record_full_review(
        db, actor=actor, department_id=body.department_id, today=today_of(request), note=body.note
    )
    return {
        "id": review.id,
        "department_id": review.department_id,
        "reviewed_on": review.reviewed_on.isoformat(),
    }


@router.post(
    "/catalogue/resources/{resource_id}/disputes", response_model=DisputeOut, status_code=201
)
def raise_dispute(
    request: Request,
    db: Db,
    resource_id: int,
    body: DisputeIn,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> DisputeOut:
    """Another department disputes the sharing type of a published entry (ZS 10; ZZ 18)."""
    dispute = catalogue.raise_dispute(
        db,
        actor=actor,
        resource_id=resource_id,
        requested_type=body.requested_type,
        reason=body.reason,
        today=today_of(request),
    )
    return DisputeOut.model_validate(dispute)


@router.get("/catalogue/disputes", response_model=list[DisputeOut])
def list_disputes(
    db: Db,
    resource_id: int | None = None,
    open_only: bool = False,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> list[DisputeOut]:
    """Sharing-type disputes and their decisions."""
    return [
        DisputeOut.model_validate(d)
        for d in catalogue.disputes(db, resource_id=resource_id, open_only=open_only)
    ]


@router.post("/catalogue/disputes/{dispute_id}/decide", response_model=DisputeOut)
def decide_dispute(
    request: Request, db: Db, dispute_id: int, body: DecisionIn, actor: Actor = allow(*ADMIN)
) -> DisputeOut:
    """The authority decides a sharing-type dispute, with its reason."""
    dispute = catalogue.decide_dispute(
        db,
        actor=actor,
        dispute_id=dispute_id,
        decided_type=body.decided_type,
        reason=body.reason,
        today=today_of(request),
    )
    return DisputeOut.model_validate(dispute)


class DirectoryItem(BaseModel):
    resource_id: int
    code: str
    name: str
    name_en: str
    department_id: int
    catalogue_kind: str
    sharing_type: str
    format: str
    update_cycle: str
    access: dict[str, Any]
    entry: dict[str, Any]


class DirectoryPage(BaseModel):
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    items: list[DirectoryItem]


def _item(entry: Any) -> DirectoryItem:
    return DirectoryItem(
        resource_id=entry.resource_id,
        code=entry.code,
        name=entry.name,
        name_en=entry.name_en,
        department_id=entry.department_id,
        catalogue_kind=entry.catalogue_kind,
        sharing_type=entry.sharing_type,
        format=entry.format,
        update_cycle=entry.update_cycle,
        access=directory.access_mode(entry),
        entry=entry.snapshot,
    )


@router.get("/directory", response_model=DirectoryPage)
def search_directory(
    db: Db,
    q: str = "",
    department_id: int | None = None,
    catalogue_kind: str = "",
    sharing_type: str = "",
    format: str = "",
    update_cycle: str = "",
    page: int = 1,
    per_page: int = 20,
    actor: Actor = allow(*EVERYONE),
) -> DirectoryPage:
    """Searches the published sharing directory (Chinese or English), with filters and facet counts."""
    filters: dict[str, str | int | None] = {
        "department_id": department_id,
        "catalogue_kind": catalogue_kind,
        "sharing_type": sharing_type,
        "format": format,
        "update_cycle": update_cycle,
    }
    result = directory.search(db, q=q, filters=filters, page=page, per_page=per_page)
    return DirectoryPage(
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        facets=result.facets,
        items=[_item(e) for e in result.items],
    )


@router.get("/directory/{resource_id:int}", response_model=DirectoryItem)
def directory_entry(db: Db, resource_id: int, actor: Actor = allow(*EVERYONE)) -> DirectoryItem:
    """One published entry and what a consumer must do to use it."""
    return _item(directory.get_entry(db, resource_id=resource_id))


class ProjectIn(BaseModel):
    department_id: int
    name: str


class CheckOut(BaseModel):
    name: str
    passed: bool
    detail: str
    article: str


class ProjectOut(BaseModel):
    id: int
    department_id: int
    name: str
    stage: str
    registered_on: Any
    approved_on: Any
    accepted_on: Any


def _project(p: Any) -> ProjectOut:
    return ProjectOut(
        id=p.id,
        department_id=p.department_id,
        name=p.name,
        stage=p.stage,
        registered_on=p.registered_on,
        approved_on=p.approved_on,
        accepted_on=p.accepted_on,
    )


@router.post("/catalogue/projects", response_model=ProjectOut, status_code=201)
def register_project(
    request: Request, db: Db, body: ProjectIn, actor: Actor = allow(*PROVIDERS)
) -> ProjectOut:
    """Registers an informatization project; its catalogue entries name it (GZ 38)."""
    return _project(
        projects.register_project(
            db,
            actor=actor,
            department_id=body.department_id,
            name=body.name,
            today=today_of(request),
        )
    )


@router.get("/catalogue/projects/{project_id}/check", response_model=list[CheckOut])
def check_project(
    db: Db, project_id: int, stage: str = "approval", actor: Actor = allow(*READERS)
) -> list[CheckOut]:
    """Whether the project's catalogue is filed (approval) or in the directory (acceptance)."""
    report = projects.check(db, project_id=project_id, stage=stage)
    return [CheckOut(**c.__dict__) for c in report.checks]


@router.post("/catalogue/projects/{project_id}/{stage}", response_model=ProjectOut)
def advance_project(
    request: Request, db: Db, project_id: int, stage: str, actor: Actor = allow(*ADMIN)
) -> ProjectOut:
    """Records approval or acceptance; refused (409) while a check fails."""
    return _project(
        projects.advance(
            db, actor=actor, project_id=project_id, stage=stage, today=today_of(request)
        )
    )
