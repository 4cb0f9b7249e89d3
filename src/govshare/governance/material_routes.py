"""JSON API of service guides and their materials (/api/v1/service-guides; GZ 32; ZS 15)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.governance import material_excel, materials
from govshare.governance.material_models import MaterialState, ServiceGuide
from govshare.governance.material_schemas import (
    CheckOut,
    CountsOut,
    GuideIn,
    GuideOut,
    GuidePage,
    ImportOut,
    LinkIn,
    MaterialOut,
    ReasonIn,
    guide_out,
)
from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role

router = APIRouter(route_class=TransactionalRoute, tags=["service guides"])

EDITORS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.STAFF)
DEPARTMENT = (Role.DATA_OFFICER, Role.STAFF)
READERS = (*EDITORS, Role.AUDITOR, Role.SERVICE)
SCOPE = "directory:read"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not_your_guide, department_only, authority_only"},
    404: {"description": "guide_not_found, material_not_found"},
    409: {"description": "guide_code_taken, not_supplied, material_state_unchanged"},
    422: {"description": "invalid input; profile_silent: the profile does not provide for marking"},
}


def _out(db: Session, guide: ServiceGuide) -> GuideOut:
    found = materials.materials_of(db, guide_ids=[guide.id])[guide.id]
    return guide_out(guide, found, materials.resource_codes(db, [m.resource_id for m in found]))


@router.get("/service-guides", response_model=GuidePage)
def list_guides(
    db: Db,
    department_id: int | None = None,
    q: str = "",
    attention: bool = False,
    page: int = 1,
    per_page: int = 50,
    actor: Actor = allow(*READERS, scope=SCOPE),
) -> GuidePage:
    """Service guides: all for the authority and auditors, a department's own for the others;
    `attention=true`: only those still asking for a material shared data supplies (GZ 32)."""
    found = materials.list_guides(
        db,
        actor=actor,
        department_id=department_id,
        q=q,
        attention=attention,
        page=page,
        per_page=per_page,
    )
    by_guide = materials.materials_of(db, guide_ids=[g.id for g in found.items])
    codes = materials.resource_codes(db, [m.resource_id for ms in by_guide.values() for m in ms])
    return GuidePage(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        items=[guide_out(g, by_guide[g.id], codes) for g in found.items],
    )


@router.post("/service-guides", response_model=GuideOut, status_code=201, responses=ERRORS)
def create_guide(db: Db, body: GuideIn, actor: Actor = allow(*EDITORS)) -> GuideOut:
    """Registers a service guide; its materials are checked against the sharing directory."""
    return _out(db, materials.create_guide(db, actor=actor, data=body))


@router.get("/service-guides/template.xlsx", response_class=Response)
def template(actor: Actor = allow(*EDITORS)) -> Response:
    """The Excel template: one row per service × material."""
    return Response(
        material_excel.template(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="service-guides.xlsx"'},
    )


@router.post("/service-guides/import", response_model=ImportOut, responses=ERRORS)
def import_guides(
    db: Db,
    department_id: int,
    file: Annotated[UploadFile, File()],
    actor: Actor = allow(*EDITORS),
) -> ImportOut:
    """Imports a filled template: all or nothing; `excel_invalid` lists every row, column and reason."""
    result = material_excel.import_workbook(
        db, actor=actor, department_id=department_id, content=file.file.read()
    )
    return ImportOut(
        guides=result.created + result.updated, materials=result.materials, codes=result.codes
    )


@router.post("/service-guides/check", response_model=CheckOut, responses=ERRORS)
def check(db: Db, department_id: int | None = None, actor: Actor = allow(*EDITORS)) -> CheckOut:
    """Re-checks guides against the published sharing directory (a department's, or all)."""
    r = materials.recheck(db, actor=actor, department_id=department_id)
    return CheckOut(
        checked=r.checked,
        supplied=r.supplied,
        newly_supplied=r.newly_supplied,
        no_longer_supplied=r.no_longer_supplied,
    )


@router.get("/service-guides/counts", response_model=list[CountsOut])
def counts(db: Db, actor: Actor = allow(Role.AUTHORITY_ADMIN, Role.AUDITOR)) -> list[CountsOut]:
    """Per department: services, materials, supplied, still required, removed, marked."""
    found = materials.counts_by_department(db)
    names = {i: n for i, n in db.execute(select(Department.id, Department.name))}
    return [
        CountsOut(department_id=d, department_name=names.get(d, ""), **vars(c))
        for d, c in sorted(found.items())
    ]


@router.get("/service-guides/{guide_id}", response_model=GuideOut, responses=ERRORS)
def get_guide(db: Db, guide_id: int, actor: Actor = allow(*READERS, scope=SCOPE)) -> GuideOut:
    """One guide and its materials, each with the resource that supplies it and why."""
    return _out(db, materials.get_guide(db, actor=actor, guide_id=guide_id))


@router.put("/service-guides/{guide_id}", response_model=GuideOut, responses=ERRORS)
def update_guide(db: Db, guide_id: int, body: GuideIn, actor: Actor = allow(*EDITORS)) -> GuideOut:
    """Replaces the guide's details and materials (kept names keep their state) and re-marks."""
    return _out(db, materials.update_guide(db, actor=actor, guide_id=guide_id, data=body))


@router.post("/service-guides/{guide_id}/withdraw", response_model=GuideOut, responses=ERRORS)
def withdraw(db: Db, guide_id: int, actor: Actor = allow(*EDITORS)) -> GuideOut:
    """Withdraws a service that is no longer offered."""
    return _out(db, materials.set_active(db, actor=actor, guide_id=guide_id, active=False))


def _material_out(db: Session, material: materials.Material) -> MaterialOut:
    return MaterialOut.of(material, codes=materials.resource_codes(db, [material.resource_id]))


@router.post(
    "/service-guides/materials/{material_id}/link", response_model=MaterialOut, responses=ERRORS
)
def link(db: Db, material_id: int, body: LinkIn, actor: Actor = allow(*EDITORS)) -> MaterialOut:
    """Links a material by hand to a published shared resource (kept by re-checks)."""
    m = materials.link(
        db, actor=actor, material_id=material_id, resource_code=body.resource_code, note=body.note
    )
    return _material_out(db, m)


@router.post(
    "/service-guides/materials/{material_id}/clear", response_model=MaterialOut, responses=ERRORS
)
def clear(
    db: Db, material_id: int, body: ReasonIn | None = None, actor: Actor = allow(*EDITORS)
) -> MaterialOut:
    """Clears a wrong match; re-checks leave the material unmatched."""
    m = materials.clear(
        db, actor=actor, material_id=material_id, reason=body.reason if body else ""
    )
    return _material_out(db, m)


# after link and clear: the state names are the last path segment
@router.post(
    "/service-guides/materials/{material_id}/{action}",
    response_model=MaterialOut,
    responses=ERRORS,
)
def change_state(
    db: Db,
    material_id: int,
    action: MaterialState,
    body: ReasonIn | None = None,
    actor: Actor = allow(*DEPARTMENT),
) -> MaterialOut:
    """`removed` / `marked` / `required`: the department removes a supplied material, marks it
    "obtained through sharing; not required of the applicant", or asks for it again."""
    m = materials.change_state(
        db,
        actor=actor,
        material_id=material_id,
        state=action,
        reason=body.reason if body else "",
    )
    return _material_out(db, m)
