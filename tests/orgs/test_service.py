"""Departments, the personnel registry (GZ 17), accounts and API keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, Invalid, Unauthorized
from govshare.orgs import rules
from govshare.orgs import service as orgs
from govshare.orgs.models import PersonnelRole, Role
from tests.orgs import builders

OPERATOR = Actor.operator()


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_department_with_invalid_credit_code_is_refused(session: Session) -> None:
    with pytest.raises(Invalid) as err:
        builders.department(session, uscc="114401000000100A0X")
    assert err.value.code == "invalid_uscc"


def test_duplicate_department_is_refused_and_audited_once(session: Session) -> None:
    dept = builders.department(session)
    with pytest.raises(Conflict) as err:
        builders.department(session, name=dept.name)
    assert err.value.code == "duplicate_department"
    assert _actions(session).count("department.create") == 1


def test_personnel_change_filed_in_time_is_not_late(session: Session) -> None:
    # GZ Art. 17: a change is filed within 5 working days; 2026-11-16 is a Monday
    dept = builders.department(session)
    person = orgs.file_person(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        post=PersonnelRole.DATA_ADMINISTRATOR,
        name="王伟",
        started_on=date(2026, 11, 16),
        today=date(2026, 11, 23),
    )
    assert person.filing_due_on == date(2026, 11, 23)
    assert person.filed_late is False


def test_personnel_change_filed_after_deadline_is_late_and_flagged(session: Session) -> None:
    # GZ Art. 17: 5 working days skip the National Day holiday (2026-10-01..07) and end on
    # Saturday 2026-10-10, an adjusted working day (调休)
    dept = builders.department(session)
    person = orgs.file_person(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        post=PersonnelRole.FIRST_RESPONSIBLE,
        name="李娜",
        started_on=date(2026, 9, 28),
        today=date(2026, 10, 15),
    )
    assert person.filing_due_on == date(2026, 10, 10)
    assert person.filed_late is True
    flag = session.scalar(select(Flag).where(Flag.kind == "personnel.filed_late"))
    assert flag is not None and flag.department_id == dept.id


def test_new_holder_ends_the_previous_one(session: Session) -> None:
    dept = builders.department(session)
    first = orgs.file_person(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        post=PersonnelRole.DATA_ADMINISTRATOR,
        name="甲",
        started_on=date(2026, 1, 5),
        today=date(2026, 1, 6),
    )
    second = orgs.file_person(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        post=PersonnelRole.DATA_ADMINISTRATOR,
        name="乙",
        started_on=date(2026, 6, 1),
        today=date(2026, 6, 2),
    )
    assert first.ended_on == date(2026, 6, 1) and first.successor_id == second.id
    assert [p.name for p in orgs.registry(session, department_id=dept.id)] == ["乙"]


def test_vacancy_is_flagged_by_the_sweep_once_and_resolved_by_a_successor(session: Session) -> None:
    # GZ Art. 17: the successor must be filed within 5 working days of the change
    dept = builders.department(session)
    person = orgs.file_person(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        post=PersonnelRole.FIRST_RESPONSIBLE,
        name="张三",
        started_on=date(2026, 3, 2),
        today=date(2026, 3, 2),
    )
    orgs.end_person(
        session,
        actor=OPERATOR,
        person_id=person.id,
        ended_on=date(2026, 11, 2),
        today=date(2026, 11, 2),
    )
    assert person.successor_due_on == date(2026, 11, 9)
    system = Actor.system()
    assert rules.flag_overdue_vacancies(session, today=date(2026, 11, 9), actor=system) == 0
    assert rules.flag_overdue_vacancies(session, today=date(2026, 11, 10), actor=system) == 1
    assert rules.flag_overdue_vacancies(session, today=date(2026, 11, 11), actor=system) == 0
    orgs.file_person(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        post=PersonnelRole.FIRST_RESPONSIBLE,
        name="李四",
        started_on=date(2026, 11, 2),
        today=date(2026, 11, 12),
    )
    flag = session.scalar(select(Flag).where(Flag.kind == "personnel.vacancy_overdue"))
    assert flag is not None and flag.resolved_on == date(2026, 11, 12)


def test_officer_may_not_file_for_another_department(session: Session) -> None:
    mine, other = builders.department(session), builders.department(session)
    officer = builders.actor_of(builders.user(session, role=Role.DATA_OFFICER, dept=mine))
    with pytest.raises(Forbidden):
        orgs.file_person(
            session,
            actor=officer,
            department_id=other.id,
            post=PersonnelRole.SHARING_CONTACT,
            name="x",
            started_on=date(2026, 1, 5),
            today=date(2026, 1, 5),
        )


def test_admin_role_needs_the_authority(session: Session) -> None:
    dept = builders.department(session)
    with pytest.raises(Invalid) as err:
        builders.user(session, role=Role.AUTHORITY_ADMIN, dept=dept)
    assert err.value.code == "role_needs_authority"


def test_password_is_stored_as_argon2_and_wrong_password_refused(session: Session) -> None:
    dept = builders.department(session)
    user = builders.user(session, role=Role.STAFF, dept=dept)
    assert user.password_hash.startswith("$argon2")
    assert builders.PASSWORD not in user.password_hash
    with pytest.raises(Unauthorized) as err:
        orgs.authenticate(session, username=user.username, password="wrong password!")
    assert err.value.code == "invalid_credentials"
    assert (
        orgs.authenticate(session, username=user.username, password=builders.PASSWORD).id == user.id
    )


def test_lockout_after_repeated_failures(session: Session) -> None:
    dept = builders.department(session)
    user = builders.user(session, role=Role.STAFF, dept=dept)
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    for _ in range(orgs.MAX_FAILED_LOGINS):
        with pytest.raises(Unauthorized):
            orgs.authenticate(session, username=user.username, password="wrong password!", now=now)
    with pytest.raises(Unauthorized) as err:
        orgs.authenticate(session, username=user.username, password=builders.PASSWORD, now=now)
    assert err.value.code == "account_locked"
    later = now + orgs.LOCKOUT + timedelta(seconds=1)
    assert (
        orgs.authenticate(session, username=user.username, password=builders.PASSWORD, now=later).id
        == user.id
    )
    assert "auth.lockout" in _actions(session)


def test_api_key_is_shown_once_stored_hashed_and_checked(session: Session) -> None:
    dept = builders.department(session)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    issued = orgs.create_api_key(
        session,
        actor=OPERATOR,
        department_id=dept.id,
        name="审批系统",
        scopes=["data:query"],
        valid_days=30,
        now=now,
    )
    assert issued.token.split("_")[2] not in issued.key.key_hash
    assert orgs.authenticate_api_key(session, token=issued.token, now=now).id == issued.key.id
    with pytest.raises(Unauthorized) as err:
        orgs.authenticate_api_key(session, token=issued.token[:-2] + "xx", now=now)
    assert err.value.code == "invalid_api_key"
    with pytest.raises(Unauthorized) as err:
        orgs.authenticate_api_key(session, token=issued.token, now=now + timedelta(days=31))
    assert err.value.code == "api_key_expired"
    orgs.revoke_api_key(session, actor=OPERATOR, key_id=issued.key.id, reason="系统下线", now=now)
    with pytest.raises(Unauthorized) as err:
        orgs.authenticate_api_key(session, token=issued.token, now=now)
    assert err.value.code == "api_key_revoked"


def test_api_key_with_unknown_scope_is_refused(session: Session) -> None:
    dept = builders.department(session)
    with pytest.raises(Invalid) as err:
        orgs.create_api_key(
            session, actor=OPERATOR, department_id=dept.id, name="x", scopes=["everything"]
        )
    assert err.value.code == "invalid_scope"
