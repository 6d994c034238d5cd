"""Change reports by email: settings, messages, and delivery that sends each message once.

Settings come from the ``[mail]`` table of ``tracker.toml``::

    [mail]
    smtp_host = "smtp.example.com"
    smtp_port = 587                    # default: 587 starttls, 465 ssl, 25 none
    security = "starttls"              # starttls | ssl | none (none: localhost only)
    sender = "tracker@example.com"
    recipients = ["compliance@example.com"]
    max_changes = 100                  # longer reports are cut in the email; the full HTML is attached
    site_url = "https://intranet.example.com/ear-reports"   # optional: where reports/ is published

    [[mail.recipient]]                 # a recipient with a watchlist: mailed only changes touching it
    address = "chips@example.com"
    watch = ["3A090", "4A090", "740.10", "part 744"]

The SMTP user and password are read from ``TRACKER_SMTP_USER`` and ``TRACKER_SMTP_PASSWORD`` only;
they are never logged and never written anywhere.

Exactly once: before a report is mailed, one ``deliveries`` row per (version date, recipient) records
a stable Message-ID and the subject (:func:`plan`). Before a row is handed to SMTP it is claimed in one
atomic UPDATE (``sending``, ``claimed_by`` = ``host:pid``, ``claimed_at``), which succeeds only if the
row is not ``sent`` and no live process holds it, so two processes sharing one database never both send
it. The row becomes ``sent`` only after the server accepted the message (:func:`send_pending`). A failed
send leaves it ``failed`` (claim released) and the next run retries it; a ``sent`` row is never sent
again. If the process dies between the server's acceptance and the row's update, its claim is left to a
dead process, and the next run resends with the same Message-ID, so mail clients see one message.

One bad message or server does not stop the rest: a refused recipient or message fails only its own
row; a connection the server closed is reopened; after two timeouts or failed connections (refused,
TLS, login) the run stops trying the server and leaves the remaining rows for the next run.

>>> s = MailSettings.from_config({"sender": "t@example.com", "recipients": ["a@example.com"]})
>>> s.smtp_port, s.security, s.recipients[0].address
(587, 'starttls', 'a@example.com')
>>> message_id("2024-04-04", "a@example.com", "t@example.com")
'<ear-2024-04-04.08168cd80dfd534a@example.com>'
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any, Protocol

from tracker import checkpoint
from tracker.atomic import write_atomic
from tracker.config import ConfigError
from tracker.errors import SourceError
from tracker.log import Log
from tracker.report.data import ReportData
from tracker.report.render import render_email_html, render_html, render_text
from tracker.store import Delivery, Store
from tracker.watch import filter_changes, normalise_entry

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAIL_KEYS = frozenset(
    {"smtp_host", "smtp_port", "security", "sender", "recipients", "recipient", "max_changes", "site_url", "timeout"}
)
USER_ENV, PASSWORD_ENV = "TRACKER_SMTP_USER", "TRACKER_SMTP_PASSWORD"
#: A ``sending`` claim older than this may be taken over whoever holds it (a hung or remote claimer).
CLAIM_LIMIT = timedelta(hours=1)
#: Timeouts or failed connections to one SMTP server after which a run stops trying it.
MAX_SERVER_FAULTS = 2
#: What may not reach a header: C0 and C1 control characters (CR, LF, NEL …) and the Unicode line and
#: paragraph separators.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class MailError(SourceError, RuntimeError):
    """A message the server did not take (refused, connection lost, TLS or login failure); one line."""


@dataclass(frozen=True)
class Recipient:
    """An address and its watchlist (empty: every change)."""

    address: str
    watch: tuple[str, ...] = ()


def header_text(text: str) -> str:
    """``text`` fit for one header line: each run of control characters or line breaks becomes a space.

    >>> header_text("89 FR 1\\r\\nBcc: evil@example.com\\u2028x")
    '89 FR 1 Bcc: evil@example.com x'
    """
    return _HEADER_BREAKS.sub(" ", text)


def _address(value: Any, where: str) -> str:
    if (
        not isinstance(value, str)
        or _HEADER_BREAKS.search(value)
        or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", parseaddr(value)[1])
    ):
        raise ConfigError(f"{where}: {value!r} is not an email address")
    return value.strip()


def _recipients(mail: Mapping[str, Any]) -> tuple[Recipient, ...]:
    plain = mail.get("recipients", [])
    tables = mail.get("recipient", [])
    if isinstance(plain, str) or not isinstance(plain, list):
        raise ConfigError("[mail] recipients: expected a list of addresses")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError("[mail] recipient: expected [[mail.recipient]] tables with address and watch")
    found = [Recipient(_address(a, "[mail] recipients")) for a in plain]
    for t in tables:
        unknown = sorted(set(t) - {"address", "watch"})
        if unknown:
            raise ConfigError(f"[[mail.recipient]]: unknown key {unknown[0]!r} (known: address, watch)")
        watch = t.get("watch", [])
        if isinstance(watch, str) or not isinstance(watch, list):
            raise ConfigError("[[mail.recipient]] watch: expected a list such as [\"3A090\", \"740.10\"]")
        try:
            entries = tuple(normalise_entry(str(w)) for w in watch)
        except ValueError as exc:
            raise ConfigError(f"[[mail.recipient]] watch: {exc}") from None
        found.append(Recipient(_address(t.get("address"), "[[mail.recipient]] address"), entries))
    seen = [r.address.lower() for r in found]
    dupes = sorted({a for a in seen if seen.count(a) > 1})
    if dupes:
        raise ConfigError(f"[mail]: {dupes[0]} is listed twice")
    return tuple(found)


@dataclass(frozen=True)
class MailSettings:
    """The validated ``[mail]`` table (see the module docs)."""

    sender: str
    recipients: tuple[Recipient, ...]
    smtp_host: str = "localhost"
    smtp_port: int = 587
    security: str = "starttls"
    max_changes: int = 100
    site_url: str | None = None
    timeout: float = 60.0

    @classmethod
    def from_config(cls, mail: Mapping[str, Any]) -> MailSettings | None:
        """Settings from ``Config.mail``; None when no recipient is configured (reports only).

        Raises :class:`tracker.config.ConfigError` (one line) for anything unusable.
        """
        unknown = sorted(set(mail) - MAIL_KEYS)
        if unknown:
            raise ConfigError(f"[mail]: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(MAIL_KEYS))})")
        recipients = _recipients(mail)
        if not recipients:
            return None
        security = mail.get("security", "starttls")
        if security not in SECURITY_MODES:
            raise ConfigError(f"[mail] security: {security!r} is not one of {', '.join(SECURITY_MODES)}")
        host = mail.get("smtp_host", "localhost")
        if not isinstance(host, str) or not host:
            raise ConfigError("[mail] smtp_host: expected a host name")
        if security == "none" and host not in LOCAL_HOSTS:
            raise ConfigError(f"[mail] security = \"none\" (unencrypted) is allowed only for localhost, not {host}")
        port = mail.get("smtp_port", DEFAULT_PORTS[security])
        max_changes = mail.get("max_changes", cls.max_changes)
        timeout = mail.get("timeout", cls.timeout)
        for key, value in (("smtp_port", port), ("max_changes", max_changes)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(f"[mail] {key}: expected a positive whole number")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigError("[mail] timeout: expected a positive number of seconds")
        site = mail.get("site_url")
        if site is not None and not (isinstance(site, str) and re.match(r"https?://[^/\s]+", site)):
            raise ConfigError(f"[mail] site_url: {site!r} is not an http(s) URL")
        return cls(
            sender=_address(mail.get("sender"), "[mail] sender"),
            recipients=recipients,
            smtp_host=host,
            smtp_port=port,
            security=security,
            max_changes=max_changes,
            site_url=site.rstrip("/") if site else None,
            timeout=float(timeout),
        )


# -- messages -------------------------------------------------------------------------------------


def subject(report: ReportData) -> str:
    """``EAR changes 2024-04-04: 14 paragraphs in 740, 742, 774 (89 FR 23876)``, on one clean line.

    >>> from tracker.model import Change
    >>> subject(ReportData("2024-04-04", "2024-04-03", ("774",), (Change("added", "3A001.z.1", "774", "3A001", 1),)))
    'EAR changes 2024-04-04: 1 paragraph in 774'
    """
    n = report.summary.total
    text = f"EAR changes {report.version_date}: {n} paragraph{'' if n == 1 else 's'}"
    if report.changed_parts:
        text += f" in {', '.join(report.changed_parts)}"
    cites = [r.citation or r.document_number for r in report.rules]
    if cites:
        more = f" and {len(cites) - 3} more" if len(cites) > 3 else ""
        text += f" ({', '.join(cites[:3])}{more})"
    return header_text(text)


def message_id(version_date: str, recipient: str, sender: str) -> str:
    """The Message-ID of one report to one recipient: the same on every attempt, unique per pair."""
    digest = hashlib.sha256(recipient.strip().lower().encode("utf-8")).hexdigest()[:16]
    return f"<ear-{version_date}.{digest}@{sender.rsplit('@', 1)[1].rstrip('>')}>"


def recipient_report(report: ReportData, recipient: Recipient, settings: MailSettings) -> ReportData:
    """The report as ``recipient`` sees it: only the changes touching their watchlist."""
    changes = tuple(filter_changes(report.changes, recipient.watch))
    return replace(report, changes=changes, watch=recipient.watch, site_url=settings.site_url)


def build_message(report: ReportData, *, sender: str, recipient: str, msgid: str, max_changes: int) -> EmailMessage:
    """A multipart/alternative message (plain text + email-safe HTML) for one recipient.

    A report longer than ``max_changes`` paragraphs is cut in both parts, and the full HTML report
    is attached (the message becomes multipart/mixed around the alternative part).
    """
    msg = EmailMessage()
    headers = {
        "Subject": subject(report),
        "From": sender,
        "To": recipient,
        "Date": format_datetime(datetime.now(UTC)),
        "Message-ID": msgid,
        "Auto-Submitted": "auto-generated",
        "X-Tracker-Version-Date": report.version_date,
    }
    for name, value in headers.items():
        msg[name] = header_text(value)
    msg.set_content(render_text(report, max_changes=max_changes))
    msg.add_alternative(render_email_html(report, max_changes=max_changes), subtype="html")
    if report.summary.total > max_changes:
        msg.add_attachment(
            render_html(report).encode("utf-8"),
            maintype="text",
            subtype="html",
            filename=f"{report.version_date}.html",
        )
    return msg


# -- the deliveries table (kept by the store: tracker.store.deliveries) ------------------------------


def plan(store: Store, report: ReportData, settings: MailSettings) -> list[str]:
    """Record one ``pending`` delivery per recipient whose watchlist the report touches.

    Rows that exist already are left as they are (a ``sent`` row stays sent). Returns the
    addresses that have a row for this report.
    """
    planned = []
    for r in settings.recipients:
        mine = recipient_report(report, r, settings)
        if not mine.changes:
            continue
        msgid = message_id(report.version_date, r.address, settings.sender)
        store.plan_delivery(report.version_date, r.address, msgid, subject(mine))
        planned.append(r.address)
    return planned


def unsent(store: Store) -> list[Delivery]:
    """Delivery rows not yet accepted by the server, by version date then recipient."""
    return store.unsent_deliveries()


def claimer() -> str:
    """This process as a claimer of deliveries: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user
        return True
    return True


