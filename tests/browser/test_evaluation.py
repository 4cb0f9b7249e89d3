"""Evaluation in real headless Chromium: the authority computes and publishes; a department drills down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from govshare.catalogue import service as catalogue
from govshare.db import make_engine, make_session_factory, transaction
from govshare.governance import evaluation as ev
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in, submit
from tests.catalogue import builders as catalogue_builders
from tests.catalogue.builders import OPERATOR

pytestmark = pytest.mark.browser


def _seed(live_server: LiveServer) -> tuple[str, int, int]:
    """The officer's department published one entry and had one returned in the last quarter."""
    from datetime import date

    period = ev.previous_quarters(date.today(), 1)[0]
    _, starts, _ = ev.parse_period(period)
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            dept = orgs.get_department(s, department_id=live_server.police.id)
            published = catalogue_builders.published(s, dept, today=starts + timedelta(days=10))
            returned = catalogue_builders.resource(s, dept)
            catalogue.submit(
                s, actor=OPERATOR, resource_id=returned.id, today=starts + timedelta(days=20)
            )
            catalogue.return_entry(
                s,
                actor=OPERATOR,
                resource_id=returned.id,
                comment="请补充共享依据",
                today=starts + timedelta(days=22),
            )
            return period, published.id, returned.id
    finally:
        engine.dispose()


def test_authority_publishes_and_a_department_drills_down_to_its_records(
    page: Page, live_server: LiveServer
) -> None:
    # GZ Art. 35: the authority evaluates regularly and circulates the results (通报).
    period, published_id, returned_id = _seed(live_server)
    log_in(page, live_server.accounts[Role.AUTHORITY_ADMIN])
    page.goto("/evaluations")
    form = page.get_by_test_id("compute")
    form.get_by_test_id("period").fill(period)
    submit(form.locator("form"))
    expect(page.locator(".flash.success[role=status]")).to_have_count(1)
    expect(page.get_by_test_id("draft-note")).to_be_visible()
    row = page.get_by_test_id("ranking").locator(f"tr[data-department='{live_server.police.id}']")
    expect(row.locator("td[data-metric='catalogue_completeness']")).to_contain_text("50.0")
    expect(page.get_by_test_id("ranking-chart")).to_be_visible()
    page.get_by_test_id("publish").click()
    expect(page.locator(".flash.success[role=status]")).to_have_count(1)
    expect(page.get_by_test_id("publish")).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto("/evaluations")
    page.locator(f"tr[data-period='{period}']").get_by_test_id("my-scorecard").click()
    expect(page.get_by_test_id("metric-chart")).to_be_visible()
    expect(page.get_by_test_id("trend-chart")).to_be_visible()
    # The bar of a metric leads to the records behind it
    page.locator("[data-bar='catalogue_completeness']").click()
    drill = page.get_by_test_id("drill-catalogue_completeness")
    expect(drill.locator(f"tr[data-record='{returned_id}']")).to_have_attribute("data-met", "no")
    expect(drill.locator(f"tr[data-record='{published_id}']")).to_have_attribute("data-met", "yes")
    drill.locator(f"a[href='/catalogue/{returned_id}']").click()
    expect(page).to_have_url(f"{live_server.url}/catalogue/{returned_id}")
