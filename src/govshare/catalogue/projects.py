"""Informatization projects and the catalogue they must file before approval and acceptance (GZ 38; ZS 14; JS 29)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.enums import ResourceStatus
from govshare.catalogue.models import InformatizationProject, Resource
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile

if TYPE_CHECKING:
    from govshare.governance.evaluation import Standing

FILED = frozenset({ResourceStatus.SUBMITTED, ResourceStatus.APPROVED, ResourceStatus.PUBLISHED})


@dataclass
class Check:
    """One condition of approval or acceptance, with the article that sets it."""

    name: str
    passed: bool
    detail: str
    article: str


@dataclass
class CheckReport:
    """Whether a project may pass a stage, and why."""

    stage: str
    checks: list[Check] = field(default_factory=list)
    # For information on approval (GZ 38; ZS 14, 34 ¶2; JS 29): the department's latest
    # published evaluation and its open rectification notices. Not a condition that fails.
    standing: Standing | None = None

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def register_project(
    session: Session, *, actor: Actor, department_id: int, name: str, today: date
) -> InformatizationProject:
    """Registers a project; its catalogue entries name it by `project_id`."""
    if not (
        actor.has_role(Role.AUTHORITY_ADMIN)
        or (actor.has_role(Role.DATA_OFFICER) and actor.department_id == department_id)
    ):
        raise Forbidden(
            "only the department or the authority registers its projects",
            code="not_your_department",
        )
    orgs.get_department(session, department_id=department_id)
    if not name.strip():
        raise Invalid("a project needs a name", code="missing_name")
    project = InformatizationProject(
        department_id=department_id, name=name.strip(), registered_on=today
    )
    session.add(project)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="project.register",
        object_type="project",
        object_id=project.id,
        details={"department_id": department_id, "name": project.name},
    )
    return project


def get_project(session: Session, *, project_id: int) -> InformatizationProject:
    """Gets a project."""
    project = session.get(InformatizationProject, project_id)
    if project is None:
        raise NotFound("no project {project_id}", code="project_not_found", project_id=project_id)
    return project


def list_projects(
    session: Session, *, department_id: int | None = None, page: int = 1, per_page: int = 50
) -> Page[InformatizationProject]:
    """Projects, newest first; those of one department when `department_id` is given."""
    stmt = select(InformatizationProject)
    if department_id is not None:
        stmt = stmt.where(InformatizationProject.department_id == department_id)
    stmt = stmt.order_by(InformatizationProject.id.desc())
    return paginate(session, stmt, page=page, per_page=per_page)


def check(session: Session, *, project_id: int, stage: str) -> CheckReport:
    """What approval ('approval') or acceptance ('acceptance') of the project requires, checked against the records."""
    project = get_project(session, project_id=project_id)
    rules = get_active_profile().projects
    entries = list(session.scalars(select(Resource).where(Resource.project_id == project.id)))
    report = CheckReport(stage=stage)
    if stage == "approval":
        from govshare.governance import evaluation

        report.standing = evaluation.standing(session, department_id=project.department_id)
        if rules.catalogue_for_approval.enabled:
            filed = [r for r in entries if r.status in FILED]
            report.checks.append(
                Check(
                    "catalogue_filed",
                    bool(filed),
                    f"{len(filed)} of {len(entries)} catalogue entries of the project are filed",
                    rules.catalogue_for_approval.citation(),
                )
            )
        if rules.sharing_assessed_for_approval.enabled:
            overdue = session.scalars(
                select(Flag.kind).where(
                    Flag.department_id == project.department_id,
                    Flag.resolved_on.is_(None),
                    Flag.kind.like("catalogue.%"),
                )
            ).all()
            report.checks.append(
                Check(
                    "sharing_obligations_met",
                    not overdue,
                    "no overdue catalogue obligations"
                    if not overdue
                    else f"overdue: {', '.join(sorted(set(overdue)))}",
                    rules.sharing_assessed_for_approval.citation(),
                )
            )
    elif stage == "acceptance":
        if rules.catalogue_for_acceptance.enabled:
            published = [r for r in entries if r.published_version is not None]
            report.checks.append(
                Check(
                    "catalogue_published",
                    bool(entries) and len(published) == len(entries),
                    f"{len(published)} of {len(entries)} catalogue entries are in the platform's directory",
                    rules.catalogue_for_acceptance.citation(),
                )
            )
    else:
        raise Invalid("the stage is 'approval' or 'acceptance'", code="invalid_stage")
    return report


def advance(
    session: Session, *, actor: Actor, project_id: int, stage: str, today: date
) -> InformatizationProject:
    """Records the project's approval or acceptance; refused while a check fails."""
    if not actor.has_role(Role.AUTHORITY_ADMIN):
        raise Forbidden("the authority records approvals and acceptances", code="authority_only")
    project = get_project(session, project_id=project_id)
    expected = {"approval": "proposed", "acceptance": "approved"}.get(stage)
    if expected is None:
        raise Invalid("the stage is 'approval' or 'acceptance'", code="invalid_stage")
    if project.stage != expected:
        raise IllegalTransition(
            "a project that is {current} cannot pass {stage}",
            code="illegal_transition",
            current=str(project.stage),
            stage=str(stage),
        )
    report = check(session, project_id=project_id, stage=stage)
    if not report.passed:
        failed = "; ".join(
            f"{c.name}: {c.detail} [{c.article}]" for c in report.checks if not c.passed
        )
        raise Conflict(
            "the project does not meet the {stage} conditions: {failed}",
            code="project_check_failed",
            stage=str(stage),
            failed=failed,
        )
    if stage == "approval":
        project.stage, project.approved_on = "approved", today
    else:
        project.stage, project.accepted_on = "accepted", today
    audit.record(
        session,
        actor=actor,
        action=f"project.{stage}",
        object_type="project",
        object_id=project.id,
        details={"checks": [c.name for c in report.checks]},
    )
    return project
