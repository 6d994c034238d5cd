"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records, refuses or drops, as a test asks."""

from __future__ import annotations

import email
import email.policy
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The handler: ``mode`` is ``accept``, ``refuse`` (550 on RCPT) or ``drop`` (hang up on DATA)."""

    def __init__(self) -> None:
        self.mode = "accept"
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.mode == "refuse":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.mode == "drop":
            session.transport.close()
            return "421 closing"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)


class SmtpServer:
    """Start with ``start()``; ``stop()`` makes the port refuse connections; ``start()`` again reopens it."""

    def __init__(self, *, auth: bool = False) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self.auth = auth
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        extra = {"authenticator": self.handler.authenticate, "auth_require_tls": False} if self.auth else {}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def mail_config(self, recipients: list[str] | None = None, **extra) -> dict:
        """A ``[mail]`` table pointing at this server."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "security": "none",
            "sender": "tracker@example.com",
            "recipients": recipients if recipients is not None else ["officer@example.com"],
            "timeout": 10,
            **extra,
        }
