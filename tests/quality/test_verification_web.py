"""Verification requests in the console and the JSON API (GZ 30, 33; ZS 23)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.datastore import records
from govshare.notify.models import Notification
from govshare.quality import verification
from govshare.quality.verification_models import VerificationRequest
from tests.quality.test_verification_world import PURPOSE, TODAY, World, build
from tests.web.test_route_matrix import _routes
from tests.web_support import login

# Phrases that would send the party to the provider to correct the data itself (GZ 33; ZS 23 ¶2).
SENDS_PARTY_AWAY = re.compile(
    r"(ask|tell|send|refer|direct)s? the party (to|back)|party (must|should) (go|apply|contact)|"
    r"请当事人|由当事人(自行|到)|当事人应(自行|到|向)",
    re.IGNORECASE,
)


@pytest.fixture()
def w(session: Session) -> World:
    return build(session)


@pytest.fixture()
def web(client: TestClient) -> TestClient:
    """The console on the test session, with today = TODAY (tests/web_support.py)."""
    return client


def _login(c: TestClient, w: World, who: str) -> str:
    return login(c, w.users[who].username)


def _query(c: TestClient, token: str, w: World, subject: str) -> str:
    r = c.post(
        "/query",
        data={
            "csrf_token": token,
            "resource_id": str(w.resource.id),
            "purpose_code": PURPOSE,
            "purpose_text": "最低生活保障审核",
            "subjects": subject,
        },
    )
    assert r.status_code == 200, r.text
    return r.text


def test_file_from_a_query_result_then_answer_with_a_correction(
    web: TestClient, session: Session, w: World
) -> None:
    # GZ 30: the consumer files from the record it saw; the provider corrects in the same step.
    token = _login(web, w, "staff")
    page = _query(web, token, w, w.subjects[0])
    assert 'action="/verification-requests/new"' in page and "request-verification" in page
    form = web.post(
        "/verification-requests/new",
        data={
            "csrf_token": token,
            "resource_id": str(w.resource.id),
            "subject": w.subjects[0],
            "purpose_code": PURPOSE,
        },
    )
    assert form.status_code == 200
    assert 'data-testid="item-婚姻状况"' in form.text and w.subjects[0] in form.text
    assert "公民身份号码" not in re.findall(r'name="item" value="([^"]+)"', form.text)
    assert not SENDS_PARTY_AWAY.search(form.text)  # GZ 33: the party is not sent away
    assert 'data-testid="gz33-note"' in form.text
    filed = web.post(
        "/verification-requests",
        data={
            "csrf_token": token,
            "resource_id": str(w.resource.id),
            "subject": w.subjects[0],
            "purpose_code": PURPOSE,
            "item": "婚姻状况",
            "claim.婚姻状况": "离婚",
            "reason": "当事人提交离婚证",
            "party_objected": "1",
            "party_documents": "1",
            "handled_on_documents": "1",
        },
        files=[("files", ("离婚证.pdf", b"%PDF-1.4 test", "application/pdf"))],
    )
    assert filed.status_code == 303, filed.text
    url = filed.headers["location"]
    detail = web.get(url).text
    assert 'data-testid="handled-on-documents"' in detail  # GZ 33: recorded and shown
    assert "离婚证.pdf" in detail and "5" in detail
    assert not SENDS_PARTY_AWAY.search(detail)
    # The provider answers with the correction.
    web.cookies.clear()
    token = _login(web, w, "officer")
    listing = web.get("/verification-requests?side=provider&state=open").text
    assert url.rsplit("/", 1)[1] in listing
    answered = web.post(
        url + "/answer",
        data={
            "csrf_token": token,
            "outcome": "corrected",
            "corrected.婚姻状况": "离婚",
            "text": "经核查已更正",
        },
    )
    assert answered.status_code == 303
    after = web.get(url).text
    req_id = int(url.rsplit("/", 1)[1])
    assert f"verification request #{req_id}" in after  # the history names the request
    assert re.search(r'data-testid="corrected-婚姻状况">离婚<', after)
    assert not SENDS_PARTY_AWAY.search(after)
    req = session.get(VerificationRequest, req_id)
    assert req is not None and req.correction_version == 2
    assert 'data-testid="error-report-link"' not in after  # the provider has nothing to report
    # GZ 31: the consumer that decided on the wrong value is offered the error report.
    web.cookies.clear()
    _login(web, w, "staff")
    mine = web.get(url).text
    assert (
        f"/error-reports/new?resource_id={req.resource_id}&amp;verification_request_id={req_id}"
        in mine
    )
    assert not SENDS_PARTY_AWAY.search(mine)


def test_refused_filing_keeps_what_was_entered(web: TestClient, w: World) -> None:
    # GZ 33: with valid documents the case may not be refused: the form says why it is refused.
    token = _login(web, w, "staff")
    r = web.post(
        "/verification-requests",
        data={
            "csrf_token": token,
            "resource_id": str(w.resource.id),
            "subject": w.subjects[0],
            "purpose_code": PURPOSE,
            "item": "姓名",
            "claim.姓名": "王五",
            "reason": "姓名有误",
            "party_documents": "1",
        },
    )
    assert r.status_code == 422
    assert 'data-testid="verification-error"' in r.text and "王五" in r.text


def test_outsiders_see_nothing(web: TestClient, session: Session, w: World) -> None:
    req = verification.file_request(
        session,
        actor=w.staff,
        resource_id=w.resource.id,
        subject=w.subjects[0],
        purpose_code=PURPOSE,
        claims={"姓名": "王五"},
        reason="姓名有误",
        today=TODAY,
    )
    _login(web, w, "other_staff")
    assert web.get(f"/verification-requests/{req.id}").status_code == 404
    assert str(req.id) not in web.get("/verification-requests").text.split("<tbody>")[1]


def test_api_file_answer_and_withdraw(web: TestClient, session: Session, w: World) -> None:
    # GZ 30 over the API; the answer is the provider's.
    token = _login(web, w, "staff")
    h = {"x-csrf-token": token}
    body = {
        "resource_id": w.resource.id,
        "subject": w.subjects[1],
        "purpose_code": PURPOSE,
        "claims": {"姓名": "王五"},
        "reason": "姓名有误",
    }
    made = web.post("/api/v1/verification-requests", json=body, headers=h)
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["state"] == "open" and out["due_on"] == "2026-11-27"
    assert out["working_days_left"] == 5 and out["values"][0]["claimed"] == "王五"
    refused = web.post(
        "/api/v1/verification-requests",
        json={**body, "claims": {"病历": "x"}},
        headers=h,
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "item_not_entitled"
    second = web.post(
        "/api/v1/verification-requests", json={**body, "subject": w.subjects[2]}, headers=h
    ).json()
    withdrawn = web.post(
        f"/api/v1/verification-requests/{second['id']}/withdraw", json={"reason": ""}, headers=h
    )
    assert withdrawn.json()["state"] == "withdrawn"
    listed = web.get("/api/v1/verification-requests?state=open", headers=h).json()
    assert [i["id"] for i in listed["items"]] == [out["id"]]
    web.cookies.clear()
    token = _login(web, w, "officer")
    h = {"x-csrf-token": token}
    answered = web.post(
        f"/api/v1/verification-requests/{out['id']}/answer",
        json={"outcome": "corrected", "corrected": {"姓名": "王五"}, "text": "已更正"},
        headers=h,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["outcome"] == "corrected"
    current = records.current_one(
        session, resource_id=w.resource.id, subject_hash_=records.subject_hash(w.subjects[1])
    )
    assert current is not None and current.payload["姓名"] == "王五"


def test_authority_lists_all_with_overdue_filter(
    web: TestClient, session: Session, w: World
) -> None:
    verification.file_request(
        session,
        actor=w.staff,
        resource_id=w.resource.id,
        subject=w.subjects[0],
        purpose_code=PURPOSE,
        claims={"姓名": "王五"},
        reason="姓名有误",
        today=TODAY.replace(day=2),  # due 9 Nov: overdue on the 20th
    )
    _login(web, w, "admin")
    page = web.get("/verification-requests?overdue=true").text
    assert page.count('data-testid="verification-row"') == 1 and "data-overdue" in page


def test_no_path_sends_the_party_to_the_provider(app: Any, session: Session, w: World) -> None:
    # GZ 33; ZS 23 ¶2: the consumer asks for verification itself; the party is never sent to the
    # provider to have the data corrected. No route, page, message or notice does so.
    from govshare.profiles.service import get_active_profile

    assert get_active_profile().verification_requests.party_not_sent_to_provider.enabled
    paths = [path for _, path, _ in _routes(app)]
    assert any(p.startswith("/verification-requests") for p in paths)
    assert not [p for p in paths if "party" in p or "self-correct" in p]
    root = Path(verification.__file__).parent
    sources = [
        *root.glob("verification*.py"),
        *(root.parent / "web" / "templates" / "quality").glob("verification_*.html"),
    ]
    assert len(sources) >= 8
    for source in sources:
        assert not SENDS_PARTY_AWAY.search(source.read_text()), source.name
    verification.file_request(
        session,
        actor=w.staff,
        resource_id=w.resource.id,
        subject=w.subjects[0],
        purpose_code=PURPOSE,
        claims={"姓名": "王五"},
        reason="姓名有误",
        party_objected=True,
        party_documents=True,
        handled_on_documents=True,
        today=TODAY,
    )
    titles = [n.title for n in session.scalars(select(Notification))]
    assert titles and not [t for t in titles if SENDS_PARTY_AWAY.search(t)]
