"""Delay filings by profile branch, and the sweep that flags stale data (GZ 19; ZS 18; ZZ 28; JS 15)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit.models import AuditEntry
from govshare.datastore import freshness, freshness_filings
from govshare.datastore.freshness import FilingState, Status
from govshare.datastore.freshness_rules import KIND, flag_stale
from govshare.datastore.models import Connection, DelayFiling
from govshare.jobs.models import Flag
from govshare.kit.actor import Actor
from govshare.kit.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.notify.models import Notification
from govshare.orgs.models import Role
from tests.datastore import builders as b
from tests.datastore import freshness_support as fs
from tests.orgs import builders as orgs

EVIDENCE = [attachments.Upload(filename="系统升级通知.pdf", data=b"%PDF-1.4 upgrade notice")]
SWEEP = Actor.system()


@pytest.fixture()
def setup(session: Session) -> SimpleNamespace:
    dept, officer = b.provider(session)
    return SimpleNamespace(dept=dept, officer=officer, authority=fs.authority(session))


def _file(session: Session, setup: SimpleNamespace, rid: int, **kwargs: object) -> DelayFiling:
    values: dict[str, object] = {
        "reason": "业务系统升级,暂停数据推送",
        "update_by": date(2026, 11, 30),
        "today": date(2026, 11, 20),
        "uploads": EVIDENCE,
    }
    values.update(kwargs)
    return freshness_filings.file_delay(
        session,
        actor=setup.officer,
        resource_id=rid,
        **values,  # type: ignore[arg-type]
    )


def _actions(session: Session, object_type: str, object_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.seq)
        )
    )


def test_guangzhou_filing_waits_for_the_authority(session: Session, setup: SimpleNamespace) -> None:
    # GZ Art. 19 ¶4: the exception needs the approval of the sharing authority.
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    filing = _file(session, setup, r.id)
    assert filing.state == FilingState.PENDING and filing.requires == "authority_approval"
    # Pending: not yet in force, the resource is still stale after its due date (20 Nov).
    state = freshness.freshness_of(
        session, actor=setup.officer, resource_id=r.id, today=date(2026, 11, 23)
    )
    assert (state.status, state.pending_filing_id) == (Status.STALE, filing.id)
    with pytest.raises(Conflict):
        _file(session, setup, r.id)
    with pytest.raises(Forbidden):
        freshness_filings.decide(
            session,
            actor=setup.officer,
            filing_id=filing.id,
            approve=True,
            today=date(2026, 11, 23),
        )
    freshness_filings.decide(
        session,
        actor=setup.authority,
        filing_id=filing.id,
        approve=True,
        today=date(2026, 11, 23),
    )
    state = freshness.freshness_of(
        session, actor=setup.officer, resource_id=r.id, today=date(2026, 11, 23)
    )
    assert (state.status, state.covered_until) == (Status.FILED, date(2026, 11, 30))
    late = freshness.freshness_of(
        session, actor=setup.officer, resource_id=r.id, today=date(2026, 12, 1)
    )
    assert (late.status, late.stale_since) == (Status.STALE, date(2026, 12, 1))
    with pytest.raises(IllegalTransition):
        freshness_filings.decide(
            session,
            actor=setup.authority,
            filing_id=filing.id,
            approve=False,
            reason="x",
            today=date(2026, 11, 24),
        )
    assert _actions(session, "delay_filing", filing.id) == [
        "attachment.add",
        "data.delay.file",
        "data.delay.approve",
    ]


def test_a_rejection_states_its_reason(session: Session, setup: SimpleNamespace) -> None:
    # GZ Art. 19 ¶4: the authority may refuse the exception; the provider learns why.
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    filing = _file(session, setup, r.id)
    with pytest.raises(Invalid) as caught:
        freshness_filings.decide(
            session,
            actor=setup.authority,
            filing_id=filing.id,
            approve=False,
            today=date(2026, 11, 23),
        )
    assert caught.value.code == "reason_required"
    done = freshness_filings.decide(
        session,
        actor=setup.authority,
        filing_id=filing.id,
        approve=False,
        reason="升级可在周末完成,请按时更新",
        today=date(2026, 11, 23),
    )
    assert (done.state, done.decision_reason) == (
        FilingState.REJECTED,
        "升级可在周末完成,请按时更新",
    )
    notes = session.scalars(
        select(Notification.kind).where(Notification.object_id == str(done.id))
    ).all()
    assert "data.delay_decided" in notes and "data.delay_filed" in notes


def test_guangzhou_date_is_bounded_by_the_quarter_window(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ Art. 19 ¶4: at least once within the first 10 working days of each quarter.
    r = fs.connected(session, setup.dept, last=date(2026, 6, 20))
    with pytest.raises(Invalid) as caught:
        _file(session, setup, r.id, today=date(2026, 7, 3), update_by=date(2026, 7, 15))
    assert caught.value.code == "update_by_beyond_bound"
    assert caught.value.details["bound"] == "2026-07-14"
    filing = _file(session, setup, r.id, today=date(2026, 7, 3), update_by=date(2026, 7, 14))
    assert filing.bound_on == date(2026, 7, 14)


def test_zhongshan_report_is_in_force_on_filing_and_needs_evidence(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ZS Art. 18: report to the data department and provide relevant evidence.
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhongshan")
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    with pytest.raises(Invalid) as caught:
        _file(session, setup, r.id, uploads=[])
    assert caught.value.code == "evidence_required"
    filing = _file(session, setup, r.id, update_by=date(2027, 3, 1))
    assert (filing.state, filing.bound_on) == (FilingState.ACCEPTED, None)
    state = freshness.freshness_of(
        session, actor=setup.officer, resource_id=r.id, today=date(2026, 12, 1)
    )
    assert state.status == Status.FILED
    admins = session.scalars(
        select(Notification.user_id).where(
            Notification.kind == "data.delay_filed",
            Notification.object_id == str(filing.id),
        )
    ).all()
    assert setup.authority.id in admins
    assert [
        a.filename
        for a in attachments.list_for(session, owner_type="delay_filing", owner_id=filing.id)
    ] == ["系统升级通知.pdf"]


def test_zhengzhou_informs_the_authority_without_evidence(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ZZ Art. 28: remedy and inform the sharing authority; no evidence and no limit are set.
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhengzhou")
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    filing = _file(session, setup, r.id, uploads=[])
    assert (filing.state, filing.requires) == (FilingState.ACCEPTED, "inform_authority")


def test_jiangsu_has_no_exception(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # JS Art. 15: 20 working days, with no exception: a delay filing is refused.
    monkeypatch.setenv("GOVSHARE_PROFILE", "jiangsu")
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    with pytest.raises(Invalid) as caught:
        _file(session, setup, r.id)
    assert caught.value.code == "profile_silent"


def test_only_the_provider_files_and_sees_its_filings(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ Art. 19: whoever provides the data manages it.
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    _other_dept, other = b.provider(session)
    with pytest.raises(Forbidden):
        freshness_filings.file_delay(
            session,
            actor=other,
            resource_id=r.id,
            reason="x",
            update_by=date(2026, 11, 30),
            today=date(2026, 11, 20),
        )
    with pytest.raises(Invalid):
        _file(session, setup, r.id, reason="  ")
    with pytest.raises(Invalid):
        _file(session, setup, r.id, update_by=date(2026, 11, 19))
    filing = _file(session, setup, r.id)
    assert freshness_filings.list_filings(session, actor=other).total == 0
    assert freshness_filings.list_filings(session, actor=setup.officer).items == [filing]
    mine = freshness_filings.list_filings(
        session, actor=setup.authority, state="pending", resource_id=r.id
    )
    assert mine.items == [filing]
    with pytest.raises(NotFound):
        freshness_filings.get_filing(session, actor=other, filing_id=filing.id)
    # Its evidence is the provider's and the authority's to read, nobody else's.
    att = attachments.list_for(session, owner_type="delay_filing", owner_id=filing.id)[0]
    assert (
        attachments.fetch(session, actor=setup.officer, attachment_id=att.id).content
        == EVIDENCE[0].data
    )
    with pytest.raises(NotFound):
        attachments.fetch(session, actor=other, attachment_id=att.id)


def test_the_sweep_flags_stale_data_once_and_clears_it(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ Art. 19 ¶3: other data is due within 5 working days; the sweep flags it from the next day.
    orgs.user(session, role=Role.DATA_OFFICER, dept=setup.dept)
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    fresh = fs.connected(session, setup.dept, last=date(2026, 11, 20), cycle="yearly")
    assert flag_stale(session, today=date(2026, 11, 20), actor=SWEEP) == 0
    assert flag_stale(session, today=date(2026, 11, 23), actor=SWEEP) >= 1
    connection = session.get(Connection, r.id)
    assert connection is not None and connection.stale_since == date(2026, 11, 21)
    assert session.get(Connection, fresh.id).stale_since is None  # type: ignore[union-attr]
    flag = session.scalar(select(Flag).where(Flag.kind == KIND, Flag.object_id == str(r.id)))
    assert flag is not None and flag.resolved_on is None and flag.department_id == setup.dept.id
    notes = session.scalars(
        select(Notification).where(Notification.kind == KIND, Notification.object_id == str(r.id))
    ).all()
    assert len(notes) == 2  # the two data officers of the department
    # Idempotent: a second run the same day (or the next) changes nothing.
    before = _actions(session, "resource", r.id)
    flag_stale(session, today=date(2026, 11, 23), actor=SWEEP)
    flag_stale(session, today=date(2026, 11, 24), actor=SWEEP)
    assert _actions(session, "resource", r.id) == before
    assert (
        session.scalars(
            select(Notification).where(
                Notification.kind == KIND, Notification.object_id == str(r.id)
            )
        ).all()
        == notes
    )
    # An update makes it fresh: the flag is resolved and stale_since cleared.
    connection.last_updated_on = date(2026, 11, 24)
    flag_stale(session, today=date(2026, 11, 24), actor=SWEEP)
    assert connection.stale_since is None and flag.resolved_on == date(2026, 11, 24)
    assert _actions(session, "resource", r.id)[-1] == "flag.resolve.data.stale"


def test_an_accepted_filing_resolves_the_flag_until_its_date(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ZS Art. 18: a reported delay with evidence; GZ Art. 19 ¶4 likewise once approved.
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhongshan")
    r = fs.connected(session, setup.dept, last=date(2026, 10, 15))
    flag_stale(session, today=date(2026, 11, 20), actor=SWEEP)
    assert session.get(Connection, r.id).stale_since == date(2026, 11, 17)  # type: ignore[union-attr]
    _file(session, setup, r.id, today=date(2026, 11, 20), update_by=date(2026, 11, 27))
    flag_stale(session, today=date(2026, 11, 23), actor=SWEEP)
    assert session.get(Connection, r.id).stale_since is None  # type: ignore[union-attr]
    flag_stale(session, today=date(2026, 11, 28), actor=SWEEP)
    assert session.get(Connection, r.id).stale_since == date(2026, 11, 28)  # type: ignore[union-attr]
