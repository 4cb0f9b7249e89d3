"""The rectification API (/api/v1/rectification-notices, -proposals) and console (/rectification)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pypdf
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.datastore.models import Connection
from govshare.governance import rectification
from govshare.governance.rectification_models import RectificationNotice
from tests.applications.conftest import Parties, make_parties
from tests.orgs import builders as org_builders
from tests.web_support import TODAY, login


def _as(client: TestClient, user: object) -> dict[str, str]:
    client.cookies.clear()
    return {"X-CSRF-Token": login(client, user.username)}  # type: ignore[attr-defined]


def _issue(client: TestClient, p: Parties, **body: Any) -> dict[str, Any]:
    values = {
        "department_id": p.provider.id,
        "ground": "data_not_updated",
        "facts": "人口数据未按日更新",
        "requirement": "补录并恢复每日更新",
        "due_on": "2026-12-15",
        **body,
    }
    r = client.post("/api/v1/rectification-notices", json=values, headers=_as(client, p.admin))
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_api_issue_answer_reject_answer_accept(client: TestClient, session: Session) -> None:
    # GZ Art. 43: the authority notifies, the department rectifies, the authority judges.
    p = make_parties(session)
    headers = _as(client, p.admin)
    r = client.post(
        "/api/v1/rectification-notices",
        json={
            "department_id": p.provider.id,
            "ground": "data_not_updated",
            "facts": "f",
            "requirement": "r",
        },
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "deadline_required"
    r = client.post(
        "/api/v1/rectification-notices",
        json={
            "department_id": p.provider.id,
            "ground": "paid_sharing",
            "facts": "f",
            "requirement": "r",
            "due_on": "2026-12-15",
        },
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_ground"
    notice = _issue(client, p)
    assert notice["state"] == "issued" and notice["article"] == "GZ 43(3)"
    nid = notice["id"]

    officer = _as(client, p.officer)
    r = client.get("/api/v1/rectification-notices", headers=officer)
    assert [n["id"] for n in r.json()["items"]] == [nid]
    r = client.post(
        f"/api/v1/rectification-notices/{nid}/answer", json={"response": "已补录"}, headers=officer
    )
    assert r.status_code == 200 and r.json()["state"] == "answered"

    staff = _as(client, p.staff)  # another department
    assert client.get(f"/api/v1/rectification-notices/{nid}", headers=staff).status_code == 404

    admin = _as(client, p.admin)
    r = client.post(
        f"/api/v1/rectification-notices/{nid}/review",
        json={"decision": "reject", "note": "仍未更新", "due_on": "2026-12-31"},
        headers=admin,
    )
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert r.json()["due_on"] == "2026-12-31"
    officer = _as(client, p.officer)
    client.post(
        f"/api/v1/rectification-notices/{nid}/answer", json={"response": "已完成"}, headers=officer
    )
    admin = _as(client, p.admin)
    r = client.post(
        f"/api/v1/rectification-notices/{nid}/review", json={"decision": "accept"}, headers=admin
    )
    assert r.json()["state"] == "closed"
    kinds = [e["kind"] for e in r.json()["history"]]
    assert kinds == ["issued", "answered", "rejected", "answered", "accepted"]
    r = client.get("/api/v1/rectification-notices/per-department", headers=admin)
    assert r.json()[0]["closed"] == 1


def test_escalation_report_as_pdf_and_page(client: TestClient, session: Session) -> None:
    # GZ Art. 43: not rectified in time -> reported to the people's government at the same level.
    p = make_parties(session)
    notice = rectification.issue(
        session,
        actor=org_builders.actor_of(p.admin),
        department_id=p.provider.id,
        ground="data_not_connected",
        facts="出生医学证明数据未接入共享平台",
        requirement="接入共享平台",
        due_on=date(2026, 11, 10),
        today=date(2026, 10, 20),
    )
    admin = _as(client, p.admin)
    r = client.get(f"/api/v1/rectification-notices/{notice.id}/report.pdf", headers=admin)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_escalated"
    r = client.post(
        f"/api/v1/rectification-notices/{notice.id}/escalate",
        json={"reason": "逾期未整改"},
        headers=admin,
    )
    assert r.status_code == 200 and r.json()["escalated_on"] == TODAY.isoformat()
    r = client.get(f"/api/v1/rectification-notices/{notice.id}/report.pdf", headers=admin)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    text = re.sub(r"\s+", "", text.replace("\x00", ""))
    assert p.provider.name in text
    assert "GZ43(2)" in text and "2026-11-10" in text and "出生医学证明数据未接入共享平台" in text
    assert "人民政府" in text
    page = client.get(f"/rectification/{notice.id}/report", headers=admin)
    assert page.status_code == 200 and "逾期未整改" in page.text
    officer = _as(client, p.officer)  # the report is the authority's
    assert client.get(f"/rectification/{notice.id}/report", headers=officer).status_code == 403


def test_console_turns_a_proposal_into_a_notice(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    session.add(Connection(resource_id=p.resource.id, records=5, stale_since=date(2026, 10, 1)))
    session.flush()
    headers = _as(client, p.admin)
    page = client.get("/rectification/proposals", headers=headers)
    assert page.status_code == 200 and 'data-kind="stale_resource"' in page.text
    form = client.get(
        f"/rectification/new?kind=stale_resource&source_id={p.resource.id}", headers=headers
    )
    assert form.status_code == 200 and p.resource.code in form.text
    r = client.post(
        "/rectification",
        data={
            "csrf_token": headers["X-CSRF-Token"],
            "department_id": str(p.provider.id),
            "ground": "data_not_updated",
            "facts": "stale",
            "requirement": "update",
            "due_on": "2026-12-20",
            "source_kind": "stale_resource",
            "source_id": str(p.resource.id),
        },
    )
    assert r.status_code == 303, r.text
    notice = session.query(RectificationNotice).one()
    assert r.headers["location"] == f"/rectification/{notice.id}"
    assert notice.source_kind == "stale_resource"
    page = client.get("/rectification/proposals", headers=headers)
    assert 'data-kind="stale_resource"' not in page.text
    # a refused form comes back with the reason
    r = client.post(
        "/rectification",
        data={"csrf_token": headers["X-CSRF-Token"], "department_id": str(p.provider.id)},
    )
    assert r.status_code == 303 and r.headers["location"] == "/rectification/new"


def test_console_pages_in_both_languages(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    _issue(client, p)
    admin = _as(client, p.admin)
    for lang in ("en", "zh_CN"):
        client.cookies.set("lang", lang)
        for path in ("/rectification", "/rectification/departments", "/rectification/new"):
            assert client.get(path, headers=admin).status_code == 200, path
    officer = _as(client, p.officer)
    page = client.get("/rectification", headers=officer)
    assert page.text.count('data-testid="notice-row"') == 1
    assert client.get("/rectification/proposals", headers=officer).status_code == 403


def test_api_dismiss_a_proposal(client: TestClient, session: Session) -> None:
    p = make_parties(session)
    session.add(Connection(resource_id=p.resource.id, records=5, stale_since=date(2026, 10, 1)))
    session.flush()
    admin = _as(client, p.admin)
    r = client.get("/api/v1/rectification-proposals", headers=admin)
    assert [x["kind"] for x in r.json()] == ["stale_resource"]
    r = client.post(
        f"/api/v1/rectification-proposals/stale_resource/{p.resource.id}/dismiss",
        json={"reason": "系统迁移,已报备"},
        headers=admin,
    )
    assert r.status_code == 204
    assert client.get("/api/v1/rectification-proposals", headers=admin).json() == []
