"""One data, one source in real headless Chromium: the authority sees a divergence side by side and
assigns it; the verifying provider sees the subject masked and resolves it (ZS Art. 17; JS Art. 11)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.crypto import forget_keyrings
from govshare.orgs.models import Department, Role
from govshare.quality import links
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in
from tests.catalogue import builders as catalogue
from tests.datastore import builders as datastore
from tests.quality import builders as q

pytestmark = pytest.mark.browser


@pytest.fixture()
def server_keys(live_server: LiveServer) -> Iterator[None]:
    """Seeds with the server's own data keys, so that the server can open what is sealed here."""
    old = os.environ.get("GOVSHARE_KEY_DIR")
    os.environ["GOVSHARE_KEY_DIR"] = str(live_server.log_path.parent / "keys")
    forget_keyrings()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("GOVSHARE_KEY_DIR", None)
        else:
            os.environ["GOVSHARE_KEY_DIR"] = old
        forget_keyrings()


def _divergent_records(live_server: LiveServer) -> tuple[str, str]:
    """The police and civil affairs publish 婚姻状况, linked; one person differs. Returns the codes."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            police = s.get_one(Department, live_server.police.id)
            civil = s.get_one(Department, live_server.civil.id)
            a = datastore.resource(s, police)
            b = catalogue.published(s, civil)
            links.create_link(
                s,
                actor=q.OPERATOR,
                resource_a_id=a.id,
                item_a=q.ITEM,
                resource_b_id=b.id,
                item_b=q.ITEM,
            )
            n = datastore.next_n()
            q.load(s, q.OPERATOR, a.id, q.civil_rows([n], 婚姻状况="已婚"))
            q.load(s, q.OPERATOR, b.id, q.health_rows([n], status="离异"))
            return a.code, datastore.ric_number(n)
    finally:
        engine.dispose()


def test_the_authority_assigns_and_the_provider_resolves(
    page: Page, live_server: LiveServer, server_keys: None
) -> None:
    code_a, subject = _divergent_records(live_server)

    log_in(page, live_server.accounts[Role.AUTHORITY_ADMIN])
    page.goto("/quality/divergences")
    row = page.get_by_test_id("divergence-row").filter(has_text=code_a)
    expect(row).to_contain_text(subject)  # the authority sees the subject in full
    expect(row).to_contain_text("已婚")
    expect(row).to_contain_text("离异")
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("value-a")).to_contain_text("已婚")
    expect(page.get_by_test_id("value-b")).to_contain_text("离异")
    form = page.get_by_test_id("assign-form")
    form.locator("select[name=department_id]").select_option(str(live_server.police.id))
    page.get_by_test_id("assign").click()
    expect(page.get_by_test_id("resolve-form")).to_be_visible()
    case_url = page.url

    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.DATA_OFFICER])  # the police: the verifying department
    page.goto(case_url)
    masked = subject[:6] + "********" + subject[-4:]
    expect(page.get_by_test_id("case-subject")).to_have_text(masked)
    expect(page.get_by_test_id("value-b")).to_contain_text("离异")  # both, while verifying
    page.get_by_test_id("correct").select_option("a")
    page.locator("textarea[name=note]").fill("核对婚姻登记档案")
    page.get_by_test_id("resolve").click()
    expect(page.get_by_test_id("case-note")).to_have_text("核对婚姻登记档案")
    expect(page.get_by_test_id("resolve-form")).to_have_count(0)
