"""The Excel template, its all-or-nothing import (GZ 9, 10, 20; ZS 17, 20) and the Excel exports (GZ 11)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from govshare import runtime
from govshare.audit.models import AuditEntry
from govshare.catalogue import excel
from govshare.catalogue import service as catalogue
from govshare.catalogue.interchange_cli import app as cli_app
from govshare.catalogue.models import DataItem, Resource
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, Invalid
from govshare.orgs.models import Department, Role
from tests.catalogue import builders
from tests.catalogue.builders import OPERATOR
from tests.orgs import builders as org_builders

TODAY = date(2026, 11, 20)


# --- filling the template as an official would --------------------------------------------------------


def col(header: str, sheet: str = excel.RESOURCES) -> str:
    """The column letter of a header in the template."""
    columns = excel.RESOURCE_COLUMNS if sheet == excel.RESOURCES else excel.ITEM_COLUMNS
    return get_column_letter([c.header for c in columns].index(header) + 1)


def resource_row(key: int, **values: Any) -> dict[str, Any]:
    """A valid resource row (Chinese labels), keyed by Chinese headers."""
    row: dict[str, Any] = {
        "序号": key,
        "资源名称": f"导入资源{key}",
        "英文名称": f"Imported resource {key}",
        "摘要": "从模板导入的资源",
        "目录类别": "部门",
        "格式": "数据库",
        "主体标识类型": "公民身份号码",
        "共享类型": "无条件共享",
        "共享方式": "平台接口",
        "更新周期": "每日",
    }
    row.update(values)
    return row


def item_rows(key: int) -> list[dict[str, Any]]:
    """Two valid item rows of a resource: the subject key and a name."""
    return [
        {
            "资源序号": key,
            "信息项名称": "公民身份号码",
            "数据类型": "字符型",
            "长度": 18,
            "是否主体标识": "是",
        },
        {"资源序号": key, "信息项名称": "姓名", "数据类型": "字符型", "长度": 50},
    ]


def fill(resources: list[dict[str, Any]], items: list[dict[str, Any]]) -> bytes:
    """The template with the rows written below its two header rows."""
    book = load_workbook(io.BytesIO(excel.template()))
    for title, rows in ((excel.RESOURCES, resources), (excel.ITEMS, items)):
        ws = book[title]
        headers = {cell.value: cell.column for cell in ws[1]}
        for n, row in enumerate(rows, start=excel.FIRST_DATA_ROW):
            for header, value in row.items():
                ws.cell(row=n, column=headers[header], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(
    session: Session, dept: Department, content: bytes, actor: Actor = OPERATOR
) -> excel.ImportResult:
    return excel.import_workbook(
        session, actor=actor, department_id=dept.id, content=content, today=TODAY
    )


def _problems(session: Session, dept: Department, content: bytes) -> list[dict[str, Any]]:
    with pytest.raises(Invalid) as err:
        _import(session, dept, content)
    assert err.value.code == "excel_invalid", err.value.message
    return list(err.value.details["problems"])


def _cells(problems: list[dict[str, Any]]) -> set[tuple[str, int, str]]:
    return {(p["sheet"], p["row"], p["column"]) for p in problems}


def _counts(session: Session) -> list[int]:
    return [
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Resource, DataItem, AuditEntry)
    ]


@pytest.fixture()
def dept(session: Session) -> Department:
    org_builders.department(session, authority=True)
    return org_builders.department(session, code="GA-01", name="市公安局")


# --- the template ------------------------------------------------------------------------------------


def test_template_has_headers_field_names_drop_downs_and_notes() -> None:
    book = load_workbook(io.BytesIO(excel.template()))
    assert book.sheetnames == ["资源", "信息项", "说明"]
    resources, items = book["资源"], book["信息项"]
    headers = [c.value for c in resources[1]]
    for header in (
        "序号",
        "资源名称",
        "目录类别",
        "基础信息类别",
        "格式",
        "主体标识类型",
        "共享类型",
        "共享条件",
        "共享依据",
        "依据类型",
        "共享方式",
        "共享范围",
        "用途",
        "开放类型",
        "更新周期",
        "相关资源代码",
        "样例数据",
        "使用要求",
        "责任人",
        "数据分级",
        "涉密",
    ):
        assert header in headers, header
    assert [c.value for c in resources[2]][:3] == ["key", "name", "name_en"]
    assert [c.value for c in items[1]] == [
        "资源序号",
        "信息项名称",
        "英文名",
        "数据类型",
        "长度",
        "说明",
        "是否主体标识",
        "信息项共享类型",
    ]
    assert resources.freeze_panes == "A3"
    assert resources["A1"].comment is not None
    lists = {
        str(v.sqref).split(":")[0]: v.formula1 for v in resources.data_validations.dataValidation
    }
    assert lists[f"{col('共享类型')}3"] == '"无条件共享,有条件共享,不予共享"'
    assert lists[f"{col('目录类别')}3"] == '"基础,主题,部门"'
    assert lists[f"{col('涉密')}3"] == '"是,否"'
    notes = "\n".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    # GZ Art. 10 (basic information unconditional; conditional basis and conditions; no sharing's basis), GZ Art. 20 (secrets)
    assert "GZ 10" in notes and "GZ 20" in notes and "无条件共享" in notes and "行政法规" in notes


def test_the_empty_template_imports_as_an_empty_workbook(
    session: Session, dept: Department
) -> None:
    with pytest.raises(Invalid) as err:
        _import(session, dept, excel.template())
    assert err.value.code == "excel_empty"


# --- a valid import ----------------------------------------------------------------------------------


def test_import_creates_drafts_from_chinese_labels(session: Session, dept: Department) -> None:
    other = org_builders.department(session, code="MZ-01", name="市民政局")
    content = fill(
        [
            resource_row(
                1,
                共享类型="有条件共享",
                共享依据="《社会保险法》",
                共享条件="办理社保业务",
                共享方式="库表",
                更新周期="每月",
                采集部门="MZ-01",
                核准部门="市民政局",
                相关资源代码="300/000001；300/000002",
                发布日期=date(2026, 11, 2),
                数据分级=2,
                涉密="否",
            ),
            resource_row(2, 目录类别="基础", 基础信息类别="自然人", 格式="服务接口"),
        ],
        [
            *item_rows(1),
            {"资源序号": 1, "信息项名称": "参保状态", "信息项共享类型": "无条件共享"},
            *item_rows(2),
        ],
    )
    before = _counts(session)
    result = _import(session, dept, content)
    assert (result.resources, result.items) == (2, 5)
    first, second = (catalogue.get_by_code(session, code=c) for c in result.codes)
    assert first.status == "draft" and first.department_id == dept.id
    assert (first.sharing_type, first.sharing_method, first.update_cycle) == (
        "conditional",
        "table",
        "monthly",
    )
    assert (first.collecting_department_id, first.approving_department_id) == (other.id, other.id)
    assert first.related_codes == ["300/000001", "300/000002"]
    assert (first.published_on, first.data_grade) == (date(2026, 11, 2), 2)
    assert [(i.name, i.is_subject_key, i.sharing_type, i.length) for i in first.items] == [
        ("公民身份号码", True, None, 18),
        ("姓名", False, None, 50),
        ("参保状态", False, "unconditional", None),
    ]
    assert (second.catalogue_kind, second.basic_category, second.format) == (
        "basic",
        "natural_person",
        "service_interface",
    )
    after = _counts(session)
    # each entry audited by the service, plus one entry for the import itself
    assert after == [before[0] + 2, before[1] + 5, before[2] + 3]


def test_english_values_are_accepted_as_well_as_chinese_labels(
    session: Session, dept: Department
) -> None:
    chinese = resource_row(
        1,
        共享类型="不予共享",
        共享依据="《保守国家秘密法》",
        依据类型="法律",
        开放类型="不予开放",
        更新周期="实时",
    )
    english = resource_row(
        2,
        目录类别="departmental",
        格式="database",
        主体标识类型="resident_id",
        共享类型="none",
        共享依据="《保守国家秘密法》",
        依据类型="law",
        共享方式="interface",
        开放类型="not_open",
        更新周期="REAL_TIME",
        涉密="no",
    )
    items = [*item_rows(1), *item_rows(2)]
    items[2].update({"数据类型": "string", "是否主体标识": "yes"})
    result = _import(session, dept, fill([chinese, english], items))
    a, b = (
        catalogue.as_input(catalogue.get_by_code(session, code=c)).model_dump()
        for c in result.codes
    )
    for d in (a, b):
        d.pop("name"), d.pop("name_en")
    assert a == b
    assert (
        a["sharing_type"] == "none"
        and a["sharing_basis_kind"] == "law"
        and a["update_cycle"] == "real_time"
    )


def test_export_of_a_catalogue_imports_into_another_department_as_equal_entries(
    session: Session, dept: Department
) -> None:
    lead = org_builders.department(session, code="ZS-01")
    builders.resource(
        session,
        dept,
        catalogue_kind="basic",
        basic_category="natural_person",
        update_cycle="real_time",
    )
    builders.resource(
        session,
        dept,
        sharing_type="conditional",
        sharing_basis="《社会保险法》第八十一条",
        sharing_conditions="仅限办理社保业务",
        sharing_scope="本市政务部门",
        purposes="社保待遇资格认定；就业登记",
        related_codes=["101/000001"],
        published_on=date(2026, 1, 5),
        sample_data="440100...,张三",
        use_requirements="不得转授",
        responsible_person="李四",
        collecting_department_id=lead.id,
        data_grade=3,
        data_classification="个人信息",
        open_type="conditional",
        open_conditions="脱敏后",
        items=[
            {
                "name": "公民身份号码",
                "data_type": "string",
                "length": 18,
                "is_subject_key": True,
                "description": "18位",
            },
            {
                "name": "参保状态",
                "name_en": "Insured",
                "data_type": "boolean",
                "sharing_type": "unconditional",
            },
            {"name": "缴费基数", "data_type": "decimal"},
            {"name": "参保日期", "data_type": "date"},
        ],
    )
    builders.resource(
        session,
        dept,
        catalogue_kind="thematic",
        thematic_lead_department_id=lead.id,
        subject_key_type="custom",
        subject_key_name="地块编号",
        sharing_type="none",
        sharing_basis="《测绘法》",
        sharing_basis_kind="law",
        sharing_method="verification_only",
        update_cycle="as_needed",
        class_code="2A7",
    )
    originals = sorted(
        catalogue.list_resources(session, department_id=dept.id).items, key=lambda r: r.code
    )
    target = org_builders.department(session)

    result = _import(session, target, excel.export_catalogue(session, department_id=dept.id))

    copies = [catalogue.get_by_code(session, code=c) for c in result.codes]
    assert result.resources == 3
    for original, copy in zip(originals, copies, strict=True):
        a, b = catalogue.as_input(original).model_dump(), catalogue.as_input(copy).model_dump()
        assert b.pop("department_id") == target.id and a.pop("department_id") == dept.id
        assert a == b
        assert copy.status == "draft"


# --- problems, each at its sheet, row and column ---------------------------------------------------------


def test_unreadable_cells_are_reported_at_their_cells(session: Session, dept: Department) -> None:
    content = fill(
        [
            resource_row(
                1,
                共享类型="部分共享",
                发布日期="下周",
                采集部门="不存在的局",
                数据分级="二级",
                涉密="也许",
            ),
            resource_row(2, 资源名称=None),
            resource_row(3),
        ],
        [
            *item_rows(1),
            {
                "资源序号": 2,
                "信息项名称": "公民身份号码",
                "长度": "十八",
                "数据类型": "文本",
                "是否主体标识": "是",
            },
            {"资源序号": 3, "信息项名称": "公民身份号码", "是否主体标识": "也许"},
        ],
    )
    problems = _problems(session, dept, content)
    assert _cells(problems) == {
        ("资源", 3, col("共享类型")),
        ("资源", 3, col("发布日期")),
        ("资源", 3, col("采集部门")),
        ("资源", 3, col("数据分级")),
        ("资源", 3, col("涉密")),
        ("资源", 4, col("资源名称")),
        ("信息项", 5, col("长度", excel.ITEMS)),
        ("信息项", 5, col("数据类型", excel.ITEMS)),
        # not also "no subject key" on resource 3: the cell that would say so could not be read
        ("信息项", 6, col("是否主体标识", excel.ITEMS)),
    }
    by_cell = {(p["row"], p["column"]): p["message"] for p in problems}
    assert (
        "无条件共享、有条件共享、不予共享" in by_cell[(3, col("共享类型"))]
    )  # the choices are named
    assert (
        by_cell[(4, col("资源名称"))] == "资源名称: required"
    )  # reported once, not again by the schema


def test_legal_rules_are_reported_at_their_cells_citing_the_articles(
    session: Session, dept: Department
) -> None:
    content = fill(
        [
            # GZ Art. 10; ZS Art. 20: basic information is shared unconditionally
            resource_row(
                1,
                目录类别="基础",
                基础信息类别="法人",
                共享类型="有条件共享",
                共享依据="x",
                共享条件="y",
            ),
            # GZ Art. 10: conditional sharing states its basis and its conditions
            resource_row(2, 共享类型="有条件共享"),
            # GZ Art. 10: no sharing rests on a law, an administrative regulation or a central policy
            resource_row(3, 共享类型="不予共享", 共享依据="内部规定", 依据类型="规章"),
            # GZ Art. 20; ZS Art. 17: a resource holding state secrets cannot be entered
            resource_row(4, 涉密="是"),
            # GZ Art. 9: only a conditional resource shares some items in part
            resource_row(5),
        ],
        [
            *item_rows(1),
            *item_rows(2),
            *item_rows(3),
            *item_rows(4),
            *item_rows(5)[:1],
            {"资源序号": 5, "信息项名称": "照片", "信息项共享类型": "不予共享"},
        ],
    )
    problems = _problems(session, dept, content)
    by_cell = {(p["sheet"], p["row"], p["column"]): p["message"] for p in problems}
    assert set(by_cell) == {
        ("资源", 3, col("共享类型")),
        ("资源", 4, col("共享依据")),
        ("资源", 4, col("共享条件")),
        ("资源", 5, col("依据类型")),
        ("资源", 6, col("涉密")),
        ("信息项", 12, col("信息项共享类型", excel.ITEMS)),
    }
    assert "GZ 10" in by_cell[("资源", 3, col("共享类型"))]
    assert (
        "GZ 10" in by_cell[("资源", 4, col("共享依据"))]
        and "GZ 10" in by_cell[("资源", 5, col("依据类型"))]
    )
    assert "GZ 20" in by_cell[("资源", 6, col("涉密"))]
    assert "GZ 9" in by_cell[("信息项", 12, col("信息项共享类型", excel.ITEMS))]


def test_links_keys_and_duplicates_are_reported(session: Session, dept: Department) -> None:
    builders.resource(session, dept, name="已有资源")
    content = fill(
        [
            resource_row(1),
            resource_row(1, 资源名称="另一个"),
            resource_row(2, 资源名称="导入资源1"),
            resource_row(3, 资源名称="已有资源"),
            resource_row(4),
            resource_row(5),
        ],
        [
            *item_rows(1),
            *item_rows(2),
            *item_rows(3),
            {"资源序号": 9, "信息项名称": "孤儿"},  # row 9: no resource 9
            {"资源序号": 4, "信息项名称": "公民身份号码", "是否主体标识": "是"},
            {"资源序号": 4, "信息项名称": "公民身份号码"},  # row 11: a duplicate item name
            {"资源序号": 5, "信息项名称": "姓名"},  # resource 5 has no subject key
        ],
    )
    problems = _problems(session, dept, content)
    by_cell = {(p["sheet"], p["row"], p["column"]): p["message"] for p in problems}
    assert set(by_cell) == {
        ("资源", 4, col("序号")),  # 序号 1 used twice
        ("资源", 5, col("资源名称")),  # the name of row 3 again
        ("资源", 6, col("资源名称")),  # already in the department's catalogue
        ("资源", 8, col("序号")),  # resource 5: no subject key
        ("信息项", 9, col("资源序号", excel.ITEMS)),
        ("信息项", 11, col("信息项名称", excel.ITEMS)),
    }
    assert "row 3" in by_cell[("资源", 4, col("序号"))]
    assert "exactly one data item is the subject key" in by_cell[("资源", 8, col("序号"))]


def test_a_resource_without_items_is_reported_on_its_row(
    session: Session, dept: Department
) -> None:
    problems = _problems(session, dept, fill([resource_row(1), resource_row(2)], item_rows(1)))
    assert _cells(problems) == {("资源", 4, col("序号"))}
    assert "no data items" in problems[0]["message"]


def test_every_problem_is_listed_in_one_pass_and_nothing_is_written(
    session: Session, dept: Department
) -> None:
    content = fill(
        [
            resource_row(1),  # valid: still not written
            resource_row(2, 格式="纸质"),
            resource_row(3, 共享类型="有条件共享", 共享条件="仅限办事"),  # GZ Art. 10: no basis
            resource_row(4, 涉密="是"),  # GZ Art. 20
        ],
        [
            *item_rows(1),
            *item_rows(2),
            *item_rows(3),
            *item_rows(4),
            {"资源序号": 7, "信息项名称": "x"},
            # a bad item of resource 3 does not hide the rule its resource breaks
            {"资源序号": 3, "信息项名称": "出生日期", "数据类型": "日期型", "长度": 0},
        ],
    )
    before = _counts(session)
    problems = _problems(session, dept, content)
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [
        ("资源", 4, col("格式")),
        ("资源", 5, col("共享依据")),
        ("资源", 6, col("涉密")),
        ("信息项", 11, col("资源序号", excel.ITEMS)),
        ("信息项", 12, col("长度", excel.ITEMS)),
    ]
    assert all(set(p) == {"sheet", "row", "column", "message"} for p in problems)
    assert _counts(session) == before


def test_unknown_columns_are_reported_with_the_other_problems(
    session: Session, dept: Department
) -> None:
    book = load_workbook(io.BytesIO(fill([resource_row(1, 格式="纸质")], item_rows(1))))
    book["资源"].cell(row=1, column=40, value="备注说明")
    out = io.BytesIO()
    book.save(out)
    problems = _problems(session, dept, out.getvalue())
    assert _cells(problems) == {("资源", 1, "AN"), ("资源", 3, col("格式"))}


# --- malformed files ---------------------------------------------------------------------------------


def _bare(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _code_of(session: Session, dept: Department, content: bytes) -> Invalid:
    with pytest.raises(Invalid) as err:
        _import(session, dept, content)
    return err.value


def test_a_file_that_is_not_a_workbook_is_refused(session: Session, dept: Department) -> None:
    assert _code_of(session, dept, b"name,code\n1,2\n").code == "excel_unreadable"
    assert _code_of(session, dept, b"").code == "excel_unreadable"


def test_a_workbook_without_the_sheets_or_headers_is_refused(
    session: Session, dept: Department
) -> None:
    err = _code_of(session, dept, _bare({"Sheet1": [["a"]]}))
    assert err.code == "excel_malformed" and "资源" in err.message and "信息项" in err.message
    err = _code_of(
        session,
        dept,
        _bare({"资源": [["序号", "资源名称"]], "信息项": [["资源序号", "信息项名称"]]}),
    )
    assert err.code == "excel_malformed" and "目录类别" in err.message


def test_a_workbook_with_only_chinese_headers_and_english_values_imports(
    session: Session, dept: Department
) -> None:
    resources = [c.header for c in excel.RESOURCE_COLUMNS]
    row = dict.fromkeys(resources, None) | {
        "序号": 1,
        "资源名称": "无第二行表头",
        "目录类别": "departmental",
        "格式": "database",
        "主体标识类型": "credit_code",
        "共享类型": "unconditional",
        "共享方式": "file",
        "更新周期": "weekly",
    }
    content = _bare(
        {
            "资源": [resources, list(row.values())],
            "信息项": [
                ["序号", "信息项名称", "是否主体标识"],
                [1, "统一社会信用代码", True],
            ],  # 序号 is accepted for 资源序号
        }
    )
    result = _import(session, dept, content)
    assert catalogue.get_by_code(session, code=result.codes[0]).subject_key_type == "credit_code"


def test_limits_of_a_file(
    session: Session, dept: Department, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = fill(
        [resource_row(1), resource_row(2), resource_row(3)],
        [*item_rows(1), *item_rows(2), *item_rows(3)],
    )
    monkeypatch.setattr(excel, "MAX_RESOURCES", 2)
    err = _code_of(session, dept, content)
    assert err.code == "excel_too_large" and "2" in err.message
    monkeypatch.setattr(excel, "MAX_RESOURCES", 5_000)
    monkeypatch.setattr(excel, "MAX_BYTES", 100)
    assert _code_of(session, dept, content).code == "excel_too_large"


def test_only_the_departments_officer_or_the_authority_imports(
    session: Session, dept: Department
) -> None:
    content = fill([resource_row(1)], item_rows(1))
    staff = org_builders.actor_of(org_builders.user(session, role=Role.STAFF, dept=dept))
    with pytest.raises(Forbidden):
        _import(session, dept, content, actor=staff)
    elsewhere = org_builders.department(session)
    officer = org_builders.actor_of(
        org_builders.user(session, role=Role.DATA_OFFICER, dept=elsewhere)
    )
    with pytest.raises(Forbidden):
        _import(session, dept, content, actor=officer)
    own = org_builders.actor_of(org_builders.user(session, role=Role.DATA_OFFICER, dept=dept))
    assert _import(session, dept, content, actor=own).resources == 1


# --- the directory export (GZ 11) ------------------------------------------------------------------------


def test_directory_export_has_the_fields_of_gz_11(session: Session, dept: Department) -> None:
    collector = org_builders.department(session, name="市卫生健康委")
    builders.published(
        session,
        dept,
        name="出生医学证明信息",
        sharing_type="conditional",
        sharing_basis="《母婴保健法》",
        sharing_conditions="办理户籍登记",
        sharing_scope="本市政务部门",
        purposes="户籍登记",
        collecting_department_id=collector.id,
        update_cycle="daily",
    )
    builders.published(session, dept, name="户籍登记信息")
    builders.resource(session, dept, name="草稿资源")  # not published: not in the directory

    book = load_workbook(io.BytesIO(excel.export_directory(session)))
    ws = book["共享目录"]
    headers = [c.value for c in ws[1]]
    # GZ Art. 11: content, sharing type, conditions, method, scope, update frequency, purposes,
    # and the departments that collect, approve and provide the information
    for header in (
        "共享内容（资源名称）",
        "共享类型",
        "共享条件",
        "共享方式",
        "共享范围",
        "更新周期",
        "具体用途",
        "采集部门",
        "核准部门",
        "提供部门",
    ):
        assert header in headers, header
    assert ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 28
    rows = [
        dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)
    ]
    assert sorted(r["共享内容（资源名称）"] for r in rows) == ["出生医学证明信息", "户籍登记信息"]
    birth = next(r for r in rows if r["共享内容（资源名称）"] == "出生医学证明信息")
    assert (birth["共享类型"], birth["共享条件"], birth["更新周期"]) == (
        "有条件共享",
        "办理户籍登记",
        "每日",
    )
    assert (birth["提供部门"], birth["采集部门"], birth["共享方式"]) == (
        "市公安局",
        "市卫生健康委",
        "平台接口",
    )
    assert len(list(book["信息项"].iter_rows(min_row=2))) == 6

    only = load_workbook(
        io.BytesIO(excel.export_directory(session, filters={"sharing_type": "conditional"}))
    )
    assert [r[1].value for r in only["共享目录"].iter_rows(min_row=2)] == ["出生医学证明信息"]


# --- the command line ---------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_template_import_export_and_dcat(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with runtime.session_factory()() as setup:
        org_builders.department(setup, authority=True)
        org_builders.department(setup, code="CLI-1")
        setup.commit()
    try:
        template = tmp_path / "template.xlsx"
        assert runner.invoke(cli_app, ["template", "--out", str(template)]).exit_code == 0
        assert load_workbook(template).sheetnames == ["资源", "信息项", "说明"]

        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(
            fill(
                [resource_row(1, 共享类型="部分共享"), resource_row(2, 涉密="是")],
                [*item_rows(1), *item_rows(2)],
            )
        )
        result = runner.invoke(
            cli_app, ["import", str(bad), "--department-code", "CLI-1", "--today", "2026-11-20"]
        )
        assert result.exit_code == 1
        assert f"资源!3:{col('共享类型')} 共享类型: unknown value '部分共享'" in result.stderr
        assert (
            f"资源!4:{col('涉密')} 涉密:" in result.stderr
            and "nothing was imported" in result.stderr
        )

        good = tmp_path / "good.xlsx"
        good.write_bytes(fill([resource_row(1), resource_row(2)], [*item_rows(1), *item_rows(2)]))
        result = runner.invoke(cli_app, ["import", str(good), "--department-code", "CLI-1"])
        assert result.exit_code == 0, result.output
        assert "imported 2 resources with 4 data items" in result.stdout
        assert "parsed 6 rows" in result.stderr and "written 2 resources" in result.stderr

        result = runner.invoke(cli_app, ["import", str(good), "--department-code", "NOPE"])
        assert result.exit_code == 1 and "no department with code 'NOPE'" in result.stderr

        mine = tmp_path / "mine.xlsx"
        assert (
            runner.invoke(
                cli_app, ["export", "--out", str(mine), "--department-code", "CLI-1"]
            ).exit_code
            == 0
        )
        assert load_workbook(mine)["资源"].max_row == 4
        assert (
            runner.invoke(cli_app, ["export", "--out", str(tmp_path / "dir.xlsx")]).exit_code == 0
        )
        result = runner.invoke(
            cli_app,
            ["dcat", "--out", str(tmp_path / "d.jsonld"), "--base-url", "https://gs.example"],
        )
        assert result.exit_code == 0 and "0 datasets" in result.stdout
    finally:
        runtime.reset()
