"""One data, one source: linked values compared on load and push (ZS Art. 17; JS Art. 11)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.datastore import service as data
from govshare.datastore.records import subject_hash
from govshare.notify.models import Notification
from govshare.quality import divergence, links
from govshare.quality.divergence import normalise, open_subject, open_values
from govshare.quality.models import Divergence, DivergenceState
from tests.datastore import builders as datastore
from tests.quality import builders as q


def _cases(session: Session, **where: Any) -> list[Divergence]:
    stmt = select(Divergence).order_by(Divergence.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Divergence, key) == value)
    return list(session.scalars(stmt))


def _numbers(k: int) -> list[int]:
    return [datastore.next_n() for _ in range(k)]


# ZS Art. 17: divergent data from different departments is reviewed; JS Art. 11: compared.
def test_a_load_with_a_different_value_opens_one_case_per_subject_with_both_values(
    session: Session,
) -> None:
    p = q.pair(session)
    ns = _numbers(3)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows(ns))
    assert _cases(session) == []  # nothing to compare yet: the other side has no records
    rows = q.health_rows(ns[:2]) + q.health_rows(ns[2:], status="离异")
    result = q.load(session, p.health_officer, p.health_resource_id, rows)
    cases = _cases(session, link_id=p.link.id if p.link else 0)
    assert len(cases) == 1
    case = cases[0]
    assert case.state == DivergenceState.OPEN
    person = datastore.person(ns[2])
    assert open_subject(case) == person["公民身份号码"]
    assert open_values(case) == (person["婚姻状况"], "离异")
    # Never plain in the table: neither the subject nor the values.
    assert person["公民身份号码"] not in case.subject_enc + case.values_enc
    assert "离异" not in case.values_enc
    assert case.subject_hash == subject_hash(person["公民身份号码"])
    assert case.department_a_id == p.civil.id and case.department_b_id == p.health.id
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "quality.divergence_compare")
    ).one()
    assert entry.details["opened_ids"] == [case.id]
    assert entry.details["load_id"] == result.load.id
    assert session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind == "divergence.detected")
    )


def test_a_push_is_compared_too_and_the_same_case_is_updated_not_duplicated(
    session: Session,
) -> None:  # ZS Art. 17
    p = q.pair(session)
    (n,) = _numbers(1)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n]))
    data.push(
        session,
        actor=p.health_officer,
        resource_id=p.health_resource_id,
        records=q.health_rows([n], status="离异"),
        today=q.TODAY,
    )
    (case,) = _cases(session)
    data.push(
        session,
        actor=p.health_officer,
        resource_id=p.health_resource_id,
        records=q.health_rows([n], status="丧偶"),
        today=q.TODAY,
    )
    (same,) = _cases(session)
    assert same.id == case.id and same.changes == 1
    assert open_values(same)[1] == "丧偶"


def test_values_that_agree_again_close_the_case_automatically(session: Session) -> None:
    # JS Art. 11: once the sources agree there is nothing left to verify.
    p = q.pair(session)
    (n,) = _numbers(1)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n]))
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows([n], status="离异"))
    (case,) = _cases(session)
    # The civil side corrects its value to what health holds: spacing and case do not matter.
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n], 婚姻状况=" 离异 "))
    session.refresh(case)
    assert case.state == DivergenceState.CLOSED
    assert case.closed_reason == "values_agree"
    assert case.closed_on == q.TODAY
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "quality.divergence_compare")
    ).all()
    assert entries[-1].details["closed_ids"] == [case.id]


def test_a_deleted_record_closes_the_case_as_no_longer_comparable(session: Session) -> None:
    p = q.pair(session)
    (n,) = _numbers(1)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n]))
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows([n], status="离异"))
    data.delete_subjects(
        session,
        actor=p.health_officer,
        resource_id=p.health_resource_id,
        subjects=[datastore.ric_number(n)],
        today=q.TODAY,
    )
    (case,) = _cases(session)
    assert case.state == DivergenceState.CLOSED and case.closed_reason == "not_comparable"


def test_unlinked_resources_are_never_compared(session: Session) -> None:
    p = q.pair(session, linked=False)
    (n,) = _numbers(1)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n]))
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows([n], status="离异"))
    assert _cases(session) == []


def test_a_removed_link_stops_comparing_and_closes_its_open_cases(session: Session) -> None:
    p = q.pair(session)
    assert p.link is not None
    (n, m) = _numbers(2)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n, m]))
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows([n], status="离异"))
    links.remove_link(
        session, actor=q.OPERATOR, link_id=p.link.id, reason="wrong item", today=q.TODAY
    )
    (case,) = _cases(session)
    assert case.state == DivergenceState.CLOSED and case.closed_reason == "link_removed"
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows([m], status="离异"))
    assert len(_cases(session)) == 1


def test_dismissed_values_do_not_reopen_but_new_values_do(session: Session) -> None:
    from govshare.quality import cases

    p = q.pair(session)
    (n,) = _numbers(1)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n]))
    data.push(
        session,
        actor=p.health_officer,
        resource_id=p.health_resource_id,
        records=q.health_rows([n], status="离异"),
    )
    (case,) = _cases(session)
    cases.dismiss(session, actor=q.OPERATOR, divergence_id=case.id, reason="both are right")
    # The civil side changes another item: the linked values are the same pair as dismissed.
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n], 姓名="新名字"))
    assert len(_cases(session)) == 1
    data.push(
        session,
        actor=p.health_officer,
        resource_id=p.health_resource_id,
        records=q.health_rows([n], status="丧偶"),
    )
    assert len(_cases(session, state=DivergenceState.OPEN)) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [(" 已婚 ", "已婚"), ("ABC", "abc"), ("5,000.50", "5000.5"), ("１２", "12"), (True, "TRUE")],
)
def test_normalisation_ignores_spacing_case_width_and_number_formats(a: Any, b: Any) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(("a", "b"), [("007", "7"), ("已婚", "未婚"), ("5000.5", "5000.51")])
def test_normalisation_keeps_real_differences(a: Any, b: Any) -> None:
    assert normalise(a) != normalise(b)


def test_blank_values_are_not_compared() -> None:
    assert normalise("  ") is None and normalise(None) is None


class _Counter:
    def __init__(self, session: Session) -> None:
        self.statements: list[str] = []
        self.engine = session.get_bind()

    def __enter__(self) -> _Counter:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)


def test_the_comparison_reads_each_side_once_per_chunk_not_once_per_row(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set-based (issue 5: nothing does one round trip per row), here with chunks of 10.
    p = q.pair(session)
    ns = _numbers(25)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows(ns))
    result = q.load(
        session, p.health_officer, p.health_resource_id, q.health_rows(ns, status="离异")
    )
    session.query(Divergence).delete()
    monkeypatch.setattr(divergence, "CHUNK", 10)
    with _Counter(session) as counter:
        outcome = divergence.compare(
            session, actor=q.OPERATOR, resource_id=p.health_resource_id, load_id=result.load.id
        )
    assert outcome.opened == 25
    reads = [s for s in counter.statements if "FROM record_version" in s]
    # one query for the load's subjects, then two current-record reads per chunk of 10
    assert len(reads) == 1 + 2 * 3


def test_a_resource_without_links_costs_one_query(session: Session) -> None:
    p = q.pair(session, linked=False)
    ns = _numbers(5)
    result = q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows(ns))
    with _Counter(session) as counter:
        outcome = divergence.compare(
            session, actor=q.OPERATOR, resource_id=p.civil_resource_id, load_id=result.load.id
        )
    assert outcome.links == []
    assert len(counter.statements) == 1 and "source_link" in counter.statements[0]


def test_a_link_declared_on_loaded_data_is_compared_on_request(session: Session) -> None:
    # ZS Art. 17: the data department reviews what different departments already provide.
    p = q.pair(session, linked=False)
    ns = _numbers(3)
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows(ns))
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows(ns[:1], status="离异"))
    q.load(session, p.health_officer, p.health_resource_id, q.health_rows(ns[1:]))
    link = links.create_link(
        session,
        actor=q.OPERATOR,
        resource_a_id=p.civil_resource_id,
        item_a=q.ITEM,
        resource_b_id=p.health_resource_id,
        item_b=q.ITEM,
    )
    told = session.scalars(
        select(Notification).where(Notification.kind == "source_link.created")
    ).all()
    assert {n.user_id for n in told} == {p.civil_user.id, p.health_user.id}
    assert _cases(session) == []
    result = divergence.compare_link(session, actor=q.OPERATOR, link_id=link.id, today=q.TODAY)
    assert result.opened == 1 and len(_cases(session)) == 1
    again = divergence.compare_link(session, actor=q.OPERATOR, link_id=link.id, today=q.TODAY)
    assert again.opened == 0 and len(_cases(session)) == 1  # idempotent
