"""Excel interchange of the catalogue: the template officials fill in, its all-or-nothing import, exports."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from govshare.audit import service as audit
from govshare.catalogue import directory, rules_check
from govshare.catalogue import service as catalogue
from govshare.catalogue.enums import (
    BasicCategory,
    BasisKind,
    CatalogueKind,
    DataType,
    OpenType,
    ResourceFormat,
    SharingMethod,
    SharingType,
    SubjectKeyType,
    UpdateCycle,
)
from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.catalogue.schemas import DataItemIn, ResourceIn
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid
from govshare.orgs import service as orgs
from govshare.orgs.models import Department
from govshare.profiles.service import get_active_profile

RESOURCES, ITEMS, NOTES = "资源", "信息项", "说明"
DIRECTORY, DIRECTORY_ITEMS = "共享目录", "信息项"
MAX_BYTES = 20 * 1024 * 1024
MAX_RESOURCES = 5_000
MAX_ITEMS = 50_000
FIRST_DATA_ROW = 3  # row 1: Chinese headers, row 2: English field names

# --- Chinese labels of each vocabulary (the English value is accepted too) ----------------------

CATALOGUE_KIND_LABELS: dict[str, str] = {
    CatalogueKind.BASIC: "基础",
    CatalogueKind.THEMATIC: "主题",
    CatalogueKind.DEPARTMENTAL: "部门",
}
BASIC_CATEGORY_LABELS: dict[str, str] = {
    BasicCategory.NATURAL_PERSON: "自然人",
    BasicCategory.LEGAL_PERSON: "法人",
    BasicCategory.NATURAL_RESOURCES: "自然资源和空间地理",
    BasicCategory.E_CERTIFICATE: "电子证照",
}
FORMAT_LABELS: dict[str, str] = {
    ResourceFormat.ELECTRONIC_FILE: "电子文件",
    ResourceFormat.SPREADSHEET: "电子表格",
    ResourceFormat.DATABASE: "数据库",
    ResourceFormat.IMAGE: "图形图像",
    ResourceFormat.STREAMING: "流媒体",
    ResourceFormat.SELF_DESCRIBING: "自描述格式",
    ResourceFormat.SERVICE_INTERFACE: "服务接口",
}
SUBJECT_KEY_LABELS: dict[str, str] = {
    SubjectKeyType.RESIDENT_ID: "公民身份号码",
    SubjectKeyType.CREDIT_CODE: "统一社会信用代码",
    SubjectKeyType.CUSTOM: "自定义标识",
}
SHARING_TYPE_LABELS: dict[str, str] = {
    SharingType.UNCONDITIONAL: "无条件共享",
    SharingType.CONDITIONAL: "有条件共享",
    SharingType.NONE: "不予共享",
}
BASIS_KIND_LABELS: dict[str, str] = {
    BasisKind.LAW: "法律",
    BasisKind.ADMINISTRATIVE_REGULATION: "行政法规",
    BasisKind.CENTRAL_POLICY: "党中央国务院政策",
    BasisKind.LOCAL_REGULATION: "地方性法规",
    BasisKind.RULE: "规章",
    BasisKind.OTHER: "其他",
}
SHARING_METHOD_LABELS: dict[str, str] = {
    SharingMethod.INTERFACE: "平台接口",
    SharingMethod.FILE: "文件",
    SharingMethod.TABLE: "库表",
    SharingMethod.VERIFICATION_ONLY: "仅核验比对",
}
OPEN_TYPE_LABELS: dict[str, str] = {
    OpenType.OPEN: "无条件开放",
    OpenType.CONDITIONAL: "有条件开放",
    OpenType.NOT_OPEN: "不予开放",
}
UPDATE_CYCLE_LABELS: dict[str, str] = {
    UpdateCycle.REAL_TIME: "实时",
    UpdateCycle.DAILY: "每日",
    UpdateCycle.WEEKLY: "每周",
    UpdateCycle.MONTHLY: "每月",
    UpdateCycle.QUARTERLY: "每季度",
    UpdateCycle.YEARLY: "每年",
    UpdateCycle.AS_NEEDED: "不定期",
}
DATA_TYPE_LABELS: dict[str, str] = {
    DataType.STRING: "字符型",
    DataType.INTEGER: "整数型",
    DataType.DECIMAL: "数值型",
    DataType.DATE: "日期型",
    DataType.DATETIME: "日期时间型",
    DataType.BOOLEAN: "布尔型",
    DataType.BINARY: "二进制",
}
YES, NO = "是", "否"
_TRUE = {YES, "yes", "y", "true", "1"}
_FALSE = {NO, "no", "n", "false", "0"}
_SEPARATORS = re.compile(r"[,，;；、\s]+")


@dataclass(frozen=True)
class Column:
    """One column of the template: its Chinese header, its English field name, how a cell is read."""

    header: str
    name: str
    kind: str = "text"  # text | choice | bool | int | date | codes | department | key
    labels: Mapping[str, str] | None = None
    required: bool = False
    width: int = 14
    note: str = ""
    target: str = ""  # the ResourceIn / DataItemIn field, when it differs from `name`
    aliases: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The schema field this column fills."""
        return self.target or self.name


