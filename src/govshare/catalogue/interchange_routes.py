"""JSON API of catalogue interchange: the Excel template, its import, directory exports (Excel, DCAT)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel

from govshare.catalogue import dcat, excel
from govshare.http.deps import EVERYONE, Db, TransactionalRoute, allow
from govshare.http.rendering import today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid
from govshare.orgs.models import Role

router = APIRouter(route_class=TransactionalRoute, tags=["catalogue"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSONLD = "application/ld+json"
PROVIDERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
READERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.AUDITOR)
WORKBOOK: dict[int | str, dict[str, object]] = {
    200: {"content": {XLSX: {}}, "description": "an .xlsx workbook"}
}


class ImportOut(BaseModel):
    """What an import created (every entry is a draft)."""

    resources: int
    items: int
    codes: list[str]


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/catalogue/template.xlsx", response_class=Response, responses=WORKBOOK)
def template(actor: Actor = allow(*EVERYONE)) -> Response:
    """The Excel template officials fill in (sheets 资源, 信息项, 说明)."""
    return _download(excel.template(), XLSX, "catalogue-template.xlsx")


@router.post(
    "/catalogue/import",
    response_model=ImportOut,
    status_code=201,
    responses={
        422: {
            "description": "`excel_invalid`: every problem with its sheet, row and column; nothing written"
        }
    },
)
def import_workbook(
    request: Request,
    db: Db,
    file: Annotated[UploadFile, File(description="the filled template (.xlsx)")],
    department_id: Annotated[int, Form()],
    actor: Actor = allow(*PROVIDERS),
) -> ImportOut:
    """Imports a filled template into a department's catalogue as drafts: all or nothing."""
    content = file.file.read(excel.MAX_BYTES + 1)
    result = excel.import_workbook(
        db, actor=actor, department_id=department_id, content=content, today=today_of(request)
    )
    return ImportOut(resources=result.resources, items=result.items, codes=result.codes)


@router.get("/catalogue/export.xlsx", response_class=Response, responses=WORKBOOK)
def export_catalogue(
    db: Db, department_id: int | None = None, actor: Actor = allow(*READERS)
) -> Response:
    """A department's own catalogue (working copies) in the template's layout, to edit and import again."""
    if not actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR):
        department_id = actor.department_id  # officers export their own department's working copies
    if department_id is None:
        raise Invalid("name the department_id to export", code="missing_department")
    return _download(
        excel.export_catalogue(db, department_id=department_id),
        XLSX,
        f"catalogue-{department_id}.xlsx",
    )


@router.get("/directory/export.xlsx", response_class=Response, responses=WORKBOOK)
def export_directory(
    db: Db,
    q: str = "",
    department_id: int | None = None,
    catalogue_kind: str = "",
    sharing_type: str = "",
    format: str = "",
    update_cycle: str = "",
    actor: Actor = allow(*EVERYONE),
) -> Response:
    """The published sharing directory (GZ 11) as a workbook, with the search's filters."""
    filters: dict[str, str | int | None] = {
        "department_id": department_id,
        "catalogue_kind": catalogue_kind,
        "sharing_type": sharing_type,
        "format": format,
        "update_cycle": update_cycle,
    }
    return _download(
        excel.export_directory(db, q=q, filters=filters), XLSX, "sharing-directory.xlsx"
    )


@router.get(
    "/directory/dcat.jsonld",
    response_class=Response,
    responses={200: {"content": {JSONLD: {}}, "description": "a dcat:Catalog in JSON-LD"}},
)
def directory_dcat(request: Request, db: Db, actor: Actor = allow(*EVERYONE)) -> Response:
    """The published sharing directory as DCAT-AP style JSON-LD."""
    document = dcat.directory_jsonld(db, base_url=str(request.base_url))
    return _download(
        json.dumps(document, ensure_ascii=False).encode(), JSONLD, "sharing-directory.jsonld"
    )
