"""Grants in real headless Chromium: my grants, grants given, a grant's record, revocation with a
mandatory reason, suspension and its lifting, the filters and the Excel export.

Texts are message ids passed through the zh-CN catalogue (the default language), so the
assertions hold with or without a translation of a given message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.http.i18n import translator
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role
from govshare.sharing import service as sharing
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in, submit
from tests.sharing import builders as sharing_builders

pytestmark = pytest.mark.browser

zh = translator("zh_CN")


@dataclass(frozen=True)
class Grants:
    resource_code: str
    to_revoke: int
    to_suspend: int


@pytest.fixture(scope="module")
def grants(live_server: LiveServer) -> Grants:
    """A conditional resource of the police department and two grants of it to civil affairs."""
    engine = make_engine(live_server.database_url)
    today = date.today()  # the server's day
    try:
        with transaction(make_session_factory(engine)) as s:
            police = cast(Department, s.get(Department, live_server.police.id))
            resource = sharing_builders.published(s, police, "conditional")
            ids = [
                sharing.create_grant(
                    s,
                    actor=Actor.operator(),
                    consumer_department_id=live_server.civil.id,
                    resource_id=resource.id,
                    items=["婚姻状况"],
                    purposes=[purpose],
                    valid_from=today,
                    valid_until=today + timedelta(days=365),
                    today=today,
                ).id
                for purpose in ("440100-MZ-0031", "440100-MZ-0032")
            ]
            code = resource.code
    finally:
        engine.dispose()
    return Grants(resource_code=code, to_revoke=ids[0], to_suspend=ids[1])


def test_staff_sees_my_grants_and_a_grant_record(
    page: Page, live_server: LiveServer, grants: Grants
) -> None:
    log_in(page, live_server.accounts[Role.STAFF])
    page.goto("/grants")
    row = page.locator(f"tr[data-grant='{grants.to_revoke}']")
    expect(row).to_contain_text(grants.resource_code)
    expect(row.get_by_test_id("grant-state")).to_have_text(zh("Active"))
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("grant-history")).to_contain_text("grant.create")
    expect(page.get_by_test_id("grant-actions")).to_have_count(0)  # the consumer cannot act


def test_officer_revokes_only_with_a_reason(
    page: Page, live_server: LiveServer, grants: Grants
) -> None:
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto("/grants/given")
    page.locator(f"tr[data-grant='{grants.to_revoke}'] a").first.click()
    form = page.get_by_test_id("revoke-form")
    submit(form)  # empty: the browser refuses the required reason, nothing is sent
    expect(page.get_by_test_id("revoked")).to_have_count(0)
    form.locator("textarea[name=reason]").fill("业务事项已办结")
    submit(form)
    expect(page.locator(".flash.success")).to_have_text(zh("Grant revoked"))
    expect(page.get_by_test_id("revoked")).to_contain_text("业务事项已办结")
    expect(page.get_by_test_id("grant-state")).to_have_text(zh("Revoked"))
    expect(page.get_by_test_id("grant-history")).to_contain_text("grant.revoke")


def test_authority_suspends_lifts_filters_and_exports(
    page: Page, live_server: LiveServer, grants: Grants
) -> None:
    log_in(page, live_server.accounts[Role.AUTHORITY_ADMIN])
    page.goto(f"/grants/{grants.to_suspend}")
    form = page.get_by_test_id("suspend-form")
    form.locator("textarea[name=reason]").fill("争议调解中")
    form.locator("input[name=cause]").fill("dispute:4")
    submit(form)
    expect(page.get_by_test_id("suspended")).to_contain_text("dispute:4")
    lift = page.get_by_test_id("lift-form")
    lift.locator("textarea[name=reason]").fill("已调解")
    submit(lift)
    expect(page.get_by_test_id("grant-state")).to_have_text(zh("Active"))
    # the filters: revoked ones only
    page.goto("/grants")
    page.locator("form[data-testid=grant-filters] select[name=state]").select_option("revoked")
    submit(page.locator("form[data-testid=grant-filters]"))
    expect(page.locator("table[data-testid=grants] tr[data-grant]")).to_have_count(1)
    expect(page.locator(f"tr[data-grant='{grants.to_revoke}']")).to_be_visible()
    # the export carries the same filters
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    sheet = load_workbook(io.BytesIO(path.read_bytes()))["grants"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [grants.to_revoke]