def _dept(header: str, name: str, note: str) -> Column:
    return Column(
        header,
        name,
        "department",
        width=16,
        target=f"{name}_id",
        note=f"{note}（填部门代码或名称）",
    )


RESOURCE_COLUMNS: tuple[Column, ...] = (
    Column("序号", "key", "key", required=True, width=6, note="本表内的行号，信息项表用它关联资源"),
    Column("资源名称", "name", required=True, width=28, note="政务信息资源名称（共享内容）"),
    Column("英文名称", "name_en", width=24),
    Column("摘要", "abstract", width=36),
    Column(
        "目录类别",
        "catalogue_kind",
        "choice",
        CATALOGUE_KIND_LABELS,
        required=True,
        width=10,
        note="基础信息资源须无条件共享",
    ),
    Column(
        "基础信息类别",
        "basic_category",
        "choice",
        BASIC_CATEGORY_LABELS,
        width=18,
        note="仅目录类别为“基础”时填写",
    ),
    _dept("主题牵头部门", "thematic_lead_department", "目录类别为“主题”时必填"),
    Column("分类代码", "class_code", width=10, note="类/项/目/细目代码；留空则自动生成"),
    Column("格式", "format", "choice", FORMAT_LABELS, required=True, width=12),
    Column(
        "主体标识类型", "subject_key_type", "choice", SUBJECT_KEY_LABELS, required=True, width=16
    ),
    Column("主体标识名称", "subject_key_name", width=14, note="主体标识类型为“自定义标识”时必填"),
    Column("共享类型", "sharing_type", "choice", SHARING_TYPE_LABELS, required=True, width=12),
    Column("共享条件", "sharing_conditions", width=24, note="有条件共享时必填"),
    Column("共享依据", "sharing_basis", width=24, note="有条件共享、不予共享时必填"),
    Column(
        "依据类型",
        "sharing_basis_kind",
        "choice",
        BASIS_KIND_LABELS,
        width=16,
        note="不予共享须为法律、行政法规或党中央国务院政策",
    ),
    Column("共享方式", "sharing_method", "choice", SHARING_METHOD_LABELS, required=True, width=12),
    Column("共享范围", "sharing_scope", width=20),
    Column("用途", "purposes", width=24, note="具体用途 / 业务事项"),
    Column("开放类型", "open_type", "choice", OPEN_TYPE_LABELS, width=12, note="留空为不予开放"),
    Column("开放条件", "open_conditions", width=20),
    Column("更新周期", "update_cycle", "choice", UPDATE_CYCLE_LABELS, required=True, width=10),
    Column("发布日期", "published_on", "date", width=12, note="日期，如 2026-11-02"),
    Column(
        "相关资源代码", "related_codes", "codes", width=18, note="多个代码以逗号、分号或顿号分隔"
    ),
    Column("样例数据", "sample_data", width=24),
    Column("使用要求", "use_requirements", width=24),
    Column("责任人", "responsible_person", width=10),
    _dept("采集部门", "collecting_department", "负责采集的部门"),
    _dept("核准部门", "approving_department", "负责核准的部门"),
    Column("数据分级", "data_grade", "int", width=10, note="正整数，按本地规定的分级"),
    Column("数据分类", "data_classification", width=14),
    Column(
        "涉密",
        "contains_state_secret",
        "bool",
        width=8,
        note="涉及国家秘密的资源不得录入平台（填“是”将被拒绝）",
    ),
)
ITEM_COLUMNS: tuple[Column, ...] = (
    Column(
        "资源序号",
        "resource_key",
        "key",
        required=True,
        width=8,
        note="所属资源在“资源”表中的序号",
        aliases=("序号",),
    ),
    Column("信息项名称", "name", required=True, width=20),
    Column("英文名", "name_en", width=20),
    Column("数据类型", "data_type", "choice", DATA_TYPE_LABELS, width=12, note="留空为字符型"),
    Column("长度", "length", "int", width=8),
    Column("说明", "description", width=30),
    Column(
        "是否主体标识", "is_subject_key", "bool", width=12, note="每个资源恰有一个信息项为主体标识"
    ),
    Column(
        "信息项共享类型",
        "sharing_type",
        "choice",
        SHARING_TYPE_LABELS,
        width=16,
        note="留空为同资源；有条件共享资源的个别信息项可无条件共享",
    ),
)
_SHEET_ORDER = {RESOURCES: 0, ITEMS: 1}


