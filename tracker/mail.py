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
a stable Message-ID and the subject (:func:`plan`); the row becomes ``sent`` only after the server
accepted the message (:func:`send_pending`). A failed send leaves the row ``failed`` and the next run
retries it; a ``sent`` row is never sent again. If the process dies between the server's acceptance
and the row's update, the next run resends with the same Message-ID, so mail clients see one message.

>>> s = MailSettings.from_config({"sender": "t@example.com", "recipients": ["a@example.com"]})
>>> s.smtp_port, s.security, s.recipients[0].address
(587, 'starttls', 'a@example.com')
>>> message_id("2024-04-04", "a@example.com", "t@example.com")
'<ear-2024-04-04.08168cd80dfd534a@example.com>'
"""

from __future__ import annotations

import hashlib
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any, Protocol

from tracker import checkpoint
from tracker.atomic import write_atomic
from tracker.config import ConfigError
from tracker.log import Log
from tracker.report.data import ReportData
from tracker.report.render import render_email_html, render_html, render_text
from tracker.store import Store
from tracker.watch import filter_changes, normalise_entry

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAIL_KEYS = frozenset(
    {"smtp_host", "smtp_port", "security", "sender", "recipients", "recipient", "max_changes", "site_url", "timeout"}
)
USER_ENV, PASSWORD_ENV = "TRACKER_SMTP_USER", "TRACKER_SMTP_PASSWORD"


class MailError(RuntimeError):
    """A message the server did not take (refused, connection lost, TLS or login failure); one line."""


@dataclass(frozen=True)
class Recipient:
    """An address and its watchlist (empty: every change)."""

    address: str
    watch: tuple[str, ...] = ()


def _address(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", parseaddr(value)[1]):
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
    """``EAR changes 2024-04-04: 14 paragraphs in 740, 742, 774 (89 FR 23876)``.

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
    return text


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
    msg["Subject"] = subject(report)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = msgid
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Tracker-Version-Date"] = report.version_date
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


# -- the deliveries table -------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
        store.db.execute(
            "INSERT OR IGNORE INTO deliveries (version_date, recipient, message_id, subject, status, updated_at)"
            " VALUES (?, ?, ?, ?, 'pending', ?)",
            (report.version_date, r.address, message_id(report.version_date, r.address, settings.sender),
             subject(mine), _now()),
        )
        planned.append(r.address)
    return planned


def unsent(store: Store) -> list[dict[str, Any]]:
    """Delivery rows not yet accepted by the server, by version date then recipient."""
    return list(store.db.query("SELECT * FROM deliveries WHERE status != 'sent' ORDER BY version_date, recipient"))


def _update(store: Store, row_id: int, sql: str, *args: Any) -> None:
    store.db.execute(f"UPDATE deliveries SET {sql}, updated_at = ? WHERE id = ?", (*args, _now(), row_id))


# -- transports -----------------------------------------------------------------------------------


class Transport(Protocol):
    #: Whether a message handed over counts as delivered (False for the dry-run outbox).
    final: bool

    def send(self, msg: EmailMessage, recipient: str) -> str: ...


class Outbox:
    """The dry-run transport: each message becomes ``<dir>/<date>--<recipient>.eml``."""

    final = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, msg: EmailMessage, recipient: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9@._+-]", "_", recipient)
        path = self.directory / f"{msg['X-Tracker-Version-Date']}--{name}.eml"
        write_atomic(path, msg.as_string())
        return f"written to {path}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"recipient refused: {code} {text.decode('utf-8', 'replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__


class SmtpTransport:
    """SMTP over STARTTLS, SSL or (localhost only) plain; one connection reused across messages.

    Credentials come from ``TRACKER_SMTP_USER`` / ``TRACKER_SMTP_PASSWORD`` in ``env``.
    """

    final = True

    def __init__(self, settings: MailSettings, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.settings = settings
        self._user, self._password = env.get(USER_ENV), env.get(PASSWORD_ENV)
        self._smtp: smtplib.SMTP | None = None

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
                smtp.login(self._user, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, msg: EmailMessage, recipient: str) -> str:
        where = f"{self.settings.smtp_host}:{self.settings.smtp_port}"
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(msg, from_addr=self.settings.sender, to_addrs=[recipient])
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"SMTP {where}: {_describe(exc)}") from None
        return f"accepted by {where}"

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
    skipped: int = 0
    #: One line per message the server did not take.
    errors: tuple[str, ...] = ()


def send_pending(
    store: Store,
    settings: MailSettings,
    rows: Iterable[dict[str, Any]],
    report_on: Callable[[str], ReportData],
    transport: Transport,
    log: Log,
) -> SendOutcome:
    """Send each unsent delivery ``row`` once; ``report_on(date)`` gives the full report of a date.

    A final transport marks a row ``sent`` after the server accepts it, or ``failed`` with the
    error (retried next run); the dry-run outbox leaves rows as they are.
    """
    by_address = {r.address: r for r in settings.recipients}
    sent = skipped = 0
    errors: list[str] = []
    for row in rows:
        who, date = row["recipient"], row["version_date"]
        recipient = by_address.get(who)
        if recipient is None:
            log(f"mail {date} → {who}: no longer a recipient in [mail]; not sent")
            skipped += 1
            continue
        report = recipient_report(report_on(date), recipient, settings)
        msg = build_message(
            report, sender=settings.sender, recipient=who, msgid=row["message_id"], max_changes=settings.max_changes
        )
        if transport.final:
            _update(store, row["id"], "attempts = attempts + 1")
        try:
            result = transport.send(msg, who)
            checkpoint.reached("mail.accepted")
        except MailError as exc:
            _update(store, row["id"], "status = 'failed', last_error = ?", str(exc))
            errors.append(f"mail {date} → {who}: {exc}")
            log(f"{errors[-1]} (FAILED; retried next run)")
            continue
        if transport.final:
            _update(store, row["id"], "status = 'sent', last_error = NULL")
        log(f"mail {date} → {who}: {row['subject']!r} {result}")
        sent += 1
    return SendOutcome(sent, skipped, tuple(errors))
