"""E-mail of notifications against a real SMTP server started in the test (no mocks).

Issue 6 point 7: every notification also goes out by e-mail when an SMTP server is configured,
once, in the recipient's language, with a link to the console; failures are kept and retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare import runtime
from govshare.http.i18n import translator
from govshare.kit.actor import Actor
from govshare.notify import mail, service
from govshare.notify import rules as notify_rules
from govshare.notify.models import Notification
from govshare.orgs.models import Role, User
from tests.notify.conftest import USER, StartSink, free_port
from tests.orgs import builders as org_builders

SETTINGS = runtime.settings()


@pytest.fixture()
def people(session: Session) -> tuple[User, User]:
    """Two officers of one department: one reads Chinese (the default), one English."""
    dept = org_builders.department(session)
    zh = org_builders.user(session, role=Role.DATA_OFFICER, dept=dept)
    en = org_builders.user(session, role=Role.DATA_OFFICER, dept=dept)
    zh.email, en.email, en.locale = "zh@dept.test", "en@dept.test", "en"
    session.flush()
    return zh, en


def _note(
    session: Session, users: list[User], kind: str = "application.decision", **kw: object
) -> None:
    values: dict[str, object] = {
        "title": "Application 7 for R-1 approved",
        "body": "Items: 月收入; valid 2026-10-01 to 2027-09-30.",
        "link": "/api/v1/applications/7",
        "object_type": "application",
        "object_id": 7,
    }
    values.update(kw)
    service.notify(session, users=users, kind=kind, **values)  # type: ignore[arg-type]
    session.flush()


def _notes(session: Session, user: User) -> list[Notification]:
    return list(session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id))


def test_each_notification_is_emailed_once_in_the_recipients_language(
    session: Session, people: tuple[User, User], start_sink: StartSink
) -> None:
    zh, en = people
    sink = start_sink()
    _note(session, [zh, en])
    sent = service.send_pending_email(session, settings=SETTINGS, config=sink.config)
    assert sent == 2
    by_to = {m["To"]: m for m in sink.mailbox.received}
    assert set(by_to) == {"zh@dept.test", "en@dept.test"}
    english = by_to["en@dept.test"]
    assert english["Subject"] == "Decision on an application: Application 7 for R-1 approved"
    assert english["From"] == "平台 <noreply@govshare.test>"
    text = english.get_content()
    assert f"Hello {en.display_name}," in text
    assert "Items: 月收入" in text
    # the link leads to the console page of the application, not to the JSON API
    assert "https://share.example.test/applications/7" in text
    chinese = by_to["zh@dept.test"]
    zh_label = translator("zh_CN")("Decision on an application")
    assert chinese["Subject"].startswith(f"{zh_label}: ")
    assert translator("zh_CN")("Hello {name},", name=zh.display_name) in chinese.get_content()
    assert all(n.emailed_at is not None and n.email_error == "" for n in _notes(session, zh))
    # never twice: the next sweeps find nothing to send
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
    assert len(sink.mailbox.received) == 2


@pytest.mark.parametrize(
    ("kind", "object_type", "link", "label", "path"),
    [
        ("grant.expiring", "grant", "/api/v1/grants/5", "Grant expiring", "/grants/5"),
        ("dispute.step", "dispute", "", "Dispute: next step", "/disputes/5"),
        ("grant.something_new", "", "/grants/5/history", "Grant", "/grants/5/history"),
        ("brand.new", "", "/api/v1/x/5", "Notification", "/notifications"),
    ],
)
def test_any_kind_is_rendered(
    session: Session,
    people: tuple[User, User],
    start_sink: StartSink,
    kind: str,
    object_type: str,
    link: str,
    label: str,
    path: str,
) -> None:
    _zh, en = people
    sink = start_sink()
    _note(
        session,
        [en],
        kind=kind,
        title="Grant 5 ends on 2026-12-31",
        body="",
        link=link,
        object_type=object_type,
        object_id=5 if object_type else "",
    )
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 1
    (message,) = sink.mailbox.received
    assert message["Subject"] == f"{label}: Grant 5 ends on 2026-12-31"
    assert message["X-Govshare-Kind"] == kind
    assert f"https://share.example.test{path}" in message.get_content()


def test_a_refused_delivery_keeps_its_error_and_is_retried_then_given_up(
    session: Session, people: tuple[User, User], start_sink: StartSink
) -> None:
    zh, en = people
    sink = start_sink()
    sink.mailbox.refuse["zh@dept.test"] = "550 5.1.1 mailbox unknown"
    _note(session, [zh, en])
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 1
    (note,) = _notes(session, zh)
    assert note.emailed_at is None
    assert note.email_error.startswith("retry 1: SMTPRecipientsRefused")
    assert "mailbox unknown" in note.email_error
    for attempt in range(2, mail.MAX_ATTEMPTS):
        assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
        assert note.email_error.startswith(f"retry {attempt}: ")
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
    assert note.email_error.startswith("failed: SMTPRecipientsRefused")
    assert f"after {mail.MAX_ATTEMPTS} attempts" in note.email_error
    # given up: no more attempts, the notification stays in the inbox
    sink.mailbox.refuse.clear()
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
    assert [m["To"] for m in sink.mailbox.received] == ["en@dept.test"]
    assert service.unread_count(session, user_id=zh.id) == 1


def test_a_temporary_failure_is_delivered_on_the_next_sweep(
    session: Session, people: tuple[User, User], start_sink: StartSink
) -> None:
    zh, _en = people
    sink = start_sink()
    sink.mailbox.refuse["zh@dept.test"] = "451 4.3.0 try again later"
    _note(session, [zh])
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
    sink.mailbox.refuse.clear()
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 1
    (note,) = _notes(session, zh)
    assert note.emailed_at is not None
    assert "try again later" in note.email_error  # the history of the failure is kept
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
    assert len(sink.mailbox.received) == 1


def test_an_unreachable_server_uses_no_attempt(session: Session, people: tuple[User, User]) -> None:
    zh, _en = people
    _note(session, [zh])
    nobody = mail.SmtpConfig(host="127.0.0.1", port=free_port(), timeout=2)
    assert service.send_pending_email(session, settings=SETTINGS, config=nobody) == 0
    (note,) = _notes(session, zh)
    assert note.emailed_at is None and note.email_error == ""


def test_starttls_and_login(
    session: Session, people: tuple[User, User], start_sink: StartSink
) -> None:
    zh, _en = people
    sink = start_sink(tls=True)
    _note(session, [zh])
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 1
    assert sink.mailbox.logins == [USER]
    assert sink.mailbox.envelopes == [("noreply@govshare.test", ["zh@dept.test"])]
    # without the login the server refuses to take mail: nothing is lost, it is retried
    _note(session, [zh])
    anonymous = mail.SmtpConfig(**{**sink.config.__dict__, "user": "", "password": ""})
    assert service.send_pending_email(session, settings=SETTINGS, config=anonymous) == 0
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 1


def test_users_without_an_address_and_platforms_without_smtp(
    session: Session, people: tuple[User, User], start_sink: StartSink
) -> None:
    zh, _en = people
    zh.email = ""
    session.flush()
    _note(session, [zh])
    sink = start_sink()
    assert service.send_pending_email(session, settings=SETTINGS, config=sink.config) == 0
    assert sink.mailbox.received == []
    assert service.unread_count(session, user_id=zh.id) == 1
    no_smtp = mail.SmtpConfig(host=None)
    assert service.send_pending_email(session, settings=SETTINGS, config=no_smtp) == 0


@pytest.fixture()
def smtp_env(monkeypatch: pytest.MonkeyPatch, start_sink: StartSink) -> Iterator[object]:
    sink = start_sink()
    monkeypatch.setenv("GOVSHARE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GOVSHARE_SMTP_PORT", str(sink.config.port))
    monkeypatch.setenv("GOVSHARE_SMTP_SENDER", "sweep@govshare.test")
    monkeypatch.setenv("GOVSHARE_BASE_URL", "https://console.test/")
    runtime.settings.cache_clear()
    yield sink
    monkeypatch.undo()
    runtime.settings.cache_clear()


def test_the_sweep_sends_with_the_settings_of_the_environment(
    session: Session, people: tuple[User, User], smtp_env: object
) -> None:
    zh, _en = people
    _note(session, [zh])
    sent = notify_rules.send_email(session, today=date(2026, 10, 14), actor=Actor.system())
    assert sent == 1
    (message,) = smtp_env.mailbox.received  # type: ignore[attr-defined]
    assert message["From"] == "sweep@govshare.test"
    assert "https://console.test/applications/7" in message.get_content()


def test_the_security_setting_is_checked() -> None:
    with pytest.raises(mail.SmtpConfigError):
        mail.SmtpConfig.from_settings(SETTINGS, {"GOVSHARE_SMTP_SECURITY": "tls-please"})
    config = mail.SmtpConfig.from_settings(
        SETTINGS, {"GOVSHARE_SMTP_SECURITY": "SSL", "GOVSHARE_SMTP_USER": "u"}
    )
    assert (config.security, config.user, config.base_url) == ("ssl", "u", "http://localhost:8000")