# --- reading cells ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as trimmed text (whole numbers without '.0', dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _choice(labels: Mapping[str, str], text: str) -> str | None:
    for value, label in labels.items():
        if text == label or text.lower() == str(value):
            return str(value)
    return None


def _read_cell(
    column: Column, value: Any, departments: Mapping[str, int]
) -> tuple[Any, str | None]:
    """The value of a non-empty cell for the schema, or the reason it cannot be read."""
    text = _text(value)
    if column.kind in ("text", "key"):
        return text, None
    if column.kind == "choice":
        assert column.labels is not None
        found = _choice(column.labels, text)
        if found is None:
            options = "、".join(column.labels.values())
            return (
                None,
                f"unknown value '{text}'; use one of {options} (or the English value: {', '.join(column.labels)})",
            )
        return found, None
    if column.kind == "bool":
        if text.lower() in _TRUE:
            return True, None
        if text.lower() in _FALSE:
            return False, None
        return None, f"'{text}' is neither {YES} nor {NO}"
    if column.kind == "int":
        if isinstance(value, bool) or not (
            text.isdigit() or (isinstance(value, int | float) and float(value).is_integer())
        ):
            return None, f"'{text}' is not a whole number"
        return int(float(text)), None
    if column.kind == "date":
        if isinstance(value, datetime | date):
            return (value.date() if isinstance(value, datetime) else value), None
        try:
            return date.fromisoformat(text.replace("/", "-")), None
        except ValueError:
            return None, f"'{text}' is not a date (use 2026-11-02)"
    if column.kind == "codes":
        return [c for c in _SEPARATORS.split(text) if c], None
    if column.kind == "department":
        if text in departments:
            return departments[text], None
        return None, f"no department with code or name '{text}'"
    raise AssertionError(column.kind)


# --- the import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import created: counts and the new resource codes."""

    resources: int
    items: int
    codes: list[str]


@dataclass
class _Sheet:
    """The rows of one sheet and where each column is."""

    title: str
    columns: tuple[Column, ...]
    positions: dict[str, int]
    rows: list[tuple[int, tuple[Any, ...]]]

    def column(self, name: str) -> Column:
        """The column of a template name or a schema field."""
        return next(c for c in self.columns if c.name == name or c.field == name)

    def knows(self, name: str | None) -> bool:
        """True when a column of this sheet holds the name or schema field."""
        return name is not None and any(c.name == name or c.field == name for c in self.columns)

    def letter(self, name: str) -> str:
        """The Excel column letter of a field, or its header when the sheet lacks the column."""
        column = self.column(name)
        if column.name not in self.positions:
            return column.header
        return get_column_letter(self.positions[column.name] + 1)


