"""Console pages of the resource catalogue, its review, change events and the sharing directory."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from govshare.calendar.service import WorkingCalendar
from govshare.catalogue import directory
from govshare.catalogue import service as catalogue
from govshare.catalogue.enums import (
    BasicCategory,
    BasisKind,
    CatalogueKind,
    ChangeEventKind,
    DataType,
    DisputeStatus,
    OpenType,
    ResourceFormat,
    ResourceStatus,
    SharingMethod,
    SharingType,
    SubjectKeyType,
    UpdateCycle,
)
from govshare.catalogue.models import Resource, ResourceVersion
from govshare.catalogue.rules_check import RuleViolations
from govshare.catalogue.schemas import ResourceIn
from govshare.http.deps import USER_ROLES_ALL, Db, TransactionalRoute, allow
from govshare.http.i18n import translator
from govshare.http.rendering import flash, form_error, locale_of, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Forbidden, Invalid
from govshare.kit.pagination import Page
from govshare.orgs import service as orgs
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

AUTHORITY = (Role.AUTHORITY_ADMIN,)
PROVIDERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)
CATALOGUE_READERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.AUDITOR)
# Who may dispute another department's sharing type (ZS 10; ZZ 18): its data officers and staff.
DISPUTANTS = (Role.DATA_OFFICER, Role.STAFF)


# --- labels ------------------------------------------------------------------------------------


def _(message: str) -> str:
    """Marks a message id for extraction (scripts/i18n.py); it is translated where it is shown."""
    return message


FIELD_LABELS: dict[str, str] = {
    "code": _("Resource code"),
    "department_id": _("Provider department"),
    "name": _("Resource name"),
    "name_en": _("English name"),
    "abstract": _("Abstract"),
    "catalogue_kind": _("Catalogue kind"),
    "basic_category": _("Basic information category"),
    "thematic_lead_department_id": _("Lead department of the theme"),
    "class_code": _("Classification code"),
    "format": _("Format"),
    "subject_key_type": _("Subject key"),
    "subject_key_name": _("Name of the own key"),
    "sharing_type": _("Sharing type"),
    "sharing_conditions": _("Sharing conditions"),
    "sharing_basis": _("Basis"),
    "sharing_basis_kind": _("Kind of basis"),
    "sharing_method": _("Sharing method"),
    "sharing_scope": _("Sharing scope"),
    "purposes": _("Purposes"),
    "open_type": _("Open attribute"),
    "open_conditions": _("Open conditions"),
    "update_cycle": _("Update cycle"),
    "published_on": _("Publication date"),
    "related_codes": _("Related resource codes"),
    "sample_data": _("Sample data"),
    "use_requirements": _("Use requirements"),
    "responsible_person": _("Responsible person"),
    "collecting_department_id": _("Collecting department"),
    "approving_department_id": _("Approving department"),
    "contains_state_secret": _("Contains state secrets"),
    "data_grade": _("Data grade"),
    "data_classification": _("Data classification"),
    "project_id": _("Informatization project"),
    "items": _("Data items"),
    "items.name": _("Item name"),
    "items.name_en": _("English name"),
    "items.data_type": _("Data type"),
    "items.length": _("Length"),
    "items.description": _("Description"),
    "items.is_subject_key": _("Subject key"),
    "items.sharing_type": _("Sharing"),
}

# Labels of the values of each enum-valued field (one source for the form, the pages and the diff).
ENUM_LABELS: dict[str, dict[str, str]] = {
    "catalogue_kind": {
        CatalogueKind.BASIC: _("Basic information"),
        CatalogueKind.THEMATIC: _("Thematic information"),
        CatalogueKind.DEPARTMENTAL: _("Departmental information"),
    },
    "basic_category": {
        BasicCategory.NATURAL_PERSON: _("Natural persons"),
        BasicCategory.LEGAL_PERSON: _("Legal persons"),
        BasicCategory.NATURAL_RESOURCES: _("Natural resources and spatial geography"),
        BasicCategory.E_CERTIFICATE: _("Electronic certificates"),
    },
    "format": {
        ResourceFormat.ELECTRONIC_FILE: _("Electronic file"),
        ResourceFormat.SPREADSHEET: _("Spreadsheet"),
        ResourceFormat.DATABASE: _("Database"),
        ResourceFormat.IMAGE: _("Graphics and images"),
        ResourceFormat.STREAMING: _("Streaming media"),
        ResourceFormat.SELF_DESCRIBING: _("Self-describing format"),
        ResourceFormat.SERVICE_INTERFACE: _("Service interface"),
    },
    "subject_key_type": {
        SubjectKeyType.RESIDENT_ID: _("Resident identity number"),
        SubjectKeyType.CREDIT_CODE: _("Unified social credit code"),
        SubjectKeyType.CUSTOM: _("A key of the resource's own"),
    },
    "sharing_type": {
        SharingType.UNCONDITIONAL: _("Unconditional sharing"),
        SharingType.CONDITIONAL: _("Conditional sharing"),
        SharingType.NONE: _("No sharing"),
    },
    "sharing_method": {
        SharingMethod.INTERFACE: _("Platform interface"),
        SharingMethod.FILE: _("File"),
        SharingMethod.TABLE: _("Table"),
        SharingMethod.VERIFICATION_ONLY: _("Verification only"),
    },
    "open_type": {
        OpenType.OPEN: _("Open"),
        OpenType.CONDITIONAL: _("Conditionally open"),
        OpenType.NOT_OPEN: _("Not open"),
    },
    "update_cycle": {
        UpdateCycle.REAL_TIME: _("Real time"),
        UpdateCycle.DAILY: _("Daily"),
        UpdateCycle.WEEKLY: _("Weekly"),
        UpdateCycle.MONTHLY: _("Monthly"),
        UpdateCycle.QUARTERLY: _("Quarterly"),
        UpdateCycle.YEARLY: _("Yearly"),
        UpdateCycle.AS_NEEDED: _("As needed"),
    },
    "sharing_basis_kind": {
        BasisKind.LAW: _("Law"),
        BasisKind.ADMINISTRATIVE_REGULATION: _("Administrative regulation"),
        BasisKind.CENTRAL_POLICY: _("Policy of the Party Central Committee or the State Council"),
        BasisKind.LOCAL_REGULATION: _("Local regulation"),
        BasisKind.RULE: _("Government rule"),
        BasisKind.OTHER: _("Other"),
    },
    "data_type": {
        DataType.STRING: _("Text"),
        DataType.INTEGER: _("Integer"),
        DataType.DECIMAL: _("Decimal"),
        DataType.DATE: _("Date"),
        DataType.DATETIME: _("Date and time"),
        DataType.BOOLEAN: _("Yes/no"),
        DataType.BINARY: _("Binary"),
    },
    "status": {
        ResourceStatus.DRAFT: _("Draft"),
        ResourceStatus.SUBMITTED: _("Submitted"),
        ResourceStatus.RETURNED: _("Returned"),
        ResourceStatus.APPROVED: _("Approved"),
        ResourceStatus.PUBLISHED: _("Published"),
    },
    "change_kind": {
        ChangeEventKind.LAW_AMENDED: _("A law or regulation was amended"),
        ChangeEventKind.FUNCTION_CHANGED: _("The department's functions changed"),
        ChangeEventKind.OTHER: _("Other change"),
    },
    "dispute_status": {
        DisputeStatus.OPEN: _("Pending decision"),
        DisputeStatus.DECIDED: _("Decided"),
    },
    "access": {
        "take_directly": _("Take directly"),
        "apply": _("Apply"),
        "verify_only": _("Verify only"),
    },
    "outcome": {
        "submitted": _("Awaiting review"),
        "returned": _("Returned"),
        "approved": _("Approved"),
    },
}
ENUM_LABELS["items.data_type"] = ENUM_LABELS["data_type"]
ENUM_LABELS["items.sharing_type"] = ENUM_LABELS["sharing_type"]

# The reasons of rules_check.problems_of, as message ids: a reason is matched against them (its
# citation, "[GZ 10]", set aside) to be shown translated; a reason that no longer matches is shown
# as the service wrote it.
RULE_MESSAGES = (
    _("a resource holding state secrets cannot be entered on the platform (GZ 20; ZS 17)"),
    _(
        "a basic-information resource names its category (natural person, legal person, natural resources, electronic certificate)"
    ),
    _("basic information is shared unconditionally"),
    _("only a basic-information resource has a basic category"),
    _("a thematic resource names its lead department (ZS 13)"),
    _("conditional sharing states its basis"),
    _("conditional sharing states its conditions"),
    _("no sharing cites the law, regulation or policy it rests on"),
    _("no sharing rests on one of: {kinds}"),
    _("a resource keyed by its own key names that key"),
    _("exactly one data item is the subject key (found {found})"),
    _("data item names are unique within a resource"),
    _("only a conditional resource may share some items unconditionally (GZ 9)"),
    _("the grade is one of {grades}"),
)

# Reasons of pydantic's error types, in words an official understands.
INPUT_REASONS = {
    "missing": _("this field is required"),
    "string_too_short": _("this field is required"),
    "too_short": _("add at least one data item"),
    "string_too_long": _("the text is too long"),
    "string_pattern_mismatch": _("use letters and digits only"),
    "int_parsing": _("enter a whole number"),
    "int_from_float": _("enter a whole number"),
    "greater_than_equal": _("the number is too small"),
    "enum": _("choose one of the listed options"),
    "date_parsing": _("enter a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": _("enter a date (YYYY-MM-DD)"),
    "bool_parsing": _("tick the box or leave it empty"),
}

_CITATION = re.compile(r"\s*\[(?P<cite>[^\[\]]+)\]\s*$")


def _message_pattern(msgid: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", msgid)
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    )


_RULE_PATTERNS = [(m, _message_pattern(m)) for m in RULE_MESSAGES]


def rule_reason(gettext: Callable[..., str], reason: str) -> str:
    """A reason of the rules check in the reader's language, its citation kept."""
    cite = ""
    found = _CITATION.search(reason)
    if found:
        cite, reason = found["cite"], reason[: found.start()]
    for msgid, pattern in _RULE_PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            params = match.groupdict()
            if "kinds" in params:
                labels = ENUM_LABELS["sharing_basis_kind"]
                params["kinds"] = "、".join(
                    gettext(labels.get(k.strip(), k.strip())) for k in params["kinds"].split(",")
                )
            reason = gettext(msgid, **params)
            break
    return f"{reason} [{cite}]" if cite else reason


