"""Verification requests in real headless Chromium: the consumer files from a query result, the
provider answers with a correction, and the record history shows the request as reason (GZ 30, 33)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from govshare.datastore import service as datastore_service
from govshare.datastore.parsing import json_row
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.actor import Actor
from govshare.kit.crypto import forget_keyrings
from govshare.orgs.models import Department, Role
from tests.browser.conftest import LiveServer
from tests.browser.test_console import log_in
from tests.datastore import builders as datastore

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


def _records(live_server: LiveServer) -> tuple[int, str, str]:
    """The police publish an unconditional resource with one person; (resource id, subject, status)."""
    engine = make_engine(live_server.database_url)
    try:
        with transaction(make_session_factory(engine)) as s:
            police = s.get_one(Department, live_server.police.id)
            resource = datastore.resource(s, police)
            person = datastore.person(datastore.next_n())
            datastore_service.load(
                s,
                actor=Actor.operator(),
                resource_id=resource.id,
                rows=[json_row(1, person)],
                method="api",
            )
            return resource.id, person["公民身份号码"], person["婚姻状况"]
    finally:
        engine.dispose()


def test_file_from_a_query_result_answer_and_see_the_correction(
    page: Page, live_server: LiveServer, server_keys: None
) -> None:
    resource_id, subject, status = _records(live_server)
    right = "离婚" if status != "离婚" else "丧偶"

    # The consumer queries the record and files a request from the result row (GZ 30).
    log_in(page, live_server.accounts[Role.STAFF])
    page.goto(f"/query?resource_id={resource_id}")
    page.get_by_test_id("purpose-code").fill("440100-MZ-0031")
    page.get_by_test_id("purpose-text").fill("最低生活保障审核")
    page.get_by_test_id("subjects").fill(subject)
    page.get_by_test_id("run-query").click()
    expect(page.get_by_test_id("query-rows")).to_contain_text(status)
    page.get_by_test_id("request-verification").locator("button").click()
    expect(page.get_by_test_id("verification-subject")).to_have_text(subject)
    page.get_by_test_id("item-婚姻状况").check()
    page.get_by_test_id("claim-婚姻状况").fill(right)
    page.get_by_test_id("reason").fill("当事人提交离婚证,与共享数据不一致")
    page.get_by_test_id("party-objected").check()
    page.get_by_test_id("party-documents").check()
    expect(page.get_by_test_id("handled-on-documents")).to_be_checked()
    page.get_by_test_id("file-request").click()
    expect(page.get_by_test_id("verification-state")).to_be_visible()
    # GZ 33: the case goes on on the party's documents, and the request says so.
    expect(page.get_by_test_id("handled-on-documents")).to_be_visible()
    detail = page.url

    # The provider answers and corrects in the same step.
    page.context.clear_cookies()
    log_in(page, live_server.accounts[Role.DATA_OFFICER])
    page.goto(detail)
    page.get_by_test_id("answer-outcome").select_option("corrected")
    page.get_by_test_id("answer-corrected-婚姻状况").fill(right)
    page.get_by_test_id("answer-text").fill("经核查已更正")
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("verification-outcome")).to_be_visible()
    expect(page.get_by_test_id("corrected-婚姻状况")).to_have_text(right)
    history = page.get_by_test_id("history-row")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(status)
    expect(history.nth(1)).to_contain_text(right)
    request_id = detail.rsplit("/", 1)[1]
    expect(history.nth(1)).to_contain_text(f"verification request #{request_id}")
