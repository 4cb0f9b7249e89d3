"""What the application pages say and read: state labels, the service's refusals as messages,
the application form as typed, and the timeline of an application."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from govshare.attachments.service import Upload
from govshare.catalogue.enums import SharingType
from govshare.http.rendering import flash
from govshare.kit.errors import DomainError, Invalid
from govshare.profiles.service import get_active_profile
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application, ApplicationState

S = ApplicationState


def _(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


STATE_LABELS = {
    S.SUBMITTED: _("Awaiting the answer"),
    S.APPROVED: _("Approved"),
    S.REFUSED: _("Refused"),
    S.WITHDRAWN: _("Withdrawn"),
    S.DEEMED_CONSENT: _("Deemed consent"),
    S.REFERRED_TO_AUTHORITY: _("Referred to the data department"),
    S.DELIVERED: _("Delivered"),
}
GRANT_LABELS = {
    "active": _("In force"),
    "not_yet_valid": _("Not yet in force"),
    "expired": _("Expired"),
    "revoked": _("Revoked"),
    "suspended": _("Suspended"),
}
# The service's refusals, by code, as messages the console translates, and the field they concern.
MESSAGES: dict[str, tuple[str, str]] = {
    "purpose_required": (_("State the purpose of the use (GZ 25; ZS 21)"), "purpose_text"),
    "purpose_required_too_long": (_("The text is too long"), "purpose_text"),
    "legal_basis_required": (_("State the legal basis of the use (GZ 25; ZS 21)"), "legal_basis"),
    "legal_basis_required_too_long": (_("The text is too long"), "legal_basis"),
    "invalid_purpose_code": (
        _("A business-matter code is 1-64 letters, digits or . _ : / - (GZ 25; ZS 21)"),
        "purposes",
    ),
    "missing_purpose": (_("Name at least one business matter"), "purposes"),
    "missing_item": (_("Tick the data items needed (and only those)"), "items"),
    "unknown_item": (_("The resource has no data item {items}"), "items"),
    "item_unconditional": (
        _("{items}: shared unconditionally, take them without applying (GZ 26)"),
        "items",
    ),
    "item_not_shared": (_("{items}: not shared, only verification is possible (GZ 26)"), "items"),
    "invalid_period": (
        _("The period must end on or after its start, and not in the past"),
        "period",
    ),
    "invalid_date": (_("Enter a date (YYYY-MM-DD)"), "period"),
    "not_conditional": (_("This resource is not shared conditionally: nothing to apply for"), ""),
    "own_resource": (_("A department does not apply for its own data"), ""),
    "attachment_type": (
        _("Attachments must be PDF, OFD, JPEG, PNG, text, Word or Excel files"),
        "attachments",
    ),
    "attachment_too_large": (_("An attachment is larger than 10 MB"), "attachments"),
    "attachment_too_many": (_("Too many attachments (at most {limit})"), "attachments"),
    "attachment_empty": (_("An attachment is empty"), "attachments"),
    "refusal_reason_required": (_("A refusal states its reasons ({article})"), "reason"),
    "items_not_requested": (_("Approve some of the items applied for, and no others"), "items"),
    "answer_too_late": (
        _("The answer was due by {due}: since the next day the silence has had its effect"),
        "",
    ),
    "illegal_transition": (_("Not possible in the application's present state"), ""),
}
REFUSED_FORM = _("The application was not submitted: correct the fields marked below.")
CODES = re.compile(r"[\s,，;；、]+")


def known(
    exc: DomainError, application: Application | None = None
) -> tuple[str, str, dict[str, str]]:
    """The message id, the field and the parameters of a refusal of the service."""
    msgid, name = MESSAGES.get(exc.code, (exc.message, ""))
    params = {
        "items": "、".join(str(i) for i in exc.details.get("items", [])),
        "limit": str(exc.details.get("limit", "")),
        "article": get_active_profile().applications.refusal_reasons_required.citation(),
        "due": str(application.due_on if application is not None else ""),
    }
    return msgid, name, params


def flash_error(request: Request, exc: DomainError, application: Application | None = None) -> None:
    msgid, _field, params = known(exc, application)
    flash(request, msgid, "error", **params)


def parse_day(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("enter a date (YYYY-MM-DD)", code="invalid_date") from None


def parse_state(value: str) -> ApplicationState | None:
    return S(value) if value in set(S) else None


@dataclass
class ApplyForm:
    """What the user typed into the application form, kept as text to show it again."""

    values: dict[str, str]
    items: list[str]
    secret: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)

    def missing(self) -> list[str]:
        """The codes of the required fields left empty."""
        required = {
            "purpose_text": "purpose_required",
            "legal_basis": "legal_basis_required",
            "purposes": "missing_purpose",
        }
        out = [code for name, code in required.items() if not self.values.get(name)]
        return out if self.items else [*out, "missing_item"]

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name or "form", []).append(message)


def timeline(application: Application, grant_source: str | None) -> list[dict[str, Any]]:
    a = application
    state = S(a.state)
    steps: list[dict[str, Any]] = [
        {"key": "submitted", "label": _("Submitted"), "day": a.submitted_on, "note": a.submitted_by}
    ]
    if a.due_on:
        steps.append({"key": "due", "label": _("Answer due"), "day": a.due_on, "note": ""})
    if a.answered_on:
        label = _("Refused") if state == S.REFUSED else _("Approved")
        steps.append(
            {"key": "answered", "label": label, "day": a.answered_on, "note": a.answered_by}
        )
    if grant_source == "deemed_consent":
        effective = a.due_on + timedelta(days=1) if a.due_on else None
        steps.append({"key": "deemed", "label": _("Deemed consent"), "day": effective, "note": ""})
    if state == S.REFERRED_TO_AUTHORITY or a.provide_due_on:
        steps.append(
            {
                "key": "referred",
                "label": _("Referred to the data department; provision due"),
                "day": a.provide_due_on,
                "note": "",
            }
        )
    if state == S.WITHDRAWN:
        steps.append({"key": "withdrawn", "label": _("Withdrawn"), "day": None, "note": ""})
    if a.delivery_due_on:
        steps.append(
            {
                "key": "delivery_due",
                "label": _("Delivery due"),
                "day": a.delivery_due_on,
                "note": "",
            }
        )
    if a.delivered_on:
        steps.append(
            {"key": "delivered", "label": _("Delivered"), "day": a.delivered_on, "note": ""}
        )
    return steps


def item_rows(entry: Any) -> list[dict[str, Any]]:
    """The resource's data items, each with its effective sharing type (GZ 9)."""
    types = dict(sharing.item_types(entry))
    return [
        {**i, "type": str(types.get(i["name"], SharingType.NONE))}
        for i in entry.snapshot.get("items", [])
    ]


async def uploads_of(posted: FormData) -> list[Upload]:
    """The files of the form's `attachments` field (a field left empty sends none)."""
    return [
        Upload(f.filename or "", await f.read())
        for f in posted.getlist("attachments")
        if isinstance(f, UploadFile) and f.filename
    ]
