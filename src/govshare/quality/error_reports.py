"""Error reports (差错报备, GZ 31): a decision taken wrongly because shared data was inaccurate.

- A consumer reports a decision (enforcement or service) it took wrongly because a shared value
  was inaccurate: the resource, the items, its decision's reference and date, what happened and
  what it did to remedy it; optionally the verification request (核查) the error came out of.
- The authority files the report (备案) or returns it for more information; the consumer
  completes a returned report and sends it again.
- Where the profile's `error_reports.consumer_not_liable` holds (GZ 31), a filed report says
  that the consumer is not held liable for the decision.
- The profile's `error_reports.filing` deadline is silent in every shipped profile (GZ 31:
  "promptly", 及时): a report has no due date, so the sweep has no rule for it; the list shows
  each report's age instead. Under ZS, ZZ and JS (no error-report rule) reports are still
  accepted: a department may always tell the authority, and `filing_required` reads as "no".

Who reads: the consumer its own reports, the provider the reports about its resources (it is
the one that must correct the data), the authority and auditors every report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.models import DataItem, Resource
from govshare.kit.actor import Actor
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.notify import service as notify
from govshare.orgs.models import Department, Role
from govshare.profiles.schema import ErrorReportRules
from govshare.profiles.service import get_active_profile
from govshare.quality.error_report_models import ErrorReport, ReportState
from govshare.quality.verification_models import VerificationRequest

PARTY_ROLES = (Role.DATA_OFFICER, Role.STAFF, Role.SERVICE)
MAX_TEXT = 4000
R = ReportState


def rules() -> ErrorReportRules:
    """The active profile's error-report rules (GZ 31; silent elsewhere)."""
    return get_active_profile().error_reports


def _text(value: str, code: str, *, limit: int = MAX_TEXT, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid("this field is required", code=code)
    if len(text) > limit:
        raise Invalid("the text is too long", code=f"{code}_too_long", limit=limit)
    return text


def _audit(
    session: Session, actor: Actor, report: ErrorReport, action: str, **details: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"error_report.{action}",
        object_type="error_report",
        object_id=report.id,
        details=details,
    )


def _tell(session: Session, report: ErrorReport, *, kind: str, title: str, to: str) -> int:
    if to == "authority":
        people = notify.recipients(session, roles=notify.AUTHORITY)
    else:
        people = notify.recipients(session, department_id=report.consumer_department_id)
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        link=f"/error-reports/{report.id}",
        object_type="error_report",
        object_id=report.id,
    )


def _items(session: Session, resource_id: int, items: Sequence[str]) -> list[str]:
    wanted = [i.strip() for i in items if i and i.strip()]
    if not wanted:
        raise Invalid("name the data items that were inaccurate", code="items_required")
    known = set(session.scalars(select(DataItem.name).where(DataItem.resource_id == resource_id)))
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise Invalid("unknown data items: {items}", code="unknown_items", items=", ".join(unknown))
    return list(dict.fromkeys(wanted))


def report_error(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    items: Sequence[str],
    decision_reference: str,
    decided_on: date | None,
    description: str,
    remedy: str,
    today: date,
    verification_request_id: int | None = None,
) -> ErrorReport:
    """A consumer reports a decision taken wrongly because of inaccurate shared data (GZ 31)."""
    if not actor.has_role(*PARTY_ROLES) or actor.department_id is None:
        raise Forbidden("only a department reports an error", code="not_a_department")
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound("no such resource", code="resource_not_found")
    if resource.department_id == actor.department_id:
        raise Invalid("a department reports errors in other departments' data", code="own_resource")
    if decided_on is not None and decided_on > today:
        raise Invalid("the decision's date is in the future", code="decided_in_future")
    if verification_request_id is not None:
        request = session.get(VerificationRequest, verification_request_id)
        if request is None:
            raise NotFound("no such verification request", code="verification_request_not_found")
        if (request.consumer_department_id, request.resource_id) != (
            actor.department_id,
            resource_id,
        ):
            raise Invalid(
                "the verification request is not yours about this resource",
                code="not_your_request",
            )
    report = ErrorReport(
        consumer_department_id=actor.department_id,
        provider_department_id=resource.department_id,
        resource_id=resource_id,
        verification_request_id=verification_request_id,
        items=_items(session, resource_id, items),
        decision_reference=_text(decision_reference, "decision_reference_required", limit=200),
        decided_on=decided_on,
        description=_text(description, "description_required"),
        remedy=_text(remedy, "remedy", required=False),
        state=R.REPORTED,
        reported_on=today,
        reported_by=actor.name,
        filed_by="",
        filing_note="",
    )
    session.add(report)
    session.flush()  # the audit entry names the new id
    _audit(
        session,
        actor,
        report,
        "report",
        resource_id=resource_id,
        items=report.items,
        verification_request_id=verification_request_id,
        article=rules().filing_required.citation(),
    )
    _tell(
        session,
        report,
        kind="error_report.reported",
        title=f"Error report {report.id}: {report.decision_reference}",
        to="authority",
    )
    return report


