"""E-mail of notifications: SMTP settings, one message per notification, sending with retries.

A notification is e-mailed once: `emailed_at` is set in the same transaction that sent it and
only rows without it are picked (locked with SKIP LOCKED, so two sweeps never send the same
row). A failed delivery keeps its error on the row as ``retry N: <error>`` and is tried again by
the next sweeps, up to MAX_ATTEMPTS; then it becomes ``failed: <error>`` and stays in the inbox
only. An unreachable server consumes no attempt: every row waits for the next sweep.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from govshare.config import Settings
from govshare.http.i18n import DEFAULT_LOCALE, LOCALES, translator
from govshare.notify.models import Notification

MAX_ATTEMPTS = 5
RETRY_PREFIX = "retry "
FAILED_PREFIX = "failed: "
SECURITY_MODES = ("none", "starttls", "ssl")
_ATTEMPTS = re.compile(r"^retry (\d+): ")

# The subject line of each kind of notification (English message ids, translated per recipient).
# A kind not listed falls back to its family (the part before the dot), then to a plain label.
KIND_LABELS: dict[str, str] = {
    "application.new": "New application for your data",
    "application.reminder": "One working day left to answer an application",
    "application.overdue": "Application overdue",
    "application.deemed_consent": "Application deemed agreed",
    "application.referred": "Application referred to the data department",
    "application.decision": "Decision on an application",
    "application.withdrawn": "Application withdrawn",
    "application.delivered": "Application delivered",
    "application.delivery_late": "Delivery late",
    "application.provide_late": "Provision by the data department late",
    "grant.expiring": "Grant expiring",
    "grant.revoked": "Grant revoked",
    "grant.suspended": "Grant suspended",
    "grant.resumed": "Grant resumed",
    "dispute.step": "Dispute: next step",
}
FAMILY_LABELS: dict[str, str] = {
    "application": "Application",
    "grant": "Grant",
    "dispute": "Dispute",
    "catalogue": "Catalogue",
    "quality": "Data quality",
}
DEFAULT_LABEL = "Notification"

# Console pages of the objects notifications are about (the e-mail links to the person's page).
OBJECT_PAGES: dict[str, str] = {
    "application": "/applications/{id}",
    "grant": "/grants/{id}",
    "dispute": "/disputes/{id}",
}


class SmtpConfigError(ValueError):
    """The SMTP settings in the environment are not usable."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send e-mail (GOVSHARE_SMTP_* and GOVSHARE_BASE_URL)."""

    host: str | None
    port: int = 25
    sender: str = "govshare@localhost"
    security: str = "none"  # "none", "starttls" or "ssl" (implicit TLS, usually port 465)
    user: str = ""
    password: str = ""
    timeout: float = 10.0
    cafile: str = ""  # a CA bundle to verify the server with, instead of the system's
    base_url: str = "http://localhost:8000"

    @classmethod
    def from_settings(
        cls, settings: Settings, environ: Mapping[str, str] | None = None
    ) -> SmtpConfig:
        """Host, port and sender from the settings; the rest from the environment."""
        env = os.environ if environ is None else environ
        security = env.get("GOVSHARE_SMTP_SECURITY", "none").strip().lower() or "none"
        if security not in SECURITY_MODES:
            raise SmtpConfigError(
                f"GOVSHARE_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}"
            )
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            security=security,
            user=env.get("GOVSHARE_SMTP_USER", ""),
            password=env.get("GOVSHARE_SMTP_PASSWORD", ""),
            timeout=float(env.get("GOVSHARE_SMTP_TIMEOUT", "10")),
            cafile=env.get("GOVSHARE_SMTP_CAFILE", ""),
            base_url=env.get("GOVSHARE_BASE_URL", "http://localhost:8000").rstrip("/"),
        )


def kind_label(kind: str) -> str:
    """The English subject label of a kind (any kind: unknown ones get their family's label)."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    return FAMILY_LABELS.get(kind.split(".", 1)[0], DEFAULT_LABEL)


def console_path(note: Notification) -> str:
    """The console page a notification leads to: its own console link, its object's page, or the inbox."""
    if note.link.startswith("/") and not note.link.startswith("/api/"):
        return note.link
    page = OBJECT_PAGES.get(note.object_type)
    if page and note.object_id:
        return page.format(id=note.object_id)
    return "/notifications"


def compose(
    note: Notification, *, config: SmtpConfig, locale: str = DEFAULT_LOCALE, name: str = ""
) -> EmailMessage:
    """The e-mail of one notification, in the recipient's language (zh-CN unless they chose another)."""
    _ = translator(locale if locale in LOCALES else DEFAULT_LOCALE)
    subject = f"{_(kind_label(note.kind))}: {note.title}"
    url = f"{config.base_url}{console_path(note)}"
    lines = [_("Hello {name},", name=name) if name else _("Hello,"), "", note.title]
    if note.body:
        lines += ["", note.body]
    lines += [
        "",
        _("Open it in the console: {url}", url=url),
        "",
        "-- ",
        _(
            "Sent by the data sharing platform. All your notifications: {url}",
            url=f"{config.base_url}/notifications",
        ),
    ]
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = note.email_to
    message["Subject"] = " ".join(subject.split())[:250]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"notification-{note.id}")
    message["X-Govshare-Kind"] = note.kind
    message.set_content("\n".join(lines))
    return message


def attempts_of(note: Notification) -> int:
    """How many deliveries of this notification failed so far."""
    found = _ATTEMPTS.match(note.email_error or "")
    return int(found.group(1)) if found else 0


def record_failure(note: Notification, exc: Exception) -> None:
    """Keeps the error on the row; after MAX_ATTEMPTS failures the e-mail is given up."""
    attempts = attempts_of(note) + 1
    error = f"{type(exc).__name__}: {exc}"[:450]
    if attempts >= MAX_ATTEMPTS:
        note.email_error = f"{FAILED_PREFIX}{error} (after {attempts} attempts)"
    else:
        note.email_error = f"{RETRY_PREFIX}{attempts}: {error}"


def connect(config: SmtpConfig) -> smtplib.SMTP:
    """An open, authenticated SMTP connection as the settings say."""
    assert config.host is not None
    context = ssl.create_default_context(cafile=config.cafile or None)
    smtp: smtplib.SMTP
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


Connector = Callable[[SmtpConfig], smtplib.SMTP]
