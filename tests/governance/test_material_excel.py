"""Service guides from Excel: the template and its all-or-nothing import (GZ 32; ZS 15)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.governance import material_excel, materials
from govshare.governance.material_models import ServiceGuide
from govshare.kit.errors import Forbidden, Invalid
from govshare.orgs.models import Role
from tests.catalogue import builders as cat
from tests.orgs import builders

HEADER = ["事项编码", "事项名称", "事项说明", "材料名称", "材料说明"]


def _book(*rows: list[Any], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = material_excel.GUIDES
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_has_the_columns_and_notes() -> None:
    book = load_workbook(io.BytesIO(material_excel.template()))
    assert book.sheetnames == [material_excel.GUIDES, material_excel.NOTES]
    first = [c.value for c in book[material_excel.GUIDES][1]]
    assert first == HEADER


def test_a_valid_workbook_registers_guides_and_marks_supplied_materials(session: Session) -> None:
    # GZ 32: the imported materials are checked against the sharing directory
    police, civil = builders.department(session), builders.department(session)
    cat.published(session, police, name="户籍登记信息")
    content = _book(
        ["MZ-001", "最低生活保障申请", "城乡低保", "户口簿", "全家"],
        ["MZ-001", "最低生活保障申请", "", "收入证明", ""],
        ["MZ-002", "临时救助申请", "", "申请书", ""],
    )
    result = material_excel.import_workbook(
        session, actor=cat.OPERATOR, department_id=civil.id, content=content
    )
    assert (result.created, result.updated, result.materials) == (2, 0, 3)
    assert materials.still_required_count(session, department_id=civil.id) == 1
    # the same file again updates the guides instead of duplicating them
    again = material_excel.import_workbook(
        session, actor=cat.OPERATOR, department_id=civil.id, content=content
    )
    assert (again.created, again.updated) == (0, 2)
    count = session.scalar(
        select(func.count(ServiceGuide.id)).where(ServiceGuide.department_id == civil.id)
    )
    assert count == 2


def test_every_bad_row_is_reported_and_nothing_is_written(session: Session) -> None:
    civil = builders.department(session)
    content = _book(
        ["MZ-001", "最低生活保障申请", "", "户口簿", ""],
        ["MZ-001", "另一个名称", "", "户口簿", ""],  # name differs, material repeated
        ["", "无编码事项", "", "申请书", ""],  # code missing
        ["MZ-003", "某事项", "", "", ""],  # material missing
    )
    with pytest.raises(Invalid) as refused:
        material_excel.import_workbook(
            session, actor=cat.OPERATOR, department_id=civil.id, content=content
        )
    problems = refused.value.details["problems"]
    where = {(p["row"], p["column"]) for p in problems}
    assert {(3, "B"), (3, "D"), (4, "A"), (5, "D")} <= where
    assert all(p["message"] for p in problems)
    assert session.scalar(select(func.count(ServiceGuide.id))) == 0


def test_not_a_workbook_and_missing_columns_are_refused(session: Session) -> None:
    civil = builders.department(session)
    with pytest.raises(Invalid) as unreadable:
        material_excel.import_workbook(
            session, actor=cat.OPERATOR, department_id=civil.id, content=b"%PDF-1.4 not excel"
        )
    assert unreadable.value.code == "excel_unreadable"
    with pytest.raises(Invalid) as malformed:
        material_excel.import_workbook(
            session,
            actor=cat.OPERATOR,
            department_id=civil.id,
            content=_book(["MZ-1", "x"], header=["事项编码", "事项名称"]),
        )
    assert malformed.value.code == "excel_malformed"


def test_another_department_may_not_import(session: Session) -> None:
    civil, police = builders.department(session), builders.department(session)
    stranger = builders.actor_of(builders.user(session, role=Role.DATA_OFFICER, dept=police))
    with pytest.raises(Forbidden):
        material_excel.import_workbook(
            session, actor=stranger, department_id=civil.id, content=_book()
        )
