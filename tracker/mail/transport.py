"""Transports that take a message: the dry-run :class:`Outbox` and :class:`SmtpTransport` (with AUTH).

The SMTP user and password are read from ``TRACKER_SMTP_USER`` and ``TRACKER_SMTP_PASSWORD`` only;
they are never logged and never written anywhere.
"""

from __future__ import annotations

import base64
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from tracker.atomic import write_atomic
from tracker.errors import SourceError
from tracker.mail.headers import header_text
from tracker.mail.settings import MailSettings

USER_ENV, PASSWORD_ENV = "TRACKER_SMTP_USER", "TRACKER_SMTP_PASSWORD"
#: Timeouts or failed connections to one SMTP server after which a run stops trying it.
MAX_SERVER_FAULTS = 2


class MailError(SourceError, RuntimeError):
    """A message the server did not take (refused, connection lost, TLS or login failure); one line."""


class Transport(Protocol):
    #: Whether a message handed over counts as delivered (False for the dry-run outbox).
    final: bool
    #: Why the transport stopped trying (one line), or None while it still tries.
    given_up: str | None

    def send(self, msg: EmailMessage, recipient: str) -> str: ...


class Outbox:
    """The dry-run transport: each message becomes ``<dir>/<date>--<recipient>.eml``."""

    final = False
    given_up: str | None = None  # never gives up

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, msg: EmailMessage, recipient: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9@._+-]", "_", recipient)
        path = self.directory / f"{msg['X-Tracker-Version-Date']}--{name}.eml"
        write_atomic(path, msg.as_string())
        return f"written to {path}"


def _describe(exc: BaseException) -> str:
    """``exc`` in one line (a multi-line server reply is joined)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        text = f"recipient refused: {code} {reply.decode('utf-8', 'replace')}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = f"{exc.smtp_code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}"
    else:
        text = str(exc) or type(exc).__name__
    return header_text(text)


def _timed_out(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised while handling, a socket timeout (smtplib wraps them)."""
    while exc is not None:
        if isinstance(exc, TimeoutError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in: smtplib's own login for ASCII credentials (it encodes them as ASCII only), else AUTH PLAIN
    or LOGIN with the credentials in UTF-8."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    try:
        raw_user, raw_password = user.encode("utf-8"), password.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the environment; never show them
        raise smtplib.SMTPException(f"{USER_ENV} or {PASSWORD_ENV} is not valid UTF-8") from None
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered:
        code, reply = smtp.docmd("AUTH", "PLAIN " + _b64(b"\0" + raw_user + b"\0" + raw_password))
    elif "LOGIN" in offered:
        code, reply = smtp.docmd("AUTH", "LOGIN " + _b64(raw_user))
        if code == 334:
            code, reply = smtp.docmd(_b64(raw_password))
    else:
        raise smtplib.SMTPException(
            f"a non-ASCII password needs AUTH PLAIN or LOGIN; the server offers {' '.join(offered) or 'no AUTH'}"
        )
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


class SmtpTransport:
    """SMTP over STARTTLS, SSL or (localhost only) plain; one connection reused across messages.

    Credentials come from ``TRACKER_SMTP_USER`` / ``TRACKER_SMTP_PASSWORD`` in ``env``. A reused
    connection is checked with NOOP first and reopened if the server closed it. After
    :data:`MAX_SERVER_FAULTS` timeouts or failed connections the transport gives up (``given_up``).
    """

    final = True

    def __init__(self, settings: MailSettings, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.settings = settings
        self._user, self._password = env.get(USER_ENV), env.get(PASSWORD_ENV)
        self._smtp: smtplib.SMTP | None = None
        self._faults = 0
        self.given_up: str | None = None

    @property
    def where(self) -> str:
        return f"{self.settings.smtp_host}:{self.settings.smtp_port}"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if self._user:
                _login(smtp, self._user, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _connection(self) -> smtplib.SMTP:
        """The open connection if it still answers NOOP, else a new one."""
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp.close()
            self._smtp = None
        self._smtp = self._connect()
        return self._smtp

    def _failed(self, exc: BaseException, *, connecting: bool) -> MailError:
        """The one-line error for ``exc``; a failed connection or a timeout counts towards giving up."""
        error = f"SMTP {self.where}: {_describe(exc)}"
        if connecting or _timed_out(exc):
            self._faults += 1
            if self._faults >= MAX_SERVER_FAULTS:
                what = "timed out" if _timed_out(exc) else "failed"
                self.given_up = f"SMTP {self.where} {what} {self._faults} times in this run (last: {_describe(exc)})"
        return MailError(error)

    def send(self, msg: EmailMessage, recipient: str) -> str:
        try:
            smtp = self._connection()
        except (smtplib.SMTPException, OSError) as exc:
            raise self._failed(exc, connecting=True) from None
        try:
            smtp.send_message(msg, from_addr=self.settings.sender, to_addrs=[recipient])
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise self._failed(exc, connecting=False) from None
        return f"accepted by {self.where}"

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
