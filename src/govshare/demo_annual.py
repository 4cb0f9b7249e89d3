"""The demo's annual reports on the previous year (GZ 37; ZS 35), through the services.

Every department's report is drafted from the records at the start of the year; most are
written and submitted in time, one is submitted after its due date (late), one is left a draft
(the sweep that `demo.create` runs afterwards flags it once its due date has passed). The
authority's report is then drafted from all of them, and, where the profile releases it to
the public (ZS 35), submitted and published. Where departments report only on request
(ZS 35 ¶2) the authority requests every report first; such reports have no due date, so none
is late. A profile without annual reports (ZZ, JS) gets none.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from govshare.governance import annual_figures, annual_reports
from govshare.governance.annual_report_models import AnnualReport
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.orgs.models import Department, Role

LATE_CODE = "GZ-WJW"  # the department that submits late (if the demo has it)
DRAFT_CODE = "GZ-CL"  # the department whose report stays a draft


def _person(name: str, dept: Department | None, role: str) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=None,
        name=name,
        method=Method.CONSOLE,
        department_id=dept.id if dept else None,
        roles=frozenset({role}),
    )


def _narrative(report: AnnualReport) -> tuple[str, str, str]:
    f = report.figures
    cat, given, got = f.get("catalogue", {}), f.get("given", {}), f.get("received", {})
    data = f.get("data", {})
    summary = (
        f"{report.year}年,本部门在共享平台编制信息资源目录{cat.get('resources', 0)}项,"
        f"其中已发布到共享目录{cat.get('published', 0)}项;接入信息资源{data.get('connected', 0)}项。"
        f"全年收到共享申请{given.get('applications_received', 0)}件,"
        f"按时答复{given.get('answered_in_time', 0)}件;"
        f"通过平台查询{got.get('queries_made', 0)}次、核验比对{got.get('verifications_made', 0)}次。"
    )
    problems = (
        f"有{data.get('stale', 0)}项信息资源未按更新周期更新;部分共享申请答复用时偏长。"
        if data.get("stale")
        else "部分共享申请答复用时偏长,数据质量核查机制有待完善。"
    )
    plan = "完善数据更新和质量核查机制,缩短共享申请答复用时,清理可通过共享获取的重复材料。"
    return summary, problems, plan


def _write(session: Session, report: AnnualReport, actor: Actor, day: date) -> None:
    summary, problems, plan = _narrative(report)
    annual_reports.edit(
        session,
        actor=actor,
        report_id=report.id,
        narrative=summary,
        problems=problems,
        plan=plan,
        today=day,
    )


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Reports on the year before `today`: submitted, late, a draft, and the authority's."""
    dept_rule = annual_reports.rule_for("department")
    auth_rule = annual_reports.rule_for("authority")
    if dept_rule.silent and auth_rule.silent:
        return {}
    year = today.year - 1
    start = min(today, date(today.year, 1, 2))
    authority = next((d for d in depts.values() if d.is_authority), None)
    admin = _person("主管部门管理员", authority, Role.AUTHORITY_ADMIN)
    counts = {"annual_reports_submitted": 0, "annual_reports_late": 0, "annual_reports_draft": 0}
    if dept_rule.on_request_only:
        annual_reports.request_reports(session, actor=admin, year=year, today=start)
    elif not dept_rule.silent:
        annual_reports.draft_all(session, actor=Actor.system(), year=year, today=start)
    due = dept_rule.due_date(year)
    in_time = min(today, (due - timedelta(days=10)) if due else start + timedelta(days=20))
    reporting = annual_figures.reporting_departments(session)
    codes = [d.code for d in reporting]
    late_code = LATE_CODE if LATE_CODE in codes else (codes[1] if len(codes) > 2 else None)
    draft_code = DRAFT_CODE if DRAFT_CODE in codes else (codes[-1] if len(codes) > 1 else None)
    for dept in reporting:
        report = annual_reports.find(session, year=year, department_id=dept.id)
        if report is None:
            continue
        officer = _person(f"{dept.name}数据专员", dept, Role.DATA_OFFICER)
        _write(session, report, officer, start)
        if dept.code == draft_code:
            counts["annual_reports_draft"] += 1
            continue
        day = in_time
        if dept.code == late_code and due is not None and due + timedelta(days=5) <= today:
            day = due + timedelta(days=5)
        annual_reports.submit(session, actor=officer, report_id=report.id, today=day)
        counts["annual_reports_submitted"] += 1
        counts["annual_reports_late"] += int(report.late)
    if not auth_rule.silent:
        auth_due = auth_rule.due_date(year)
        drafted_on = min(today, (auth_due - timedelta(days=15)) if auth_due else in_time)
        report = annual_reports.draft_authority(session, actor=admin, year=year, today=drafted_on)
        annual_reports.redraft(session, actor=admin, report_id=report.id, today=drafted_on)
        summary, problems, plan = _narrative(report)
        annual_reports.edit(
            session,
            actor=admin,
            report_id=report.id,
            narrative="本级" + summary.replace("本部门", "各部门"),
            problems=problems,
            plan=plan,
            today=drafted_on,
        )
        if auth_rule.published_to_public:
            annual_reports.submit(session, actor=admin, report_id=report.id, today=drafted_on)
            annual_reports.publish(session, actor=admin, report_id=report.id, today=drafted_on)
            counts["annual_reports_published"] = 1
    return counts