class Labeller:
    """Turns field names and stored values into what the reader sees, in the page's language."""

    def __init__(self, request: Request, depts: dict[int, Department]) -> None:
        self.gettext = translator(locale_of(request))
        self.english = locale_of(request) == "en"
        self.depts = depts

    def field(self, name: str) -> str:
        """The label of a field (`items.3.length` reads as the label of `items.length`)."""
        generic = re.sub(r"\.\d+\.", ".", name)
        return self.gettext(FIELD_LABELS.get(generic, FIELD_LABELS.get(name, name)))

    def value(self, name: str, value: Any) -> str:
        """A stored value as text: enum labels, department names, yes/no, lists."""
        gettext = self.gettext
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if name.endswith("department_id"):
            dept = self.depts.get(int(value))
            if dept is None:
                return str(value)
            return dept.name_en if self.english and dept.name_en else dept.name
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        labels = ENUM_LABELS.get(name, {})
        return gettext(labels[value]) if isinstance(value, str) and value in labels else str(value)


def _page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    depts: dict[int, Department] | None = None,
    status_code: int = 200,
) -> Response:
    labeller = Labeller(request, depts or {})
    common = {
        "field_label": labeller.field,
        "label": labeller.value,
        "options": ENUM_LABELS,
        "depts": depts or {},
        "profile": get_active_profile(),
    }
    return render(request, template, {**common, **context}, status_code)