def claim_lapsed(claimed_by: str | None, claimed_at: str | None) -> bool:
    """Whether a ``sending`` claim may be taken over: its claimer is a process of this host that no
    longer runs, or the claim is older than :data:`CLAIM_LIMIT` (or unreadable).

    >>> just_now = datetime.now(UTC).isoformat(timespec="seconds")
    >>> claim_lapsed("elsewhere.example.com:1", just_now), claim_lapsed(claimer(), just_now)
    (False, False)
    >>> claim_lapsed("elsewhere.example.com:1", "2024-04-04T06:30:00+00:00")
    True
    """
    try:
        if datetime.now(UTC) - datetime.fromisoformat(claimed_at or "") > CLAIM_LIMIT:
            return True
    except (TypeError, ValueError):
        return True
    host, _, pid = (claimed_by or "").rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and int(pid) > 0 and not _running(int(pid))


def _claim(store: Store, row_id: int, me: str) -> bool:
    """Claim a row for sending in one atomic UPDATE; False when it is sent or another live process has it."""
    claimed = store.claim_delivery(row_id, me, claim_lapsed)
    if claimed:
        checkpoint.reached("mail.claimed")
    return claimed


def _holder(store: Store, row_id: int) -> str:
    """Why a row could not be claimed, for the log."""
    row = store.delivery(row_id)
    if row is None:
        return "no longer planned"
    if row.status == "sent":
        return "already sent by another process"
    return f"being sent by {row.claimed_by} (claimed {row.claimed_at})"


