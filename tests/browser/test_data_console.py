"""Connected data in real headless Chromium: a provider loads a CSV and reads the report; a consumer
queries it and sees only the items its department is granted (GZ 26; ZS 19(iii))."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from playwright.sync_api import FilePayload, Page, expect

from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.actor import Actor
from govshare.orgs.models import Department, Role
from govshare.sharing import service as sharing
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in
from tests.sharing import builders

pytestmark = pytest.mark.browser

PURPOSE = "440100-MZ-0031"


def _conditional_resource(live_server: LiveServer) -> tuple[int, str]:
    """A published conditional resource of the police; civil affairs is granted 婚姻状况 only."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            police = s.get(Department, live_server.police.id)
            assert police is not None
            resource = builders.published(s, police, "conditional")
            today = date.today()  # the server's own today
            sharing.create_grant(
                s,
                actor=Actor.operator(),
                consumer_department_id=live_server.civil.id,
                resource_id=resource.id,
                items=["婚姻状况"],
                purposes=[PURPOSE],
                valid_from=today - timedelta(days=1),
                valid_until=today + timedelta(days=365),
                today=today,
            )
            return resource.id, resource.code
    finally:
        engine.dispose()


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_provider_loads_a_csv_and_consumer_sees_only_granted_items(
    page: Page, live_server: LiveServer
) -> None:
    resource_id, code = _conditional_resource(live_server)
    subject, other = builders.make_ric(), builders.make_ric()
    rows = [
        {builders.KEY: subject, "姓名": "张小明", "婚姻状况": "已婚", "月收入": "SECRET-INCOME-1"},
        {builders.KEY: other, "姓名": "李小红", "婚姻状况": "未婚", "月收入": "SECRET-INCOME-2"},
    ]

    # the provider uploads the file and reads the report
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto("/data")
    page.get_by_test_id(f"connection-{resource_id}").get_by_role("link").first.click()
    upload: FilePayload = {"name": "people.csv", "mimeType": "text/csv", "buffer": _csv(rows)}
    page.get_by_test_id("file").set_input_files(files=[upload])
    page.get_by_test_id("load").click()
    expect(page.get_by_test_id("load-report")).to_be_visible()
    expect(page.get_by_test_id("rows-total")).to_have_text("2")
    expect(page.get_by_test_id("rows-written")).to_have_text("2")
    expect(page.get_by_test_id("rows-rejected")).to_have_text("0")
    page.goto(f"/data/resources/{resource_id}")
    expect(page.get_by_test_id("records")).to_have_text("2")

    # a consumer of another department queries it for its purpose
    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.STAFF])
    page.goto("/query")
    page.get_by_test_id("resource").select_option(str(resource_id))
    page.get_by_test_id("purpose-code").fill(PURPOSE)
    page.get_by_test_id("purpose-text").fill("最低生活保障审核")
    page.get_by_test_id("subjects").fill(subject)
    page.get_by_test_id("run-query").click()
    result = page.get_by_test_id("query-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text(code)
    expect(result).to_contain_text("张小明")
    expect(result).to_contain_text("已婚")
    html = page.content()
    assert "SECRET-INCOME" not in html and "月收入" not in html
    assert "李小红" not in html  # a subject not asked for

    # and finds the query in its history
    page.goto("/query/history")
    expect(page.get_by_test_id("history")).to_contain_text("最低生活保障审核")
