"""Queries: purpose required, batches, minimisation, revocation at the next query, public security, audit, fail closed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from govshare.audit import service as audit_service
from govshare.catalogue.models import Resource
from govshare.datastore import records
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.errors import DomainError, Forbidden, Invalid
from govshare.orgs.models import Department, Role
from govshare.sharing import service as sharing
from govshare.sharing.service import Basis, QueryMethod
from tests.sharing import builders
from tests.sharing.builders import KEY
from tests.sharing.conftest import audit_text, last_audit

TODAY = date(2026, 11, 20)
PURPOSE = "440100-MZ-0031"


def _query(
    session: Session, actor: Actor, resource_id: int, subjects: list[str], **kw: Any
) -> sharing.QueryResult:
    values: dict[str, Any] = {
        "purpose_text": "最低生活保障审核",
        "purpose_code": PURPOSE,
        "method": "console",
        "today": TODAY,
    }
    values.update(kw)
    return sharing.query(
        session,
        actor=actor,
        resource_id=resource_id,
        subjects=subjects,
        **values,
    )


def _data(result: sharing.QueryResult) -> dict[str, Any]:
    data = result.results[0].data
    assert data is not None
    return data


def _seq(session: Session) -> int:
    entry = last_audit(session)
    assert entry is not None
    return entry.seq


def service_account(dept: Department) -> Actor:
    return Actor(
        kind=ActorKind.SERVICE,
        id=77,
        name="key:ab12cd34:低保系统",
        method=Method.API,
        department_id=dept.id,
        roles=frozenset({Role.SERVICE}),
    )


@dataclass
class Setup:
    resource: Resource
    subject: str
    stored: dict[str, Any]


@pytest.fixture()
def setup(session: Session, depts: dict[str, Department]) -> Setup:
    """A conditional resource with one subject's record (payload sealed)."""
    resource = builders.published(session, depts["provider"], "conditional")
    subject = builders.make_ric()
    stored = builders.with_records(session, resource, "conditional", [subject], sealed=True)
    return Setup(resource, subject, stored[subject])


@pytest.mark.parametrize(
    ("text", "code", "error"),
    [
        ("", PURPOSE, "purpose_required"),
        ("审核", "", "purpose_required"),
        ("  ", "  ", "purpose_required"),
        ("审核", "no spaces allowed", "invalid_purpose_code"),
        ("审" * 501, PURPOSE, "purpose_too_long"),
    ],
)
def test_a_query_without_a_purpose_is_refused_and_reads_nothing(
    session: Session,
    depts: dict[str, Department],
    setup: Setup,
    text: str,
    code: str,
    error: str,
) -> None:
    before = _seq(session)
    with pytest.raises(Invalid) as caught:  # GZ 25; ZS 21
        _query(
            session,
            builders.staff(depts["civil"]),
            setup.resource.id,
            [setup.subject],
            purpose_text=text,
            purpose_code=code,
        )
    assert caught.value.code == error
    assert _seq(session) == before


def test_batches_are_bounded_and_subjects_normalised(
    session: Session, depts: dict[str, Department], setup: Setup
) -> None:
    staff, rid = builders.staff(depts["civil"]), setup.resource.id
    with pytest.raises(Invalid) as caught:
        _query(session, staff, rid, [builders.make_ric() for _ in range(sharing.MAX_SUBJECTS + 1)])
    assert caught.value.code == "batch_too_large"
    with pytest.raises(Invalid):
        _query(session, staff, rid, [])
    with pytest.raises(Invalid) as caught:
        _query(session, staff, rid, [setup.subject], method="fax")
    assert caught.value.code == "invalid_method"
    subject = setup.subject
    full = [subject, *(builders.make_ric() for _ in range(sharing.MAX_SUBJECTS - 1))]
    result = _query(session, staff, rid, full, method="batch")
    assert result.found == 1 and len(result.results) == sharing.MAX_SUBJECTS
    # a lower-case check letter and spaces are the same subject
    lower = f"  {subject.lower()} " if subject.endswith("X") else f" {subject} "
    assert _query(session, staff, rid, [lower]).results[0].status == "found"


def test_the_newest_version_is_served_and_a_tombstone_is_not_found(
    session: Session, depts: dict[str, Department], setup: Setup
) -> None:
    resource, subject = setup.resource, setup.subject
    staff = builders.staff(depts["civil"])
    newer = {**setup.stored, "姓名": "新姓名"}
    builders.put(session, resource, subject, newer, version=2)
    assert _data(_query(session, staff, resource.id, [subject]))["姓名"] == "新姓名"
    builders.put(session, resource, subject, {}, version=3, deleted=True)
    assert _query(session, staff, resource.id, [subject]).results[0].status == "not_found"