# -- transports -----------------------------------------------------------------------------------


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


# -- sending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    sent: int = 0
    #: Rows not sent on purpose: no longer a recipient, or sent or being sent by another process.
    skipped: int = 0
    #: One line per message the server did not take, and one for the messages not tried.
    errors: tuple[str, ...] = ()
    #: Messages not tried because the transport gave up on the server (left for the next run).
    untried: int = 0

    @property
    def not_sent(self) -> int:
        """Messages the server did not take plus those not tried (``errors`` has one line for all the latter)."""
        return len(self.errors) - bool(self.untried) + self.untried


def send_pending(
    store: Store,
    settings: MailSettings,
    rows: Iterable[Delivery],
    report_on: Callable[[str], ReportData],
    transport: Transport,
    log: Log,
) -> SendOutcome:
    """Send each unsent delivery ``row`` once; ``report_on(date)`` gives the full report of a date.

    A final transport claims each row first (skipped, one log line, when another process has it),
    marks it ``sent`` after the server accepts it, or ``failed`` with the error (retried next run);
    once it gives up on the server the remaining rows are left as they are. The dry-run outbox
    leaves rows as they are.
    """
    by_address = {r.address: r for r in settings.recipients}
    me = claimer()
    sent = skipped = untried = 0
    errors: list[str] = []
    for row in rows:
        who, date = row.recipient, row.version_date
        recipient = by_address.get(who)
        if recipient is None:
            log(f"mail {date} → {who}: no longer a recipient in [mail]; not sent")
            skipped += 1
            continue
        if transport.given_up:
            untried += 1
            continue
        report = recipient_report(report_on(date), recipient, settings)
        msg = build_message(
            report, sender=settings.sender, recipient=who, msgid=row.message_id, max_changes=settings.max_changes
        )
        if transport.final and not _claim(store, row.id, me):
            log(f"mail {date} → {who}: {_holder(store, row.id)}; skipped")
            skipped += 1
            continue
        try:
            result = transport.send(msg, who)
            checkpoint.reached("mail.accepted")
            if transport.final:
                store.mark_delivery_sent(row.id)
        except MailError as exc:
            store.release_delivery(row.id, me, str(exc))
            errors.append(f"mail {date} → {who}: {exc}")
            log(f"{errors[-1]} (FAILED; retried next run)")
            continue
        except BaseException as exc:  # interrupted in this process (Ctrl-C, exit): the next run may take it at once
            store.release_delivery(row.id, me, f"interrupted while sending ({type(exc).__name__})")
            raise
        log(f"mail {date} → {who}: {row.subject!r} {result}")
        sent += 1
    if untried:
        errors.append(f"mail: {untried} message(s) not tried: {transport.given_up}; the next run sends them")
        log(errors[-1])
    return SendOutcome(sent, skipped, tuple(errors), untried)
