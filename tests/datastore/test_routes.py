"""The provider's data API: upload, push, delete, load reports; refusals are 422 and still recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.datastore import records, routes
from govshare.datastore.models import Load, RecordVersion
from govshare.kit.actor import Actor
from govshare.orgs import service as orgs_service
from govshare.orgs.models import Role
from tests.datastore import builders as b
from tests.orgs import builders as orgs
from tests.web_support import login


def _mounted(app: Any) -> bool:
    def paths(items: list[Any]) -> Iterator[str]:
        for route in items:
            included = getattr(route, "original_router", None)
            if included is not None:
                yield from paths(included.routes)
            yield getattr(route, "path", "")

    return any("/data/loads/" in p for p in paths(app.routes))


@pytest.fixture()
def api(app, session: Session) -> Any:  # type: ignore[no-untyped-def]
    if not _mounted(app):  # until the application factory mounts the router
        app.include_router(routes.router, prefix="/api/v1")
    dept = orgs.department(session)
    officer = orgs.user(session, role=Role.DATA_OFFICER, dept=dept)
    resource = b.resource(session, dept)
    client = TestClient(app, follow_redirects=False)
    headers = {"X-CSRF-Token": login(client, officer.username)}
    return type(
        "Api",
        (),
        {"client": client, "headers": headers, "rid": resource.id, "dept": dept, "app": app},
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


def test_upload_a_file(api: Any, session: Session) -> None:
    people = [b.person(b.next_n()) for _ in range(3)]
    r = api.client.post(
        f"/api/v1/data/resources/{api.rid}/loads",
        files={"file": ("people.csv", b.csv_bytes(people), "text/csv")},
        headers=api.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["rows_written"], body["method"], body["filename"]) == (
        "loaded",
        3,
        "upload",
        "people.csv",
    )
    assert (
        api.client.get(f"/api/v1/data/loads/{body['id']}", headers=api.headers).json()["rows_total"]
        == 3
    )


def test_a_refused_upload_is_422_with_problems_and_is_recorded(api: Any, session: Session) -> None:
    people = [b.person(b.next_n()) for _ in range(2)]
    people[1]["公民身份号码"] = "440106199003071232"
    r = api.client.post(
        f"/api/v1/data/resources/{api.rid}/loads",
        files={"file": ("people.csv", b.csv_bytes(people), "text/csv")},
        headers=api.headers,
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "load_invalid"
    assert (
        error["details"]["problems"][0]["row"] == 3
        and error["details"]["problems"][0]["column"] == "公民身份号码"
    )
    assert "440106199003071232" not in r.text  # the bad number is not echoed back
    assert _versions(session, api.rid) == 0
    loads = api.client.get(f"/api/v1/data/resources/{api.rid}/loads", headers=api.headers).json()
    assert [(x["status"], x["rows_rejected"]) for x in loads["items"]] == [("rejected", 1)]


def test_partial_upload_reports_the_rejected_rows(api: Any, session: Session) -> None:
    people = [b.person(b.next_n()) for _ in range(2)]
    people[0]["子女数"] = "-"
    r = api.client.post(
        f"/api/v1/data/resources/{api.rid}/loads",
        files={"file": ("people.csv", b.csv_bytes(people), "text/csv")},
        data={"partial": "true"},
        headers=api.headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "partial"
    assert r.json()["problems"] == [
        {"row": 2, "column": "子女数", "reason": "expected a whole number"}
    ]


def test_push_and_delete_over_the_api(api: Any, session: Session) -> None:
    someone = b.person(b.next_n())
    r = api.client.post(
        f"/api/v1/data/resources/{api.rid}/records",
        json={"records": [someone]},
        headers=api.headers,
    )
    assert r.status_code == 201 and r.json()["rows_written"] == 1, r.text
    r = api.client.post(
        f"/api/v1/data/resources/{api.rid}/records/delete",
        json={"subjects": [someone["公民身份号码"]], "reason": "注销"},
        headers=api.headers,
    )
    assert r.status_code == 201 and r.json()["rows_deleted"] == 1, r.text
    assert (
        records.current_one(
            session,
            resource_id=api.rid,
            subject_hash_=records.subject_hash(someone["公民身份号码"]),
        )
        is None
    )
    r = api.client.post(
        f"/api/v1/data/resources/{api.rid}/records/delete",
        json={"subjects": []},
        headers=api.headers,
    )
    assert r.status_code == 422


def test_another_departments_officer_is_refused(api: Any, session: Session) -> None:
    # GZ 19; ZS 17: only the providing department updates its data (one data, one source).
    other = orgs.user(session, role=Role.DATA_OFFICER, dept=orgs.department(session))
    client = TestClient(api.app, follow_redirects=False)
    headers = {"X-CSRF-Token": login(client, other.username)}
    r = client.post(
        f"/api/v1/data/resources/{api.rid}/records",
        json={"records": [b.person(b.next_n())]},
        headers=headers,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_data"
    assert client.get(f"/api/v1/data/resources/{api.rid}/loads", headers=headers).status_code == 403
    assert (
        session.scalar(select(func.count()).select_from(Load).where(Load.resource_id == api.rid))
        == 0
    )


def test_a_business_system_pushes_with_a_key_that_has_the_load_scope(
    api: Any, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        orgs_service, "API_KEY_SCOPES", (*orgs_service.API_KEY_SCOPES, routes.LOAD_SCOPE)
    )
    with_scope = orgs_service.create_api_key(
        session,
        actor=Actor.operator(),
        department_id=api.dept.id,
        name="hr",
        scopes=[routes.LOAD_SCOPE],
    )
    without = orgs_service.create_api_key(
        session, actor=Actor.operator(), department_id=api.dept.id, name="q", scopes=["data:query"]
    )
    client = TestClient(api.app, follow_redirects=False)
    body = {"records": [b.person(b.next_n())]}
    r = client.post(
        f"/api/v1/data/resources/{api.rid}/records",
        json=body,
        headers={"Authorization": f"Bearer {without.token}"},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "missing_scope"
    r = client.post(
        f"/api/v1/data/resources/{api.rid}/records",
        json=body,
        headers={"Authorization": f"Bearer {with_scope.token}"},
    )
    assert r.status_code == 201 and r.json()["actor_name"].startswith("key:"), r.text