def resubmit(
    session: Session,
    *,
    actor: Actor,
    report_id: int,
    description: str,
    remedy: str,
    today: date,
) -> ErrorReport:
    """The consumer completes a returned report and sends it to the authority again."""
    report = get(session, actor=actor, report_id=report_id)
    if not actor.has_role(*PARTY_ROLES) or actor.department_id != report.consumer_department_id:
        raise Forbidden("only the reporting department completes its report", code="not_reporter")
    if report.state != R.RETURNED:
        raise IllegalTransition(
            "only a returned report is sent again", code="not_returned", state=report.state
        )
    text, done = _text(description, "description_required"), _text(remedy, "remedy", required=False)
    report.description, report.remedy = text, done
    report.state = R.REPORTED
    report.reported_on = today
    _audit(session, actor, report, "resubmit")
    _tell(
        session,
        report,
        kind="error_report.reported",
        title=f"Error report {report.id} completed: {report.decision_reference}",
        to="authority",
    )
    return report


def _handle(session: Session, actor: Actor, report_id: int) -> ErrorReport:
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("only the sharing authority files error reports", code="not_authority")
    report = get(session, actor=actor, report_id=report_id)
    if report.state != R.REPORTED:
        raise IllegalTransition(
            "this report is not waiting for the authority", code="not_reported", state=report.state
        )
    return report


def file_report(
    session: Session, *, actor: Actor, report_id: int, note: str, today: date
) -> ErrorReport:
    """The authority files the report (备案, GZ 31)."""
    report = _handle(session, actor, report_id)
    remark = _text(note, "note", required=False)
    report.state = R.FILED
    report.filed_on = today
    report.filed_by = actor.name
    report.filing_note = remark
    rule = rules().consumer_not_liable
    _audit(
        session, actor, report, "file", consumer_not_liable=rule.enabled, article=rule.citation()
    )
    _tell(
        session,
        report,
        kind="error_report.filed",
        title=f"Error report {report.id} filed",
        to="consumer",
    )
    return report


def return_report(
    session: Session, *, actor: Actor, report_id: int, note: str, today: date
) -> ErrorReport:
    """The authority returns the report to the consumer, saying what is missing."""
    report = _handle(session, actor, report_id)
    reason = _text(note, "note_required")
    report.state = R.RETURNED
    report.returned_on = today
    report.returned_by = actor.name
    report.filing_note = reason
    _audit(session, actor, report, "return", note=report.filing_note)
    _tell(
        session,
        report,
        kind="error_report.returned",
        title=f"Error report {report.id} returned for more information",
        to="consumer",
    )
    return report


# --- reading ----------------------------------------------------------------------------------


def sees_all(actor: Actor) -> bool:
    """The authority and auditors see every report."""
    return actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR)


def get(session: Session, *, actor: Actor, report_id: int) -> ErrorReport:
    """A report the actor may read (see the module doc)."""
    report = session.get(ErrorReport, report_id)
    if report is None:
        raise NotFound("no such error report", code="error_report_not_found")
    if not sees_all(actor) and actor.department_id not in (
        report.consumer_department_id,
        report.provider_department_id,
    ):
        raise Forbidden("this report is about other departments", code="not_yours")
    return report


def _listing(
    actor: Actor,
    *,
    state: ReportState | None,
    provider_id: int | None,
    resource_id: int | None,
    consumer_id: int | None,
) -> Select[Any]:
    stmt: Select[Any] = select(ErrorReport)
    if not sees_all(actor):
        if actor.department_id is None:
            raise Forbidden("this list is a department's", code="no_department")
        stmt = stmt.where(
            or_(
                ErrorReport.consumer_department_id == actor.department_id,
                ErrorReport.provider_department_id == actor.department_id,
            )
        )
    if state is not None:
        stmt = stmt.where(ErrorReport.state == state)
    if provider_id is not None:
        stmt = stmt.where(ErrorReport.provider_department_id == provider_id)
    if consumer_id is not None:
        stmt = stmt.where(ErrorReport.consumer_department_id == consumer_id)
    if resource_id is not None:
        stmt = stmt.where(ErrorReport.resource_id == resource_id)
    return stmt


