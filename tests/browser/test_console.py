"""The console in real headless Chromium: log-in per role, language, forms, HTMX, log-out.

Texts are the application's message ids passed through its own zh-CN catalogue (the default
language), so the assertions hold with or without a translation of a given message; the
English run asserts the literal English texts.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from govshare.calendar.service import add_working_days
from govshare.db import make_engine, make_session_factory
from govshare.http.i18n import translator
from govshare.orgs.models import PersonnelRole, Role
from tests.browser.conftest import Account, LiveServer

pytestmark = pytest.mark.browser

zh = translator("zh_CN")
en = translator("en")

NAV = {
    Role.AUTHORITY_ADMIN: [
        "Dashboard",
        "Catalogue",
        "Sharing directory",
        "Review",
        "Connected data",
        "Data freshness",
        "Divergences",
        "My grants",
        "Grants given",
        "Applications: overview",
        "Disputes",
        "Verification requests",
        "Error reports",
        "Complaints",
        "Rectification notices",
        "Rectification proposals",
        "Service guides",
        "Repeated materials",
        "Evaluation",
        "Informatization projects",
        "Annual reports",
        "Audit log",
        "Departments",
        "Personnel registry",
        "Users",
        "API keys",
        "Working days",
    ],
    Role.DATA_OFFICER: [
        "Dashboard",
        "Catalogue",
        "Sharing directory",
        "Connected data",
        "Data freshness",
        "Divergences",
        "Query data",
        "Verify data",
        "Query history",
        "Applications",
        "My grants",
        "Grants given",
        "Applications to answer",
        "Disputes",
        "Verification requests",
        "Error reports",
        "Complaints",
        "Rectification notices",
        "Service guides",
        "Evaluation",
        "Informatization projects",
        "Annual reports",
        "Departments",
        "Personnel registry",
        "API keys",
        "Working days",
    ],
    Role.STAFF: [
        "Dashboard",
        "Sharing directory",
        "Query data",
        "Verify data",
        "Query history",
        "Applications",
        "My grants",
        "Disputes",
        "Verification requests",
        "Error reports",
        "Complaints",
        "Rectification notices",
        "Service guides",
        "Evaluation",
        "Annual reports",
        "Departments",
        "Personnel registry",
        "Working days",
    ],
    Role.AUDITOR: [
        "Dashboard",
        "Catalogue",
        "Sharing directory",
        "My grants",
        "Grants given",
        "Applications: overview",
        "Disputes",
        "Error reports",
        "Complaints",
        "Rectification notices",
        "Rectification proposals",
        "Service guides",
        "Repeated materials",
        "Evaluation",
        "Informatization projects",
        "Annual reports",
        "Audit log",
        "Departments",
        "Personnel registry",
        "Working days",
    ],
}


def expect_path(page: Page, path: str) -> None:
    """Waits until the page is at `path` (with any query string)."""
    expect(page).to_have_url(re.compile(rf"^[a-z]+://[^/]+{re.escape(path)}(?:\?.*)?$"))


def log_in(page: Page, account: Account, *, password: str | None = None) -> None:
    """Fills and submits the log-in form (in the page's current language)."""
    page.goto("/login")
    page.locator("input[name=username]").fill(account.username)
    page.locator("input[name=password]").fill(password or account.password)
    submit(page.locator("form[action='/login']"))


def submit(form: Locator) -> None:
    """Clicks the form's submit button (the tests assert on what the click leads to)."""
    form.locator("button[type=submit], button:not([type])").last.click()


def nav(page: Page, label: str) -> None:
    """Follows a link of the main navigation (menu links sit in hover menus: open its address)."""
    exact = re.compile(f"^{re.escape(label)}$")
    href = page.locator("nav.main-nav a").filter(has_text=exact).get_attribute("href")
    assert href, label
    page.goto(href)


@pytest.mark.parametrize("role", list(NAV), ids=[r.value for r in NAV])
def test_each_role_logs_in_to_its_dashboard(
    page: Page, live_server: LiveServer, role: Role
) -> None:
    account = live_server.accounts[role]
    log_in(page, account)

    expect(page).to_have_url(f"{live_server.url}/dashboard")
    expect(page.get_by_test_id("dashboard-title")).to_have_text(f"{zh('Dashboard')} · {zh(role)}")
    expect(page.locator("main > p.muted").first).to_have_text(account.department_name)
    expect(page.get_by_test_id("whoami")).to_have_text(f"{account.display_name} · {zh(role)}")
    expect(page.locator("nav.main-nav a")).to_have_text([zh(label) for label in NAV[role]])
    users_link = page.locator("nav.main-nav a[href='/users']")
    expect(users_link).to_have_count(1 if role == Role.AUTHORITY_ADMIN else 0)


def test_wrong_password_shows_the_error_and_stays_on_login(
    page: Page, live_server: LiveServer
) -> None:
    staff = live_server.accounts[Role.STAFF]
    log_in(page, staff, password="not the password at all")

    expect_path(page, "/login")
    expect(page.locator(".flash.error")).to_have_text(zh("wrong user name or password"))
    expect(page.get_by_role("heading", name=zh("Log in"))).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value(staff.username)
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(page.get_by_test_id("whoami")).to_have_count(0)

    # One failure locks nothing: the right password still works.
    log_in(page, staff)
    expect(page).to_have_url(f"{live_server.url}/dashboard")


def test_language_is_zh_cn_by_default_and_english_after_the_switch(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/login")
    html = page.locator("html")
    chinese = page.get_by_role("link", name="中文", exact=True)
    english = page.get_by_role("link", name="English", exact=True)
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(chinese).to_have_class(re.compile(r"\bon\b"))
    expect(english).not_to_have_class(re.compile(r"\bon\b"))
    expect(page.locator("h1")).to_have_text(zh("Log in"))
    assert zh("Log in") != "Log in", "the zh-CN catalogue translates the log-in page"

    english.click()
    expect(html).to_have_attribute("lang", "en")
    expect_path(page, "/login")
    expect(english).to_have_class(re.compile(r"\bon\b"))
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()

    # The choice is a cookie: it holds after log-in.
    log_in(page, live_server.accounts[Role.STAFF])
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("dashboard-title")).to_have_text(f"Dashboard · {en(Role.STAFF)}")
    expect(page.locator("nav.main-nav a")).to_have_text([en(label) for label in NAV[Role.STAFF]])
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    chinese.click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect_path(page, "/dashboard")


def test_staff_sees_the_personnel_registry(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server.accounts[Role.STAFF])
    nav(page, zh("Personnel registry"))

    expect_path(page, "/personnel")
    row = page.get_by_test_id("personnel").locator("tbody tr", has_text=live_server.person_name)
    expect(row.locator("td")).to_have_text(
        [
            live_server.civil.name,
            zh(PersonnelRole.FIRST_RESPONSIBLE),
            live_server.person_name,
            "局长",
            "020-83000001",
            "wang@civil.example.gov.cn",
        ]
    )


def test_data_officer_files_a_personnel_change(page: Page, live_server: LiveServer) -> None:
    officer = live_server.accounts[Role.DATA_OFFICER]
    own = live_server.police
    log_in(page, officer)
    nav(page, zh("Departments"))
    page.get_by_test_id("departments").get_by_role("link", name=own.name, exact=True).click()
    expect_path(page, f"/departments/{own.id}")

    form = page.locator(f"form[action='/departments/{own.id}/personnel']")
    form.locator("select[name=post]").select_option(PersonnelRole.DATA_ADMINISTRATOR.value)
    form.locator("input[name=name]").fill("陈晓明")
    form.locator("input[name=position]").fill("数据管理员")
    form.locator("input[name=phone]").fill("020-83000002")
    form.locator("input[name=email]").fill("chen@police.example.gov.cn")
    started_on = form.locator("input[name=started_on]").input_value()
    submit(form)

    # POST-redirect-GET: back on the department page with the flash message.
    expect(page.locator(".flash.success[role=status]")).to_have_text(zh("Personnel change filed"))
    expect_path(page, f"/departments/{own.id}")
    row = page.get_by_test_id("current-personnel").locator("tbody tr", has_text="陈晓明")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text(zh(PersonnelRole.DATA_ADMINISTRATOR))
    expect(row.locator("td").nth(1)).to_have_text("陈晓明")
    expect(row.locator("td").nth(2)).to_have_text("数据管理员")
    expect(row.locator("td").nth(3)).to_have_text("020-83000002")
    expect(row.locator("td").nth(4)).to_have_text("chen@police.example.gov.cn")
    expect(row.locator("td").nth(5)).to_have_text(started_on)

    # A reload is a GET: no second filing, no second flash.
    page.reload()
    expect(page.locator(".flash")).to_have_count(0)
    expect(row).to_have_count(1)

    # Another department's page shows its registry but no filing form to this officer.
    page.goto(f"/departments/{live_server.civil.id}")
    expect(page.get_by_test_id("current-personnel")).to_contain_text(live_server.person_name)
    expect(page.get_by_role("heading", name=zh("File a personnel change"))).to_have_count(0)


def test_authority_admin_issues_an_api_key_shown_once(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server.accounts[Role.AUTHORITY_ADMIN])
    nav(page, zh("API keys"))
    expect_path(page, "/api-keys")
    expect(page.get_by_test_id("new-token")).to_have_count(0)

    page.locator("input[name=name]").fill("不动产登记系统")
    page.locator("select[name=department_id]").select_option(str(live_server.police.id))
    page.locator("input[name=scopes][value='directory:read']").check()
    submit(page.locator("form[action='/api-keys']"))

    expect(page.locator(".flash.success")).to_have_text(
        zh("API key issued: copy the token now, it is shown only once")
    )
    expect_path(page, "/api-keys")
    shown = page.get_by_test_id("new-token")
    expect(shown).to_contain_text(zh("The new key (shown only now):"))
    token = shown.locator("code").inner_text()
    match = re.fullmatch(r"gs_([0-9a-f]{8})_[A-Za-z0-9_-]{20,}", token)
    assert match, token
    row = page.get_by_test_id("api-keys").locator("tbody tr", has_text="不动产登记系统")
    expect(row.locator("td").nth(1)).to_have_text(live_server.police.name)
    expect(row.locator("td").nth(2)).to_have_text(f"gs_{match.group(1)}_…")
    expect(row.locator("td").nth(3)).to_have_text("directory:read")

    # The token shown is a working key of the chosen department.
    status, body = live_server.get("/api/v1/me", {"Authorization": f"Bearer {token}"})
    assert status == 200, body
    assert f'"department_id":{live_server.police.id}' in body.replace(" ", "")

    page.reload()
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(row).to_have_count(1)
    assert token not in page.content()


def test_working_day_calculator_answers_in_place(page: Page, live_server: LiveServer) -> None:
    start, n = date(2026, 9, 30), 5
    engine = make_engine(live_server.database_url)
    try:
        with make_session_factory(engine)() as session:
            due = add_working_days(session, start, n)
    finally:
        engine.dispose()

    log_in(page, live_server.accounts[Role.STAFF])
    nav(page, zh("Working days"))
    expect_path(page, "/calendar")
    result = page.get_by_test_id("calc-result")
    expect(result).to_be_empty()

    page.locator("input[name=start]").fill(start.isoformat())
    page.locator("input[name=n]").fill(str(n))
    submit(page.locator("form[hx-get='/calendar/calc']"))

    expect(result.get_by_test_id("due")).to_have_text(
        zh("{n} working days after {start}: due by the end of {due}", n=n, start=start, due=due)
    )
    # HTMX swapped the fragment in: the page itself did not change.
    expect_path(page, "/calendar")
    expect(page.get_by_role("heading", name=zh("Calculator"))).to_be_visible()


def test_log_out_ends_the_session(page: Page, live_server: LiveServer) -> None:
    account = live_server.accounts[Role.DATA_OFFICER]
    log_in(page, account)
    expect(page.get_by_test_id("whoami")).to_contain_text(account.display_name)

    page.get_by_role("button", name=zh("Log out"), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.locator("h1")).to_have_text(zh("Log in"))
    expect(page.get_by_test_id("whoami")).to_have_count(0)
    expect(page.locator("nav.main-nav a")).to_have_count(0)

    page.goto("/dashboard")
    expect(page).to_have_url(f"{live_server.url}/login?next=/dashboard")