@dataclass
class _Entry:
    """One resource row, its readable values and its item rows."""

    key: str
    row: int
    values: dict[str, Any]
    items: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class SheetProblems:
    """Every problem found, each with its sheet, row and column; a cell that cannot be read reports once."""

    def __init__(self) -> None:
        self.found: list[dict[str, Any]] = []
        self.unreadable: set[tuple[str, int, str]] = set()
        self.unreadable_rows: set[tuple[str, int]] = set()

    def add(
        self, sheet: _Sheet, row: int, name: str | None, message: str, *, unreadable: bool = False
    ) -> None:
        if name is not None:
            cell = (sheet.title, row, sheet.column(name).name)
            if cell in self.unreadable:
                return  # the reason the cell could not be read says it already
            if unreadable:
                self.unreadable.add(cell)
                self.unreadable_rows.add((sheet.title, row))
            message = f"{sheet.column(name).header}: {message}"
        column = sheet.letter(name) if name is not None else ""
        self.found.append({"sheet": sheet.title, "row": row, "column": column, "message": message})

    def row_unreadable(self, sheet: _Sheet, row: int) -> bool:
        """True when a cell of the row could not be read."""
        return (sheet.title, row) in self.unreadable_rows

    def sorted(self) -> list[dict[str, Any]]:
        def key(p: dict[str, Any]) -> tuple[int, int, int, str]:
            return (_SHEET_ORDER.get(p["sheet"], 9), p["row"], len(p["column"]), p["column"])

        return sorted(self.found, key=key)


def _open(content: bytes) -> tuple[_Sheet, _Sheet, list[dict[str, Any]]]:
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
        missing = [t for t in (RESOURCES, ITEMS) if t not in book.sheetnames]
        if missing:
            raise Invalid(
                "the workbook has no sheet named {sheets}; start from the template",
                code="excel_malformed",
                sheets="、".join(missing),
                problems=[
                    {"sheet": t, "row": 0, "column": "", "message": "sheet missing"}
                    for t in missing
                ],
            )
        header_problems: list[dict[str, Any]] = []
        resources = read_sheet(
            book[RESOURCES].iter_rows(values_only=True),
            RESOURCES,
            RESOURCE_COLUMNS,
            MAX_RESOURCES,
            header_problems,
        )
        items = read_sheet(
            book[ITEMS].iter_rows(values_only=True), ITEMS, ITEM_COLUMNS, MAX_ITEMS, header_problems
        )
        return resources, items, header_problems
    finally:
        book.close()


def read_sheet(
    rows: Iterable[tuple[Any, ...]],
    title: str,
    columns: tuple[Column, ...],
    limit: int,
    problems: list[dict[str, Any]],
) -> _Sheet:
    it = iter(rows)
    by_header = {h: c for c in columns for h in (c.header, c.name, *c.aliases)}
    positions: dict[str, int] = {}
    for index, cell in enumerate(next(it, ()) or ()):
        text, letter = _text(cell), get_column_letter(index + 1)
        column = by_header.get(text)
        if not text:
            continue
        if column is None:
            problems.append(
                {
                    "sheet": title,
                    "row": 1,
                    "column": letter,
                    "message": f"unknown column '{text}'; use the headers of the template",
                }
            )
        elif column.name in positions:
            problems.append(
                {
                    "sheet": title,
                    "row": 1,
                    "column": letter,
                    "message": f"column '{text}' appears twice",
                }
            )
        else:
            positions[column.name] = index
    missing = [c.header for c in columns if c.required and c.name not in positions]
    if missing:
        raise Invalid(
            "sheet {sheet} lacks the column(s) {columns} in its first row; start from the template",
            code="excel_malformed",
            sheet=title,
            columns="、".join(missing),
            problems=[
                *problems,
                *(
                    {"sheet": title, "row": 1, "column": "", "message": f"missing column {h}"}
                    for h in missing
                ),
            ],
        )
    data: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(it, start=2):
        if number == 2 and any(
            _text(values[i]) == name for name, i in positions.items() if i < len(values)
        ):
            continue  # the row of English field names
        if all(_text(v) == "" for v in values):
            continue
        data.append((number, values))
        if len(data) > limit:
            raise Invalid(
                "sheet {sheet} has more than {limit} rows; split the workbook",
                code="excel_too_large",
                sheet=title,
                limit=limit,
            )
    return _Sheet(title, columns, positions, data)


def row_values(
    sheet: _Sheet,
    number: int,
    row: tuple[Any, ...],
    departments: Mapping[str, int],
    problems: SheetProblems,
) -> dict[str, Any]:
    """The readable, non-empty cells of a row by schema field; each unreadable cell is a problem."""
    out: dict[str, Any] = {}
    for column in sheet.columns:
        index = sheet.positions.get(column.name)
        raw = row[index] if index is not None and index < len(row) else None
        if _text(raw) == "":
            if column.required:
                problems.add(sheet, number, column.name, "required", unreadable=True)
            continue
        value, error = _read_cell(column, raw, departments)
        if error:
            problems.add(sheet, number, column.name, error, unreadable=True)
        else:
            out[column.field] = value
    return out


