"""Fixtures of the dispute tests: the parties of an application, profiles, a custom ladder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from govshare.profiles.service import clear_profile_cache
from govshare.sharing import applications
from govshare.sharing.application_models import Application
from tests.applications.conftest import Parties, apply, make_parties

DATA = Path(__file__).resolve().parents[2] / "src" / "govshare" / "profiles" / "data"
GZ_SILENT_STEP = 'deadline = { silent = true, article = "GZ 28", note = "GZ 28 sets no time limit for this step." }'
GZ_SILENT_SUSPENSION = (
    "[disputes.ladders.suspends_grants]\nsilent = true\n"
    'note = "GZ 28 does not say whether a grant is suspended during a dispute."'
)


@pytest.fixture()
def use_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switches the active profile (a name or a path) for the test."""

    def use(name: str) -> None:
        monkeypatch.setenv("GOVSHARE_PROFILE", name)
        clear_profile_cache()

    yield use
    clear_profile_cache()


@pytest.fixture()
def gz_with_deadlines(tmp_path: Path, use_profile: Callable[[str], None]) -> Path:
    """Guangzhou, as an operator might customise it: 3 working days per step, grants suspended."""
    text = (DATA / "guangzhou.toml").read_text(encoding="utf-8")
    assert GZ_SILENT_STEP in text and GZ_SILENT_SUSPENSION in text
    text = text.replace(GZ_SILENT_STEP, 'deadline = { working_days = 3, article = "GZ 28" }')
    text = text.replace(
        GZ_SILENT_SUSPENSION,
        '[disputes.ladders.suspends_grants]\nvalue = true\narticle = "GZ 28"\n'
        'note = "A local rule: a grant in dispute is suspended."',
    )
    path = tmp_path / "gz-custom.toml"
    path.write_text(text.replace('name = "guangzhou"', 'name = "gz-custom"', 1), encoding="utf-8")
    use_profile(str(path))
    return path


@pytest.fixture()
def parties(session: Session) -> Parties:
    return make_parties(session)


def refused(session: Session, p: Parties, *, today: date = date(2026, 9, 21)) -> Application:
    """An application of the consumer, refused by the provider the next day."""
    application = apply(session, p, today=today, period=(today, date(2027, 9, 1)))
    return applications.refuse(
        session,
        actor=p.officer_actor,
        application_id=application.id,
        reason="申请事项不属于申请部门法定职责范围",
        today=date(2026, 9, 22) if today == date(2026, 9, 21) else today,
    )


def partially_approved(
    session: Session, p: Parties, *, today: date = date(2026, 9, 21)
) -> Application:
    """An application approved for one of its two items."""
    application = apply(session, p, today=today, period=(today, date(2027, 9, 1)))
    return applications.approve(
        session,
        actor=p.officer_actor,
        application_id=application.id,
        items=["婚姻状况"],
        today=today,
    )
