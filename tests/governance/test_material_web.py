"""Service guides over the JSON API and in the console (GZ 32; ZS 15)."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from govshare.orgs.models import Role
from tests.catalogue import builders as cat
from tests.web_support import login


def _setup(session: Session, world: dict[str, object]) -> None:
    cat.published(session, world["police"], name="户籍登记信息")  # type: ignore[arg-type]


def _user(world: dict[str, object], role: Role) -> str:
    return world["users"][role].username  # type: ignore[index, no-any-return]


def test_api_register_flag_and_mark(
    client: TestClient, session: Session, world: dict[str, object]
) -> None:
    # GZ 32: a supplied material is flagged, the department marks it
    _setup(session, world)
    token = login(client, _user(world, Role.DATA_OFFICER))
    police = world["police"].id  # type: ignore[attr-defined]
    body = {
        "department_id": police,
        "code": "GA-01",
        "name": "户口迁移",
        "materials": [{"name": "户口簿"}, {"name": "申请表"}],
    }
    r = client.post("/api/v1/service-guides", json=body, headers={"x-csrf-token": token})
    assert r.status_code == 201, r.text
    guide = r.json()
    flagged = {m["name"]: m for m in guide["materials"]}
    assert flagged["户口簿"]["still_required"] and "户籍登记信息" in flagged["户口簿"]["match_note"]
    assert not flagged["申请表"]["supplied"]
    listed = client.get("/api/v1/service-guides?attention=true").json()
    assert [g["code"] for g in listed["items"]] == ["GA-01"]
    mid = flagged["户口簿"]["id"]
    r = client.post(
        f"/api/v1/service-guides/materials/{mid}/marked",
        json={"reason": "共享获取"},
        headers={"x-csrf-token": token},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "marked" and not r.json()["still_required"]
    r = client.post(
        f"/api/v1/service-guides/materials/{flagged['申请表']['id']}/removed",
        headers={"x-csrf-token": token},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_supplied"


def test_console_register_and_authority_report(
    client: TestClient, session: Session, world: dict[str, object]
) -> None:
    _setup(session, world)
    token = login(client, _user(world, Role.DATA_OFFICER))
    police = world["police"].id  # type: ignore[attr-defined]
    r = client.post(
        "/service-guides/new",
        data={
            "csrf_token": token,
            "department_id": str(police),
            "code": "GA-02",
            "name": "户籍证明开具",
            "material_name": ["居民户口簿", "申请书"],
            "material_description": ["", ""],
        },
    )
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert 'data-material="居民户口簿" data-state="required" data-supplied="yes"' in page
    listed = client.get("/service-guides?attention=true").text
    assert 'data-testid="still-required"' in listed and "户籍证明开具" in listed
    assert client.get("/service-guides/report").status_code == 403  # the authority's page
    client.post("/logout", data={"csrf_token": token})
    login(client, _user(world, Role.AUTHORITY_ADMIN))
    everyone = client.get(f"/service-guides?department_id={police}").text
    assert 'data-still="1"' in everyone
    report = client.get("/service-guides/report").text
    assert f'data-department="{police}"' in report and 'data-series="still_required"' in report
    xlsx = client.get("/service-guides/report.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[2]][4] == 1  # still required


def test_console_import_lists_every_problem(
    client: TestClient, session: Session, world: dict[str, object]
) -> None:
    token = login(client, _user(world, Role.DATA_OFFICER))
    police = world["police"].id  # type: ignore[attr-defined]
    template = client.get("/service-guides/template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    ws = book.worksheets[0]
    ws.append(["GA-9", "", "", "户口簿", ""])
    out = io.BytesIO()
    book.save(out)
    r = client.post(
        "/service-guides/import",
        data={"csrf_token": token, "department_id": str(police)},
        files={"file": ("g.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 422
    assert 'data-testid="import-problems"' in r.text and "<td>B</td>" in r.text
