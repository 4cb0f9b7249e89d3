"""Freshness over the JSON API and in the console (GZ 19; ZS 18)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.datastore.models import DelayFiling
from govshare.orgs.models import Role
from tests.datastore import freshness_support as fs
from tests.orgs import builders as orgs
from tests.web_support import login

PDF = ("通知.pdf", b"%PDF-1.4 notice", "application/pdf")


@pytest.fixture()
def web(app: Any, session: Session) -> SimpleNamespace:
    authority = orgs.department(session, authority=True)
    admin = orgs.user(session, role=Role.AUTHORITY_ADMIN, dept=authority)
    dept, other = orgs.department(session), orgs.department(session)
    officer = orgs.user(session, role=Role.DATA_OFFICER, dept=dept)
    other_officer = orgs.user(session, role=Role.DATA_OFFICER, dept=other)
    # Web "today" is Friday 20 Nov 2026. Monthly data of 1 Oct changed on 1 Nov, was due by
    # 6 Nov (5 working days) and is stale; daily basic data of today is fresh.
    stale = fs.connected(session, dept, last=date(2026, 10, 1))
    fresh = fs.connected(session, dept, last=date(2026, 11, 20), cycle="daily", kind="basic")
    theirs = fs.connected(session, other, last=date(2026, 10, 1))
    return SimpleNamespace(
        app=app,
        admin=admin,
        officer=officer,
        other_officer=other_officer,
        dept=dept,
        other=other,
        stale=stale,
        fresh=fresh,
        theirs=theirs,
    )


def _client(web: SimpleNamespace, user: Any) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(web.app, follow_redirects=False)
    return client, {"X-CSRF-Token": login(client, user.username)}


def test_api_lists_the_providers_own_and_everything_for_the_authority(
    web: SimpleNamespace,
) -> None:
    # GZ Art. 19 ¶3: other data within 5 working days; the provider sees its own only.
    client, headers = _client(web, web.officer)
    body = client.get("/api/v1/data/freshness", headers=headers).json()
    by_id = {i["resource_id"]: i for i in body["items"]}
    assert set(by_id) == {web.stale.id, web.fresh.id}
    assert by_id[web.stale.id]["status"] == "stale"
    assert by_id[web.stale.id]["due_on"] == "2026-11-06"
    assert by_id[web.stale.id]["stale_since"] == "2026-11-07"
    assert by_id[web.fresh.id]["status"] == "fresh"
    only = client.get("/api/v1/data/freshness?stale=true", headers=headers).json()
    assert [i["resource_id"] for i in only["items"]] == [web.stale.id]
    refused = client.get(f"/api/v1/data/freshness?department_id={web.other.id}", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_data"
    admin, admin_headers = _client(web, web.admin)
    theirs = admin.get(
        f"/api/v1/data/freshness?department_id={web.other.id}", headers=admin_headers
    ).json()
    assert [i["resource_id"] for i in theirs["items"]] == [web.theirs.id]


def test_api_filing_with_evidence_and_the_authoritys_decision(
    web: SimpleNamespace, session: Session
) -> None:
    # GZ Art. 19 ¶4: a delay with the authority's approval.
    client, headers = _client(web, web.officer)
    r = client.post(
        f"/api/v1/data/resources/{web.stale.id}/delay-filings",
        headers=headers,
        data={"reason": "系统迁移", "update_by": "2026-11-27"},
        files=[("files", PDF)],
    )
    assert r.status_code == 201, r.text
    filing = r.json()
    assert (filing["state"], filing["article"]) == ("pending", "GZ 19")
    assert [a["filename"] for a in filing["attachments"]] == ["通知.pdf"]
    denied = client.post(
        f"/api/v1/data/delay-filings/{filing['id']}/decision",
        headers=headers,
        json={"decision": "approve"},
    )
    assert denied.status_code == 403
    other, other_headers = _client(web, web.other_officer)
    assert (
        other.get(f"/api/v1/data/delay-filings/{filing['id']}", headers=other_headers).status_code
        == 404
    )
    assert other.get("/api/v1/data/delay-filings", headers=other_headers).json()["total"] == 0
    admin, admin_headers = _client(web, web.admin)
    pending = admin.get("/api/v1/data/delay-filings?state=pending", headers=admin_headers).json()
    assert filing["id"] in [f["id"] for f in pending["items"]]
    no_reason = admin.post(
        f"/api/v1/data/delay-filings/{filing['id']}/decision",
        headers=admin_headers,
        json={"decision": "reject"},
    )
    assert no_reason.status_code == 422 and no_reason.json()["error"]["code"] == "reason_required"
    ok = admin.post(
        f"/api/v1/data/delay-filings/{filing['id']}/decision",
        headers=admin_headers,
        json={"decision": "approve"},
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    row = client.get("/api/v1/data/freshness", headers=headers).json()["items"]
    assert {i["resource_id"]: i["status"] for i in row}[web.stale.id] == "filed"
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "delay_filing")
    ).all()
    assert {"data.delay.file", "data.delay.approve", "attachment.add"} <= set(actions)


def test_api_refuses_a_date_past_the_quarter_window(web: SimpleNamespace) -> None:
    # GZ Art. 19 ¶4: at least once within 10 working days after the start of each quarter.
    client, headers = _client(web, web.officer)
    r = client.post(
        f"/api/v1/data/resources/{web.stale.id}/delay-filings",
        headers=headers,
        data={"reason": "系统迁移", "update_by": "2027-03-01"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "update_by_beyond_bound"


def test_console_provider_files_and_authority_rejects(
    web: SimpleNamespace, session: Session
) -> None:
    # GZ Art. 19 ¶4: filed by the provider, decided by the authority with a reason.
    client, headers = _client(web, web.officer)
    page = client.get("/data/freshness", headers=headers)
    assert page.status_code == 200
    assert f'data-testid="freshness-{web.stale.id}"' in page.text
    assert f'data-testid="freshness-{web.theirs.id}"' not in page.text
    assert "2026-11-07" in page.text and 'data-testid="delay-form"' in page.text
    token = headers["X-CSRF-Token"]
    r = client.post(
        "/data/freshness/filings",
        data={
            "csrf_token": token,
            "resource_id": str(web.stale.id),
            "reason": "机房搬迁",
            "update_by": "2026-11-26",
        },
        files=[("files", PDF)],
    )
    assert r.status_code == 303 and r.headers["location"] == "/data/freshness"
    filing = session.scalar(select(DelayFiling).where(DelayFiling.resource_id == web.stale.id))
    assert filing is not None and filing.state == "pending"
    # A refused form comes back with its reason.
    bad = client.post(
        "/data/freshness/filings",
        data={"csrf_token": token, "resource_id": str(web.stale.id), "reason": "", "update_by": ""},
    )
    assert bad.status_code == 303
    client.get("/lang/en")
    shown = client.get("/data/freshness", headers=headers).text
    assert "give the date by which the data will be updated" in shown
    assert "Data freshness" in shown and "Stale since 2026-11-07" in shown
    admin, admin_headers = _client(web, web.admin)
    listing = admin.get(
        f"/data/freshness?department_id={web.dept.id}&stale=1", headers=admin_headers
    )
    assert f'data-testid="decide-{filing.id}"' in listing.text
    assert f'data-testid="freshness-{web.fresh.id}"' not in listing.text
    atoken = admin_headers["X-CSRF-Token"]
    r = admin.post(
        f"/data/delay-filings/{filing.id}/decision",
        data={"csrf_token": atoken, "decision": "reject", "reason": ""},
    )
    assert r.status_code == 303
    session.refresh(filing)
    assert filing.state == "pending"
    r = admin.post(
        f"/data/delay-filings/{filing.id}/decision",
        data={"csrf_token": atoken, "decision": "reject", "reason": "请按期更新"},
    )
    session.refresh(filing)
    assert (filing.state, filing.decision_reason) == ("rejected", "请按期更新")
    # Staff and other providers' officers do not decide.
    staff = orgs.user(session, role=Role.STAFF, dept=web.dept)
    sclient, sheaders = _client(web, staff)
    assert sclient.get("/data/freshness", headers=sheaders).status_code == 403
