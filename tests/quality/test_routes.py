"""JSON API /api/v1/quality/...: links and divergence cases, per role (ZS Art. 17; JS Art. 11)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.orgs.models import Role
from tests.orgs import builders as orgs
from tests.quality import builders as q
from tests.web_support import login


def _headers(token: str) -> dict[str, str]:
    return {"x-csrf-token": token}


def test_the_authority_links_items_and_works_a_case_through_the_api(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session, linked=False)
    token = login(client, p.admin.username)
    r = client.post(
        "/api/v1/quality/source-links",
        json={
            "resource_a_id": p.civil_resource_id,
            "item_a": q.ITEM,
            "resource_b_id": p.health_resource_id,
            "item_b": q.ITEM,
            "source_resource_id": p.civil_resource_id,
        },
        headers=_headers(token),
    )
    assert r.status_code == 201, r.text
    link_id = r.json()["id"]
    r = client.post(
        "/api/v1/quality/source-links",
        json={
            "resource_a_id": p.civil_resource_id,
            "item_a": "nope",
            "resource_b_id": p.health_resource_id,
            "item_b": q.ITEM,
        },
        headers=_headers(token),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_item"
    assert client.get("/api/v1/quality/source-links").json()["total"] == 1

    # A push from the health department's business system over the API is compared (ZS 17).
    from govshare.datastore import service as data
    from tests.datastore import builders as datastore

    n = datastore.next_n()
    q.load(session, p.civil_officer, p.civil_resource_id, q.civil_rows([n]))
    data.push(
        session,
        actor=p.health_officer,
        resource_id=p.health_resource_id,
        records=q.health_rows([n], status="离异"),
        today=q.TODAY,
    )
    body = client.get("/api/v1/quality/divergences?state=open").json()
    assert body["total"] == 1
    case = body["items"][0]
    assert case["link_id"] == link_id
    assert case["subject"] == datastore.ric_number(n)  # the authority sees it unmasked
    assert case["value_b"] == "离异" and not case["value_b_hidden"]
    r = client.post(
        f"/api/v1/quality/divergences/{case['id']}/assign", json={}, headers=_headers(token)
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "assigned"
    r = client.post(
        f"/api/v1/quality/divergences/{case['id']}/resolve",
        json={"correct": "c", "note": "x"},
        headers=_headers(token),
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/quality/divergences/{case['id']}/resolve",
        json={"correct": "a", "note": "marriage register"},
        headers=_headers(token),
    )
    assert r.status_code == 200 and r.json()["correct_side"] == "a"
    r = client.post(
        f"/api/v1/quality/divergences/{case['id']}/dismiss",
        json={"reason": "late"},
        headers=_headers(token),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "case_closed"
    r = client.post(
        f"/api/v1/quality/source-links/{link_id}/remove",
        json={"reason": "done"},
        headers=_headers(token),
    )
    assert r.status_code == 200 and r.json()["removed_reason"] == "done"
    r = client.post(f"/api/v1/quality/source-links/{link_id}/compare", headers=_headers(token))
    assert r.status_code == 200 and r.json() == {"opened": 0, "updated": 0, "closed": 0}


def test_a_provider_reads_its_own_cases_masked_and_may_not_manage(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    token = login(client, p.health_user.username)
    body = client.get("/api/v1/quality/divergences").json()
    assert body["total"] == 1
    case = body["items"][0]
    assert "********" in case["subject"]
    assert case["value_a"] is None and case["value_a_hidden"] and case["value_b"] == "离异"
    assert client.get(f"/api/v1/quality/divergences/{case_id}").status_code == 200
    for path, payload in (
        (f"/api/v1/quality/divergences/{case_id}/assign", {}),
        (f"/api/v1/quality/divergences/{case_id}/dismiss", {"reason": "x"}),
    ):
        r = client.post(path, json=payload, headers=_headers(token))
        assert r.status_code == 403, path
    r = client.post(
        f"/api/v1/quality/divergences/{case_id}/resolve",
        json={"correct": "b", "note": "mine"},
        headers=_headers(token),
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_the_verifier"


def test_other_departments_get_not_found_and_staff_are_refused(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    stranger = orgs.user(session, role=Role.DATA_OFFICER, dept=orgs.department(session))
    staff = orgs.user(session, role=Role.STAFF, dept=p.civil)
    login(client, stranger.username)
    assert client.get("/api/v1/quality/divergences").json()["total"] == 0
    assert client.get(f"/api/v1/quality/divergences/{case_id}").status_code == 404
    client.cookies.clear()
    login(client, staff.username)
    assert client.get("/api/v1/quality/divergences").status_code == 403


def test_the_openapi_schema_documents_the_routes_with_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/quality/divergences/{divergence_id}/resolve" in schema["paths"]
    assert "/api/v1/quality/source-links" in schema["paths"]
    assert schema["components"]["schemas"]["ResolveIn"]["examples"]
