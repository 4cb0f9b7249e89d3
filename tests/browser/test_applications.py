"""Applying for conditional data in real Chromium: staff applies, the provider approves, the
consumer sees the grant (GZ 26; ZS 22)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.http.i18n import translator
from govshare.orgs.models import Department, Role
from tests.browser.conftest import LiveServer
from tests.browser.test_console import expect_path, log_in, submit
from tests.sharing import builders

pytestmark = pytest.mark.browser

zh = translator("zh_CN")


@pytest.fixture(scope="module")
def resource_id(live_server: LiveServer) -> int:
    """A published conditional resource of the police department, committed in the server's database."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            police = s.get(Department, live_server.police.id)
            assert police is not None
            return builders.published(s, police, "conditional").id
    finally:
        engine.dispose()


def test_staff_applies_provider_approves_consumer_sees_the_grant(
    page: Page, live_server: LiveServer, resource_id: int
) -> None:
    log_in(page, live_server.accounts[Role.STAFF])
    page.goto(f"/directory/{resource_id}")
    page.get_by_test_id("apply").click()
    expect_path(page, "/applications/new")

    form = page.get_by_test_id("apply-form")
    # Unconditional items are shown as available, without a box to tick (GZ 26 ¶1).
    expect(form.locator("[data-direct-item]")).to_have_count(2)
    submit(form)  # nothing filled in: refused, the problems next to their fields
    expect(page.locator(".flash.error")).to_be_visible()
    expect(form.locator("[data-field=purpose_text] .field-error")).to_be_visible()

    form.locator("textarea[name=purpose_text]").fill("最低生活保障对象家庭经济状况核对")
    form.locator("textarea[name=legal_basis]").fill("《社会救助暂行办法》第十一条")
    form.locator("input[name=purposes]").fill("440100-MZ-0031")
    form.locator("input[data-item='婚姻状况']").check()
    form.locator("input[data-item='月收入']").check()
    document: FilePayload = {
        "name": "批复.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 ok",
    }
    form.locator("input[name=attachments]").set_input_files(files=[document])
    submit(form)

    expect(page).to_have_url(re.compile(r"/applications/\d+$"))
    application_path = page.url.split(live_server.url, 1)[1]
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("[data-state=submitted]")).to_be_visible()
    expect(page.get_by_test_id("attachments")).to_contain_text("批复.pdf")

    # The provider's data officer answers from the inbox: fewer items than asked.
    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto("/applications/inbox")
    page.get_by_test_id("inbox").locator(f"a[href='{application_path}']").click()
    expect_path(page, application_path)
    approve = page.get_by_test_id("approve-form")
    approve.locator("input[data-item='月收入']").uncheck()
    page.get_by_test_id("approve").click()
    expect(page.locator(".flash.success")).to_have_text(
        zh("Application approved: the grant is created")
    )
    expect(page.get_by_test_id("grant-items")).to_have_text("婚姻状况")

    # The consumer sees the grant on its application.
    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.STAFF])
    page.goto("/applications")
    page.get_by_test_id("applications").locator(f"a[href='{application_path}']").click()
    expect(page.locator("[data-state=approved]")).to_be_visible()
    expect(page.get_by_test_id("grant-items")).to_have_text("婚姻状况")
    expect(page.get_by_test_id("withdraw")).to_have_count(0)