def _entries(
    resources: _Sheet, items: _Sheet, departments: Mapping[str, int], problems: SheetProblems
) -> list[_Entry]:
    entries: dict[str, _Entry] = {}
    for number, row in resources.rows:
        values = row_values(resources, number, row, departments, problems)
        key = values.pop("key", "")
        if key in entries:
            problems.add(
                resources, number, "key", f"序号 {key} is already used on row {entries[key].row}"
            )
        elif key:
            entries[key] = _Entry(key, number, values)
    for number, row in items.rows:
        values = row_values(items, number, row, departments, problems)
        key = values.pop("resource_key", "")
        if key and key not in entries:
            problems.add(
                items, number, "resource_key", f"no resource with 序号 {key} on sheet {RESOURCES}"
            )
        elif key:
            entries[key].items.append((number, values))
    return list(entries.values())


def _validate(
    entries: list[_Entry],
    resources: _Sheet,
    items: _Sheet,
    problems: SheetProblems,
    *,
    department_id: int,
    existing: set[str],
) -> list[ResourceIn]:
    """Each entry as a ResourceIn, with every schema error, legal rule and duplicate reported."""
    profile = get_active_profile()
    names: dict[str, int] = {}
    valid: list[ResourceIn] = []
    for entry in entries:
        name = str(entry.values.get("name", ""))
        if name in names:
            problems.add(resources, entry.row, "name", f"'{name}' is already on row {names[name]}")
        elif name in existing:
            message = f"the department's catalogue already has an entry named '{name}'"
            problems.add(resources, entry.row, "name", message)
        if name:
            names.setdefault(name, entry.row)
        rows, good, doubtful = _check_items(entry, items, problems)
        where = _Where(entry.row, rows, resources, items, problems)
        try:
            data = ResourceIn.model_validate(
                {**entry.values, "department_id": department_id, "items": good}
            )
        except ValidationError as exc:
            for error in exc.errors():
                if not (doubtful and tuple(error["loc"]) == ("items",)):
                    where.place(error["loc"], error["msg"])
            continue
        for field_name, reason in rules_check.problems_of(data, profile):
            # the rules over all items (one subject key, unique names) may mislead with a bad item
            if not (doubtful and field_name == "items"):
                where.place(
                    tuple(int(p) - 1 if p.isdigit() else p for p in field_name.split(".")), reason
                )
        valid.append(data)
    return valid


def _check_items(
    entry: _Entry, items: _Sheet, problems: SheetProblems
) -> tuple[list[int], list[dict[str, Any]], bool]:
    """The rows and values of an entry's readable items, and whether any item had a problem."""
    rows: list[int] = []
    good: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    doubtful = False
    for number, values in entry.items:
        item_name = str(values.get("name", ""))
        if item_name in seen:
            message = f"'{item_name}' is already an item of this resource (row {seen[item_name]})"
            problems.add(items, number, "name", message)
            doubtful = True
            continue
        seen.setdefault(item_name, number)
        try:
            DataItemIn.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else None
                problems.add(items, number, column if items.knows(column) else None, error["msg"])
            doubtful = True
            continue
        rows.append(number)
        good.append(values)
    doubtful = doubtful or any(problems.row_unreadable(items, n) for n, _ in entry.items)
    return rows, good, doubtful


@dataclass
class _Where:
    """Places a problem of a schema field at its cell: `items.N.field` is a row of the items sheet."""

    row: int
    item_rows: list[int]
    resources: _Sheet
    items: _Sheet
    problems: SheetProblems

    def place(self, loc: Sequence[Any], message: str) -> None:
        head = str(loc[0]) if loc else ""
        index = loc[1] if head == "items" and len(loc) >= 2 else None
        if isinstance(index, int) and 0 <= index < len(self.item_rows):
            name = str(loc[2]) if len(loc) >= 3 else None
            column = name if self.items.knows(name) else None
            self.problems.add(self.items, self.item_rows[index], column, message)
        elif head == "items":
            if message.startswith("List should have at least 1 item"):
                message = f"no data items: add rows on sheet {ITEMS} with this 序号"
            self.problems.add(self.resources, self.row, "key", f"data items: {message}")
        else:
            column = head if self.resources.knows(head) else None
            self.problems.add(self.resources, self.row, column, message)


