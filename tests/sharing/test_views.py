"""The consumer's console pages: query, verify, the department's history.

Stored values carry unique markers (tests/sharing/builders.py): a marker of an item outside the
grant anywhere in a rendered page is a leak (GZ 26; ZS 19(iii)).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.orgs.models import Role
from govshare.sharing import service as sharing
from tests.orgs import builders as orgs
from tests.sharing import builders
from tests.web_support import TODAY, login

PURPOSE = "440100-MZ-0031"


def _conditional(
    session: Session, world: dict[str, Any], *, grant: str = "active"
) -> tuple[Any, dict[str, Any], str]:
    """A conditional resource of the police, records, and a grant of 婚姻状况 to civil affairs."""
    resource = builders.published(session, world["police"], "conditional")
    subject = builders.make_ric()
    records = builders.with_records(session, resource, "conditional", [subject])
    builders.grant_in_state(
        session,
        consumer=world["civil"],
        resource=resource,
        items=["婚姻状况"],
        purposes=[PURPOSE],
        state=grant,
        today=TODAY,
    )
    return resource, records[subject], subject


def _query(client: TestClient, token: str, resource_id: int, subjects: str, **form: str) -> Any:
    data = {"csrf_token": token, "resource_id": str(resource_id), "subjects": subjects}
    data.update({"purpose_code": PURPOSE, "purpose_text": "最低生活保障审核"})
    data.update(form)
    return client.post("/query", data=data)


def _queries(session: Session) -> int:
    return session.scalar(select(func.count()).where(AuditEntry.action == "data.query")) or 0


def test_query_page_offers_shared_resources(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    shared = builders.published(session, world["police"], "unconditional")
    hidden = builders.published(session, world["police"], "none")
    login(client, world["users"][Role.STAFF].username)
    html = client.get("/query").text
    assert f'value="{shared.id}"' in html and f'value="{hidden.id}"' not in html


def test_query_shows_only_granted_items(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # GZ 26; ZS 19(iii): unconditional items and the granted item; nothing else of the record
    resource, payload, subject = _conditional(session, world)
    token = login(client, world["users"][Role.STAFF].username)
    r = _query(client, token, resource.id, subject)
    assert r.status_code == 200
    html = r.text
    assert 'data-testid="query-result"' in html
    assert payload["姓名"] in html and payload["婚姻状况"] in html
    assert payload["月收入"] not in html and "月收入" not in html


@pytest.mark.parametrize("grant", ["expired", "revoked", "suspended", "none"])
def test_without_an_active_grant_only_unconditional_items_show(
    client: TestClient, session: Session, world: dict[str, Any], grant: str
) -> None:
    # GZ 26 ¶1-2: conditional items need an active grant; the unconditional ones stay open
    resource, payload, subject = _conditional(session, world, grant=grant)
    token = login(client, world["users"][Role.STAFF].username)
    html = _query(client, token, resource.id, subject).text
    assert payload["姓名"] in html
    assert payload["婚姻状况"] not in html and payload["月收入"] not in html


def test_a_purpose_the_grant_does_not_name_gets_nothing_conditional(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # ZS 21: the grant serves the purposes it names
    resource, payload, subject = _conditional(session, world)
    token = login(client, world["users"][Role.STAFF].username)
    html = _query(client, token, resource.id, subject, purpose_code="OTHER-1").text
    assert payload["婚姻状况"] not in html and payload["月收入"] not in html


def test_a_not_shared_resource_is_refused_without_revealing_anything(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # GZ 26 ¶3: verification only; the refusal says what to do and nothing of the data
    resource = builders.published(session, world["police"], "none")
    subject = builders.make_ric()
    payload = builders.with_records(session, resource, "none", [subject])[subject]
    token = login(client, world["users"][Role.STAFF].username)
    r = _query(client, token, resource.id, subject)
    assert r.status_code == 403
    assert 'data-testid="query-error"' in r.text
    for name, value in payload.items():
        if name != builders.KEY:
            assert value not in r.text
    assert 'data-testid="query-result"' not in r.text


@pytest.mark.parametrize("missing", ["purpose_text", "purpose_code"])
def test_the_purpose_is_required(
    client: TestClient, session: Session, world: dict[str, Any], missing: str
) -> None:
    # GZ 25; ZS 21: no purpose, no data (and nothing is recorded as taken)
    resource, payload, subject = _conditional(session, world)
    token = login(client, world["users"][Role.STAFF].username)
    before = _queries(session)
    r = _query(client, token, resource.id, subject, **{missing: "  "})
    assert r.status_code == 422
    assert 'data-testid="query-error"' in r.text
    assert payload["姓名"] not in r.text and payload["婚姻状况"] not in r.text
    assert _queries(session) == before


def test_a_batch_is_queried_and_one_too_many_refused(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    resource, _, subject = _conditional(session, world)
    other = builders.make_ric()
    token = login(client, world["users"][Role.STAFF].username)
    html = _query(client, token, resource.id, f"{subject}\n{other}").text
    assert html.count("<code>4401") >= 2  # both subjects listed, one found, one without record
    too_many = "\n".join(builders.make_ric() for _ in range(sharing.MAX_SUBJECTS + 1))
    r = _query(client, token, resource.id, too_many)
    assert r.status_code == 422 and 'data-testid="query-result"' not in r.text


def test_verify_says_match_or_not_and_never_the_stored_value(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # GZ 26 ¶3; ZS 22 ¶3: match / no match per item, never the value
    resource = builders.published(session, world["police"], "none")
    subject = builders.make_ric()
    payload = builders.with_records(session, resource, "none", [subject])[subject]
    token = login(client, world["users"][Role.STAFF].username)
    form = client.get("/verify", params={"resource_id": resource.id}).text
    assert 'data-testid="verify-form"' in form
    r = client.post(
        "/verify",
        data={
            "csrf_token": token,
            "resource_id": str(resource.id),
            "subject": subject,
            "purpose_code": PURPOSE,
            "purpose_text": "核验婚姻登记材料",
            "v1": payload["姓名"],  # the one the consumer holds
            "v2": "a wrong value",
        },
    )
    assert r.status_code == 200, r.text
    assert 'data-testid="outcome-0"' in r.text and 'data-testid="outcome-1"' in r.text
    assert payload["病历摘要"] not in r.text  # the stored value of the mismatch never shows
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry is not None and entry.action == "data.verify"
    assert entry.details["results"] == {"姓名": "match", "病历摘要": "no_match"}


def test_verify_needs_a_purpose_and_is_rate_limited(
    client: TestClient, session: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = builders.published(session, world["police"], "none")
    subject = builders.make_ric()
    builders.with_records(session, resource, "none", [subject])
    token = login(client, world["users"][Role.STAFF].username)
    base = {"csrf_token": token, "resource_id": str(resource.id), "subject": subject, "v1": "x"}
    r = client.post("/verify", data=base)
    assert r.status_code == 422 and 'data-testid="verify-error"' in r.text  # GZ 25; ZS 21
    monkeypatch.setattr(sharing, "VERIFY_PER_MINUTE", 1)
    full = {**base, "purpose_code": PURPOSE, "purpose_text": "核验"}
    assert client.post("/verify", data=full).status_code == 200
    limited = client.post("/verify", data=full)
    assert limited.status_code == 429 and 'data-testid="rate-limited"' in limited.text


def test_history_lists_the_departments_own_uses_and_exports_them(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # ZS 32: every use is on record; a department reads back its own
    resource, _, subject = _conditional(session, world)
    token = login(client, world["users"][Role.STAFF].username)
    _query(client, token, resource.id, subject, purpose_text="审核低保申请 A-17")
    html = client.get("/query/history").text
    assert "审核低保申请 A-17" in html and resource.code in html
    assert "婚姻状况" in html  # the items taken
    filtered = client.get("/query/history", params={"resource_id": resource.id + 1000}).text
    assert "审核低保申请 A-17" not in filtered
    future = client.get("/query/history", params={"since": "2099-01-01"}).text
    assert "审核低保申请 A-17" not in future
    csv_text = client.get("/query/history.csv").content.decode("utf-8-sig")
    assert "审核低保申请 A-17" in csv_text and subject not in csv_text
    # another department sees none of it
    other = orgs.user(session, role=Role.STAFF, dept=world["police"])
    client.cookies.clear()
    login(client, other.username)
    assert "审核低保申请 A-17" not in client.get("/query/history").text


def test_provider_data_officers_may_query_too_but_not_auditors(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    login(client, world["users"][Role.AUDITOR].username)
    assert client.get("/query").status_code == 403
    client.cookies.clear()
    login(client, world["users"][Role.DATA_OFFICER].username)
    assert client.get("/query").status_code == 200