def test_revocation_takes_effect_at_the_next_query(
    session: Session, depts: dict[str, Department], setup: Setup
) -> None:
    resource, subject = setup.resource, setup.subject
    staff = builders.staff(depts["civil"])
    grant = sharing.create_grant(
        session,
        actor=Actor.operator(),
        consumer_department_id=depts["civil"].id,
        resource_id=resource.id,
        items=["婚姻状况"],
        purposes=[PURPOSE],
        valid_from=TODAY,
        valid_until=TODAY,
        today=TODAY,
    )
    first = _query(session, staff, resource.id, [subject])
    assert _data(first)["婚姻状况"] == setup.stored["婚姻状况"]
    assert first.entitlement.grant_id == grant.id
    sharing.revoke_grant(session, actor=Actor.operator(), grant_id=grant.id, reason="业务办结")
    second = _query(session, staff, resource.id, [subject])
    assert "婚姻状况" not in _data(second)
    assert second.entitlement.grants == ()
    # and the day after the last valid day, it has expired
    grant2 = sharing.create_grant(
        session,
        actor=Actor.operator(),
        consumer_department_id=depts["civil"].id,
        resource_id=resource.id,
        items=["婚姻状况"],
        purposes=[PURPOSE],
        valid_from=TODAY,
        valid_until=TODAY,
        today=TODAY,
    )
    assert _query(session, staff, resource.id, [subject]).entitlement.grant_id == grant2.id
    later = _query(session, staff, resource.id, [subject], today=date(2026, 11, 21))
    assert later.entitlement.grants == ()


def test_several_grants_for_the_purpose_add_up(
    session: Session, depts: dict[str, Department], setup: Setup
) -> None:
    resource = setup.resource
    ids = []
    for item in ("婚姻状况", "月收入"):
        ids.append(
            sharing.create_grant(
                session,
                actor=Actor.operator(),
                consumer_department_id=depts["civil"].id,
                resource_id=resource.id,
                items=[item],
                purposes=[PURPOSE, "other-matter"],
                valid_from=TODAY,
                valid_until=date(2027, 1, 1),
                today=TODAY,
                approved_by=f"approver of {item}",
            ).id
        )
    ent = sharing.entitlement(
        session,
        consumer_department_id=depts["civil"].id,
        resource=sharing.published(session, resource_id=resource.id),
        purpose_code=PURPOSE,
        today=TODAY,
    )
    assert ent.items == (KEY, "姓名", "婚姻状况", "月收入")
    assert [g.id for g in ent.grants] == ids
    assert [g.approved_by for g in ent.grants] == ["approver of 婚姻状况", "approver of 月收入"]
    assert ent.bases == (Basis.UNCONDITIONAL, Basis.GRANT)


def test_the_audit_entry_names_who_why_what_and_the_grant_never_the_subject(
    session: Session, depts: dict[str, Department], setup: Setup
) -> None:
    resource, subject = setup.resource, setup.subject
    grant = sharing.create_grant(
        session,
        actor=Actor.operator(),
        consumer_department_id=depts["civil"].id,
        resource_id=resource.id,
        items=["婚姻状况"],
        purposes=[PURPOSE],
        valid_from=TODAY,
        valid_until=date(2027, 1, 1),
        today=TODAY,
        approved_by="民政局 李处长",
    )
    system = service_account(depts["civil"])
    missing = builders.make_ric()
    _query(session, system, resource.id, [subject, missing], method=sharing.method_of(system, 2))
    entry = last_audit(session)
    assert entry is not None
    # ZS 32: approach, user, approver, content, time, method
    assert (entry.action, entry.object_type, entry.object_id) == (
        "data.query",
        "resource",
        str(resource.id),
    )
    assert (entry.actor_kind, entry.actor_id, entry.actor_name) == ("service", 77, system.name)
    assert entry.department_id == depts["civil"].id
    assert entry.purpose == f"{PURPOSE}: 最低生活保障审核"
    assert entry.occurred_at is not None
    details = entry.details
    assert details["consumer_department_id"] == depts["civil"].id
    assert details["resource"] == resource.code
    assert details["purpose_code"] == PURPOSE
    assert details["method"] == QueryMethod.BATCH
    assert details["items"] == [KEY, "姓名", "婚姻状况"]
    assert details["subjects"] == [records.subject_hash(subject), records.subject_hash(missing)]
    assert details["result_count"] == 1
    assert details["grants"] == [{"id": grant.id, "approved_by": "民政局 李处长"}]
    assert details["basis"] == ["unconditional", "grant"]
    row = audit_text(entry)
    assert subject not in row and missing not in row
    assert not [v for k, v in setup.stored.items() if k != KEY and v in row]


def test_if_the_audit_entry_cannot_be_written_no_data_is_returned(
    session: Session,
    depts: dict[str, Department],
    setup: Setup,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit_service, "record", broken)
    with pytest.raises(RuntimeError):  # fail closed (ZS 32): the error, not the data
        _query(session, builders.staff(depts["civil"]), setup.resource.id, [setup.subject])
    with pytest.raises(RuntimeError):
        sharing.verify(
            session,
            actor=builders.staff(depts["civil"]),
            resource_id=setup.resource.id,
            subject=setup.subject,
            values={"月收入": "x"},
            purpose_text="核实",
            purpose_code=PURPOSE,
            today=TODAY,
        )


def test_a_department_is_needed_to_take_data(session: Session, setup: Setup) -> None:
    with pytest.raises(Forbidden) as caught:
        _query(session, Actor.operator(), setup.resource.id, [setup.subject])
    assert caught.value.code == "no_department"