def _departments(db: Db) -> dict[int, Department]:
    return {d.id: d for d in orgs.list_departments(db, per_page=200).items}


def _sees_all(actor: Actor) -> bool:
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def _provides(actor: Actor, department_id: int) -> bool:
    """Whether the actor edits the department's catalogue (mirrors the service's own check)."""
    return actor.has_role(Role.AUTHORITY_ADMIN) or (
        actor.has_role(Role.DATA_OFFICER) and actor.department_id == department_id
    )


def _reads(actor: Actor, resource: Resource) -> bool:
    """The working copy is the provider's and the authority's; others read the directory."""
    return _sees_all(actor) or actor.department_id == resource.department_id


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _back(target: str, default: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else default


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("enter a date (YYYY-MM-DD)", code="invalid_date") from None


# --- the entry form ------------------------------------------------------------------------------

ITEM_FIELDS = (
    "name",
    "name_en",
    "data_type",
    "length",
    "description",
    "is_subject_key",
    "sharing_type",
)
_ITEM_KEY = re.compile(r"^items-(\d+)-(\w+)$")
_CODES = re.compile(r"[\s,，;；、]+")


def _nullable(name: str, model: type[Any]) -> bool:
    annotation = model.model_fields[name].annotation
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in (
        typing.get_args(annotation)
    )


@dataclass
class EntryForm:
    """What the user typed into the entry form, as text, so that a refused form shows it again."""

    values: dict[str, str] = field(default_factory=dict)
    items: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, form: FormData) -> EntryForm:
        """The posted form; item rows come as items-N-field, N in any order, blank rows dropped."""
        values = {
            name: str(form.get(name, "")).strip()
            for name in ResourceIn.model_fields
            if name != "items"
        }
        rows: dict[int, dict[str, str]] = {}
        for key, value in form.multi_items():
            match = _ITEM_KEY.match(key)
            if match and match[2] in ITEM_FIELDS:
                rows.setdefault(int(match[1]), {})[match[2]] = str(value).strip()
        typed = ("name", "name_en", "length", "description")
        items = [rows[n] for n in sorted(rows) if any(rows[n].get(k) for k in typed)]
        return cls(values=values, items=items)

    @classmethod
    def of(cls, data: ResourceIn) -> EntryForm:
        """A saved entry, to edit."""
        return cls(
            values={k: _text(v) for k, v in data.model_dump(exclude={"items"}).items()},
            items=[{k: _text(v) for k, v in i.model_dump().items()} for i in data.items],
        )

    def to_input(self) -> ResourceIn:
        """The typed values as a ResourceIn (raises pydantic's ValidationError)."""
        data: dict[str, Any] = {}
        for name, value in self.values.items():
            if name == "contains_state_secret":
                data[name] = value in ("on", "true", "1")
            elif name == "related_codes":
                data[name] = [c for c in _CODES.split(value) if c]
            elif value:
                data[name] = value
            elif _nullable(name, ResourceIn):
                data[name] = None
            elif isinstance(ResourceIn.model_fields[name].default, str):
                data[name] = ""
        data["items"] = [_item_input(row) for row in self.items]
        return ResourceIn.model_validate(data)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _item_input(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"is_subject_key": row.get("is_subject_key") in ("on", "true", "1")}
    for name in ("name", "name_en", "data_type", "length", "description", "sharing_type"):
        value = row.get(name, "")
        if value:
            item[name] = value
        elif name in ("length", "sharing_type"):
            item[name] = None
        elif name != "data_type":
            item[name] = ""
    return item


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _error_key(loc: Iterable[Any]) -> str:
    """`("items", 0, "length")` → `items.1.length` (rows counted from 1, as the rules check does)."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "items" and isinstance(parts[1], int):
        parts[1] += 1
    return ".".join(str(p) for p in parts)


def _refused(
    request: Request, db: Db, form: EntryForm, exc: Exception, *, resource: Resource | None
) -> Response:
    """The form again, as typed, with each problem next to its field (nothing was saved)."""
    labeller = Labeller(request, {})
    gettext = labeller.gettext
    status = 422
    if isinstance(exc, ValidationError):
        for err in exc.errors():
            key = _error_key(err["loc"])
            reason = INPUT_REASONS.get(err["type"], err["msg"])
            if key == "items" and err["type"] != "too_short":
                reason = err["msg"]
            form.add_error(key, gettext(reason))
            flash(
                request,
                "Check the field “{field}”: {reason}",
                "error",
                field=labeller.field(key),
                reason=gettext(reason),
            )
    elif isinstance(exc, RuleViolations):
        for problem in exc.details.get("problems", []):
            form.add_error(problem["field"], rule_reason(gettext, problem["message"]))
        flash(request, "The entry was not saved: correct the fields marked below.", "error")
    elif isinstance(exc, DomainError):
        status = exc.status
        form.add_error(str(exc.details.get("field", "")), gettext(exc.message))
        flash(request, exc.message, "error")
    return _form_page(request, db, form, resource=resource, status_code=status)


def _form_page(
    request: Request, db: Db, form: EntryForm, *, resource: Resource | None, status_code: int = 200
) -> Response:
    depts = _departments(db)
    grades = get_active_profile().classification.grades
    return _page(
        request,
        "catalogue/form.html",
        {
            "resource": resource,
            "values": form.values,
            "items": form.items or [{}],
            "errors": form.errors,
            "item_errors": _item_errors(form),
            "grades": [] if grades.silent else grades.levels,
            "rules": get_active_profile().catalogue,
        },
        depts=depts,
        status_code=status_code,
    )


def _item_errors(form: EntryForm) -> dict[int, list[str]]:
    """Problems of each data item row (1-based), whatever field of the row they name."""
    out: dict[int, list[str]] = {}
    for key, messages in form.errors.items():
        match = re.match(r"^items\.(\d+)(?:\.(\w+))?$", key)
        if match:
            out.setdefault(int(match[1]), []).extend(messages)
    return out


def _default_form(actor: Actor) -> EntryForm:
    return EntryForm(
        values={
            "department_id": str(actor.department_id or ""),
            "catalogue_kind": CatalogueKind.DEPARTMENTAL,
            "format": ResourceFormat.DATABASE,
            "subject_key_type": SubjectKeyType.RESIDENT_ID,
            "sharing_type": SharingType.UNCONDITIONAL,
            "sharing_method": SharingMethod.INTERFACE,
            "open_type": OpenType.NOT_OPEN,
            "update_cycle": UpdateCycle.DAILY,
        },
        items=[{"is_subject_key": "on", "data_type": DataType.STRING}],
    )


@router.get("/catalogue/new", response_class=HTMLResponse)
def new_entry(request: Request, db: Db, actor: Actor = allow(*PROVIDERS)) -> Response:
    """The empty entry form."""
    return _form_page(request, db, _default_form(actor), resource=None)


@router.post("/catalogue/new", response_class=HTMLResponse)
async def create_entry(request: Request, db: Db, actor: Actor = allow(*PROVIDERS)) -> Response:
    """Adds a draft entry from the form; a refused form comes back as typed, with its problems."""
    form = EntryForm.read(await request.form())
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        form.values["department_id"] = str(actor.department_id or "")
    try:
        data = form.to_input()
        with db.begin_nested():
            resource = catalogue.create_resource(db, actor=actor, data=data)
    except (ValidationError, RuleViolations, Invalid) as exc:
        return _refused(request, db, form, exc, resource=None)
    flash(request, "Entry saved as a draft: submit it for review when it is complete")
    return redirect(f"/catalogue/{resource.id}")


@router.get("/catalogue/{resource_id}/edit", response_class=HTMLResponse)
def edit_entry(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*PROVIDERS)
) -> Response:
    """The entry form filled with the working copy."""
    resource = catalogue.get_resource(db, resource_id=resource_id)
    if not _provides(actor, resource.department_id):
        raise Forbidden("only the department's data officer edits its catalogue")
    if resource.status not in ResourceStatus.editable():
        flash(request, "The entry is under review: it can be edited once it is reviewed", "warning")
        return redirect(f"/catalogue/{resource.id}")
    return _form_page(request, db, EntryForm.of(catalogue.as_input(resource)), resource=resource)


@router.post("/catalogue/{resource_id}/edit", response_class=HTMLResponse)
async def update_entry(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*PROVIDERS)
) -> Response:
    """Saves the edited entry; a published entry becomes the draft of its next version."""
    resource = catalogue.get_resource(db, resource_id=resource_id)
    form = EntryForm.read(await request.form())
    form.values["department_id"] = str(resource.department_id)
    try:
        data = form.to_input()
        with db.begin_nested():
            catalogue.update_resource(db, actor=actor, resource_id=resource.id, data=data)
    except (ValidationError, RuleViolations, Invalid) as exc:
        db.refresh(resource)
        return _refused(request, db, form, exc, resource=resource)
    flash(request, "Entry saved")
    return redirect(f"/catalogue/{resource.id}")


# --- the catalogue and an entry -------------------------------------------------------------------


@router.get("/catalogue", response_class=HTMLResponse)
def entries(
    request: Request,
    db: Db,
    q: str = "",
    status: str = "",
    department_id: str = "",
    page: int = 1,
    actor: Actor = allow(*CATALOGUE_READERS),
) -> Response:
    """The department's catalogue; every department's, with a filter, for the authority."""
    scope = _int_or_none(department_id) if _sees_all(actor) else actor.department_id
    status = status if status in set(ResourceStatus) else ""
    result = catalogue.list_resources(
        db, department_id=scope, status=status, q=q, page=page, per_page=25
    )
    query = urlencode({"q": q, "status": status, "department_id": scope or ""})
    return _page(
        request,
        "catalogue/list.html",
        {"page": result, "q": q, "status": status, "scope": scope, "query": query},
        depts=_departments(db),
    )


@router.get("/catalogue/review", response_class=HTMLResponse)
def review(request: Request, db: Db, page: int = 1, actor: Actor = allow(*AUTHORITY)) -> Response:
    """The authority's review queue, the most urgent first, and what awaits publication."""
    queue = catalogue.review_queue(db, page=page, per_page=50)
    today = today_of(request)
    # One calendar per request: it reads the schedule once for every row of the page.
    workdays = WorkingCalendar(db)
    left = {r.id: workdays.between(today, r.review_due_on) for r in queue.items if r.review_due_on}
    approved = catalogue.list_resources(db, status=ResourceStatus.APPROVED, per_page=200)
    return _page(
        request,
        "catalogue/review.html",
        {"queue": queue, "left": left, "approved": approved, "query": ""},
        depts=_departments(db),
    )


