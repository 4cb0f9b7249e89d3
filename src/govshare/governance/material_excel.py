"""Excel interchange of service guides: the template, its all-or-nothing import, the authority's report.

One row per service × material. The whole workbook is checked first and every problem is
reported with its row, column and reason; nothing is written unless every row is valid (the
catalogue import works the same way and lends its readers, ``catalogue.excel``). A service
code the department already has replaces that guide's details and materials (a kept material
keeps its state); a new code registers a new guide.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.excel import (
    FIRST_DATA_ROW,
    MAX_BYTES,
    Column,
    SheetProblems,
    read_sheet,
    row_values,
    save_book,
    write_header,
)
from govshare.governance import materials
from govshare.governance.material_models import ServiceGuide
from govshare.governance.material_schemas import GuideIn, MaterialIn
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid
from govshare.orgs import service as orgs

GUIDES, NOTES = "办事指南", "说明"
MAX_ROWS = 20_000
COLUMNS: tuple[Column, ...] = (
    Column(
        "事项编码", "code", required=True, width=16, note="本部门内唯一；已有的编码将更新该办事指南"
    ),
    Column("事项名称", "name", required=True, width=28, note="同一事项编码的各行须一致"),
    Column(
        "事项说明", "description", width=36, note="同一事项编码的各行须一致（可只在第一行填写）"
    ),
    Column("材料名称", "material", required=True, width=28, note="向申请人收取的材料，每行一项"),
    Column("材料说明", "material_description", width=36),
)
_LIMITS = {"code": 60, "name": 300, "material": 300}


@dataclass
class ImportResult:
    """What an import did: guides created and updated, materials, the service codes."""

    created: int
    updated: int
    materials: int
    codes: list[str]


@dataclass
class _Service:
    code: str
    row: int
    name: str
    description: str
    materials: list[MaterialIn] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def _open(content: bytes) -> tuple[Any, list[dict[str, Any]]]:
    if len(content) > MAX_BYTES:
        raise Invalid(
            "the file is larger than {limit} MB; split the workbook",
            code="excel_too_large",
            limit=MAX_BYTES // (1024 * 1024),
        )
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    # openpyxl raises zip, XML and key errors alike for a file that is not a workbook
    except Exception as exc:
        raise Invalid(
            "the file is not an Excel workbook (.xlsx); download the template and fill it in",
            code="excel_unreadable",
        ) from exc
    try:
        if GUIDES not in book.sheetnames:
            raise Invalid(
                "the workbook has no sheet named {sheets}; start from the template",
                code="excel_malformed",
                sheets=GUIDES,
                problems=[{"sheet": GUIDES, "row": 0, "column": "", "message": "sheet missing"}],
            )
        problems: list[dict[str, Any]] = []
        sheet = read_sheet(
            book[GUIDES].iter_rows(values_only=True), GUIDES, COLUMNS, MAX_ROWS, problems
        )
        return sheet, problems
    finally:
        book.close()


def _services(sheet: Any, problems: SheetProblems) -> list[_Service]:
    found: dict[str, _Service] = {}
    for number, row in sheet.rows:
        values: dict[str, Any] = row_values(sheet, number, row, {}, problems)
        if problems.row_unreadable(sheet, number):
            continue
        for name, limit in _LIMITS.items():
            if len(str(values.get(name, ""))) > limit:
                problems.add(sheet, number, name, f"longer than {limit} characters")
        code = str(values["code"])
        service = found.get(code)
        if service is None:
            service = found[code] = _Service(
                code, number, str(values["name"]), str(values.get("description", ""))
            )
        else:
            if values["name"] != service.name:
                problems.add(
                    sheet,
                    number,
                    "name",
                    f"differs from row {service.row} of the same 事项编码 ('{service.name}')",
                )
            description = values.get("description", "")
            if description and service.description and description != service.description:
                problems.add(
                    sheet,
                    number,
                    "description",
                    f"differs from row {service.row} of the same 事项编码",
                )
            service.description = service.description or str(description)
        material = str(values["material"])
        if material in service.rows:
            problems.add(
                sheet,
                number,
                "material",
                f"'{material}' is already listed for {code} on row {service.rows[material]}",
            )
            continue
        service.rows[material] = number
        service.materials.append(
            MaterialIn(name=material, description=str(values.get("material_description", "")))
        )
    return list(found.values())


def import_workbook(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    content: bytes,
    progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Imports a filled template into a department's service guides: all or nothing, every problem listed."""
    materials.check_editor(actor, department_id)  # before reading a possibly large file
    orgs.get_department(session, department_id=department_id)
    report = progress or (lambda stage, count: None)
    sheet, header_problems = _open(content)
    report("parsed", len(sheet.rows))
    problems = SheetProblems()
    problems.found.extend(header_problems)
    services = _services(sheet, problems)
    if not services and not problems.found:
        raise Invalid(
            "sheet {sheet} has no rows below its headers", code="excel_empty", sheet=GUIDES
        )
    if problems.found:
        found = problems.sorted()
        raise Invalid(
            "the workbook has {count} problem(s); nothing was imported",
            code="excel_invalid",
            count=len(found),
            problems=found,
        )
    existing = {
        g.code: g
        for g in session.scalars(
            select(ServiceGuide).where(ServiceGuide.department_id == department_id)
        )
    }
    created = updated = 0
    for service in services:
        data = GuideIn(
            department_id=department_id,
            code=service.code,
            name=service.name,
            description=service.description,
            materials=service.materials,
        )
        if service.code in existing:
            materials.update_guide(
                session, actor=actor, guide_id=existing[service.code].id, data=data
            )
            updated += 1
        else:
            materials.create_guide(session, actor=actor, data=data)
            created += 1
    count = sum(len(s.materials) for s in services)
    report("written", len(services))
    audit.record(
        session,
        actor=actor,
        action="guide.import",
        object_type="department",
        object_id=department_id,
        details={"created": created, "updated": updated, "materials": count},
    )
    return ImportResult(created, updated, count, [s.code for s in services])