def test_unpublished_or_unknown_resources_are_not_found(
    session: Session, depts: dict[str, Department]
) -> None:
    with pytest.raises(DomainError) as caught:
        _query(session, builders.staff(depts["civil"]), 999_999, [builders.make_ric()])
    assert caught.value.code == "resource_not_found"


# --- public security (ZS 22 ¶4) ---------------------------------------------------------------


def _entitled(
    session: Session, dept: Department, resource_id: int, purpose: str
) -> tuple[str, ...]:
    return sharing.entitlement(
        session,
        consumer_department_id=dept.id,
        resource=sharing.published(session, resource_id=resource_id),
        purpose_code=purpose,
        today=TODAY,
    ).items


def test_public_security_management_gets_conditional_items_under_zhongshan(
    session: Session, depts: dict[str, Department], use_profile: Callable[[str], None]
) -> None:
    use_profile("zhongshan")
    resource = builders.published(session, depts["provider"], "conditional")
    none = builders.published(session, depts["provider"], "none")
    subject = builders.make_ric()
    stored = builders.with_records(session, resource, "conditional", [subject])[subject]
    police = depts["police"]
    assert _entitled(session, police, resource.id, "public_security") == (
        KEY,
        "姓名",
        "婚姻状况",
        "月收入",
    )
    result = _query(
        session,
        builders.staff(police),
        resource.id,
        [subject],
        purpose_code="public_security.fugitive",
    )
    assert result.results[0].data == stored
    assert result.entitlement.bases == (Basis.UNCONDITIONAL, Basis.PUBLIC_SECURITY)
    entry = last_audit(session)
    assert entry is not None and entry.details["public_security"] is True
    assert entry.details["purpose_code"] == "public_security.fugitive"
    # purpose-bound: another matter of the same bureau follows the normal rules
    assert _entitled(session, police, resource.id, "440100-GA-0007") == (KEY, "姓名")
    assert _entitled(session, police, resource.id, "public_securityish") == (KEY, "姓名")
    # only public-security departments
    assert _entitled(session, depts["civil"], resource.id, "public_security") == (KEY, "姓名")
    # not-shared data rests on a law: still verification only
    assert _entitled(session, police, none.id, "public_security") == ()


def test_public_security_follows_the_normal_rules_where_the_profile_is_silent(
    session: Session, depts: dict[str, Department], use_profile: Callable[[str], None]
) -> None:
    use_profile("guangzhou")  # sharing.public_security_unconditional is silent
    resource = builders.published(session, depts["provider"], "conditional")
    assert _entitled(session, depts["police"], resource.id, "public_security") == (KEY, "姓名")


def test_without_direct_unconditional_sharing_even_open_items_need_a_grant(
    session: Session, depts: dict[str, Department], use_profile: Callable[[str], None]
) -> None:
    use_profile("jiangsu")  # JS has no unconditional type: sharing.unconditional_direct is silent
    resource = builders.published(session, depts["provider"], "unconditional")
    assert _entitled(session, depts["civil"], resource.id, PURPOSE) == ()
    sharing.create_grant(
        session,
        actor=Actor.operator(),
        consumer_department_id=depts["civil"].id,
        resource_id=resource.id,
        items=["姓名"],
        purposes=[PURPOSE],
        valid_from=TODAY,
        valid_until=TODAY,
        today=TODAY,
    )
    assert _entitled(session, depts["civil"], resource.id, PURPOSE) == ("姓名",)


def test_refusals_name_no_stored_value(session: Session, depts: dict[str, Department]) -> None:
    resource = builders.published(session, depts["provider"], "none")
    subject = builders.make_ric()
    stored = builders.with_records(session, resource, "none", [subject])[subject]
    with pytest.raises(Forbidden) as caught:
        _query(session, builders.staff(depts["civil"]), resource.id, [subject])
    text = json.dumps(caught.value.as_dict(), ensure_ascii=False)
    assert caught.value.code == "not_entitled" and "verification" in text
    assert not [v for v in stored.values() if v in text]


def test_records_written_by_the_loader_are_served_minimised_and_verified(
    session: Session, depts: dict[str, Department]
) -> None:
    from govshare.datastore import service as datastore

    resource = builders.published(session, depts["provider"], "conditional")
    subject = builders.make_ric()
    row = {KEY: subject, "姓名": "陈明", "婚姻状况": "已婚", "月收入": "8800"}
    datastore.push(
        session, actor=Actor.operator(), resource_id=resource.id, records=[row], today=TODAY
    )
    staff = builders.staff(depts["civil"])
    result = _query(session, staff, resource.id, [subject])
    assert _data(result) == {KEY: subject, "姓名": "陈明"}
    checked = sharing.verify(
        session,
        actor=staff,
        resource_id=resource.id,
        subject=subject,
        values={KEY: subject, "婚姻状况": "未婚", "月收入": 8800},
        purpose_text="核实",
        purpose_code=PURPOSE,
        today=TODAY,
    )
    assert checked.results == {KEY: "match", "婚姻状况": "no_match", "月收入": "match"}