@router.get("/catalogue/changes", response_class=HTMLResponse)
def changes(
    request: Request, db: Db, department_id: str = "", actor: Actor = allow(*PROVIDERS)
) -> Response:
    """Change events that oblige a catalogue update (GZ 8; ZS 11) and the full review (ZS 11)."""
    admin = actor.has_role(Role.AUTHORITY_ADMIN)
    scope = _int_or_none(department_id) if admin else actor.department_id
    events = catalogue.change_events(db, department_id=scope)
    last_review = catalogue.last_full_review(db, department_id=scope) if scope else None
    return _page(
        request,
        "catalogue/changes.html",
        {
            "events": events,
            "scope": scope,
            "last_review": last_review,
            "rules": get_active_profile().catalogue,
        },
        depts=_departments(db),
    )


def _diff_pair(
    resource: Resource, history: list[ResourceVersion], old: int | None, new: int | None
) -> tuple[int, int] | None:
    """The versions compared by default: the last submission and the edits since, or the last two."""
    if old is not None and new is not None:
        return old, new
    if not history:
        return None
    last = history[-1].version
    if resource.status in (ResourceStatus.DRAFT, ResourceStatus.RETURNED):
        return last, 0
    return (last - 1, last) if last > 1 else None


def _diff_rows(changes: list[dict[str, Any]], labeller: Labeller) -> list[dict[str, Any]]:
    """Changes as the diff table shows them; a data item lists its changed properties."""
    rows: list[dict[str, Any]] = []
    for change in changes:
        name = change["field"]
        if not name.startswith("items["):
            rows.append(
                {
                    "field": labeller.field(name),
                    "old": labeller.value(name, change["old"]),
                    "new": labeller.value(name, change["new"]),
                    "parts": [],
                }
            )
            continue
        old, new = change["old"] or {}, change["new"] or {}
        parts = [
            (
                labeller.field(f"items.{key}"),
                labeller.value(f"items.{key}", old.get(key)) if old else "",
                labeller.value(f"items.{key}", new.get(key)) if new else "",
            )
            for key in ITEM_FIELDS
            if old.get(key) != new.get(key)
        ]
        what = "added" if not old else "removed" if not new else "changed"
        item = name[len("items[") : -1]
        rows.append({"field": labeller.field("items"), "item": item, "what": what, "parts": parts})
    return rows


