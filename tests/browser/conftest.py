"""A live govshare server on a seeded database, and real headless Chromium driven by Playwright.

The server is the `govshare serve --no-sweep` command in a subprocess (one per test module, on
a fresh migrated database from `database_factory`); the browser is Debian's chromium at
/usr/bin/chromium (never a downloaded one), one per session, with a new context per test.
Without /usr/bin/chromium the tests are skipped, except under CI (env CI set) where they fail.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from govshare.db import make_engine, make_session_factory, transaction
from govshare.orgs import service as orgs
from govshare.orgs.models import PersonnelRole, Role
from tests.orgs import builders

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 30.0
ACTION_TIMEOUT_MS = 15_000
SEEDED_PERSON = "王建国"

# No proxy for the health check and the API calls: the server is on the loopback interface.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Account:
    """A seeded console account."""

    username: str
    password: str
    role: Role
    display_name: str
    department_id: int
    department_name: str


@dataclass(frozen=True)
class SeededDepartment:
    """A seeded department."""

    id: int
    name: str


@dataclass(frozen=True)
class Seed:
    """What was seeded: the accounts by role, the departments, the filed person's name."""

    accounts: dict[Role, Account]
    authority: SeededDepartment
    police: SeededDepartment
    civil: SeededDepartment
    person_name: str


@dataclass(frozen=True)
class LiveServer(Seed):
    """The running server, its database and what was seeded in it."""

    url: str
    database_url: str
    log_path: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """A plain HTTP GET on the server (no browser): status and body."""
        req = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with _direct.open(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode()


def _seed(url: str) -> Seed:
    """The authority, two departments, one user per role and one personnel filing, committed."""
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as s:
            authority = builders.department(s, authority=True)
            police = builders.department(s)
            civil = builders.department(s)
            home = {
                Role.AUTHORITY_ADMIN: authority,
                Role.AUDITOR: authority,
                Role.DATA_OFFICER: police,
                Role.STAFF: civil,
            }
            users = {role: builders.user(s, role=role, dept=dept) for role, dept in home.items()}
            accounts = {
                role: Account(
                    username=u.username,
                    password=builders.PASSWORD,
                    role=role,
                    display_name=u.display_name,
                    department_id=home[role].id,
                    department_name=home[role].name,
                )
                for role, u in users.items()
            }
            today = date.today()  # the server files with its own today, date.today()
            orgs.file_person(
                s,
                actor=builders.actor_of(users[Role.AUTHORITY_ADMIN]),
                department_id=civil.id,
                post=PersonnelRole.FIRST_RESPONSIBLE,
                name=SEEDED_PERSON,
                position="局长",
                phone="020-83000001",
                email="wang@civil.example.gov.cn",
                started_on=today,
                today=today,
            )
    finally:
        engine.dispose()
    return Seed(
        accounts=accounts,
        authority=SeededDepartment(authority.id, authority.name),
        police=SeededDepartment(police.id, police.name),
        civil=SeededDepartment(civil.id, civil.name),
        person_name=SEEDED_PERSON,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_command(port: int) -> list[str]:
    """`govshare serve --no-sweep` from this interpreter's environment."""
    script = Path(sys.executable).with_name("govshare")
    entry = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from govshare.cli import main; main()"]
    )
    return [*entry, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-sweep"]


def _wait_until_healthy(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"the server exited with {proc.returncode} before answering /healthz; "
                f"its log:\n{log_path.read_text(errors='replace')}",
                pytrace=False,
            )
        try:
            with _direct.open(url + "/healthz", timeout=1) as resp:
                if resp.status == 200 and json.loads(resp.read()) == {"status": "ok"}:
                    return
                last_error = f"status {resp.status}"
        except (OSError, ValueError) as exc:
            last_error = repr(exc)
        time.sleep(0.1)
    pytest.fail(
        f"the server did not answer {url}/healthz within {SERVER_START_TIMEOUT:.0f} s "
        f"({last_error}); its log:\n{log_path.read_text(errors='replace')}",
        pytrace=False,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's chromium; skipped when missing, except under CI where that is a failure."""
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def live_server(
    chromium_executable: Path,
    database_factory: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """`govshare serve --no-sweep` on a fresh seeded database and a free 127.0.0.1 port."""
    database_url = database_factory()
    seed = _seed(database_url)
    root = tmp_path_factory.mktemp("live-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        GOVSHARE_DATABASE_URL=database_url,
        GOVSHARE_VAR_DIR=str(root / "var"),
        GOVSHARE_KEY_DIR=str(root / "keys"),
        GOVSHARE_PROFILE="guangzhou",
        GOVSHARE_SECURE_COOKIES="0",
        PYTHONUNBUFFERED="1",
    )
    env.pop("GOVSHARE_SECRET_KEY", None)
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            _serve_command(port), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root
        )
    try:
        _wait_until_healthy(proc, url, log_path)
        yield LiveServer(
            accounts=seed.accounts,
            authority=seed.authority,
            police=seed.police,
            civil=seed.civil,
            person_name=seed.person_name,
            url=url,
            database_url=database_url,
            log_path=log_path,
        )
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def playwright(chromium_executable: Path) -> Iterator[Playwright]:
    """Playwright's sync API (drives the system chromium; it never downloads a browser)."""
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_executable: Path) -> Iterator[Browser]:
    """One headless Chromium for the session."""
    browser = playwright.chromium.launch(
        executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture()
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh context (no cookies) per test; requests off the live server are refused."""
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    local = re.escape(live_server.url + "/")
    ctx.route(re.compile(rf"^(?!{local})"), lambda route: route.abort())
    try:
        yield ctx
    finally:
        ctx.close()


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the item, for the screenshot on failure."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture()
def page(context: BrowserContext, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A page of the test's context; a screenshot lands in the test's tmp dir when it fails.

    Uncaught JavaScript errors (htmx, the inline script) fail the test.
    """
    pg = context.new_page()
    js_errors: list[str] = []
    pg.on("pageerror", lambda exc: js_errors.append(str(exc)))
    yield pg
    report = request.node.stash.get(_REPORTS, {}).get("call")
    if report is not None and report.failed and not pg.is_closed():
        shot = tmp_path / "failure.png"
        pg.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of {pg.url}: {shot}")
    assert not js_errors, f"JavaScript errors on the page: {js_errors}"
