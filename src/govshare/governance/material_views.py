"""Console pages of service guides (GZ 32; ZS 15): list, register/edit, import, materials, report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.catalogue.models import DirectoryEntry
from govshare.governance import material_excel, material_matching, materials
from govshare.governance.material_models import MaterialState
from govshare.governance.material_schemas import GuideIn, MaterialIn
from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.i18n import translator
from govshare.http.rendering import flash, form_error, locale_of, redirect, render
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

EDITORS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.STAFF)
OVERSIGHT = (Role.AUTHORITY_ADMIN, Role.AUDITOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _names(db: Session) -> dict[int, str]:
    return {i: n for i, n in db.execute(select(Department.id, Department.name))}


def _departments(db: Session, actor: Actor) -> list[tuple[int, str]]:
    rows = [
        (i, n)
        for i, n in db.execute(select(Department.id, Department.name).order_by(Department.name))
    ]
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return list(rows)
    return [(i, n) for i, n in rows if i == actor.department_id]


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


@router.get("/service-guides", response_class=HTMLResponse)
def guide_list(
    request: Request,
    db: Db,
    q: str = "",
    department_id: str = "",
    attention: bool = False,
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """Service guides; `attention`: those still asking for materials shared data supplies."""
    found = materials.list_guides(
        db,
        actor=actor,
        department_id=_int(department_id),
        q=q,
        attention=attention,
        page=page,
        per_page=25,
    )
    by_guide = materials.materials_of(db, guide_ids=[g.id for g in found.items])
    dept = _int(department_id) if materials.sees_all(actor) else actor.department_id
    return render(
        request,
        "governance/guide_list.html",
        {
            "page": found,
            "by_guide": by_guide,
            "q": q,
            "department_id": department_id,
            "attention": attention,
            "names": _names(db),
            "departments": _departments(db, actor) if materials.sees_all(actor) else [],
            "sees_all": materials.sees_all(actor),
            "can_edit": dept is not None and materials.can_edit(actor, dept),
            "check_department": dept,
            "still": materials.still_required(db, actor=actor, department_id=dept) if dept else [],
            "codes": materials.resource_codes(
                db, [m.resource_id for ms in by_guide.values() for m in ms]
            ),
            "rule": get_active_profile().materials,
        },
    )


@dataclass
class _Form:
    """The guide form as typed: the service, and the materials as lists of names and descriptions."""

    department_id: str = ""
    code: str = ""
    name: str = ""
    description: str = ""
    material_name: list[str] | None = None
    material_description: list[str] | None = None

    def rows(self) -> list[tuple[str, str]]:
        names = self.material_name or []
        descriptions = self.material_description or []
        return [(n, descriptions[i] if i < len(descriptions) else "") for i, n in enumerate(names)]

    def data(self) -> GuideIn:
        department = _int(self.department_id)
        if department is None:
            raise Invalid("choose a department", code="department_required")
        return GuideIn(
            department_id=department,
            code=self.code,
            name=self.name,
            description=self.description,
            materials=[MaterialIn(name=n, description=d) for n, d in self.rows() if n.strip()],
        )


def _form_page(
    request: Request, db: Db, actor: Actor, form: _Form, guide_id: int | None
) -> Response:
    return render(
        request,
        "governance/guide_form.html",
        {
            "form": form,
            "rows": form.rows() or [("", "")],
            "guide_id": guide_id,
            "departments": _departments(db, actor),
        },
    )


def _save_refused(
    request: Request, db: Db, actor: Actor, form: _Form, exc: Exception, guide_id: int | None
) -> Response:
    if isinstance(exc, ValidationError):
        for err in exc.errors():
            flash(
                request,
                "Check the field “{field}”: {reason}",
                "error",
                field=".".join(str(p) for p in err["loc"]),
                reason=err["msg"],
            )
    elif isinstance(exc, DomainError):
        flash(request, exc.template, "error", **{k: str(v) for k, v in exc.details.items()})
    return _form_page(request, db, actor, form, guide_id)


FormField = Annotated[str, Form()]
Listed = Annotated[list[str] | None, Form()]


@router.get("/service-guides/new", response_class=HTMLResponse)
def new_guide(request: Request, db: Db, actor: Actor = allow(*EDITORS)) -> Response:
    """The form to register a service guide."""
    return _form_page(request, db, actor, _form_for(actor), None)


def _form_for(actor: Actor) -> _Form:
    return _Form(department_id=str(actor.department_id or ""))


@router.post("/service-guides/new", response_class=HTMLResponse)
def create_guide(
    request: Request,
    db: Db,
    department_id: FormField = "",
    code: FormField = "",
    name: FormField = "",
    description: FormField = "",
    material_name: Listed = None,
    material_description: Listed = None,
    actor: Actor = allow(*EDITORS),
) -> Response:
    """Registers the guide; a refused form comes back as typed."""
    form = _Form(department_id, code, name, description, material_name, material_description)
    try:
        guide = materials.create_guide(db, actor=actor, data=form.data())
    except (ValidationError, DomainError) as exc:
        return _save_refused(request, db, actor, form, exc, None)
    flash(request, "The service guide was registered and checked against the sharing directory.")
    return redirect(f"/service-guides/{guide.id}")


@router.get("/service-guides/template.xlsx")
def template(actor: Actor = allow(*EDITORS)) -> Response:
    """The Excel template of service guides."""
    return Response(
        material_excel.template(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="service-guides.xlsx"'},
    )


@router.get("/service-guides/import", response_class=HTMLResponse)
def import_page(request: Request, db: Db, actor: Actor = allow(*EDITORS)) -> Response:
    """The upload form of a filled template."""
    return render(
        request,
        "governance/guide_import.html",
        {"departments": _departments(db, actor), "problems": [], "chosen": actor.department_id},
    )


@router.post("/service-guides/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    db: Db,
    file: Annotated[UploadFile, File()],
    department_id: FormField = "",
    actor: Actor = allow(*EDITORS),
) -> Response:
    """Imports the workbook: all or nothing; every problem is listed with its row and column."""
    dept = _int(department_id) or 0
    try:
        result = material_excel.import_workbook(
            db, actor=actor, department_id=dept, content=file.file.read()
        )
    except DomainError as exc:
        flash(
            request,
            exc.template,
            "error",
            **{k: str(v) for k, v in exc.details.items() if k != "problems"},
        )
        return render(
            request,
            "governance/guide_import.html",
            {
                "departments": _departments(db, actor),
                "problems": exc.details.get("problems", []),
                "chosen": dept,
            },
            status_code=exc.status,
        )
    flash(
        request,
        "Imported {created} new and {updated} updated service guides with {count} materials.",
        created=str(result.created),
        updated=str(result.updated),
        count=str(result.materials),
    )
    return redirect(f"/service-guides?department_id={dept}")


@router.post("/service-guides/check")
def check(
    request: Request,
    db: Db,
    department_id: FormField = "",
    actor: Actor = allow(*EDITORS),
) -> Response:
    """Re-checks guides against the published sharing directory."""
    dept = _int(department_id)
    back = f"/service-guides?department_id={dept}" if dept else "/service-guides"
    try:
        r = materials.recheck(db, actor=actor, department_id=dept)
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(
        request,
        "Checked {checked} materials: {supplied} supplied by shared data ({new} newly found, {lost} no longer).",
        checked=str(r.checked),
        supplied=str(r.supplied),
        new=str(r.newly_supplied),
        lost=str(r.no_longer_supplied),
    )
    return redirect(back)


@router.get("/service-guides/report", response_class=HTMLResponse)
def report(request: Request, db: Db, actor: Actor = allow(*OVERSIGHT)) -> Response:
    """Counts per department with a bar chart; each row drills down to the department's items."""
    counts = materials.counts_by_department(db)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1].still_required, kv[0]))
    return render(
        request,
        "governance/material_report.html",
        {
            "rows": rows,
            "names": _names(db),
            "chart": _chart(rows),
            "rule": get_active_profile().materials,
        },
    )


