"""Console pages of applications for every role: apply, my applications, inbox, detail, overview.

The web world: TODAY is Fri 2026-11-20; "police" provides a conditional resource (its data
officer answers), "civil" applies (its staff); the authority oversees; an outsider department's
staff sees nothing of it. GZ profile: 5 working days to answer (GZ 26).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.orgs.models import Role, User
from govshare.sharing import applications
from govshare.sharing.application_models import Application, ApplicationState
from tests.applications.conftest import CONDITIONAL, PURPOSE
from tests.orgs import builders as org_builders
from tests.sharing import builders
from tests.web_support import login

PURPOSE_TEXT = str(PURPOSE["purpose_text"])
LEGAL_BASIS = str(PURPOSE["legal_basis"])


@pytest.fixture()
def resource_id(session: Session, world: dict[str, Any]) -> int:
    return builders.published(session, world["police"], "conditional").id


def _as(client: TestClient, user: User) -> str:
    client.cookies.clear()
    return login(client, user.username)


def _user(world: dict[str, Any], role: Role) -> User:
    user: User = world["users"][role]
    return user


def _form(token: str, resource_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "csrf_token": token,
        "resource_id": str(resource_id),
        "purpose_text": PURPOSE_TEXT,
        "legal_basis": LEGAL_BASIS,
        "purposes": "440100-MZ-0031",
        "items": CONDITIONAL,
        "expected_volume": "2,000 a month",
        "period_from": "2026-12-01",
        "period_until": "2027-11-30",
        **overrides,
    }


def _apply(session: Session, world: dict[str, Any], resource_id: int, today: date) -> Application:
    return applications.submit(
        session,
        actor=org_builders.actor_of(_user(world, Role.STAFF)),
        resource_id=resource_id,
        today=today,
        purposes=["440100-MZ-0031"],
        items=CONDITIONAL,
        expected_volume="",
        period_from=today,
        period_until=date(2027, 12, 31),
        involves_secret_or_privacy=False,
        purpose_text=PURPOSE_TEXT,
        legal_basis=LEGAL_BASIS,
    )


def test_apply_form_offers_only_conditional_items(
    client: TestClient, world: dict[str, Any], resource_id: int
) -> None:
    _as(client, _user(world, Role.STAFF))
    page = client.get(f"/applications/new?resource={resource_id}")
    assert page.status_code == 200
    boxes = re.findall(r'name="items" value="([^"]+)"', page.text)
    assert boxes == CONDITIONAL  # GZ 26 ¶1: unconditional items are taken without applying
    assert page.text.count("data-direct-item") == 2
    # the directory entry links to the form
    entry = client.get(f"/directory/{resource_id}")
    assert f'href="/applications/new?resource={resource_id}"' in entry.text


def test_provider_cannot_apply_for_its_own_data(
    client: TestClient, world: dict[str, Any], resource_id: int
) -> None:
    _as(client, _user(world, Role.DATA_OFFICER))
    assert client.get(f"/applications/new?resource={resource_id}").status_code == 422
    assert "/applications/new" not in client.get(f"/directory/{resource_id}").text


def test_refused_form_keeps_values_and_marks_fields(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    token = _as(client, _user(world, Role.STAFF))
    data = _form(token, resource_id, legal_basis="", items=[], expected_volume="每月约三千次")
    r = client.post("/applications/new", data=data)
    assert r.status_code == 422
    assert "每月约三千次" in r.text and PURPOSE_TEXT in r.text
    assert re.search(r'data-field="legal_basis".*?field-error', r.text, re.S)
    assert session.query(Application).count() == 0
    # no items ticked: named next to the items
    data = _form(token, resource_id, items=[])
    r = client.post("/applications/new", data=data)
    assert r.status_code == 422 and 'class="field-error"' in r.text
    data = _form(token, resource_id, period_from="2026-12-01", period_until="2026-11-01")
    r = client.post("/applications/new", data=data)
    assert r.status_code == 422 and 'value="2026-11-01"' in r.text


def test_apply_with_an_attachment_and_follow_it(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    token = _as(client, _user(world, Role.STAFF))
    files = [("attachments", ("批复.pdf", b"%PDF-1.4 approval", "application/pdf"))]
    r = client.post("/applications/new", data=_form(token, resource_id), files=files)
    assert r.status_code == 303, r.text
    path = r.headers["location"]
    application_id = int(path.rsplit("/", 1)[1])
    detail = client.get(path)
    assert detail.status_code == 200
    assert "批复.pdf" in detail.text and 'data-testid="withdraw"' in detail.text
    assert 'data-step="due"' in detail.text and "2026-11-27" in detail.text  # GZ 26: 5 WD
    api = client.get(f"/api/v1/applications/{application_id}").json()
    assert [f["filename"] for f in api["attachments"]] == ["批复.pdf"]
    mine = client.get("/applications?q=MZ").text + client.get("/applications").text
    assert f'data-application="{application_id}"' in mine
    assert 'data-application="' not in client.get("/applications?state=refused").text


def test_inbox_sorted_by_due_date_with_badges(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    overdue = _apply(session, world, resource_id, date(2026, 11, 6))  # due 11-13
    one_day = _apply(session, world, resource_id, date(2026, 11, 16))  # due 11-23
    later = _apply(session, world, resource_id, date(2026, 11, 20))  # due 11-27
    _as(client, _user(world, Role.DATA_OFFICER))
    page = client.get("/applications/inbox").text
    order = [int(n) for n in re.findall(r'<tr class="[^"]*" data-application="(\d+)"', page)]
    assert order == [overdue.id, one_day.id, later.id]
    assert page.count('data-testid="badge-overdue"') == 1
    assert page.count('data-testid="badge-one-day"') == 1


def test_provider_refusal_needs_reasons(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    # GZ 26: 拒绝提供的,应当说明理由
    a = _apply(session, world, resource_id, date(2026, 11, 20))
    token = _as(client, _user(world, Role.DATA_OFFICER))
    page = client.get(f"/applications/{a.id}")
    assert 'data-testid="refuse-form"' in page.text
    r = client.post(f"/applications/{a.id}/refuse", data={"csrf_token": token, "reason": "  "})
    assert r.status_code == 303
    session.refresh(a)
    assert a.state == ApplicationState.SUBMITTED
    assert "GZ 26" in client.get(f"/applications/{a.id}").text  # the flash names the article
    r = client.post(
        f"/applications/{a.id}/refuse", data={"csrf_token": token, "reason": "不属于法定职责"}
    )
    session.refresh(a)
    assert a.state == ApplicationState.REFUSED and a.refusal_reason == "不属于法定职责"
    assert 'data-testid="complain-link"' not in client.get(f"/applications/{a.id}").text
    _as(client, _user(world, Role.STAFF))
    page = client.get(f"/applications/{a.id}").text
    assert "不属于法定职责" in page
    # GZ 36: the consumer may complain about the refusal to the authority
    assert f"/complaints/new?respondent_department_id={a.provider_department_id}" in page


def test_approve_fewer_items_then_consumer_sees_the_grant(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    a = _apply(session, world, resource_id, date(2026, 11, 20))
    token = _as(client, _user(world, Role.DATA_OFFICER))
    data = {"csrf_token": token, "items": ["婚姻状况"], "valid_until": "2027-05-31"}
    assert client.post(f"/applications/{a.id}/approve", data=data).status_code == 303
    session.refresh(a)
    assert a.state == ApplicationState.APPROVED and a.grant_id
    page = client.get(f"/applications/{a.id}").text
    assert 'data-testid="deliver"' in page
    assert (
        client.post(f"/applications/{a.id}/deliver", data={"csrf_token": token}).status_code == 303
    )
    session.refresh(a)
    assert a.state == ApplicationState.DELIVERED
    _as(client, _user(world, Role.STAFF))
    page = client.get(f"/applications/{a.id}").text
    grant = re.search(r'data-testid="grant-items">([^<]*)<', page)
    assert grant and grant.group(1) == "婚姻状况"
    assert "2027-05-31" in page and 'data-step="delivered"' in page


def test_consumer_withdraws_before_an_answer(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    a = _apply(session, world, resource_id, date(2026, 11, 20))
    token = _as(client, _user(world, Role.STAFF))
    # the consumer cannot answer its own application
    r = client.post(f"/applications/{a.id}/approve", data={"csrf_token": token})
    assert r.status_code == 403
    assert (
        client.post(f"/applications/{a.id}/withdraw", data={"csrf_token": token}).status_code == 303
    )
    session.refresh(a)
    assert a.state == ApplicationState.WITHDRAWN
    assert 'data-testid="withdraw"' not in client.get(f"/applications/{a.id}").text


def test_who_sees_what(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    a = _apply(session, world, resource_id, date(2026, 11, 6))  # overdue since 11-14
    _as(client, _user(world, Role.AUTHORITY_ADMIN))
    overview = client.get("/applications/overview").text
    assert f'data-application="{a.id}"' in overview
    by_dept = re.search(
        rf'data-department="{world["police"].id}".*?data-overdue="(\d+)"', overview, re.S
    )
    assert by_dept and by_dept.group(1) == "1"
    assert client.get(f"/applications/{a.id}").status_code == 200
    assert client.get("/applications/inbox").status_code == 403
    _as(client, _user(world, Role.AUDITOR))
    assert client.get(f"/applications/{a.id}").status_code == 200
    assert 'data-testid="answer"' not in client.get(f"/applications/{a.id}").text
    outsider = org_builders.user(session, role=Role.STAFF, dept=org_builders.department(session))
    token = _as(client, outsider)
    assert client.get(f"/applications/{a.id}").status_code == 403
    assert (
        client.post(f"/applications/{a.id}/withdraw", data={"csrf_token": token}).status_code == 403
    )
    assert client.get("/applications/999999").status_code == 404
    assert f'data-application="{a.id}"' not in client.get("/applications").text
    assert client.get(f"/api/v1/applications/{a.id}").status_code == 403
    files = [("files", ("a.pdf", b"%PDF", "application/pdf"))]
    r = client.post(
        f"/api/v1/applications/{a.id}/attachments", files=files, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 403


def test_attachment_api_for_the_parties(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    a = _apply(session, world, resource_id, date(2026, 11, 20))
    token = _as(client, _user(world, Role.DATA_OFFICER))
    files = [("files", ("意见.txt", "同意".encode(), "text/plain"))]
    r = client.post(
        f"/api/v1/applications/{a.id}/attachments", files=files, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 201, r.text
    [made] = r.json()
    assert made["filename"] == "意见.txt"
    _as(client, _user(world, Role.STAFF))  # the consumer reads the provider's document
    assert client.get(f"/attachments/{made['id']}").content == "同意".encode()
    bad = [("files", ("x.exe", b"MZ", "application/octet-stream"))]
    token = _as(client, _user(world, Role.STAFF))
    r = client.post(
        f"/api/v1/applications/{a.id}/attachments", files=bad, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "attachment_type"


def test_pages_in_english(
    client: TestClient, session: Session, world: dict[str, Any], resource_id: int
) -> None:
    a = _apply(session, world, resource_id, date(2026, 11, 16))  # due 11-23: 1 working day left
    _as(client, _user(world, Role.DATA_OFFICER))
    client.cookies.set("lang", "en")
    page = client.get(f"/applications/{a.id}").text
    assert "Timeline" in page and "1 working day left" in page
    assert "Applications to answer" in client.get("/applications/inbox").text
