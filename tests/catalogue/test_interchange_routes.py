"""The interchange API: the template, the all-or-nothing import, the directory exports."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.catalogue import interchange_routes
from govshare.catalogue.models import Resource
from govshare.orgs.models import Role
from tests.catalogue import builders
from tests.catalogue.test_excel import fill, item_rows, resource_row
from tests.web_support import login

World = dict[str, Any]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client of the app with the interchange router mounted first, as the app factory should."""
    routes = app.router.routes
    mounted = any(
        getattr(r, "original_router", None) is interchange_routes.router
        or getattr(r, "path", "") == "/api/v1/catalogue/template.xlsx"
        for r in routes
    )
    if not mounted:
        # first: '/directory/{resource_id}' of the catalogue router would take '/directory/export.xlsx'
        before = len(routes)
        app.include_router(interchange_routes.router, prefix="/api/v1")
        added = routes[before:]
        del routes[before:]
        routes[0:0] = added
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _as(client: TestClient, world: World, role: Role) -> dict[str, str]:
    user = world["users"][role]
    return {"X-CSRF-Token": login(client, user.username)}


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Resource)) or 0


def _upload(content: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("目录.xlsx", content, XLSX)}


def test_anyone_logged_in_downloads_the_template(api: TestClient, world: World) -> None:
    assert api.get("/api/v1/catalogue/template.xlsx").status_code == 401
    headers = _as(api, world, Role.STAFF)
    r = api.get("/api/v1/catalogue/template.xlsx", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert 'filename="catalogue-template.xlsx"' in r.headers["content-disposition"]
    assert load_workbook(io.BytesIO(r.content)).sheetnames == ["资源", "信息项", "说明"]


def test_an_officer_imports_a_workbook_into_the_departments_catalogue(
    api: TestClient, world: World, session: Session
) -> None:
    police = world["police"]
    headers = _as(api, world, Role.DATA_OFFICER)
    content = fill([resource_row(1), resource_row(2)], [*item_rows(1), *item_rows(2)])
    r = api.post(
        "/api/v1/catalogue/import",
        headers=headers,
        files=_upload(content),
        data={"department_id": str(police.id)},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["resources"], body["items"], len(body["codes"])) == (2, 4, 2)
    created = session.scalars(select(Resource).where(Resource.code.in_(body["codes"]))).all()
    assert {c.department_id for c in created} == {police.id} and {c.status for c in created} == {
        "draft"
    }


def test_a_workbook_with_problems_is_a_422_listing_them_and_writes_nothing(
    api: TestClient, world: World, session: Session
) -> None:
    headers = _as(api, world, Role.DATA_OFFICER)
    # GZ Art. 10: conditional sharing needs its basis and conditions; GZ Art. 20: no state secrets
    content = fill(
        [resource_row(1), resource_row(2, 共享类型="有条件共享"), resource_row(3, 涉密="是")],
        [*item_rows(1), *item_rows(2), *item_rows(3)],
    )
    before = _count(session)
    r = api.post(
        "/api/v1/catalogue/import",
        headers=headers,
        files=_upload(content),
        data={"department_id": str(world["police"].id)},
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "excel_invalid" and "nothing was imported" in error["message"]
    problems = error["details"]["problems"]
    assert [(p["sheet"], p["row"]) for p in problems] == [("资源", 4), ("资源", 4), ("资源", 5)]
    assert all(p["column"] and p["message"] for p in problems)
    assert _count(session) == before


def test_a_file_that_is_not_a_workbook_is_a_422(api: TestClient, world: World) -> None:
    headers = _as(api, world, Role.AUTHORITY_ADMIN)
    r = api.post(
        "/api/v1/catalogue/import",
        headers=headers,
        files=_upload(b"not a workbook"),
        data={"department_id": str(world["police"].id)},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "excel_unreadable"


def test_only_the_departments_officer_or_the_authority_imports(
    api: TestClient, world: World
) -> None:
    content = fill([resource_row(1)], item_rows(1))
    officer = _as(api, world, Role.DATA_OFFICER)
    r = api.post(
        "/api/v1/catalogue/import",
        headers=officer,
        files=_upload(content),
        data={"department_id": str(world["civil"].id)},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_catalogue"
    other = TestClient(api.app, follow_redirects=False)  # a second browser: the first is logged in
    staff = _as(other, world, Role.STAFF)
    r = other.post(
        "/api/v1/catalogue/import",
        headers=staff,
        files=_upload(content),
        data={"department_id": str(world["civil"].id)},
    )
    assert r.status_code == 403


def test_an_officer_exports_the_departments_catalogue_to_edit_and_import_again(
    api: TestClient, world: World, session: Session
) -> None:
    builders.resource(session, world["police"], name="本部门资源")
    builders.resource(session, world["civil"], name="别的部门资源")
    headers = _as(api, world, Role.DATA_OFFICER)
    # an officer asking for another department still gets the own department's working copies
    r = api.get(f"/api/v1/catalogue/export.xlsx?department_id={world['civil'].id}", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    names = [
        row[1].value for row in load_workbook(io.BytesIO(r.content))["资源"].iter_rows(min_row=3)
    ]
    assert names == ["本部门资源"]


def test_everyone_exports_the_directory_as_excel_and_dcat(
    api: TestClient, world: World, session: Session
) -> None:
    builders.published(session, world["police"], name="户籍登记信息")
    builders.published(
        session,
        world["police"],
        name="居住证信息",
        sharing_type="conditional",
        sharing_basis="b",
        sharing_conditions="c",
    )
    headers = _as(api, world, Role.STAFF)
    r = api.get("/api/v1/directory/export.xlsx?sharing_type=conditional", headers=headers)
    assert r.status_code == 200, r.text
    assert 'filename="sharing-directory.xlsx"' in r.headers["content-disposition"]
    rows = list(
        load_workbook(io.BytesIO(r.content))["共享目录"].iter_rows(min_row=2, values_only=True)
    )
    assert [row[1] for row in rows] == ["居住证信息"]

    r = api.get("/api/v1/directory/dcat.jsonld", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    document = json.loads(r.content)
    assert "@context" in document
    assert sorted(d["dct:title"][0]["@value"] for d in document["dcat:dataset"]) == [
        "居住证信息",
        "户籍登记信息",
    ]
    assert document["dcat:dataset"][0]["@id"].startswith("http://testserver/api/v1/directory/")
