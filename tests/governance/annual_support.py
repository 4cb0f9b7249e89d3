"""Rows of the other supervision tables, built directly (their services are written elsewhere)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from govshare.governance.complaint_models import Complaint
from govshare.governance.evaluation_models import Evaluation, Score
from govshare.governance.material_models import Material, ServiceGuide
from govshare.governance.rectification_models import RectificationNotice
from govshare.quality.verification_models import VerificationRequest

# Records stamped with the clock (catalogue publication, audit entries, loads) fall in this
# year, so the reports these tests draft cover it and are drafted on a day of the next year.
YEAR = datetime.now(ZoneInfo("Asia/Shanghai")).year


def verification_request(
    session: Session,
    *,
    resource_id: int,
    consumer: int,
    provider: int,
    filed_on: date,
    due_on: date,
    answered_on: date | None = None,
    outcome: str = "",
) -> VerificationRequest:
    row = VerificationRequest(
        resource_id=resource_id,
        subject_hash="h" * 40,
        subject_enc="sealed",
        consumer_department_id=consumer,
        provider_department_id=provider,
        items=["婚姻状况"],
        claims_enc="sealed",
        answered_by_rule="provider",
        state="answered" if answered_on else "open",
        outcome=outcome,
        filed_on=filed_on,
        filed_by="staff",
        due_on=due_on,
        answered_on=answered_on,
    )
    session.add(row)
    session.flush()
    return row


def complaint(
    session: Session,
    *,
    complainant: int,
    respondent: int,
    filed_on: date,
    answered_on: date | None = None,
    upheld: bool | None = None,
) -> Complaint:
    row = Complaint(
        complainant_department_id=complainant,
        respondent_department_id=respondent,
        ground="refused_data",
        subject="拒绝提供数据",
        description="……",
        state="answered" if answered_on else "received",
        filed_on=filed_on,
        filed_by="staff",
        answered_on=answered_on,
        upheld=upheld,
    )
    session.add(row)
    session.flush()
    return row


def notice(
    session: Session,
    *,
    department_id: int,
    issued_on: date,
    closed_on: date | None = None,
) -> RectificationNotice:
    row = RectificationNotice(
        department_id=department_id,
        ground="stale_data",
        article="GZ 43",
        facts="数据未按时更新",
        state="closed" if closed_on else "issued",
        issued_on=issued_on,
        issued_by="admin",
        due_on=issued_on,
        closed_on=closed_on,
    )
    session.add(row)
    session.flush()
    return row


def repeated_material(session: Session, *, department_id: int, resource_id: int) -> Material:
    guide = ServiceGuide(
        department_id=department_id, code=f"SG-{resource_id}", name="婚姻登记", created_by="x"
    )
    session.add(guide)
    session.flush()
    row = Material(guide_id=guide.id, name="户口簿", resource_id=resource_id, state="required")
    session.add(row)
    session.flush()
    return row


def evaluation(
    session: Session, *, period: str, starts: date, ends: date, scores: dict[int, tuple[float, int]]
) -> Evaluation:
    ev = Evaluation(
        period=period,
        starts_on=starts,
        ends_on=ends,
        state="published",
        computed_by="admin",
        published_on=ends,
    )
    session.add(ev)
    session.flush()
    for dept, (score, rank) in scores.items():
        session.add(
            Score(evaluation_id=ev.id, department_id=dept, metric="total", score=score, rank=rank)
        )
    session.flush()
    return ev
