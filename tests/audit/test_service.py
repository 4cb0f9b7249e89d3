"""record, list_entries and export_csv."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.audit.models import AuditChainHead, AuditEntry
from govshare.audit.schemas import AuditFilters
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.errors import Invalid


def officer(department_id: int = 7, method: Method = Method.CONSOLE) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=42,
        name="Li Wei",
        method=method,
        department_id=department_id,
        roles=frozenset({"provider"}),
    )


def entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_record_stores_every_field_and_links_to_genesis(session: Session) -> None:
    audit.record(
        session,
        actor=officer(),
        action="sharing.query",
        object_type="resource",
        object_id=17,
        purpose="social assistance eligibility",
        details={"fields": ["name", "address"], "subject": "bi:ab12"},
    )

    (entry,) = entries(session)
    assert entry.seq == 1
    assert (entry.actor_kind, entry.actor_id, entry.actor_name) == ("user", 42, "Li Wei")
    assert entry.department_id == 7
    assert entry.action == "sharing.query"
    assert (entry.object_type, entry.object_id) == ("resource", "17")
    assert entry.purpose == "social assistance eligibility"
    assert entry.method == "console"
    assert entry.details == {"fields": ["name", "address"], "subject": "bi:ab12"}
    assert entry.occurred_at.tzinfo is not None
    assert abs(entry.occurred_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert entry.prev_hash == audit.GENESIS_HASH
    assert len(entry.entry_hash) == 64
    assert entry.entry_hash == audit.compute_entry_hash(
        {name: getattr(entry, name) for name in audit.HASHED_COLUMNS}
    )


def test_entries_chain_and_head_follows(session: Session) -> None:
    for n in range(5):
        audit.record(
            session, actor=Actor.system(), action="jobs.tick", object_type="sweep", object_id=n
        )

    rows = entries(session)
    assert [e.seq for e in rows] == [1, 2, 3, 4, 5]
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.entry_hash
    head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)).one()
    assert tuple(head) == (5, rows[-1].entry_hash)
    assert audit.verify(session).ok


def test_a_deleted_head_with_entries_left_stops_appends_and_checkpoints(session: Session) -> None:
    audit.record(session, actor=Actor.system(), action="jobs.tick", object_type="sweep")
    session.execute(delete(AuditChainHead))

    with pytest.raises(audit.AuditChainBroken, match="head is missing"):
        audit.record(session, actor=Actor.system(), action="jobs.tick", object_type="sweep")
    with pytest.raises(audit.AuditChainBroken, match="head is missing"):
        audit.checkpoint(session)
    assert [e.seq for e in entries(session)] == [1]


def test_hash_covers_every_field(session: Session) -> None:
    audit.record(session, actor=officer(), action="a.b", object_type="t", object_id="1")
    (entry,) = entries(session)
    fields = {name: getattr(entry, name) for name in audit.HASHED_COLUMNS}
    original = audit.compute_entry_hash(fields)
    changed = {
        "seq": 2,
        "occurred_at": entry.occurred_at + timedelta(microseconds=1),
        "actor_kind": "service",
        "actor_id": 43,
        "actor_name": "Li Wei ",
        "department_id": None,
        "action": "a.c",
        "object_type": "u",
        "object_id": "2",
        "purpose": "x",
        "method": "api",
        "details": {"k": 1},
        "prev_hash": "1" * 64,
    }
    assert set(changed) == set(audit.HASHED_COLUMNS)
    for name, value in changed.items():
        assert audit.compute_entry_hash({**fields, name: value}) != original, name


def test_details_are_normalised_to_what_the_database_returns(session: Session) -> None:
    audit.record(
        session,
        actor=officer(),
        action="a.b",
        object_type="t",
        details={"ids": (1, 2), 3: "three", "nested": {"z": 1.5, "a": None}},  # type: ignore[dict-item]
    )
    session.expire_all()
    (entry,) = entries(session)
    assert entry.details == {"ids": [1, 2], "3": "three", "nested": {"z": 1.5, "a": None}}
    assert audit.verify(session).ok


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": ""},
        {"action": "x" * 101},
        {"object_type": ""},
        {"object_type": "t" * 65},
        {"object_id": "i" * 129},
        {"details": {"when": datetime.now(UTC)}},
        {"details": {"ratio": float("nan")}},
        {"details": {"blob": "x" * (audit.MAX_DETAILS_BYTES + 1)}},
    ],
)
def test_invalid_entries_are_refused_and_leave_nothing(
    session: Session, kwargs: dict[str, object]
) -> None:
    args: dict[str, object] = {"action": "a.b", "object_type": "t"} | kwargs
    with pytest.raises(Invalid):
        audit.record(session, actor=officer(), **args)  # type: ignore[arg-type]
    assert entries(session) == []


def test_rollback_of_the_caller_leaves_no_entry_and_the_chain_verifies(
    database_factory: Callable[[], str],
) -> None:
    engine = make_engine(database_factory())
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as s:
            audit.record(
                s, actor=officer(), action="orgs.created", object_type="department", object_id=1
            )

        class Boom(Exception):
            pass

        with pytest.raises(Boom), transaction(factory) as s:
            audit.record(
                s, actor=officer(), action="orgs.updated", object_type="department", object_id=1
            )
            raise Boom

        with transaction(factory) as s:
            audit.record(
                s, actor=officer(), action="orgs.renamed", object_type="department", object_id=1
            )

        with transaction(factory) as s:
            rows = entries(s)
            assert [(e.seq, e.action) for e in rows] == [(1, "orgs.created"), (2, "orgs.renamed")]
            result = audit.verify(s)
            assert result.ok, result
            assert result.entries_checked == 2
    finally:
        engine.dispose()


def _seed_for_listing(session: Session) -> None:
    staff = Actor(kind=ActorKind.USER, id=1, name="Wang", method=Method.CONSOLE, department_id=10)
    robot = Actor(
        kind=ActorKind.SERVICE, id=2, name="tax-system", method=Method.API, department_id=20
    )
    audit.record(
        session, actor=staff, action="catalogue.submitted", object_type="resource", object_id=1
    )
    audit.record(session, actor=robot, action="sharing.query", object_type="resource", object_id=1)
    audit.record(session, actor=robot, action="sharing.verify", object_type="resource", object_id=2)
    audit.record(
        session, actor=Actor.system(), action="sharing_x.other", object_type="grant", object_id=9
    )
    audit.record(
        session, actor=staff, action="catalogue.published", object_type="resource", object_id=2
    )


def _actions(session: Session, **filters: object) -> list[str]:
    page = audit.list_entries(session, filters=AuditFilters(**filters), per_page=100)  # type: ignore[arg-type]
    return [e.action for e in page.items]


def test_list_entries_filters(session: Session) -> None:
    _seed_for_listing(session)

    assert _actions(session) == [
        "catalogue.published",
        "sharing_x.other",
        "sharing.verify",
        "sharing.query",
        "catalogue.submitted",
    ]
    # The prefix is literal: "_" is not a wildcard.
    assert _actions(session, action_prefix="sharing.") == ["sharing.verify", "sharing.query"]
    assert _actions(session, action_prefix="sharing_") == ["sharing_x.other"]
    assert _actions(session, actor_kind="service") == ["sharing.verify", "sharing.query"]
    assert _actions(session, actor_kind="user", actor_id=1) == [
        "catalogue.published",
        "catalogue.submitted",
    ]
    assert _actions(session, actor_name="tax-system", action_prefix="sharing.q") == [
        "sharing.query"
    ]
    assert _actions(session, department_id=20) == ["sharing.verify", "sharing.query"]
    assert _actions(session, object_type="resource", object_id="2") == [
        "catalogue.published",
        "sharing.verify",
    ]
    assert _actions(session, method="sweep") == ["sharing_x.other"]


def test_list_entries_date_range_and_paging(session: Session) -> None:
    _seed_for_listing(session)
    times = {
        1: datetime(2024, 1, 1, 9, tzinfo=UTC),
        2: datetime(2024, 1, 2, 9, tzinfo=UTC),
        3: datetime(2024, 1, 3, 9, tzinfo=UTC),
        4: datetime(2024, 1, 4, 9, tzinfo=UTC),
        5: datetime(2024, 1, 5, 9, tzinfo=UTC),
    }
    for seq, moment in times.items():
        session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(occurred_at=moment))

    assert _actions(
        session, since=datetime(2024, 1, 2, 9, tzinfo=UTC), until=datetime(2024, 1, 4)
    ) == [
        "sharing.verify",
        "sharing.query",
    ]

    first = audit.list_entries(session, page=1, per_page=2)
    third = audit.list_entries(session, page=3, per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert [e.seq for e in first.items] == [5, 4]
    assert [e.seq for e in third.items] == [1]
    assert audit.list_entries(session, page=4, per_page=2).items == []
    with pytest.raises(Invalid):
        audit.list_entries(session, page=0)
    with pytest.raises(Invalid):
        audit.list_entries(session, per_page=audit.MAX_PER_PAGE + 1)


def test_export_csv_streams_filtered_rows_oldest_first(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "_BATCH", 2)  # several pages
    _seed_for_listing(session)
    audit.record(
        session,
        actor=Actor(kind=ActorKind.USER, id=3, name="=HYPERLINK(1)", method=Method.CONSOLE),
        action="sharing.query",
        object_type="resource",
        object_id=3,
        purpose="line one\nline two",
        details={"b": 1, "a": "x,y"},
    )

    lines = list(audit.export_csv(session, filters=AuditFilters(action_prefix="sharing.")))
    rows = list(csv.reader(io.StringIO("".join(lines))))

    assert rows[0] == list(audit.CSV_COLUMNS)
    assert len(lines) == 4  # header + three records, one string each
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["seq"] for r in body] == ["2", "3", "6"]
    last = body[-1]
    assert last["actor_name"] == "'=HYPERLINK(1)"
    assert last["purpose"] == "line one\nline two"
    assert last["details"] == '{"a":"x,y","b":1}'
    assert last["department_id"] == ""
    stored = session.scalar(select(AuditEntry).where(AuditEntry.seq == 6))
    assert stored is not None
    assert last["entry_hash"] == stored.entry_hash
    assert datetime.fromisoformat(last["occurred_at"]) == stored.occurred_at


def test_export_csv_of_empty_log_is_only_the_header(session: Session) -> None:
    assert list(audit.export_csv(session)) == [",".join(audit.CSV_COLUMNS) + "\r\n"]
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_record_many_continues_the_chain_in_order_and_verifies(session: Session) -> None:
    audit.record(session, actor=Actor.system(), action="jobs.tick", object_type="sweep")
    batch = [
        audit.Entry(
            actor=officer(),
            action="grant.create",
            object_type="grant",
            object_id=n,
            details={"n": n, "items": ("a", "b")},
        )
        for n in range(1, 4)
    ]
    audit.record_many(session, batch)
    audit.record(session, actor=Actor.system(), action="jobs.tick", object_type="sweep")

    rows = entries(session)
    assert [e.seq for e in rows] == [1, 2, 3, 4, 5]
    assert [e.object_id for e in rows[1:4]] == ["1", "2", "3"]
    assert rows[2].details == {"n": 2, "items": ["a", "b"]}
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.entry_hash
    for entry in rows:
        assert entry.entry_hash == audit.compute_entry_hash(
            {name: getattr(entry, name) for name in audit.HASHED_COLUMNS}
        )
    assert audit.verify(session).ok


def test_record_many_with_one_bad_entry_appends_none(session: Session) -> None:
    good = audit.Entry(actor=officer(), action="grant.create", object_type="grant", object_id=1)
    bad = audit.Entry(actor=officer(), action="", object_type="grant", object_id=2)
    with pytest.raises(Invalid):
        audit.record_many(session, [good, bad])
    assert entries(session) == []
    audit.record_many(session, [])
    assert entries(session) == []
