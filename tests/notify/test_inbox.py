"""The in-app inbox: service and console page /notifications (issue 6 point 7)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.kit.errors import Forbidden, NotFound
from govshare.notify import service
from govshare.orgs.models import Role, User
from tests.web_support import login


def _send(session: Session, user: User, n: int, kind: str = "application.new") -> list[int]:
    for i in range(n):
        service.notify(
            session,
            users=[user],
            kind=kind,
            title=f"New application {i + 1} for R-{i + 1}",
            link=f"/applications/{i + 1}",
            object_type="application",
            object_id=i + 1,
        )
    session.flush()
    page = service.inbox(session, user_id=user.id, per_page=200)
    return sorted(n.id for n in page.items)


def test_unread_first_then_newest(session: Session, world: dict) -> None:
    staff = world["users"][Role.STAFF]
    first, second, third = _send(session, staff, 3)
    service.mark_read(session, user_id=staff.id, notification_id=third)
    page = service.inbox(session, user_id=staff.id)
    assert [n.id for n in page.items] == [second, first, third]
    assert service.unread_count(session, user_id=staff.id) == 2
    unread = service.inbox(session, user_id=staff.id, unread_only=True)
    assert [n.id for n in unread.items] == [second, first]


def test_mark_read_is_the_owners_alone(session: Session, world: dict) -> None:
    staff, officer = world["users"][Role.STAFF], world["users"][Role.DATA_OFFICER]
    (mine,) = _send(session, staff, 1)
    with pytest.raises(Forbidden):
        service.mark_read(session, user_id=officer.id, notification_id=mine)
    with pytest.raises(NotFound):
        service.mark_read(session, user_id=staff.id, notification_id=mine + 10_000)
    assert service.mark_read(session, user_id=staff.id, notification_id=mine) == 1
    assert service.mark_read(session, user_id=staff.id, notification_id=mine) == 0  # once


def test_one_notification_per_person_even_when_named_twice(session: Session, world: dict) -> None:
    staff = world["users"][Role.STAFF]
    assert service.notify(session, users=[staff, staff], kind="dispute.step", title="t") == 1
    assert service.unread_count(session, user_id=staff.id) == 1


def test_console_inbox_lists_marks_and_paginates(
    session: Session, client: TestClient, world: dict
) -> None:
    staff, officer = world["users"][Role.STAFF], world["users"][Role.DATA_OFFICER]
    ids = _send(session, staff, 27)
    (others,) = _send(session, officer, 1)
    token = login(client, staff.username)
    page1 = client.get("/notifications")
    assert page1.status_code == 200
    assert page1.text.count('data-testid="unread-mark"') == 25  # 25 a page
    assert 'data-testid="unread-badge"' in page1.text and ">27</a>" in page1.text
    assert f'data-testid="notification-{others}"' not in page1.text  # only one's own
    assert f'data-testid="notification-{ids[-1]}"' in page1.text  # newest first
    page2 = client.get("/notifications?page=2")
    assert f'data-testid="notification-{ids[0]}"' in page2.text
    # mark one read: it goes after the unread ones
    r = client.post(f"/notifications/{ids[-1]}/read", data={"csrf_token": token})
    assert r.status_code == 303
    assert service.unread_count(session, user_id=staff.id) == 26
    unread_page = client.get("/notifications?unread=1&page=2").text
    assert f'data-testid="notification-{ids[-1]}"' not in unread_page
    # someone else's notification cannot be marked
    client.post(f"/notifications/{others}/read", data={"csrf_token": token})
    assert service.unread_count(session, user_id=officer.id) == 1
    # opening a notification marks it read and leads to the page of its object
    r = client.get(f"/notifications/{ids[0]}")
    assert r.status_code == 303 and r.headers["location"] == "/applications/1"
    assert service.unread_count(session, user_id=staff.id) == 25
    # mark all
    r = client.post("/notifications/read-all", data={"csrf_token": token})
    assert r.status_code == 303
    assert service.unread_count(session, user_id=staff.id) == 0
    after = client.get("/notifications").text
    assert 'data-testid="unread-badge"' not in after and 'data-testid="read-all"' not in after
    assert not re.search(r'data-testid="unread-mark"', after)


def test_the_inbox_needs_a_login(client: TestClient) -> None:
    r = client.get("/notifications")
    assert r.status_code in (302, 303, 401)
