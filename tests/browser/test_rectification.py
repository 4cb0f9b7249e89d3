"""A rectification notice in real headless Chromium: proposed, issued, answered, accepted (GZ 43)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from govshare.datastore.models import Connection
from govshare.db import make_engine, make_session_factory, transaction
from tests.applications.conftest import make_parties
from tests.browser.conftest import LiveServer
from tests.orgs import builders

pytestmark = pytest.mark.browser


def _stale_resource(live_server: LiveServer) -> tuple[int, str, str]:
    """A connected resource stale for a month; its id, the provider officer's and the admin's names."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            p = make_parties(s)
            since = date.today() - timedelta(days=30)  # the server's own today
            s.add(Connection(resource_id=p.resource.id, records=10, stale_since=since))
            return p.resource.id, p.officer.username, p.admin.username
    finally:
        engine.dispose()


def _log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(builders.PASSWORD)
    page.locator("form[action='/login'] button").last.click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def test_turn_a_proposal_into_a_notice_answer_and_accept(
    page: Page, live_server: LiveServer
) -> None:
    resource_id, officer, admin = _stale_resource(live_server)

    # GZ 43(3): the platform proposes a notice for data not updated in time.
    _log_in(page, admin)
    page.goto("/rectification/proposals")
    row = page.locator(
        f"[data-testid=proposal-row][data-kind=stale_resource][data-source='{resource_id}']"
    )
    expect(row).to_have_count(1)
    row.get_by_test_id("propose-issue").click()
    expect(page).to_have_url(re.compile(r"/rectification/new\?kind=stale_resource"))
    form = page.get_by_test_id("notice-form")
    expect(form.get_by_test_id("ground")).to_have_value("data_not_updated")
    expect(form.get_by_test_id("facts")).not_to_be_empty()
    # GZ 43 leaves the time limit to the notice: the authority sets the date.
    due = (date.today() + timedelta(days=20)).isoformat()
    form.get_by_test_id("due-on").fill(due)
    form.get_by_test_id("issue").click()
    expect(page).to_have_url(re.compile(r"/rectification/\d+$"))
    notice_url = page.url
    expect(page.get_by_test_id("notice-state")).to_have_attribute("data-state", "issued")
    expect(page.get_by_test_id("notice-due")).to_have_text(due)
    page.goto("/rectification/proposals")
    expect(row).to_have_count(0)  # not proposed twice

    _log_in(page, officer)
    page.goto(notice_url)
    answer = page.get_by_test_id("answer-form")
    answer.get_by_test_id("response").fill("已恢复每日更新并补录缺失数据")
    answer.get_by_test_id("answer").click()
    expect(page.get_by_test_id("notice-state")).to_have_attribute("data-state", "answered")
    expect(page.get_by_test_id("answer-form")).to_have_count(0)

    _log_in(page, admin)
    page.goto(notice_url)
    expect(page.get_by_test_id("notice-response")).to_contain_text("已恢复每日更新")
    review = page.get_by_test_id("review-form")
    review.get_by_test_id("decision").select_option("accept")
    review.get_by_test_id("note").fill("抽查确认已整改")
    review.get_by_test_id("review").click()
    expect(page.get_by_test_id("notice-state")).to_have_attribute("data-state", "closed")
    events = page.get_by_test_id("event")
    expect(events).to_have_count(3)
    expect(events.nth(2)).to_have_attribute("data-kind", "accepted")
