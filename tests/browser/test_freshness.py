"""Freshness in real headless Chromium: a provider files a delay with evidence, the authority approves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import FilePayload, Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.http.i18n import translator
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in, submit
from tests.datastore import freshness_support as fs

pytestmark = pytest.mark.browser

zh = translator("zh_CN")


def _seed_stale(live_server: LiveServer) -> tuple[int, str]:
    """A monthly resource of the officer's department last updated 60 days before the server's today."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            dept = orgs.get_department(s, department_id=live_server.police.id)
            r = fs.connected(s, dept, last=date.today() - timedelta(days=60))
            return r.id, r.code
    finally:
        engine.dispose()


def test_provider_files_a_delay_and_the_authority_approves(
    page: Page, live_server: LiveServer
) -> None:
    # GZ Art. 19 ¶3-4: stale after 5 working days; a delay needs the authority's approval.
    rid, code = _seed_stale(live_server)
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto("/data/freshness")
    row = page.get_by_test_id(f"freshness-{rid}")
    expect(row).to_contain_text(code)
    expect(page.get_by_test_id(f"status-{rid}").locator(".tag.danger")).to_have_count(1)

    form = page.get_by_test_id("delay-form")
    form.locator("select[name=resource_id]").select_option(str(rid))
    form.locator("textarea[name=reason]").fill("业务系统升级,暂停数据推送")
    form.locator("input[name=update_by]").fill(date.today().isoformat())
    evidence: FilePayload = {
        "name": "升级通知.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 x",
    }
    form.locator("input[name=files]").set_input_files(files=[evidence])
    submit(form)
    expect(page.locator(".flash.success[role=status]")).to_have_text(
        zh("Delay filed; it awaits the authority's decision")
    )
    filing_row = page.get_by_test_id("filings").locator("tbody tr", has_text=code)
    expect(filing_row).to_contain_text("升级通知.pdf")
    expect(filing_row).to_contain_text(zh("Awaiting the authority"))

    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.AUTHORITY_ADMIN])
    page.goto(f"/data/freshness?department_id={live_server.police.id}&stale=1")
    expect(page.get_by_test_id(f"freshness-{rid}")).to_have_count(1)
    decide = page.get_by_test_id("filings").locator("tbody tr", has_text=code).locator("form")
    decide.get_by_role("button", name=zh("Approve"), exact=True).click()
    expect(page.locator(".flash.success[role=status]")).to_have_text(zh("Delay approved"))
    expect(page.get_by_test_id(f"status-{rid}")).to_contain_text(zh("Delay filed"))