def template() -> bytes:
    """The empty workbook officials fill in: sheet 办事指南 (one row per service × material) and 说明."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(GUIDES)
    write_header(ws, COLUMNS, names=True, comments=True)
    notes = book.create_sheet(NOTES)
    for line in (
        "办事指南导入模板 · 填写说明",
        f"1. 在“{GUIDES}”表每行填写一个事项的一项申请材料；同一事项的多项材料分多行填写，事项编码、事项名称相同。",
        f"2. 第 {FIRST_DATA_ROW - 1} 行为英文字段名，请勿删除表头；从第 {FIRST_DATA_ROW} 行起填写。",
        "3. 已有的事项编码将更新该办事指南：材料按名称保留原有状态，未列出的材料将删除。",
        "4. 导入时先检查整个工作簿，所有问题按“行:列 说明”一次列出；只要有一个问题，就不导入任何内容。",
        "   示例：MZ-001 | 最低生活保障申请 | 城乡居民申请最低生活保障 | 居民身份证复印件 |；下一行 MZ-001 | 最低生活保障申请 | | 户口簿 | 申请人及共同生活家庭成员",
        "5. 导入后，平台将每项材料与已发布的共享目录比对，标注可通过共享获取、无需申请人重复提供的材料 [GZ 32; ZS 15]。",
    ):
        notes.append([line])
    return save_book(book)


REPORT_COLUMNS = (
    "Department",
    "Services",
    "Materials",
    "Supplied by shared data",
    "Still required",
    "Removed",
    "Marked",
)


def report_xlsx(
    counts: Mapping[int, materials.MaterialCounts],
    *,
    names: Mapping[int, str],
    items: list[tuple[ServiceGuide, materials.Material]],
    codes: Mapping[int, str],
    gettext: Callable[..., str] = lambda m, **_: m,
) -> bytes:
    """The authority's report: counts per department, and the materials still required."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = gettext("Materials per department")
    sheet.append([gettext(c) for c in REPORT_COLUMNS])
    for dept, c in sorted(counts.items(), key=lambda kv: (-kv[1].still_required, kv[0])):
        sheet.append(
            [
                names.get(dept, str(dept)),
                c.services,
                c.materials,
                c.supplied,
                c.still_required,
                c.removed,
                c.marked,
            ]
        )
    detail = book.create_sheet(gettext("Still required"))
    detail.append(
        [
            gettext(h)
            for h in ("Department", "Service code", "Service", "Material", "Resource", "Match")
        ]
    )
    for guide, m in items:
        detail.append(
            [
                names.get(guide.department_id, ""),
                guide.code,
                guide.name,
                m.name,
                codes.get(m.resource_id or 0, ""),
                m.match_note,
            ]
        )
    for ws in (sheet, detail):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
