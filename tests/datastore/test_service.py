"""Loads: all or nothing, partial, upserts with history, tombstones, protection at rest, who may load."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.datastore import parsing, records, service
from govshare.datastore.models import Connection, Load, RecordVersion
from govshare.datastore.service import LoadInvalid, must_encrypt
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.demo_codes import make_uscc
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid
from govshare.orgs.models import Role
from govshare.profiles.schema import GradeScale
from govshare.profiles.service import get_active_profile
from tests.catalogue import builders as catalogue_builders
from tests.datastore import builders as b
from tests.orgs import builders as orgs

TODAY = b.date(2026, 11, 20)


def _file(rows: list[dict[str, Any]], **kwargs: Any) -> parsing.Source:
    return parsing.read(io.BytesIO(b.csv_bytes(rows, **kwargs)), filename="people.csv")


def _load(
    session: Session, actor: Actor, resource_id: int, rows: list[dict[str, Any]], **kwargs: Any
) -> service.LoadResult:
    return service.load(
        session,
        actor=actor,
        resource_id=resource_id,
        rows=_file(rows),
        method="cli",
        filename="people.csv",
        today=TODAY,
        **kwargs,
    )


def _versions(session: Session, resource_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecordVersion)
            .where(RecordVersion.resource_id == resource_id)
        )
        or 0
    )


def _current(session: Session, resource_id: int, subject: str) -> records.Record | None:
    return records.current_one(
        session, resource_id=resource_id, subject_hash_=records.subject_hash(subject)
    )


@pytest.fixture()
def setup(session: Session) -> SimpleNamespace:
    dept, officer = b.provider(session)
    resource = b.resource(session, dept)
    return SimpleNamespace(dept=dept, officer=officer, resource=resource, rid=resource.id)


def test_a_load_writes_one_version_per_row_and_its_report(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ 19; ZS 18: the connection records when the provider last updated its data.
    people = [b.person(b.next_n()) for _ in range(5)]
    result = _load(session, setup.officer, setup.rid, people)
    report = result.load
    assert (
        report.status,
        report.rows_total,
        report.rows_written,
        report.rows_unchanged,
        report.rows_rejected,
    ) == ("loaded", 5, 5, 0, 0)
    assert report.department_id == setup.dept.id and report.actor_name == setup.officer.name
    assert _versions(session, setup.rid) == 5
    record = _current(session, setup.rid, people[0]["公民身份号码"])
    assert (
        record is not None and record.version == 1 and record.payload["姓名"] == people[0]["姓名"]
    )
    connection = session.get(Connection, setup.rid)
    assert (
        connection is not None and connection.records == 5 and connection.last_updated_on == TODAY
    )
    assert connection.connected_at == connection.last_updated_at


def test_one_bad_row_and_nothing_is_written(session: Session, setup: SimpleNamespace) -> None:
    # GZ 18; ZS 17: the provider guarantees validity, so a load is all or nothing.
    _load(session, setup.officer, setup.rid, [b.person(b.next_n())])
    before = (_versions(session, setup.rid), session.scalar(select(func.count()).select_from(Load)))
    audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    connection_before = session.get(Connection, setup.rid).last_updated_at  # type: ignore[union-attr]
    people = [b.person(b.next_n()) for _ in range(6)]
    people[3]["子女数"] = "many"
    people[5]["公民身份号码"] = "440106199003071232"
    with pytest.raises(LoadInvalid) as caught:
        _load(session, setup.officer, setup.rid, people)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (5, "子女数"),
        (7, "公民身份号码"),
    ]
    assert caught.value.details["problems"][0] == {
        "row": 5,
        "column": "子女数",
        "reason": "expected a whole number",
    }
    assert caught.value.code == "load_invalid" and caught.value.rows_total == 6
    after = (_versions(session, setup.rid), session.scalar(select(func.count()).select_from(Load)))
    assert after == before
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    assert session.get(Connection, setup.rid).last_updated_at == connection_before  # type: ignore[union-attr]


def test_a_refused_load_lists_the_first_thousand_problems(
    session: Session, setup: SimpleNamespace
) -> None:
    bad = [{"公民身份号码": "123"} for _ in range(1200)]
    with pytest.raises(LoadInvalid) as caught:
        service.push(session, actor=setup.officer, resource_id=setup.rid, records=bad)
    assert len(caught.value.problems) > 1200  # all of them, for the CLI
    assert len(caught.value.details["problems"]) == 1000
    assert caught.value.details["problem_count"] == len(caught.value.problems)


def test_a_refused_load_is_recorded_by_the_caller_in_a_new_transaction(
    session: Session, setup: SimpleNamespace
) -> None:
    # ZS 32: what was provided, by whom and when is recorded, refusals included.
    people = [b.person(b.next_n(), 出生日期="soon")]
    with pytest.raises(LoadInvalid) as caught:
        _load(session, setup.officer, setup.rid, people)
    job = service.record_failure(
        session,
        actor=setup.officer,
        resource_id=setup.rid,
        method="cli",
        error=caught.value,
        filename="people.csv",
    )
    assert (job.status, job.rows_total, job.rows_rejected) == ("rejected", 1, 1)
    assert job.problems == [
        {"row": 2, "column": "出生日期", "reason": "expected a date (YYYY-MM-DD)"}
    ]
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (
        entry is not None
        and entry.action == "data.load_refused"
        and entry.details["load_id"] == job.id
    )


def test_header_problems_refuse_the_file_before_any_row(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ 18: shared data follows the catalogue's items; no column is dropped silently.
    rows = [b.person(b.next_n())]
    with pytest.raises(LoadInvalid) as caught:
        service.load(
            session,
            actor=setup.officer,
            resource_id=setup.rid,
            rows=_file(rows, columns=[*rows[0], "电话"]),
            method="cli",
            partial=True,  # unknown columns are never dropped silently, even in a partial load
        )
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "电话")]


def test_partial_loads_the_good_rows_and_returns_the_bad(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ 18; ZS 17: bad rows are reported for correction, never coerced.
    people = [b.person(b.next_n()) for _ in range(4)]
    people[1]["婚姻状况"] = "婚" * 11
    result = _load(session, setup.officer, setup.rid, people, partial=True)
    assert (result.load.status, result.load.rows_written, result.load.rows_rejected) == (
        "partial",
        3,
        1,
    )
    assert [r.number for r in result.rejected] == [3]
    assert result.rejected[0].values["婚姻状况"] == "婚" * 11  # the original values, to fix
    assert [str(p) for p in result.problems] == [
        "row 3, column 婚姻状况: longer than 10 characters"
    ]
    assert result.load.problems == [
        {"row": 3, "column": "婚姻状况", "reason": "longer than 10 characters"}
    ]
    assert _versions(session, setup.rid) == 3


def test_a_partial_load_where_every_row_is_bad_loads_nothing(
    session: Session, setup: SimpleNamespace
) -> None:
    result = _load(
        session, setup.officer, setup.rid, [b.person(b.next_n(), 子女数="x")], partial=True
    )
    assert (result.load.status, result.load.rows_written, result.load.rows_rejected) == (
        "rejected",
        0,
        1,
    )
    assert session.get(Connection, setup.rid).last_updated_on is None  # type: ignore[union-attr]


def test_upsert_makes_a_new_version_only_when_the_record_changed(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ 19; ZS 18: updates keep the shared data consistent with the provider's.
    people = [b.person(b.next_n()) for _ in range(3)]
    _load(session, setup.officer, setup.rid, people)
    people[0]["婚姻状况"] = "离婚"
    extra = b.person(b.next_n())
    result = _load(session, setup.officer, setup.rid, [*people, extra])
    assert (result.load.rows_written, result.load.rows_unchanged) == (2, 2)
    assert _versions(session, setup.rid) == 5
    changed = _current(session, setup.rid, people[0]["公民身份号码"])
    assert changed is not None and (changed.version, changed.payload["婚姻状况"]) == (2, "离婚")
    same = _current(session, setup.rid, people[1]["公民身份号码"])
    assert same is not None and same.version == 1
    assert session.get(Connection, setup.rid).records == 4  # type: ignore[union-attr]


def test_a_change_is_judged_against_the_latest_version_not_any_earlier_one(
    session: Session, setup: SimpleNamespace
) -> None:
    someone = b.person(b.next_n(), 婚姻状况="未婚")
    other = b.person(b.next_n())
    changed = {**someone, "婚姻状况": "已婚"}
    counts = [
        (r.load.rows_written, r.load.rows_unchanged)
        for r in (
            _load(session, setup.officer, setup.rid, [someone, other]),
            _load(session, setup.officer, setup.rid, [changed, other]),
            _load(
                session, setup.officer, setup.rid, [someone, other]
            ),  # back to version 1's values
            _load(session, setup.officer, setup.rid, [someone, other]),
        )
    ]
    assert counts == [(2, 0), (1, 1), (1, 1), (0, 2)]
    record = _current(session, setup.rid, someone["公民身份号码"])
    assert record is not None and (record.version, record.payload["婚姻状况"]) == (3, "未婚")


def test_history_and_as_of_answer_what_the_platform_said_on_a_date(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ 29: shared data grounds administrative decisions, so what was said when must be answerable.
    someone = b.person(b.next_n())
    subject = someone["公民身份号码"]
    _load(session, setup.officer, setup.rid, [someone])
    _load(session, setup.officer, setup.rid, [{**someone, "婚姻状况": "丧偶"}])
    service.delete_subjects(
        session, actor=setup.officer, resource_id=setup.rid, subjects=[subject], reason="迁出本市"
    )
    h = records.subject_hash(subject)
    versions = records.history(session, resource_id=setup.rid, subject_hash_=h)
    assert [(v.version, v.deleted, v.changed_by) for v in versions] == [
        (n, n == 3, setup.officer.name) for n in (1, 2, 3)
    ]
    assert versions[2].reason == "迁出本市" and versions[2].load_id is not None
    # Make the three versions a day apart, as they would be in use.
    first = versions[0].recorded_at - timedelta(days=10)
    for n, v in enumerate(versions):
        session.execute(
            text("UPDATE record_version SET recorded_at = :t WHERE id = :id"),
            {
                "t": RecordVersion.__table__.c.recorded_at.type.process_bind_param(
                    first + timedelta(days=n), None
                ),
                "id": v.id,
            },
        )
    session.expire_all()

    def said(at: Any) -> Any:
        record = records.as_of(session, resource_id=setup.rid, subject_hash_=h, at=at)
        return None if record is None else record.payload["婚姻状况"]

    assert said(first - timedelta(hours=1)) is None
    assert said(first + timedelta(hours=12)) == someone["婚姻状况"]
    assert said(first + timedelta(days=1, hours=12)) == "丧偶"
    assert said(first + timedelta(days=2, hours=12)) is None  # deleted by then


def test_tombstones_from_a_delete_column_and_their_counts(
    session: Session, setup: SimpleNamespace
) -> None:
    # ZS 32: a deletion is a recorded version; the history stays.
    people = [b.person(b.next_n()) for _ in range(3)]
    _load(session, setup.officer, setup.rid, people)
    gone = people[1]["公民身份号码"]
    rows = [
        {"公民身份号码": gone, "_delete": "1"},
        {"公民身份号码": b.ric_number(b.next_n()), "_delete": "1"},
    ]
    result = service.load(
        session,
        actor=setup.officer,
        resource_id=setup.rid,
        rows=parsing.read(io.BytesIO(b.csv_bytes(rows)), filename="deletions.csv"),
        method="cli",
    )
    # The file names only the key and _delete: a deletion file need not carry the other items.
    assert (result.load.rows_deleted, result.load.rows_unchanged) == (
        1,
        1,
    )  # deleting nothing changes nothing
    assert _current(session, setup.rid, gone) is None
    assert session.get(Connection, setup.rid).records == 2  # type: ignore[union-attr]
    again = service.delete_subjects(
        session, actor=setup.officer, resource_id=setup.rid, subjects=[gone], reason="x"
    )
    assert (again.load.rows_deleted, again.load.rows_unchanged) == (0, 1)
    back = _load(session, setup.officer, setup.rid, [people[1]])
    assert back.load.rows_written == 1
    record = _current(session, setup.rid, gone)
    assert record is not None and record.version == 3
    assert session.get(Connection, setup.rid).records == 3  # type: ignore[union-attr]


def test_a_deletion_file_may_name_only_the_key(session: Session, setup: SimpleNamespace) -> None:
    someone = b.person(b.next_n())
    rows = [{"公民身份号码": someone["公民身份号码"], "_delete": ""}]
    with pytest.raises(LoadInvalid) as caught:
        service.load(
            session,
            actor=setup.officer,
            resource_id=setup.rid,
            rows=parsing.read(io.BytesIO(b.csv_bytes(rows)), filename="deletions.csv"),
            method="cli",
        )
    # ... but a row of it that is not a deletion needs every item.
    assert {p.column for p in caught.value.problems} == {
        i["name"] for i in b.ITEMS if not i.get("is_subject_key")
    }


def test_payloads_of_person_records_are_encrypted_and_subjects_never_stored_in_clear(
    session: Session, setup: SimpleNamespace
) -> None:
    # Data protection by design (ARCHITECTURE): blind index + encryption; ZS 33 graded protection.
    someone = b.person(b.next_n(), 姓名="欧阳明月")
    _load(session, setup.officer, setup.rid, [someone])
    subject = someone["公民身份号码"]
    raw = (
        session.execute(
            text("SELECT * FROM record_version WHERE resource_id = :r"), {"r": setup.rid}
        )
        .mappings()
        .one()
    )
    assert raw["payload"] is None and raw["payload_enc"]
    assert (
        "欧阳明月" not in raw["payload_enc"] and "欧阳明月".encode().hex() not in raw["payload_enc"]
    )
    assert raw["subject_hash"] == records.subject_hash(subject)
    for table in ("record_version", "data_load", "data_connection", "audit_entry"):
        for row in session.execute(text(f"SELECT * FROM {table}")):
            assert subject not in " ".join(str(v) for v in row), table


def test_unconditional_organisation_records_are_stored_in_clear_but_keyed_by_hash(
    session: Session,
) -> None:
    # GZ 20: organisations are identified by their unified social credit code.
    dept, officer = b.provider(session)
    resource = catalogue_builders.published(
        session,
        dept,
        subject_key_type="credit_code",
        items=[
            {
                "name": "统一社会信用代码",
                "data_type": "string",
                "length": 18,
                "is_subject_key": True,
            },
            {"name": "名称", "data_type": "string", "length": 100},
        ],
    )
    code = make_uscc("440100", 424242)
    service.push(
        session,
        actor=officer,
        resource_id=resource.id,
        records=[{"统一社会信用代码": code, "名称": "某某有限公司"}],
    )
    raw = (
        session.execute(
            text("SELECT * FROM record_version WHERE resource_id = :r"), {"r": resource.id}
        )
        .mappings()
        .one()
    )
    assert raw["payload_enc"] is None and "某某有限公司" in str(raw["payload"])
    assert code not in " ".join(str(v) for v in raw.values())


def test_values_with_backslashes_tabs_and_line_breaks_survive_the_bulk_write(
    session: Session,
) -> None:
    # COPY's text format escapes these; the clear JSON payload and the actor's name go through it.
    dept, _ = b.provider(session)
    resource = catalogue_builders.published(
        session,
        dept,
        subject_key_type="credit_code",
        items=[
            {
                "name": "统一社会信用代码",
                "data_type": "string",
                "length": 18,
                "is_subject_key": True,
            },
            {"name": "名称", "data_type": "string", "length": 100},
        ],
    )
    code = make_uscc("440100", 434343)
    name = 'a\tb\\c\nd\re "q" \\N'
    operator = Actor.operator(name="op\t\\x")
    service.push(
        session,
        actor=operator,
        resource_id=resource.id,
        records=[{"统一社会信用代码": code, "名称": name}],
    )
    h = records.subject_hash(code)
    record = records.current_one(session, resource_id=resource.id, subject_hash_=h)
    assert record is not None and record.payload == {"名称": name.strip()}
    assert (
        records.history(session, resource_id=resource.id, subject_hash_=h)[0].changed_by
        == "op\t\\x"
    )


def test_must_encrypt_follows_the_profiles_grades_else_the_default() -> None:
    # ZS 8, 33: graded data protection; the default when the profile defines no grades.
    profile = get_active_profile()
    assert profile.classification.grades.silent  # Guangzhou defines no grades: the default applies
    person = SimpleNamespace(
        subject_key_type="resident_id", sharing_type="unconditional", data_grade=None
    )
    organisation = SimpleNamespace(
        subject_key_type="credit_code", sharing_type="unconditional", data_grade=None
    )
    conditional = SimpleNamespace(
        subject_key_type="credit_code", sharing_type="conditional", data_grade=None
    )
    assert must_encrypt(person, profile) and must_encrypt(conditional, profile)
    assert not must_encrypt(organisation, profile)
    graded = profile.model_copy(
        update={
            "classification": profile.classification.model_copy(
                update={
                    "grades": GradeScale.model_validate(
                        {
                            "article": "custom",
                            "levels": [
                                {
                                    "level": 1,
                                    "name": "public",
                                    "encrypt_at_rest": False,
                                    "open_data": "allowed",
                                },
                                {
                                    "level": 2,
                                    "name": "sensitive",
                                    "encrypt_at_rest": True,
                                    "open_data": "never",
                                },
                            ],
                        }
                    )
                }
            )
        }
    )
    assert not must_encrypt(
        SimpleNamespace(subject_key_type="resident_id", sharing_type="conditional", data_grade=1),
        graded,
    )
    assert must_encrypt(
        SimpleNamespace(subject_key_type="credit_code", sharing_type="unconditional", data_grade=2),
        graded,
    )
    assert must_encrypt(
        SimpleNamespace(subject_key_type="credit_code", sharing_type="unconditional", data_grade=9),
        graded,
    )
    assert not must_encrypt(organisation, graded)  # no grade: the default


def test_only_the_providing_department_loads(session: Session, setup: SimpleNamespace) -> None:
    # GZ 19 / ZS 17: whoever collects and provides the data manages it; one data, one source.
    other_dept = orgs.department(session)
    other_officer = orgs.actor_of(orgs.user(session, role=Role.DATA_OFFICER, dept=other_dept))
    staff = orgs.actor_of(orgs.user(session, role=Role.STAFF, dept=setup.dept))
    authority = orgs.department(session, authority=True)
    admin = orgs.actor_of(orgs.user(session, role=Role.AUTHORITY_ADMIN, dept=authority))
    rows = [b.person(b.next_n())]
    for actor in (other_officer, staff, admin):
        with pytest.raises(Forbidden):
            _load(session, actor, setup.rid, rows)
    service_account = Actor(
        kind=ActorKind.SERVICE,
        id=1,
        name="key:abc:hr",
        method=Method.API,
        department_id=setup.dept.id,
        roles=frozenset({Role.SERVICE}),
    )
    assert (
        service.push(
            session, actor=service_account, resource_id=setup.rid, records=rows
        ).load.rows_written
        == 1
    )
    assert (
        _load(session, Actor.operator(), setup.rid, [b.person(b.next_n())]).load.rows_written == 1
    )


def test_only_a_published_resource_takes_data(session: Session, setup: SimpleNamespace) -> None:
    # GZ 20: data is provided for resources in the published sharing directory.
    draft = catalogue_builders.resource(session, setup.dept, items=b.ITEMS)
    with pytest.raises(IllegalTransition) as caught:
        _load(session, setup.officer, draft.id, [b.person(b.next_n())])
    assert caught.value.code == "not_published"


def test_an_empty_load_is_refused(session: Session, setup: SimpleNamespace) -> None:
    with pytest.raises(LoadInvalid, match="no rows"):
        service.load(session, actor=setup.officer, resource_id=setup.rid, rows=[], method="api")


def test_one_audit_entry_per_load_with_counts_and_no_subjects(
    session: Session, setup: SimpleNamespace
) -> None:
    # ZS 32: each provision is recorded; identifiers never enter the log in clear.
    people = [b.person(b.next_n()) for _ in range(3)]
    result = _load(session, setup.officer, setup.rid, people)
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "data.load", AuditEntry.object_id == str(setup.rid)
        )
    ).all()
    assert len(entries) == 1
    details = entries[0].details
    assert (
        details["load_id"] == result.load.id
        and details["rows_written"] == 3
        and details["payload_encrypted"] is True
    )
    assert not any(p["公民身份号码"] in json.dumps(details) for p in people)


def test_batches_look_up_history_and_write_in_the_background(
    session: Session, setup: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BATCH_SIZE", 40)
    people = [b.person(b.next_n()) for _ in range(130)]
    seen: list[tuple[int, int | None]] = []
    first = _load(
        session,
        setup.officer,
        setup.rid,
        people,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert first.load.rows_written == 130
    assert seen == [(40, 130), (80, 130), (120, 130), (130, 130)]
    for n in range(0, 130, 3):
        people[n]["姓名"] = "新名字"
    more = [b.person(b.next_n()) for _ in range(20)]
    second = _load(session, setup.officer, setup.rid, [*people, *more])
    assert (second.load.rows_written, second.load.rows_unchanged) == (44 + 20, 130 - 44)
    assert _versions(session, setup.rid) == 130 + 44 + 20
    assert all(
        r.payload["姓名"] == "新名字"
        for r in records.current(
            session,
            resource_id=setup.rid,
            subject_hashes=[
                records.subject_hash(people[n]["公民身份号码"]) for n in range(0, 130, 3)
            ],
        ).values()
    )


def test_push_takes_json_records_with_english_names_and_tombstones(
    session: Session, setup: SimpleNamespace
) -> None:
    # ZS 12: business systems connect and update data through standard interfaces.
    someone = b.person(b.next_n())
    english = {i["name"]: i["name_en"] for i in b.ITEMS}
    sent = {english[k]: v for k, v in someone.items()}
    assert (
        service.push(
            session, actor=setup.officer, resource_id=setup.rid, records=[sent]
        ).load.rows_written
        == 1
    )
    result = service.push(
        session,
        actor=setup.officer,
        resource_id=setup.rid,
        records=[{"id_number": someone["公民身份号码"], "_delete": True}],
    )
    assert result.load.rows_deleted == 1 and result.load.method == "api"
    with pytest.raises(Invalid, match="at most"):
        service.push(
            session,
            actor=setup.officer,
            resource_id=setup.rid,
            records=[{}] * (service.MAX_PUSH + 1),
        )


def test_export_gives_the_provider_its_current_records_decrypted_and_is_audited(
    session: Session, setup: SimpleNamespace
) -> None:
    # ZS 32: access to the data, the provider's own included, is recorded.
    people = [b.person(b.next_n()) for _ in range(3)]
    _load(session, setup.officer, setup.rid, people)
    service.delete_subjects(
        session,
        actor=setup.officer,
        resource_id=setup.rid,
        subjects=[people[2]["公民身份号码"]],
        reason="x",
    )
    exported = list(service.export(session, actor=setup.officer, resource_id=setup.rid))
    assert [r["公民身份号码"] for r in exported] == [p["公民身份号码"] for p in people[:2]]
    assert list(exported[0]) == [i["name"] for i in b.ITEMS]
    assert exported[0]["子女数"] == int(people[0]["子女数"])
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.action == "data.export" and entry.details == {"records": 2}
    other = orgs.actor_of(orgs.user(session, role=Role.DATA_OFFICER, dept=orgs.department(session)))
    with pytest.raises(Forbidden):
        service.export(session, actor=other, resource_id=setup.rid)


def test_an_export_loads_back_unchanged(session: Session, setup: SimpleNamespace) -> None:
    from govshare.datastore.cli import _cell

    people = [b.person(b.next_n(), 是否户主="") for _ in range(3)]
    _load(session, setup.officer, setup.rid, people)
    exported = [
        {k: _cell(v) for k, v in row.items()}
        for row in service.export(session, actor=setup.officer, resource_id=setup.rid)
    ]
    again = _load(session, setup.officer, setup.rid, exported)
    assert (again.load.rows_written, again.load.rows_unchanged) == (0, 3)


def test_load_reports_are_for_the_provider_and_the_authority(
    session: Session, setup: SimpleNamespace
) -> None:
    # GZ 19; ZS 18: the authority supervises how providers keep their data current.
    result = _load(session, setup.officer, setup.rid, [b.person(b.next_n())])
    page = service.list_loads(session, actor=setup.officer, resource_id=setup.rid)
    assert [x.id for x in page.items] == [result.load.id]
    authority = orgs.department(session, authority=True)
    admin = orgs.actor_of(orgs.user(session, role=Role.AUTHORITY_ADMIN, dept=authority))
    assert service.get_load(session, actor=admin, load_id=result.load.id).id == result.load.id
    stranger = orgs.actor_of(
        orgs.user(session, role=Role.DATA_OFFICER, dept=orgs.department(session))
    )
    with pytest.raises(Forbidden):
        service.get_load(session, actor=stranger, load_id=result.load.id)
    with pytest.raises(Forbidden):
        service.list_loads(session, actor=stranger, resource_id=setup.rid)


def test_a_load_on_sqlite_gives_back_the_page_cache_it_raised(
    session: Session, setup: SimpleNamespace
) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite only")
    before = session.execute(text("PRAGMA cache_size")).scalar()
    _load(session, setup.officer, setup.rid, [b.person(b.next_n())])
    assert session.execute(text("PRAGMA cache_size")).scalar() == before