@router.get("/service-guides/report.xlsx")
def report_xlsx(request: Request, db: Db, actor: Actor = allow(*OVERSIGHT)) -> Response:
    """The report as a workbook."""
    items = materials.still_required(db, actor=actor)
    content = material_excel.report_xlsx(
        materials.counts_by_department(db),
        names=_names(db),
        items=items,
        codes=materials.resource_codes(db, [m.resource_id for _, m in items]),
        gettext=translator(locale_of(request)),
    )
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="service-guide-materials.xlsx"'},
    )


@dataclass(frozen=True)
class _Bar:
    department_id: int
    y: int
    materials_width: float
    still_width: float
    materials: int
    still: int


def _chart(
    rows: list[tuple[int, materials.MaterialCounts]], width: int = 720, left: int = 200
) -> dict[str, object]:
    top = max([1, *(c.materials for _, c in rows)])
    span = width - left - 40
    bars = [
        _Bar(
            d,
            10 + i * 30,
            span * c.materials / top,
            span * c.still_required / top,
            c.materials,
            c.still_required,
        )
        for i, (d, c) in enumerate(rows)
    ]
    step = max(1, -(-top // 5))
    ticks = [(left + span * v / top, v) for v in range(0, top + 1, step)]
    return {
        "width": width,
        "height": 30 + 30 * len(rows),
        "left": left,
        "bars": bars,
        "ticks": ticks,
    }


@router.get("/service-guides/{guide_id}", response_class=HTMLResponse)
def guide_detail(
    request: Request, db: Db, guide_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """One guide and its materials: what shared data supplies, why, and what the department did."""
    guide = materials.get_guide(db, actor=actor, guide_id=guide_id)
    found = materials.materials_of(db, guide_ids=[guide.id])[guide.id]
    ids = {m.resource_id for m in found if m.resource_id}
    entries = (
        {
            e.resource_id: e
            for e in db.scalars(select(DirectoryEntry).where(DirectoryEntry.resource_id.in_(ids)))
        }
        if ids
        else {}
    )
    rule = get_active_profile().materials
    return render(
        request,
        "governance/guide_detail.html",
        {
            "guide": guide,
            "materials": found,
            "entries": entries,
            "department": _names(db).get(guide.department_id, ""),
            "can_edit": materials.can_edit(actor, guide.department_id),
            "is_department": actor.has_role(Role.DATA_OFFICER, Role.STAFF)
            and actor.department_id == guide.department_id,
            "rule": rule,
            "shared": [(c.code, c.name) for c in material_matching.candidates(db)],
        },
    )


@router.get("/service-guides/{guide_id}/edit", response_class=HTMLResponse)
def edit_guide(request: Request, db: Db, guide_id: int, actor: Actor = allow(*EDITORS)) -> Response:
    """The form to edit a guide and its materials."""
    guide = materials.get_guide(db, actor=actor, guide_id=guide_id)
    materials.check_editor(actor, guide.department_id)
    found = materials.materials_of(db, guide_ids=[guide.id])[guide.id]
    form = _Form(
        str(guide.department_id),
        guide.code,
        guide.name,
        guide.description,
        [m.name for m in found],
        [m.description for m in found],
    )
    return _form_page(request, db, actor, form, guide.id)


@router.post("/service-guides/{guide_id}/edit", response_class=HTMLResponse)
def update_guide(
    request: Request,
    db: Db,
    guide_id: int,
    department_id: FormField = "",
    code: FormField = "",
    name: FormField = "",
    description: FormField = "",
    material_name: Listed = None,
    material_description: Listed = None,
    actor: Actor = allow(*EDITORS),
) -> Response:
    """Saves the guide and re-marks its materials."""
    form = _Form(department_id, code, name, description, material_name, material_description)
    try:
        materials.update_guide(db, actor=actor, guide_id=guide_id, data=form.data())
    except (ValidationError, DomainError) as exc:
        return _save_refused(request, db, actor, form, exc, guide_id)
    flash(request, "The service guide was saved and checked against the sharing directory.")
    return redirect(f"/service-guides/{guide_id}")


@router.post("/service-guides/{guide_id}/withdraw")
def withdraw(request: Request, db: Db, guide_id: int, actor: Actor = allow(*EDITORS)) -> Response:
    """Withdraws a service that is no longer offered."""
    back = f"/service-guides/{guide_id}"
    try:
        materials.set_active(db, actor=actor, guide_id=guide_id, active=False)
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The service guide was withdrawn.")
    return redirect(back)


@router.post("/service-guides/materials/{material_id}")
def material_action(
    request: Request,
    db: Db,
    material_id: int,
    action: FormField = "",
    resource_code: FormField = "",
    reason: FormField = "",
    actor: Actor = allow(*EDITORS),
) -> Response:
    """A material's action: remove, mark, restore (the department); link, clear (department or authority)."""
    material = materials.get_material(db, actor=actor, material_id=material_id)
    back = f"/service-guides/{material.guide_id}#material-{material.id}"
    states = {
        "remove": MaterialState.REMOVED,
        "mark": MaterialState.MARKED,
        "restore": MaterialState.REQUIRED,
    }
    try:
        if action in states:
            materials.change_state(
                db, actor=actor, material_id=material_id, state=states[action], reason=reason
            )
        elif action == "link":
            materials.link(
                db,
                actor=actor,
                material_id=material_id,
                resource_code=resource_code.strip(),
                note=reason,
            )
        elif action == "clear":
            materials.clear(db, actor=actor, material_id=material_id, reason=reason)
        else:
            raise Invalid("unknown action", code="unknown_action")
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The material was updated.")
    return redirect(back)