def list_reports(
    session: Session,
    *,
    actor: Actor,
    state: ReportState | None = None,
    provider_id: int | None = None,
    resource_id: int | None = None,
    consumer_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[ErrorReport]:
    """Reports the actor may read, newest first, filtered."""
    stmt = _listing(
        actor,
        state=state,
        provider_id=provider_id,
        resource_id=resource_id,
        consumer_id=consumer_id,
    )
    return paginate(session, stmt.order_by(ErrorReport.id.desc()), page=page, per_page=per_page)


def all_reports(
    session: Session,
    *,
    actor: Actor,
    state: ReportState | None = None,
    provider_id: int | None = None,
    resource_id: int | None = None,
) -> list[ErrorReport]:
    """Every report of the filtered list (for the export), newest first."""
    stmt = _listing(
        actor, state=state, provider_id=provider_id, resource_id=resource_id, consumer_id=None
    )
    return list(session.scalars(stmt.order_by(ErrorReport.id.desc())))


@dataclass(frozen=True)
class Count:
    """How many reports one provider (or resource) has, and how many are filed."""

    id: int
    name: str
    total: int
    filed: int


def counts_by_provider(session: Session, *, actor: Actor) -> list[Count]:
    """Reports per providing department, most first (the authority's overview)."""
    if not sees_all(actor):
        raise Forbidden("the overview is the authority's", code="not_authority")
    filed = func.sum(case((ErrorReport.state == R.FILED, 1), else_=0))
    rows = session.execute(
        select(Department.id, Department.name, func.count(ErrorReport.id), filed)
        .join(ErrorReport, ErrorReport.provider_department_id == Department.id)
        .group_by(Department.id, Department.name)
        .order_by(func.count(ErrorReport.id).desc(), Department.name)
    )
    return [Count(i, n, t, int(f or 0)) for i, n, t, f in rows]


def counts_by_resource(
    session: Session, *, actor: Actor, provider_id: int | None = None
) -> list[Count]:
    """Reports per resource (optionally of one provider), most first."""
    if not sees_all(actor):
        raise Forbidden("the overview is the authority's", code="not_authority")
    filed = func.sum(case((ErrorReport.state == R.FILED, 1), else_=0))
    stmt = (
        select(Resource.id, Resource.name, func.count(ErrorReport.id), filed)
        .join(ErrorReport, ErrorReport.resource_id == Resource.id)
        .group_by(Resource.id, Resource.name)
        .order_by(func.count(ErrorReport.id).desc(), Resource.name)
    )
    if provider_id is not None:
        stmt = stmt.where(ErrorReport.provider_department_id == provider_id)
    return [Count(i, n, t, int(f or 0)) for i, n, t, f in session.execute(stmt)]


def _cell(value: Any) -> Any:
    # Text a user typed never becomes a spreadsheet formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


EXPORT_HEADER = [
    "编号 ID",
    "状态 State",
    "使用部门 Consumer",
    "提供部门 Provider",
    "信息资源 Resource",
    "信息项 Items",
    "决定文号 Decision",
    "决定日期 Decided on",
    "情况 What happened",
    "补救 Remedy",
    "报备日期 Reported on",
    "备案日期 Filed on",
    "备案意见 Note",
]


def export_xlsx(
    session: Session,
    *,
    actor: Actor,
    state: ReportState | None = None,
    provider_id: int | None = None,
    resource_id: int | None = None,
) -> bytes:
    """The authority's filtered list as an Excel workbook (one row per report)."""
    import io

    from openpyxl import Workbook

    if not sees_all(actor):
        raise Forbidden("the export is the authority's", code="not_authority")
    reports = all_reports(
        session, actor=actor, state=state, provider_id=provider_id, resource_id=resource_id
    )
    depts: dict[int, str] = {
        i: n for i, n in session.execute(select(Department.id, Department.name))
    }
    wanted = {r.resource_id for r in reports}
    rows = session.execute(select(Resource.id, Resource.name).where(Resource.id.in_(wanted)))
    resources: dict[int, str] = {i: n for i, n in rows}
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "差错报备"
    sheet.append(EXPORT_HEADER)
    for r in reports:
        sheet.append(
            [
                _cell(v)
                for v in [
                    r.id,
                    r.state,
                    depts.get(r.consumer_department_id, ""),
                    depts.get(r.provider_department_id, ""),
                    resources.get(r.resource_id, ""),
                    "、".join(r.items),
                    r.decision_reference,
                    r.decided_on,
                    r.description,
                    r.remedy,
                    r.reported_on,
                    r.filed_on,
                    r.filing_note,
                ]
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
