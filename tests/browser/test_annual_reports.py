"""Annual reports in real headless Chromium: a department writes and submits its report, the
authority drafts the level's report and downloads it as a PDF (GZ 37)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from govshare.http.i18n import translator
from govshare.orgs.models import Role
from tests.browser.conftest import LiveServer
from tests.orgs import builders

pytestmark = pytest.mark.browser

zh = translator("zh_CN")


def _log_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(builders.PASSWORD)
    page.locator("form[action='/login'] button").last.click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def test_department_submits_and_authority_downloads(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    year = date.today().year - 1  # the server's own today: the report on the previous year
    officer = live_server.accounts[Role.DATA_OFFICER]
    admin = live_server.accounts[Role.AUTHORITY_ADMIN]

    _log_in(page, officer.username)
    page.goto("/annual-reports")
    page.get_by_test_id("own-report-link").click()
    expect(page).to_have_url(re.compile(rf"/annual-reports/{year}/departments/\d+$"))
    page.get_by_test_id("draft").click()
    expect(page.get_by_test_id("annual-chart")).to_have_count(2)
    page.get_by_test_id("narrative").fill("本年度本部门依法提供共享数据,工作总体平稳。")
    page.get_by_test_id("problems").fill("部分数据更新不及时。")
    page.get_by_test_id("plan").fill("建立数据更新提醒机制。")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("annual-state")).to_have_text(zh("Submitted"))
    expect(page.get_by_test_id("narrative-text")).to_have_text(
        "本年度本部门依法提供共享数据,工作总体平稳。"
    )
    expect(page.get_by_test_id("annual-form")).to_have_count(0)
    # Past the end of January of this year: submitted, but late (GZ 37).
    expect(page.get_by_test_id("annual-late")).to_be_visible()

    _log_in(page, admin.username)
    page.goto(f"/annual-reports?year={year}")
    police = page.get_by_test_id("annual-row").filter(has_text=officer.department_name)
    expect(police.get_by_test_id("annual-state")).to_have_text(zh("Submitted"))
    page.get_by_test_id("draft-all").click()
    page.get_by_test_id("authority-report-link").click()
    expect(page).to_have_url(re.compile(rf"/annual-reports/{year}/authority$"))
    expect(page.get_by_test_id("annual-department-rows")).to_contain_text(officer.department_name)
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    target = tmp_path / "report.pdf"
    info.value.save_as(target)
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    compact = text.replace("\x00", "").replace(" ", "").replace("\n", "")
    assert f"{live_server.authority.name}{year}年度政务信息共享情况年度报告" in compact
    assert officer.department_name in compact and "各部门报告情况" in compact
