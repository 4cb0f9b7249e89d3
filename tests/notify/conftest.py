"""A real SMTP server for the e-mail tests (aiosmtpd on a free local port), and its mailbox."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from aiosmtpd.smtp import Session as SmtpSession
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govshare.notify.mail import SmtpConfig

USER, PASSWORD = "platform", "s3cret-mail"


@dataclass
class Mailbox:
    """What the server received; `refuse` answers RCPT TO for those addresses with an error."""

    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: SmtpSession, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted"

    def authenticate(
        self, server: Any, session: SmtpSession, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        ):
            self.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sink:
    mailbox: Mailbox
    config: SmtpConfig


StartSink = Callable[..., Sink]


@pytest.fixture()
def start_sink(tmp_path: Path) -> Iterator[StartSink]:
    """Starts real SMTP servers for the test (plain, or STARTTLS with login); stops them after."""
    started: list[Controller] = []

    def start(*, tls: bool = False) -> Sink:
        mailbox = Mailbox()
        port = free_port()
        extra: dict[str, Any] = {}
        cafile = ""
        if tls:
            cert, key = _self_signed(tmp_path)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            extra = {
                "tls_context": context,
                "require_starttls": True,
                "authenticator": mailbox.authenticate,
                "auth_required": True,
            }
            cafile = str(cert)
        controller = Controller(mailbox, hostname="127.0.0.1", port=port, **extra)
        controller.start()
        started.append(controller)
        config = SmtpConfig(
            host="127.0.0.1",
            port=port,
            sender="平台 <noreply@govshare.test>",
            security="starttls" if tls else "none",
            user=USER if tls else "",
            password=PASSWORD if tls else "",
            timeout=5,
            cafile=cafile,
            base_url="https://share.example.test",
        )
        return Sink(mailbox=mailbox, config=config)

    yield start
    for controller in started:
        controller.stop()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
