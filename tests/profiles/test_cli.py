"""``govshare profile list|show|check``: output, error messages and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govshare.profiles import service
from govshare.profiles.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _guangzhou(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSHARE_PROFILE", "guangzhou")


def test_list_shows_the_four_and_marks_the_active_one() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("* guangzhou") for line in lines)
    assert any(line.startswith("  zhongshan") for line in lines)
    for name in ("jiangsu", "zhengzhou"):
        assert name in result.stdout


def test_list_marks_another_active_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSHARE_PROFILE", "jiangsu")
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    assert "* jiangsu" in result.stdout
    assert "* guangzhou" not in result.stdout


def test_show_prints_rules_with_articles() -> None:
    result = runner.invoke(app, ["show", "zhongshan"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("applications.on_silence "))
    assert "authority_provides within 5 working days (business days)" in line
    assert line.rstrip().endswith("ZS 22")
    assert "personnel.change_notice" in result.stdout


def test_show_with_quotes_and_silent_only() -> None:
    result = runner.invoke(app, ["show", "guangzhou", "--silent", "--quotes"])
    assert result.exit_code == 0, result.output
    assert "sharing.public_security_unconditional" in result.stdout
    assert "applications.response " not in result.stdout  # GZ 26 is not silent
    assert "note: GZ has no rule giving public-security requests" in result.stdout


def test_show_raw_prints_the_toml() -> None:
    result = runner.invoke(app, ["show", "jiangsu", "--raw"])
    assert result.exit_code == 0
    assert result.stdout == service.profile_source("jiangsu")


def test_show_unknown_profile_fails() -> None:
    result = runner.invoke(app, ["show", "hangzhou"])
    assert result.exit_code == 1
    assert "unknown profile 'hangzhou'" in result.stderr
    assert "guangzhou" in result.stderr
    assert result.stdout == ""


def test_check_accepts_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(service.profile_source("zhengzhou"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"OK: {path}: profile 'zhengzhou'")


def test_check_refuses_a_broken_file_naming_the_key(tmp_path: Path) -> None:
    text = service.profile_source("guangzhou").replace(
        "[personnel.change_notice]", "[personnel.change_notise]", 1
    )
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "personnel.change_notise: Extra inputs are not permitted" in result.stderr
    assert "personnel.change_notice: Field required" in result.stderr
    assert "OK" not in result.stdout


def test_check_refuses_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "profile file not found" in result.stderr
