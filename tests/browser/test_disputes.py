"""A dispute in real headless Chromium: raised from the application page, escalated, decided (GZ 28)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.http.i18n import translator
from govshare.sharing import applications
from tests.applications.conftest import apply, make_parties
from tests.browser.conftest import LiveServer
from tests.orgs import builders

pytestmark = pytest.mark.browser

zh = translator("zh_CN")


def _refused_application(live_server: LiveServer) -> tuple[int, str, str]:
    """A refused application in the live database; its id, the consumer's and the admin's user names."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            p = make_parties(s)
            today = date.today()  # the server's own today
            application = apply(s, p, today=today)
            applications.refuse(
                s,
                actor=p.officer_actor,
                application_id=application.id,
                reason="申请事项不属于申请部门法定职责范围",
                today=today,
            )
            return application.id, p.staff.username, p.admin.username
    finally:
        engine.dispose()


def _log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(builders.PASSWORD)
    page.locator("form[action='/login'] button").last.click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def test_raise_escalate_and_decide_a_dispute(page: Page, live_server: LiveServer) -> None:
    application_id, staff, admin = _refused_application(live_server)

    _log_in(page, staff)
    page.goto(f"/applications/{application_id}")
    form = page.get_by_test_id("raise-dispute-form")
    form.locator("textarea[name=reasons]").fill("本部门依法履行社会救助职责,需要该数据")
    form.get_by_test_id("raise-dispute").click()
    expect(page).to_have_url(re.compile(r"/disputes/\d+$"))
    dispute_url = page.url
    expect(page.get_by_test_id("dispute-reasons")).to_have_text(
        "本部门依法履行社会救助职责,需要该数据"
    )
    steps = page.get_by_test_id("step")
    expect(steps).to_have_count(4)
    expect(steps.nth(0).get_by_test_id("step-state")).to_have_text(zh("open"))

    escalate = page.get_by_test_id("escalate-form")
    escalate.locator("textarea[name=reasons]").fill("协商不成")
    escalate.get_by_test_id("escalate").click()
    expect(steps.nth(0).get_by_test_id("step-state")).to_have_text(zh("escalated"))
    expect(steps.nth(1).get_by_test_id("step-state")).to_have_text(zh("open"))
    expect(page.get_by_test_id("step-actions")).to_have_count(0)  # the authority's step now

    _log_in(page, admin)
    page.goto(dispute_url)
    decide = page.get_by_test_id("decide-form")
    decide.locator("select[name=outcome]").select_option("provide")
    decide.locator("textarea[name=reasons]").fill("经协调,应当共享")
    decide.get_by_test_id("decide").click()
    expect(page.get_by_test_id("dispute-state")).to_have_text(zh("closed"))
    expect(page.get_by_test_id("dispute-outcome")).to_contain_text(zh("to be provided"))
    expect(steps.nth(1).get_by_test_id("step-decision")).to_contain_text("经协调,应当共享")
    expect(page.get_by_test_id("provide-due")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    page.goto("/disputes?state=closed")
    expect(page.locator(f"a[href='{dispute_url.removeprefix(live_server.url)}']")).to_be_visible()
