"""`govshare grants …`: the authority creates, lists and revokes grants at the command line."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner

from govshare import runtime
from govshare.db import transaction
from govshare.orgs.models import DepartmentKind
from govshare.sharing.cli import app
from tests.orgs import builders as org_builders
from tests.sharing import builders

runner = CliRunner()


@pytest.fixture()
def db(
    database_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, object]]:
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", database_factory())
    runtime.reset()
    with transaction(runtime.session_factory()) as session:
        org_builders.department(session, authority=True)
        provider = org_builders.department(session, kind=DepartmentKind.HEALTH)
        consumer = org_builders.department(session)
        resource = builders.published(session, provider, "conditional")
        made = {"provider": provider.id, "consumer": consumer.id, "code": resource.code}
    yield made
    runtime.reset()


def test_create_list_given_and_revoke(db: dict[str, object]) -> None:
    create = [
        "create",
        "--department", str(db["consumer"]),
        "--resource", str(db["code"]),
        "--items", "婚姻状况, 月收入",
        "--purposes", "440100-MZ-0031",
        "--from", "2026-11-01",
        "--until", "2027-10-31",
        "--today", "2026-11-20",
    ]  # fmt: skip
    result = runner.invoke(app, create)
    assert result.exit_code == 0, result.output
    grant_id = result.output.split()[1]
    listed = runner.invoke(
        app, ["list", "--department", str(db["consumer"]), "--today", "2026-11-20"]
    )
    assert (
        listed.exit_code == 0 and "active" in listed.output and "婚姻状况, 月收入" in listed.output
    )
    given = runner.invoke(
        app, ["given", "--department", str(db["provider"]), "--today", "2026-11-20"]
    )
    assert given.exit_code == 0 and "1 grant(s)" in given.output
    revoked = runner.invoke(app, ["revoke", grant_id, "--reason", "业务办结"])
    assert revoked.exit_code == 0, revoked.output
    listed = runner.invoke(app, ["list", "--state", "revoked", "--today", "2026-11-20"])
    assert "revoked" in listed.output and "1 grant(s)" in listed.output


def test_errors_go_to_stderr_with_a_non_zero_exit(db: dict[str, object]) -> None:
    result = runner.invoke(
        app,
        ["create", "--department", str(db["consumer"]), "--resource", "nope/1", "--items", "姓名",
         "--purposes", "x", "--from", "2026-11-01", "--until", "2027-10-31"],
    )  # fmt: skip
    assert result.exit_code == 1 and "no resource nope/1" in result.output
    assert runner.invoke(app, ["revoke", "999", "--reason", "x"]).exit_code == 1
    assert runner.invoke(app, ["list", "--state", "gone"]).exit_code == 1
    assert runner.invoke(app, ["list", "--today", "2026-02-30"]).exit_code == 1
