"""The data and grant API: service accounts and users, minimised responses, errors without data, fail closed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.audit import service as audit_service
from govshare.catalogue.models import Resource
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs
from govshare.orgs.models import Department, Role
from govshare.sharing import service as sharing
from tests.sharing import builders
from tests.sharing.builders import KEY
from tests.sharing.conftest import last_audit
from tests.web_support import login

PURPOSE = {"purpose_text": "最低生活保障审核", "purpose_code": "440100-MZ-0031"}


def _key(session: Session, dept: Department, scopes: list[str]) -> dict[str, str]:
    issued = orgs.create_api_key(
        session, actor=Actor.operator(), department_id=dept.id, name="低保系统", scopes=scopes
    )
    return {"Authorization": f"Bearer {issued.token}"}


@pytest.fixture()
def data(session: Session, world: dict[str, Any]) -> dict[str, Any]:
    """A conditional and a not-shared resource of the provider ("police" in the web world), with records."""
    provider = world["police"]
    conditional = builders.published(session, provider, "conditional")
    none = builders.published(session, provider, "none")
    subject = builders.make_ric()
    return {
        "conditional": conditional,
        "none": none,
        "subject": subject,
        "stored": builders.with_records(
            session, conditional, "conditional", [subject], sealed=True
        )[subject],
        "stored_none": builders.with_records(session, none, "none", [subject])[subject],
        "key": _key(session, world["civil"], ["data:query", "data:verify"]),
    }


def _url(resource: Resource, action: str) -> str:
    return f"/api/v1/data/{resource.code}/{action}"  # the code holds a slash: 300/000001


def _markers(stored: dict[str, Any], *, except_: tuple[str, ...] = ()) -> list[str]:
    return [v for k, v in stored.items() if k != KEY and k not in except_]


def test_a_business_system_queries_with_its_key_and_gets_only_open_items(
    api: FastAPI, client: TestClient, data: dict[str, Any]
) -> None:
    body = {"subjects": [data["subject"], builders.make_ric()], **PURPOSE}
    r = client.post(_url(data["conditional"], "query"), json=body, headers=data["key"])
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["items"] == [KEY, "姓名"] and out["basis"] == ["unconditional"]
    assert out["found"] == 1
    assert out["results"][0]["data"] == {KEY: data["subject"], "姓名": data["stored"]["姓名"]}
    assert out["results"][1] == {
        "subject": body["subjects"][1],
        "status": "not_found",
        "data": None,
    }
    assert not [m for m in _markers(data["stored"], except_=("姓名",)) if m in r.text]


def test_grant_then_query_then_revoke_then_query(
    api: FastAPI,
    client: TestClient,
    session: Session,
    world: dict[str, Any],
    data: dict[str, Any],
) -> None:
    admin = {"X-CSRF-Token": login(client, world["users"][Role.AUTHORITY_ADMIN].username)}
    r = client.post(
        "/api/v1/grants",
        json={
            "consumer_department_id": world["civil"].id,
            "resource_id": data["conditional"].id,
            "items": ["婚姻状况"],
            "purposes": [PURPOSE["purpose_code"]],
            "valid_from": "2026-11-01",
            "valid_until": "2027-10-31",
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    grant = r.json()
    assert grant["state"] == "active" and grant["resource_code"] == data["conditional"].code
    body = {"subjects": [data["subject"]], **PURPOSE}
    r = client.post(_url(data["conditional"], "query"), json=body, headers=data["key"])
    assert r.json()["results"][0]["data"]["婚姻状况"] == data["stored"]["婚姻状况"]
    assert r.json()["grants"] == [
        {"id": grant["id"], "approved_by": grant["approved_by"], "items": ["婚姻状况"]}
    ]
    assert data["stored"]["月收入"] not in r.text

    client.post("/logout", headers=admin)
    officer = {"X-CSRF-Token": login(client, world["users"][Role.DATA_OFFICER].username)}
    given = client.get("/api/v1/grants/given", headers=officer).json()
    assert [g["id"] for g in given["items"]] == [grant["id"]]
    r = client.post(
        f"/api/v1/grants/{grant['id']}/revoke", json={"reason": "业务办结"}, headers=officer
    )
    assert r.status_code == 200 and r.json()["state"] == "revoked"

    r = client.post(_url(data["conditional"], "query"), json=body, headers=data["key"])
    assert r.status_code == 200
    assert "婚姻状况" not in r.json()["results"][0]["data"]
    assert not [m for m in _markers(data["stored"], except_=("姓名",)) if m in r.text]
    held = client.get("/api/v1/grants", headers=data["key"]).json()
    assert [(g["id"], g["state"]) for g in held["items"]] == [(grant["id"], "revoked")]


def test_staff_cannot_grant_and_a_key_needs_its_scope(
    api: FastAPI, client: TestClient, session: Session, world: dict[str, Any], data: dict[str, Any]
) -> None:
    staff = {"X-CSRF-Token": login(client, world["users"][Role.STAFF].username)}
    r = client.post("/api/v1/grants", json={}, headers=staff)
    assert r.status_code == 403
    verify_only = _key(session, world["civil"], ["data:verify"])
    body = {"subjects": [data["subject"]], **PURPOSE}
    r = client.post(_url(data["conditional"], "query"), json=body, headers=verify_only)
    assert r.status_code == 403 and r.json()["error"]["code"] == "missing_scope"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"purpose_text": ""}, "invalid_request"),
        ({"purpose_code": None}, "invalid_request"),
        ({"purpose_text": "   "}, "purpose_required"),
        ({"subjects": [str(n) for n in range(sharing.MAX_SUBJECTS + 1)]}, "invalid_request"),
        ({"subjects": []}, "invalid_request"),
    ],
)
def test_no_purpose_or_too_big_a_batch_is_a_422(
    api: FastAPI, client: TestClient, data: dict[str, Any], change: dict[str, Any], code: str
) -> None:
    body = {"subjects": [data["subject"]], **PURPOSE, **change}
    body = {k: v for k, v in body.items() if v is not None}
    before = client.post(_url(data["conditional"], "query"), json=body, headers=data["key"])
    assert before.status_code == 422 and before.json()["error"]["code"] == code


def test_a_not_shared_resource_refuses_queries_and_answers_verification(
    api: FastAPI, client: TestClient, data: dict[str, Any]
) -> None:
    stored = data["stored_none"]
    r = client.post(
        _url(data["none"], "query"),
        json={"subjects": [data["subject"]], **PURPOSE},
        headers=data["key"],
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_entitled"
    assert not [m for m in _markers(stored) if m in r.text]
    r = client.post(
        _url(data["none"], "verify"),
        json={
            "subject": data["subject"],
            "values": {"姓名": stored["姓名"], "病历摘要": "无"},
            **PURPOSE,
        },
        headers=data["key"],
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "resource_code": data["none"].code,
        "results": {"姓名": "match", "病历摘要": "no_match"},
    }
    assert stored["病历摘要"] not in r.text


def test_too_many_verifications_get_a_429(
    api: FastAPI, client: TestClient, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sharing, "VERIFY_PER_MINUTE", 2)
    body = {"subject": data["subject"], "values": {"姓名": "张三"}, **PURPOSE}
    codes = [
        client.post(_url(data["none"], "verify"), json=body, headers=data["key"]).status_code
        for _ in range(3)
    ]
    if codes[-1] != 429:  # the minute turned between two calls: one more window
        codes.append(
            client.post(_url(data["none"], "verify"), json=body, headers=data["key"]).status_code
        )
    assert codes[:2] == [200, 200] and codes[-1] == 429
    r = client.post(_url(data["none"], "verify"), json=body, headers=data["key"])
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"


def test_a_failing_audit_write_returns_no_data(
    api: FastAPI,
    session: Session,
    data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    before = last_audit(session).seq  # type: ignore[union-attr]
    monkeypatch.setattr(audit_service, "record", broken)
    with TestClient(api, raise_server_exceptions=False) as client:
        r = client.post(
            _url(data["conditional"], "query"),
            json={"subjects": [data["subject"]], **PURPOSE},
            headers=data["key"],
        )
    assert r.status_code == 500
    assert data["subject"] not in r.text
    assert not [v for v in data["stored"].values() if v in r.text]
    monkeypatch.undo()
    assert last_audit(session).seq == before  # type: ignore[union-attr]


def test_the_openapi_schema_has_examples(api: FastAPI, client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for name in (
        "QueryIn",
        "QueryOut",
        "VerifyIn",
        "VerifyOut",
        "GrantIn",
        "GrantOut",
        "GrantRevokeIn",
    ):
        assert schema["components"]["schemas"][name].get("examples"), name
    assert "/api/v1/data/{resource_code}/query" in schema["paths"]
