"""Service guides in real headless Chromium: register a guide, see a supplied material flagged, mark it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.http.i18n import translator
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in
from tests.catalogue import builders as cat

pytestmark = pytest.mark.browser

zh = translator("zh_CN")


def _publish_household(live_server: LiveServer) -> str:
    """A published, unconditionally shared household register resource of another department."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            dept = orgs.get_department(s, department_id=live_server.civil.id)
            return cat.published(s, dept, name="户籍登记信息").code
    finally:
        engine.dispose()


def test_register_a_guide_see_the_supplied_material_and_mark_it(
    page: Page, live_server: LiveServer
) -> None:
    # GZ 32: the platform marks what sharing supplies; the department marks it in the guide
    code = _publish_household(live_server)
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto("/service-guides/new")
    form = page.get_by_test_id("guide-form")
    form.get_by_test_id("guide-code").fill("GA-HJ-001")
    form.get_by_test_id("guide-name").fill("户籍证明开具")
    form.get_by_test_id("material-name").first.fill("户口簿")
    form.get_by_test_id("add-material").click()
    form.get_by_test_id("material-name").last.fill("申请表")
    form.get_by_test_id("save-guide").click()
    expect(page.locator(".flash.success[role=status]")).to_have_text(
        zh("The service guide was registered and checked against the sharing directory.")
    )
    supplied = page.locator("[data-testid=material-row][data-material='户口簿']")
    expect(supplied).to_have_attribute("data-supplied", "yes")
    expect(supplied.get_by_test_id("supplied-flag")).to_be_visible()
    expect(supplied).to_contain_text(code)
    expect(supplied.get_by_test_id("match-note")).to_contain_text("户籍登记信息")
    plain = page.locator("[data-testid=material-row][data-material='申请表']")
    expect(plain).to_have_attribute("data-supplied", "no")

    supplied.get_by_test_id("mark-material").click()
    expect(page.locator(".flash.success[role=status]")).to_have_text(
        zh("The material was updated.")
    )
    marked = page.locator("[data-testid=material-row][data-material='户口簿']")
    expect(marked).to_have_attribute("data-state", "marked")
    expect(marked.get_by_test_id("mark-material")).to_have_count(0)

    page.goto("/service-guides?attention=true")
    expect(page.get_by_test_id("guides")).not_to_contain_text("户籍证明开具")
