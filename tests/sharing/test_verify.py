"""Verification without disclosure (GZ 26 ¶3; ZS 22 ¶3): match / no_match / no_record, rate-limited, audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.datastore import records
from govshare.kit.errors import DomainError, Forbidden, Invalid
from govshare.orgs.models import Department
from govshare.sharing import service as sharing
from govshare.sharing.models import VerificationWindow
from tests.sharing import builders
from tests.sharing.builders import KEY
from tests.sharing.conftest import audit_text, last_audit

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 9, 30, 15, tzinfo=UTC)


def _verify(
    session: Session,
    dept: Department,
    resource_id: int,
    subject: str,
    values: dict[str, Any],
    **kw: Any,
) -> sharing.VerifyResult:
    args: dict[str, Any] = {
        "purpose_text": "婚姻登记:核实当事人声明",
        "purpose_code": "440100-MZ-0102",
        "today": TODAY,
        "now": NOW,
    }
    args.update(kw)
    return sharing.verify(
        session,
        actor=builders.staff(dept),
        resource_id=resource_id,
        subject=subject,
        values=values,
        **args,
    )


@pytest.fixture()
def not_shared(session: Session, depts: dict[str, Department]) -> dict[str, Any]:
    resource = builders.published(session, depts["provider"], "none")
    subject = builders.make_ric()
    stored = builders.with_records(session, resource, "none", [subject])[subject]
    return {"resource": resource, "subject": subject, "stored": stored}


def test_not_shared_data_answers_match_or_no_match_and_never_the_values(
    session: Session, depts: dict[str, Department], not_shared: dict[str, Any]
) -> None:
    resource, subject, stored = not_shared["resource"], not_shared["subject"], not_shared["stored"]
    result = _verify(
        session,
        depts["civil"],
        resource.id,
        subject,
        {"姓名": f"  {stored['姓名'].lower()} ", "病历摘要": "高血压", KEY: subject},
    )
    assert result.results == {KEY: "match", "姓名": "match", "病历摘要": "no_match"}
    text = json.dumps(result.results, ensure_ascii=False) + result.resource_code
    assert not [v for k, v in stored.items() if k != KEY and v in text]
    entry = last_audit(session)
    assert entry is not None and entry.action == "data.verify"
    assert entry.details["subjects"] == [records.subject_hash(subject)]
    assert entry.details["results"] == result.results
    assert entry.details["items"] == [KEY, "姓名", "病历摘要"]
    row = audit_text(entry)
    # neither the stored values nor the values the consumer gave are kept
    assert subject not in row and "高血压" not in row
    assert not [v for k, v in stored.items() if k != KEY and v in row]


def test_an_unknown_subject_is_no_record_for_every_item(
    session: Session, depts: dict[str, Department], not_shared: dict[str, Any]
) -> None:
    result = _verify(
        session,
        depts["civil"],
        not_shared["resource"].id,
        builders.make_ric(),
        {"姓名": "张三", "病历摘要": "x"},
    )
    assert result.results == {"姓名": "no_record", "病历摘要": "no_record"}
    assert last_audit(session).details["result_count"] == 0  # type: ignore[union-attr]


def test_values_are_compared_as_values(session: Session, depts: dict[str, Department]) -> None:
    resource = builders.published(session, depts["provider"], "none")
    subject = builders.make_ric()
    builders.put(session, resource, subject, {"姓名": "Ｃｈｅｎ Ming", "病历摘要": 12.5})
    result = _verify(
        session, depts["civil"], resource.id, subject, {"姓名": "chen ming", "病历摘要": "12.50"}
    )
    assert result.results == {"姓名": "match", "病历摘要": "match"}
    result = _verify(session, depts["civil"], resource.id, subject, {"姓名": None, "病历摘要": 12})
    assert result.results == {"姓名": "no_match", "病历摘要": "no_match"}


@pytest.mark.parametrize(
    ("subject", "values", "code"),
    [
        ("valid", {}, "no_values"),
        ("valid", {"不存在的项": "x"}, "unknown_item"),
        ("440103199001011234", {"姓名": "x"}, "invalid_subject"),
    ],
)
def test_bad_requests_are_refused_without_echoing_the_subject(
    session: Session,
    depts: dict[str, Department],
    not_shared: dict[str, Any],
    subject: str,
    values: dict[str, Any],
    code: str,
) -> None:
    subject = not_shared["subject"] if subject == "valid" else subject
    with pytest.raises(Invalid) as caught:
        _verify(session, depts["civil"], not_shared["resource"].id, subject, values)
    assert caught.value.code == code
    assert subject not in json.dumps(caught.value.as_dict(), ensure_ascii=False)


def test_a_purpose_is_required(
    session: Session, depts: dict[str, Department], not_shared: dict[str, Any]
) -> None:
    with pytest.raises(Invalid) as caught:
        _verify(
            session,
            depts["civil"],
            not_shared["resource"].id,
            not_shared["subject"],
            {"姓名": "x"},
            purpose_text=" ",
        )
    assert caught.value.code == "purpose_required"


def test_verification_is_rate_limited_per_department_and_minute(
    session: Session,
    depts: dict[str, Department],
    not_shared: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sharing, "VERIFY_PER_MINUTE", 3)
    rid, subject = not_shared["resource"].id, not_shared["subject"]
    for second in (0, 20, 40):
        _verify(
            session, depts["civil"], rid, subject, {"姓名": "x"}, now=NOW.replace(second=second)
        )
    before = last_audit(session).seq  # type: ignore[union-attr]
    with pytest.raises(DomainError) as caught:
        _verify(session, depts["civil"], rid, subject, {"姓名": "x"}, now=NOW.replace(second=59))
    assert (caught.value.status, caught.value.code) == (429, "rate_limited")
    assert caught.value.details["retry_after"] == 1
    assert last_audit(session).seq == before  # type: ignore[union-attr]
    # another department has its own count; the next minute starts afresh
    _verify(session, depts["police"], rid, subject, {"姓名": "x"}, now=NOW)
    _verify(session, depts["civil"], rid, subject, {"姓名": "x"}, now=NOW + timedelta(minutes=1))
    windows = session.scalars(
        select(VerificationWindow).where(VerificationWindow.department_id == depts["civil"].id)
    ).all()
    assert sorted(w.count for w in windows) == [1, 4]


def test_old_windows_are_cleared_when_a_new_minute_starts(
    session: Session, depts: dict[str, Department], not_shared: dict[str, Any]
) -> None:
    rid, subject = not_shared["resource"].id, not_shared["subject"]
    _verify(session, depts["civil"], rid, subject, {"姓名": "x"}, now=NOW)
    _verify(session, depts["civil"], rid, subject, {"姓名": "x"}, now=NOW + timedelta(hours=2))
    windows = session.scalars(
        select(VerificationWindow).where(VerificationWindow.department_id == depts["civil"].id)
    ).all()
    assert len(windows) == 1


def test_conditional_items_the_consumer_may_not_read_can_be_verified(
    session: Session, depts: dict[str, Department]
) -> None:
    resource = builders.published(session, depts["provider"], "conditional")
    subject = builders.make_ric()
    stored = builders.with_records(session, resource, "conditional", [subject], sealed=True)[
        subject
    ]
    result = _verify(
        session,
        depts["civil"],
        resource.id,
        subject,
        {"月收入": stored["月收入"], "婚姻状况": "已婚"},
    )
    assert result.results == {"婚姻状况": "no_match", "月收入": "match"}


def test_where_the_profile_provides_no_verification_only_readable_items_are_verified(
    session: Session, depts: dict[str, Department], use_profile: Callable[[str], None]
) -> None:
    use_profile("zhengzhou")  # sharing.verification_cooperation is silent: not applied
    none = builders.published(session, depts["provider"], "none")
    open_ = builders.published(session, depts["provider"], "unconditional")
    subject = builders.make_ric()
    builders.with_records(session, none, "none", [subject])
    stored = builders.with_records(session, open_, "unconditional", [subject])[subject]
    with pytest.raises(Forbidden) as caught:
        _verify(session, depts["civil"], none.id, subject, {"姓名": "x"})
    assert caught.value.code == "verification_not_provided"
    result = _verify(session, depts["civil"], open_.id, subject, {"姓名": stored["姓名"]})
    assert result.results == {"姓名": "match"}
