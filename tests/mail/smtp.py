"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records, refuses or drops, as a test asks; and a
server that accepts connections and never answers."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import subprocess
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


class Recorder:
    """The handler: ``mode`` is ``accept``, ``refuse`` (550 on RCPT) or ``drop`` (hang up on DATA).

    Per address: ``refuse`` answers 550 on RCPT, ``drop`` hangs up on DATA. ``hang_up_after`` = n
    closes the connection right after accepting the n-th message on it. ``password`` set: a login
    with any other password is refused (535).
    """

    def __init__(self) -> None:
        self.mode = "accept"
        self.refuse: set[str] = set()
        self.refusal = "550 5.1.1 mailbox unavailable"
        self.drop: set[str] = set()
        self.hang_up_after = 0
        self.password: str | None = None
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []
        #: The client's (host, port) of each accepted message: one per connection it came over.
        self.peers: list[tuple[str, int]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.mode == "refuse" or address in self.refuse:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.mode == "drop" or self.drop & set(envelope.rcpt_tos):
            server.transport.close()
            return "421 closing"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.peers.append(session.peer)
        session.accepted = getattr(session, "accepted", 0) + 1
        if session.accepted == self.hang_up_after:  # after the 250 below is written
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        if self.password is not None and password != self.password:
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        return AuthResult(success=True)


class SmtpServer:
    """Start with ``start()``; ``stop()`` makes the port refuse connections; ``start()`` again reopens it."""

    def __init__(
        self, *, auth: bool = False, tls: str = "none", cert: tuple[Path, Path] | None = None, **options
    ) -> None:
        """``options`` go to aiosmtpd's SMTP (``data_size_limit``, ``auth_exclude_mechanism``, …)."""
        self.port = free_port()
        self.handler = Recorder()
        self.auth = auth
        self.tls = tls
        self.cert = cert
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        extra: dict = dict(self.options)
        if self.auth:
            extra |= {"authenticator": self.handler.authenticate, "auth_require_tls": False}
        if self.tls != "none":
            assert self.cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, self.cert))
            if self.tls == "ssl":
                extra["ssl_context"] = context
            else:
                extra |= {"tls_context": context, "require_starttls": True}
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
            "security": self.tls,
            "sender": "tracker@example.com",
            "recipients": recipients if recipients is not None else ["officer@example.com"],
            "timeout": 10,
            "upcoming": False,  # the tests of upcoming-change notices turn them on
            **extra,
        }


class SilentServer:
    """A port on 127.0.0.1 that completes TCP connections (the kernel's backlog) and never says a word:
    an SMTP client waits for the greeting until its timeout. Use as a context manager."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()
