"""The catalogue API: CRUD and workflow, clear 4xx errors, the directory read API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.catalogue.models import Resource
from govshare.orgs.models import Role
from tests.catalogue import builders
from tests.web_support import login


def _body(dept_id: int, **overrides: object) -> dict[str, object]:
    return builders.resource_in(type("D", (), {"id": dept_id})(), **overrides).model_dump(
        mode="json"
    )  # type: ignore[arg-type]


def test_officer_creates_submits_admin_approves_publishes_and_everyone_finds_it(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    officer, admin, staff = (TestClient(app, follow_redirects=False) for _ in range(3))
    h_officer = {"X-CSRF-Token": login(officer, world["users"][Role.DATA_OFFICER].username)}
    h_admin = {"X-CSRF-Token": login(admin, world["users"][Role.AUTHORITY_ADMIN].username)}
    h_staff = {"X-CSRF-Token": login(staff, world["users"][Role.STAFF].username)}
    police = world["police"]
    r = officer.post(
        "/api/v1/catalogue/resources",
        json=_body(
            police.id, name="户籍登记信息", catalogue_kind="basic", basic_category="natural_person"
        ),
        headers=h_officer,
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["code"].startswith("101/")
    assert (
        officer.post(f"/api/v1/catalogue/resources/{rid}/submit", headers=h_officer).json()[
            "status"
        ]
        == "submitted"
    )
    # the officer cannot approve their own entry
    assert (
        officer.post(f"/api/v1/catalogue/resources/{rid}/approve", headers=h_officer).status_code
        == 403
    )
    assert (
        admin.post(f"/api/v1/catalogue/resources/{rid}/approve", headers=h_admin).json()["status"]
        == "approved"
    )
    published = admin.post(
        "/api/v1/catalogue/publish", json={"resource_ids": [rid]}, headers=h_admin
    )
    assert published.status_code == 200 and published.json()[0]["status"] == "published"
    found = staff.get("/api/v1/directory", params={"q": "户籍"}, headers=h_staff).json()
    assert [i["name"] for i in found["items"]] == ["户籍登记信息"]
    assert found["items"][0]["access"]["mode"] == "take_directly"
    # staff read the directory, not another department's working copies
    assert staff.get(f"/api/v1/catalogue/resources/{rid}", headers=h_staff).status_code == 403


def test_rule_violation_is_422_listing_each_problem_and_writes_nothing(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    headers = {"X-CSRF-Token": login(client, world["users"][Role.DATA_OFFICER].username)}
    before = session.scalar(select(func.count()).select_from(Resource))
    body = _body(world["police"].id, sharing_type="none", contains_state_secret=True)
    r = client.post("/api/v1/catalogue/resources", json=body, headers=headers)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "catalogue_rules"
    fields = {p["field"] for p in error["details"]["problems"]}
    # GZ Art. 20 (state secrets) and GZ Art. 10 (no sharing needs a legal basis)
    assert {"contains_state_secret", "sharing_basis"} <= fields
    assert session.scalar(select(func.count()).select_from(Resource)) == before


def test_illegal_transition_is_409(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    headers = {"X-CSRF-Token": login(client, world["users"][Role.AUTHORITY_ADMIN].username)}
    rid = builders.resource(session, world["police"]).id
    r = client.post(f"/api/v1/catalogue/resources/{rid}/approve", headers=headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
