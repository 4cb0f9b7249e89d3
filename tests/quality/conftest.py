"""Fixtures of the divergence tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from govshare.profiles.service import clear_profile_cache


@pytest.fixture()
def use_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switches the active profile for the test."""

    def use(name: str) -> None:
        monkeypatch.setenv("GOVSHARE_PROFILE", name)
        clear_profile_cache()

    yield use
    clear_profile_cache()
