"""Complaints through the API (/api/v1/complaints) and the console (/complaints) (GZ 36)."""

from __future__ import annotations

import io
import re
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from govshare.orgs.models import Role
from tests.applications.conftest import Parties, make_parties
from tests.orgs import builders as org_builders
from tests.web_support import login


def _as(client: TestClient, user: object) -> str:
    client.cookies.clear()
    return login(client, user.username)  # type: ignore[attr-defined]


def _api(client: TestClient, user: object) -> dict[str, str]:
    return {"X-CSRF-Token": _as(client, user)}


def _file(client: TestClient, p: Parties) -> dict[str, Any]:
    r = client.post(
        "/api/v1/complaints",
        json={
            "respondent_department_id": p.provider.id,
            "ground": "late_update",
            "subject": "数据更新不及时",
            "description": "婚姻状况数据三个月未更新。",
            "resource_id": p.resource.id,
        },
        headers=_api(client, p.staff),
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_api_file_investigate_answer_and_read_the_letter(
    client: TestClient, session: Session
) -> None:
    # GZ Art. 36 through the API: filed, taken up, answered in writing within 15 WD.
    p = make_parties(session)
    body = _file(client, p)
    cid = body["id"]
    assert body["state"] == "received" and body["article"] == "GZ 36"
    assert body["due_on"] is not None and body["in_writing"] is True

    admin = _api(client, p.admin)
    r = client.post(
        f"/api/v1/complaints/{cid}/take-up", json={"investigator": "王明"}, headers=admin
    )
    assert r.status_code == 200 and r.json()["state"] == "investigating"
    r = client.post(
        f"/api/v1/complaints/{cid}/findings", json={"findings": "确有三个月未更新。"}, headers=admin
    )
    assert r.json()["findings"] == "确有三个月未更新。"

    officer = _api(client, p.officer)  # the respondent: no findings before the answer
    r = client.post(
        f"/api/v1/complaints/{cid}/statement", json={"text": "系统升级所致。"}, headers=officer
    )
    assert r.status_code == 200 and r.json()["findings"] is None
    r = client.post(f"/api/v1/complaints/{cid}/withdraw", json={"text": ""}, headers=officer)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_complainant"

    admin = _api(client, p.admin)
    r = client.post(
        f"/api/v1/complaints/{cid}/answer",
        json={"upheld": True, "answer": "投诉成立,已责令限期更新。"},
        headers=admin,
    )
    assert r.status_code == 200 and r.json()["upheld"] is True
    r = client.post(
        f"/api/v1/complaints/{cid}/answer", json={"upheld": True, "answer": "x"}, headers=admin
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_investigating"

    staff = _api(client, p.staff)
    r = client.get(f"/api/v1/complaints/{cid}", headers=staff)
    assert r.json()["answer"] == "投诉成立,已责令限期更新。"
    pdf = client.get(f"/api/v1/complaints/{cid}/answer.pdf", headers=staff)
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().replace("\x00", "")
    assert "投诉成立" in "".join(text.split())
    r = client.get("/api/v1/complaints?side=complainant&state=answered", headers=staff)
    assert [c["id"] for c in r.json()["items"]] == [cid]


def test_outsiders_neither_read_nor_list_a_complaint(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    cid = _file(client, p)["id"]
    outsider = org_builders.user(session, role=Role.STAFF, dept=org_builders.department(session))
    headers = _api(client, outsider)
    assert client.get(f"/api/v1/complaints/{cid}", headers=headers).status_code == 403
    assert client.get("/api/v1/complaints", headers=headers).json()["total"] == 0
    assert client.get(f"/complaints/{cid}").status_code == 403


def test_console_file_with_evidence_then_answer_and_see_it(
    client: TestClient, session: Session
) -> None:
    # GZ Art. 36 in the console: the complainant files with evidence and sees the written answer.
    p = make_parties(session)
    token = _as(client, p.staff)
    form = client.get(f"/complaints/new?respondent_department_id={p.provider.id}")
    assert form.status_code == 200 and "15" in form.text
    r = client.post(
        "/complaints",
        data={
            "csrf_token": token,
            "respondent_department_id": str(p.provider.id),
            "ground": "refused_data",
            "subject": "拒绝提供数据",
            "description": "无理由拒绝。",
        },
        files=[("files", ("拒绝函.pdf", b"%PDF-1.4 letter", "application/pdf"))],
    )
    assert r.status_code == 303, r.text
    cid = int(re.search(r"/complaints/(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    page = client.get(f"/complaints/{cid}").text
    assert "拒绝函.pdf" in page and 'data-testid="withdraw-form"' in page

    # A fake PDF is refused with a clear message and nothing is filed.
    r = client.post(
        "/complaints",
        data={
            "csrf_token": token,
            "respondent_department_id": str(p.provider.id),
            "ground": "other",
            "subject": "x",
            "description": "y",
        },
        files=[("files", ("证据.pdf", b"MZ not a pdf", "application/pdf"))],
    )
    assert r.headers["location"] == "/complaints/new"
    assert "证据.pdf" in client.get("/complaints/new").text  # the flash names the file
    assert client.get("/api/v1/complaints", headers={"X-CSRF-Token": token}).json()["total"] == 1

    token = _as(client, p.admin)
    assert (
        client.post(
            f"/complaints/{cid}/take-up", data={"csrf_token": token, "investigator": "王明"}
        ).status_code
        == 303
    )
    r = client.post(
        f"/complaints/{cid}/answer",
        data={
            "csrf_token": token,
            "upheld": "no",
            "findings": "拒绝理由成立。",
            "answer": "投诉不成立。",
        },
    )
    assert r.status_code == 303
    listed = client.get("/complaints?state=answered").text
    assert f'data-complaint="{cid}"' in listed

    _as(client, p.staff)
    page = client.get(f"/complaints/{cid}").text
    assert (
        "投诉不成立。" in page and "拒绝理由成立。" in page and 'data-testid="answer-pdf"' in page
    )
    assert 'data-action="complaint.answer"' in page
    assert client.get(f"/complaints/{cid}/answer.pdf").status_code == 200


def test_dashboards_count_the_open_cases_each_side_must_handle(
    client: TestClient, session: Session
) -> None:
    # GZ Art. 36: the authority sees the complaint it must answer; the respondent sees it too.
    p = make_parties(session)
    _file(client, p)

    def card(user: object, label: str) -> str:
        _as(client, user)
        client.cookies.set("lang", "en")
        page = client.get("/dashboard").text
        found = re.search(
            r'<span class="value">(\d+)</span><span class="label">' + re.escape(label), page
        )
        assert found, label
        return found.group(1)

    assert card(p.admin, "Open complaints") == "1"
    assert card(p.officer, "Open complaints") == "1"  # the provider is the respondent
    assert card(p.admin, "Open verification requests") == "0"
    assert card(p.admin, "Open rectification notices") == "0"
