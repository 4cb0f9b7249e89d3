"""A complaint in real headless Chromium: filed with evidence, answered by the authority (GZ 36)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Page, expect

from govshare.orgs.models import Role
from tests.browser.conftest import LiveServer
from tests.orgs import builders

pytestmark = pytest.mark.browser


def _log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(builders.PASSWORD)
    page.locator("form[action='/login'] button").last.click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def test_file_a_complaint_the_authority_answers_the_complainant_sees_it(
    page: Page, live_server: LiveServer
) -> None:
    staff = live_server.accounts[Role.STAFF]
    admin = live_server.accounts[Role.AUTHORITY_ADMIN]

    _log_in(page, staff.username)
    page.goto("/complaints")
    page.get_by_test_id("new-complaint").click()
    form = page.get_by_test_id("complaint-form")
    form.get_by_test_id("respondent").select_option(str(live_server.police.id))
    form.get_by_test_id("ground").select_option("refused_data")
    form.get_by_test_id("subject").fill("拒绝提供户籍信息")
    form.get_by_test_id("description").fill("申请户籍信息被拒绝,未说明法定理由。")
    evidence: FilePayload = {
        "name": "拒绝函.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 refusal",
    }
    form.get_by_test_id("files").set_input_files(files=[evidence])
    form.get_by_test_id("file-complaint").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+$"))
    complaint_url = page.url
    expect(page.get_by_test_id("complaint-state")).to_have_text(re.compile("received|已接收"))
    expect(page.get_by_test_id("complaint-files")).to_contain_text("拒绝函.pdf")
    expect(page.get_by_test_id("complaint-due")).to_contain_text("GZ 36")

    _log_in(page, admin.username)
    page.goto(complaint_url)
    page.get_by_test_id("take-up-form").locator("input[name=investigator]").fill("督查科 王明")
    page.get_by_test_id("take-up").click()
    answer = page.get_by_test_id("answer-form")
    answer.get_by_test_id("upheld").select_option("yes")
    answer.get_by_test_id("answer-findings").fill("拒绝理由不属于法定情形。")
    answer.get_by_test_id("answer-input").fill("投诉成立,已责令公安部门5个工作日内提供。")
    answer.get_by_test_id("send-answer").click()
    expect(page.get_by_test_id("answer-text")).to_have_text(
        "投诉成立,已责令公安部门5个工作日内提供。"
    )

    _log_in(page, staff.username)
    page.goto(complaint_url)
    expect(page.get_by_test_id("answer-text")).to_have_text(
        "投诉成立,已责令公安部门5个工作日内提供。"
    )
    expect(page.get_by_test_id("findings")).to_contain_text("拒绝理由不属于法定情形。")
    expect(page.get_by_test_id("withdraw-form")).to_have_count(0)  # answered: nothing to withdraw
    with page.expect_download() as download:
        page.get_by_test_id("answer-pdf").click()
    assert download.value.suggested_filename.endswith("-answer.pdf")