@router.get("/catalogue/{resource_id}", response_class=HTMLResponse)
def entry(
    request: Request,
    db: Db,
    resource_id: int,
    old: int | None = None,
    new: int | None = None,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """An entry: its fields, items, workflow, version history with a diff, disputes."""
    resource = catalogue.get_resource(db, resource_id=resource_id)
    if not _reads(actor, resource):
        if resource.published_version is not None:
            return redirect(f"/directory/{resource.id}")
        raise Forbidden("only the provider and the authority see an entry before it is published")
    depts = _departments(db)
    history = catalogue.versions(db, resource_id=resource.id)
    pair = _diff_pair(resource, history, old, new)
    diff = (
        catalogue.diff_versions(db, resource_id=resource.id, old=pair[0], new=pair[1])
        if pair
        else []
    )
    today = today_of(request)
    left = (
        WorkingCalendar(db).between(today, resource.review_due_on)
        if resource.status == ResourceStatus.SUBMITTED and resource.review_due_on
        else None
    )
    return _page(
        request,
        "catalogue/entry.html",
        {
            "r": resource,
            "history": history,
            "pair": pair,
            "diff": _diff_rows(diff, Labeller(request, depts)),
            "left": left,
            "disputes": catalogue.disputes(db, resource_id=resource.id),
            "provides": _provides(actor, resource.department_id),
            "editable": resource.status in ResourceStatus.editable(),
            # every field of the entry (the state-secret flag is a hard stop, never stored)
            "fields": [
                f
                for f in FIELD_LABELS
                if "." not in f and f not in ("items", "code", "contains_state_secret")
            ],
        },
        depts=depts,
    )


@router.post("/catalogue/{resource_id}/submit")
def submit(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*PROVIDERS)
) -> Response:
    """Submits the entry for review."""
    back = f"/catalogue/{resource_id}"
    try:
        with db.begin_nested():
            resource = catalogue.submit(
                db, actor=actor, resource_id=resource_id, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    if resource.review_due_on:
        flash(
            request,
            "Submitted for review: the authority answers by {due}",
            due=resource.review_due_on.isoformat(),
        )
    else:
        flash(request, "Submitted for review")
    return redirect(back)


@router.post("/catalogue/{resource_id}/return")
def return_entry(
    request: Request,
    db: Db,
    resource_id: int,
    comment: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Returns the submitted entry to its provider with comments."""
    back = f"/catalogue/{resource_id}"
    try:
        with db.begin_nested():
            catalogue.return_entry(
                db, actor=actor, resource_id=resource_id, comment=comment, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Entry returned to its provider with your comments")
    return redirect(back)


@router.post("/catalogue/{resource_id}/approve")
def approve(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*AUTHORITY)
) -> Response:
    """Approves the submitted entry."""
    back = f"/catalogue/{resource_id}"
    try:
        with db.begin_nested():
            catalogue.approve(db, actor=actor, resource_id=resource_id, today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Entry approved: publish it to the sharing directory")
    return redirect(back)


@router.post("/catalogue/{resource_id}/publish")
def publish(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*AUTHORITY)
) -> Response:
    """Publishes one approved entry to the sharing directory."""
    back = f"/catalogue/{resource_id}"
    try:
        with db.begin_nested():
            catalogue.publish(db, actor=actor, resource_ids=[resource_id], today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Entry published in the sharing directory")
    return redirect(back)


@router.post("/catalogue/publish-approved")
def publish_approved(request: Request, db: Db, actor: Actor = allow(*AUTHORITY)) -> Response:
    """Publishes every approved entry (GZ 11)."""
    try:
        with db.begin_nested():
            published = catalogue.publish(db, actor=actor, today=today_of(request))
    except DomainError as exc:
        return form_error(request, exc, "/catalogue/review")
    flash(request, "{n} entries published in the sharing directory", n=str(len(published)))
    return redirect("/catalogue/review")


# --- disputes over the sharing type (ZS 10; ZZ 18) -----------------------------------------------------


@router.post("/catalogue/{resource_id}/disputes")
def raise_dispute(
    request: Request,
    db: Db,
    resource_id: int,
    requested_type: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*DISPUTANTS),
) -> Response:
    """Another department disputes the sharing type of a published entry."""
    back = f"/directory/{resource_id}"
    try:
        if requested_type not in set(SharingType):
            raise Invalid("choose the sharing type you ask for", code="invalid_sharing_type")
        with db.begin_nested():
            catalogue.raise_dispute(
                db,
                actor=actor,
                resource_id=resource_id,
                requested_type=requested_type,
                reason=reason,
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Dispute registered: the authority decides it")
    return redirect(back)


@router.post("/catalogue/disputes/{dispute_id}/decide")
def decide_dispute(
    request: Request,
    db: Db,
    dispute_id: int,
    decided_type: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/catalogue/review",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """The authority decides a sharing-type dispute, with its reason."""
    back = _back(back, "/catalogue/review")
    try:
        if decided_type not in set(SharingType):
            raise Invalid("choose the sharing type you decide on", code="invalid_sharing_type")
        with db.begin_nested():
            catalogue.decide_dispute(
                db,
                actor=actor,
                dispute_id=dispute_id,
                decided_type=decided_type,
                reason=reason,
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Dispute decided")
    return redirect(back)


# --- change events and the full review ---------------------------------------------------------------


def _changes_target(actor: Actor, department_id: str) -> tuple[int, str]:
    """The department a change-events form acts for, and the page to return to."""
    dept_id = _int_or_none(department_id) or actor.department_id or 0
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return dept_id, f"/catalogue/changes?department_id={dept_id}"
    return dept_id, "/catalogue/changes"


@router.post("/catalogue/changes")
def register_change(
    request: Request,
    db: Db,
    kind: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    occurred_on: Annotated[str, Form()] = "",
    department_id: Annotated[str, Form()] = "",
    actor: Actor = allow(*PROVIDERS),
) -> Response:
    """Registers a change that obliges a catalogue update within the profile's deadline."""
    dept_id, back = _changes_target(actor, department_id)
    try:
        if kind not in set(ChangeEventKind):
            raise Invalid("choose what changed", code="invalid_change_kind")
        with db.begin_nested():
            event = catalogue.register_change_event(
                db,
                actor=actor,
                department_id=dept_id,
                kind=kind,
                description=description,
                occurred_on=_day(occurred_on),
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    if event.due_on:
        flash(
            request,
            "Change registered: the catalogue must be updated by {due}",
            due=event.due_on.isoformat(),
        )
    else:
        flash(request, "Change registered")
    return redirect(back)


@router.post("/catalogue/changes/{event_id}/resolve")
def resolve_change(
    request: Request,
    db: Db,
    event_id: int,
    resolution: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/catalogue/changes",
    actor: Actor = allow(*PROVIDERS),
) -> Response:
    """Closes a change event with how the catalogue was brought up to date."""
    back = _back(back, "/catalogue/changes")
    try:
        with db.begin_nested():
            catalogue.resolve_change_event(
                db, actor=actor, event_id=event_id, resolution=resolution, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Change event resolved")
    return redirect(back)


@router.post("/catalogue/full-review")
def full_review(
    request: Request,
    db: Db,
    department_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    actor: Actor = allow(*PROVIDERS),
) -> Response:
    """Records a full review of the department's catalogue (ZS 11)."""
    dept_id, back = _changes_target(actor, department_id)
    try:
        with db.begin_nested():
            catalogue.record_full_review(
                db, actor=actor, department_id=dept_id, today=today_of(request), note=note.strip()
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Full review of the catalogue recorded")
    return redirect(back)


# --- the sharing directory ------------------------------------------------------------------------------


@router.get("/directory", response_class=HTMLResponse)
def directory_search(
    request: Request,
    db: Db,
    q: str = "",
    department_id: str = "",
    catalogue_kind: str = "",
    sharing_type: str = "",
    format: str = "",
    update_cycle: str = "",
    page: int = 1,
    actor: Actor = allow(*USER_ROLES_ALL),
) -> Response:
    """Searches the sharing directory in Chinese or English, with filters and facet counts."""
    filters: dict[str, str | int | None] = {
        "department_id": _int_or_none(department_id),
        "catalogue_kind": catalogue_kind,
        "sharing_type": sharing_type,
        "format": format,
        "update_cycle": update_cycle,
    }
    if page < 1:
        raise Invalid("page must be 1 or more", code="invalid_page")
    result = directory.search(db, q=q, filters=filters, page=page, per_page=20)
    shown = {k: "" if v is None else str(v) for k, v in filters.items()}
    return _page(
        request,
        "catalogue/directory.html",
        {
            "result": result,
            "page": Page(items=result.items, total=result.total, page=page, per_page=20),
            "access": {e.resource_id: directory.access_mode(e) for e in result.items},
            "q": q,
            "filters": shown,
            "query": urlencode({"q": q, **shown}),
        },
        depts=_departments(db),
    )


@router.get("/directory/{resource_id}", response_class=HTMLResponse)
def directory_entry(
    request: Request, db: Db, resource_id: int, actor: Actor = allow(*USER_ROLES_ALL)
) -> Response:
    """A published entry: what a consumer must do to use it, its items, who is responsible."""
    entry = directory.get_entry(db, resource_id=resource_id)
    return _page(
        request,
        "catalogue/directory_entry.html",
        {
            "e": entry,
            "s": entry.snapshot,
            "access": directory.access_mode(entry),
            "disputes": catalogue.disputes(db, resource_id=entry.resource_id),
            "may_dispute": actor.has_role(*DISPUTANTS)
            and actor.department_id not in (None, entry.department_id),
            "reads_catalogue": _sees_all(actor) or actor.department_id == entry.department_id,
        },
        depts=_departments(db),
    )