def _department_lookup(session: Session) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for dept_id, code, name in session.execute(
        select(Department.id, Department.code, Department.name)
    ):
        lookup[name] = dept_id
        lookup[code] = dept_id
    return lookup


def import_workbook(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    content: bytes,
    today: date,
    progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Imports a filled template into a department's catalogue as drafts: all or nothing, every problem listed."""
    catalogue.check_provider(actor, department_id)  # before reading a possibly large file
    orgs.get_department(session, department_id=department_id)
    report = progress or (lambda stage, count: None)
    resources, items, header_problems = _open(content)
    report("parsed", len(resources.rows) + len(items.rows))
    problems = SheetProblems()
    problems.found.extend(header_problems)
    entries = _entries(resources, items, _department_lookup(session), problems)
    if not entries and not problems.found:
        raise Invalid(
            "sheet {sheet} has no resources below its headers", code="excel_empty", sheet=RESOURCES
        )
    existing = set(
        session.scalars(select(Resource.name).where(Resource.department_id == department_id))
    )
    valid = _validate(
        entries, resources, items, problems, department_id=department_id, existing=existing
    )
    report("validated", len(entries))
    if problems.found:
        found = problems.sorted()
        raise Invalid(
            "the workbook has {count} problem(s); nothing was imported",
            code="excel_invalid",
            count=len(found),
            problems=found,
        )
    codes: list[str] = []
    for n, data in enumerate(valid, start=1):
        codes.append(catalogue.create_resource(session, actor=actor, data=data).code)
        if n % 500 == 0:
            report("written", n)
    report("written", len(valid))
    count_items = sum(len(d.items) for d in valid)
    audit.record(
        session,
        actor=actor,
        action="catalogue.import",
        object_type="department",
        object_id=department_id,
        details={
            "resources": len(valid),
            "items": count_items,
            "imported_on": today.isoformat(),
            "first": codes[0],
            "last": codes[-1],
        },
    )
    return ImportResult(resources=len(valid), items=count_items, codes=codes)


# --- writing workbooks -------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIELD_FONT = Font(italic=True, color="808080", size=9)


def write_header(ws: Any, columns: Sequence[Column], *, names: bool, comments: bool) -> None:
    cells = []
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        if comments:
            lines = [
                column.name,
                *([column.note] if column.note else []),
                *(["必填"] if column.required else []),
            ]
            if column.labels:
                lines.append("可选：" + "、".join(column.labels.values()))
            cell.comment = Comment("\n".join(lines), "govshare", height=120, width=240)
        cells.append(cell)
    ws.freeze_panes = f"A{FIRST_DATA_ROW if names else 2}"
    ws.append(cells)
    if names:
        row = []
        for column in columns:
            name_cell = WriteOnlyCell(ws, value=column.name)
            name_cell.font = _FIELD_FONT
            row.append(name_cell)
        ws.append(row)


def _validations(ws: Any, columns: Sequence[Column], last_row: int) -> None:
    for i, column in enumerate(columns, start=1):
        cells = f"{get_column_letter(i)}{FIRST_DATA_ROW}:{get_column_letter(i)}{last_row}"
        if column.kind in ("choice", "bool"):
            labels = list(column.labels.values()) if column.labels else [YES, NO]
            rule = DataValidation(
                type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True
            )
            english = ", ".join(column.labels) if column.labels else "yes, no"
            rule.error = f"请从列表中选择；也可填写英文值：{english}"
        elif column.kind == "int":
            rule = DataValidation(
                type="whole", operator="greaterThan", formula1="0", allow_blank=True
            )
            rule.error = "请填写正整数"
        else:
            continue
        rule.errorStyle, rule.showErrorMessage = (
            "warning",
            True,
        )  # a warning only: the English values are valid too
        rule.add(cells)
        ws.data_validations.append(rule)


def save_book(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(column: Column, value: Any, codes: Mapping[int, str]) -> Any:
    """A schema value as the template shows it: labels for vocabularies, 是/否, department codes."""
    if value is None or value == "":
        return None
    if column.kind == "choice" and column.labels:
        return column.labels.get(str(value), str(value))
    if column.kind == "bool":
        return YES if value else NO
    if column.kind == "codes":
        return "；".join(value) or None
    if column.kind == "department":
        return codes.get(int(value), str(value))
    if column.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _notes_sheet(book: Workbook) -> None:
    rules = get_active_profile().catalogue
    ws = book.create_sheet(NOTES)
    for letter, width in zip("ABCDEF", (10, 16, 24, 8, 48, 48), strict=True):
        ws.column_dimensions[letter].width = width
    accepted = "、".join(BASIS_KIND_LABELS.get(k, k) for k in rules.no_sharing_basis.accepted)
    rule_lines = [
        f"每个资源在“{RESOURCES}”表填写一行；其信息项在“{ITEMS}”表逐行填写，用“资源序号”对应“{RESOURCES}”表的“序号”。第 2 行为英文字段名，请勿删除表头。",
        *(
            [
                f"基础信息资源（目录类别为“基础”）属于无条件共享类，须选择“无条件共享”并填写基础信息类别 [{rules.basic_unconditional.citation()}]。"
            ]
            if rules.basic_unconditional.enabled
            else []
        ),
        *(
            [
                f"列为有条件共享的，须填写共享依据和共享条件 [{rules.conditional_requires_basis.citation()}]。"
            ]
            if rules.conditional_requires_basis.enabled
            else []
        ),
        "列为不予共享的，须填写共享依据"
        + (f"并选择依据类型（可接受：{accepted}）" if accepted else "")
        + f" [{rules.no_sharing_basis.citation()}]。",
        "涉及国家秘密的政务信息不得录入平台：“涉密”填“是”的资源将被拒绝 [GZ 20; ZS 17]。",
        "每个资源须恰有一个信息项的“是否主体标识”为“是”；同一资源内信息项名称不得重复。",
        "有条件共享的资源，可将个别信息项的“信息项共享类型”设为无条件共享（部分共享）[GZ 9]；其他情况留空。",
        "下拉列表为中文选项；也接受对应的英文值（见下表“可选值”）。部门填写部门代码或名称。",
        f"导入时先检查整个工作簿，所有问题按“工作表!行:列 说明”一次列出；只要有一个问题，就不导入任何内容。每个文件最多 {MAX_RESOURCES} 个资源、{MAX_ITEMS} 个信息项。",
        "导入的资源为草稿，确认后逐条报送主管部门审核。",
    ]
    lines = [
        "政务信息资源目录导入模板 · 填写说明",
        *(f"{n}. {line}" for n, line in enumerate(rule_lines, start=1)),
        "",
    ]
    for line in lines:
        ws.append([line])
    header = [
        WriteOnlyCell(ws, value=v)
        for v in ("工作表", "表头", "英文字段", "必填", "说明", "可选值（中文 / English）")
    ]
    for cell in header:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    ws.append(header)
    for title, columns in ((RESOURCES, RESOURCE_COLUMNS), (ITEMS, ITEM_COLUMNS)):
        for column in columns:
            options = (
                " / ".join(f"{label} ({value})" for value, label in column.labels.items())
                if column.labels
                else ""
            )
            if column.kind == "bool":
                options = f"{YES} (yes) / {NO} (no)"
            ws.append(
                [
                    title,
                    column.header,
                    column.name,
                    YES if column.required else "",
                    column.note,
                    options,
                ]
            )


def _catalogue_book(rows: Iterable[list[Any]], item_rows: Iterable[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    for title, columns, data, last in (
        (RESOURCES, RESOURCE_COLUMNS, rows, MAX_RESOURCES),
        (ITEMS, ITEM_COLUMNS, item_rows, MAX_ITEMS),
    ):
        ws = book.create_sheet(title)
        _validations(ws, columns, last + FIRST_DATA_ROW - 1)
        write_header(ws, columns, names=True, comments=True)
        for row in data:
            ws.append(row)
    _notes_sheet(book)
    return save_book(book)


def template() -> bytes:
    """The empty workbook officials fill in: sheets 资源, 信息项 and 说明, with drop-down lists."""
    return _catalogue_book([], [])


def export_catalogue(session: Session, *, department_id: int) -> bytes:
    """A department's own catalogue (working copies) in the template's layout, to edit and import again."""
    orgs.get_department(session, department_id=department_id)
    codes = {i: c for i, c in session.execute(select(Department.id, Department.code))}
    stmt = (
        select(Resource)
        .where(Resource.department_id == department_id)
        .options(selectinload(Resource.items))
    )
    rows: list[list[Any]] = []
    item_rows: list[list[Any]] = []
    for key, resource in enumerate(session.scalars(stmt.order_by(Resource.code)), start=1):
        values = catalogue.snapshot(resource)
        values["key"] = key
        rows.append([_cell_value(c, values.get(c.field), codes) for c in RESOURCE_COLUMNS])
        for item in values["items"]:
            item = {**item, "resource_key": key}
            item_rows.append([_cell_value(c, item.get(c.field), codes) for c in ITEM_COLUMNS])
    return _catalogue_book(rows, item_rows)


DIRECTORY_COLUMNS: tuple[Column, ...] = (
    Column("资源代码", "code", width=14),
    Column("共享内容（资源名称）", "name", width=28),
    Column("英文名称", "name_en", width=24),
    Column("摘要", "abstract", width=36),
    Column("提供部门", "department_name", width=18),
    Column("目录类别", "catalogue_kind", "choice", CATALOGUE_KIND_LABELS, width=10),
    Column("共享类型", "sharing_type", "choice", SHARING_TYPE_LABELS, width=12),
    Column("共享条件", "sharing_conditions", width=24),
    Column("共享依据", "sharing_basis", width=24),
    Column("共享方式", "sharing_method", "choice", SHARING_METHOD_LABELS, width=12),
    Column("共享范围", "sharing_scope", width=20),
    Column("更新周期", "update_cycle", "choice", UPDATE_CYCLE_LABELS, width=10),
    Column("具体用途", "purposes", width=24),
    Column("采集部门", "collecting_department", width=18),
    Column("核准部门", "approving_department", width=18),
    Column("格式", "format", "choice", FORMAT_LABELS, width=12),
    Column("主体标识类型", "subject_key_type", "choice", SUBJECT_KEY_LABELS, width=16),
    Column("开放类型", "open_type", "choice", OPEN_TYPE_LABELS, width=12),
    Column("使用要求", "use_requirements", width=24),
    Column("发布日期", "published_on", "date", width=12),
    Column("版本", "version", width=6),
)
DIRECTORY_ITEM_COLUMNS: tuple[Column, ...] = (
    Column("资源代码", "code", width=14),
    Column("资源名称", "resource_name", width=28),
    Column("信息项名称", "name", width=20),
    Column("英文名", "name_en", width=20),
    Column("数据类型", "data_type", "choice", DATA_TYPE_LABELS, width=12),
    Column("长度", "length", width=8),
    Column("说明", "description", width=30),
    Column("是否主体标识", "is_subject_key", "bool", width=12),
    Column("共享类型", "sharing_type", "choice", SHARING_TYPE_LABELS, width=12),
)


def export_directory(
    session: Session, *, q: str = "", filters: dict[str, str | int | None] | None = None
) -> bytes:
    """The published sharing directory (GZ 11) as a workbook: one row per entry, and its data items."""
    size = session.scalar(select(func.count()).select_from(DirectoryEntry)) or 1
    found = directory.search(session, q=q, filters=filters, page=1, per_page=size)
    names = {i: n for i, n in session.execute(select(Department.id, Department.name))}
    book = Workbook(write_only=True)
    ws = book.create_sheet(DIRECTORY)
    write_header(ws, DIRECTORY_COLUMNS, names=False, comments=False)
    items = book.create_sheet(DIRECTORY_ITEMS)
    write_header(items, DIRECTORY_ITEM_COLUMNS, names=False, comments=False)
    for entry in found.items:
        snap = {
            **entry.snapshot,
            "code": entry.code,
            "version": entry.version,
            "department_name": entry.snapshot.get("department_name")
            or names.get(entry.department_id, ""),
            "collecting_department": names.get(
                entry.snapshot.get("collecting_department_id") or 0, ""
            ),
            "approving_department": names.get(
                entry.snapshot.get("approving_department_id") or 0, ""
            ),
        }
        ws.append([_cell_value(c, snap.get(c.field), {}) for c in DIRECTORY_COLUMNS])
        for item in snap.get("items", []):
            row = {
                **item,
                "code": entry.code,
                "resource_name": entry.name,
                "sharing_type": item.get("sharing_type") or entry.sharing_type,
            }
            items.append([_cell_value(c, row.get(c.field), {}) for c in DIRECTORY_ITEM_COLUMNS])
    return save_book(book)
