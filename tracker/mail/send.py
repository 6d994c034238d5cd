"""Delivery that sends each message once: :func:`plan` the rows, claim each, :func:`send_pending`."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from tracker import checkpoint
from tracker.log import Log
from tracker.mail.message import build_message, message_id, recipient_report, subject
from tracker.mail.outcome import SendOutcome
from tracker.mail.settings import MailSettings, Recipient
from tracker.mail.transport import MailError, Transport
from tracker.report.data import ReportData
from tracker.store import Delivery, Store

#: A ``sending`` claim older than this may be taken over whoever holds it (a hung or remote claimer).
CLAIM_LIMIT = timedelta(hours=1)


def plan(store: Store, report: ReportData, settings: MailSettings) -> list[str]:
    """Record one ``pending`` delivery per recipient whose watchlist the report touches.

    Rows that exist already are left as they are (a ``sent`` row stays sent). Returns the
    addresses that have a row for this report.
    """
    planned = []
    for r in settings.recipients:
        mine = recipient_report(report, r, settings)
        if not mine.changes and not mine.audit:  # an audit finding alone (a note: "could not be incorporated") is news
            continue
        msgid = message_id(report.version_date, r.address, settings.sender)
        store.plan_delivery(report.version_date, r.address, msgid, subject(mine))
        planned.append(r.address)
    return planned


def plan_notice(store: Store, notice: ReportData, settings: MailSettings) -> list[str]:
    """Record the notice's upcoming changes as announced and, in the same transaction, one ``pending`` delivery
    per recipient whose watchlist one of them touches. Returns those addresses."""
    name = notice.delivery_key
    rows = [
        (r.address, message_id(name, r.address, settings.sender), subject(mine))
        for r in settings.recipients if (mine := recipient_report(notice, r, settings)).upcoming
    ]
    store.announce(name, [(e.key, e.to_dict()) for e in notice.upcoming], rows)
    return [who for who, _, _ in rows]


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


def _message(row: Delivery, recipient: Recipient, settings: MailSettings, report: ReportData) -> EmailMessage:
    """The message of ``row``: ``report`` as ``recipient`` sees it."""
    mine = recipient_report(report, recipient, settings)
    return build_message(
        mine, sender=settings.sender, recipient=row.recipient, msgid=row.message_id, max_changes=settings.max_changes
    )


def _send(store: Store, row: Delivery, msg: EmailMessage, transport: Transport, me: str, log: Log) -> str | None:
    """Hand the message of a claimed ``row`` to ``transport`` and record the outcome.

    Returns None when it was taken, else the error line (the row is released, ``failed``, for the next run).
    """
    who, date = row.recipient, row.version_date
    try:
        result = transport.send(msg, who)
        checkpoint.reached("mail.accepted")
        if transport.final:
            store.mark_delivery_sent(row.id)
    except MailError as exc:
        store.release_delivery(row.id, me, str(exc))
        error = f"mail {date} → {who}: {exc}"
        log(f"{error} (FAILED; retried next run)")
        return error
    except BaseException as exc:  # interrupted in this process (Ctrl-C, exit): the next run may take it at once
        store.release_delivery(row.id, me, f"interrupted while sending ({type(exc).__name__})")
        raise
    log(f"mail {date} → {who}: {row.subject!r} {result}")
    return None


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
        recipient = by_address.get(row.recipient)
        if recipient is None:
            log(f"mail {row.version_date} → {row.recipient}: no longer a recipient in [mail]; not sent")
            skipped += 1
        elif transport.given_up:
            untried += 1
        else:
            msg = _message(row, recipient, settings, report_on(row.version_date))
            if transport.final and not _claim(store, row.id, me):
                log(f"mail {row.version_date} → {row.recipient}: {_holder(store, row.id)}; skipped")
                skipped += 1
            elif (error := _send(store, row, msg, transport, me, log)) is None:
                sent += 1
            else:
                errors.append(error)
    if untried:
        errors.append(f"mail: {untried} message(s) not tried: {transport.given_up}; the next run sends them")
        log(errors[-1])
    return SendOutcome(sent, skipped, tuple(errors), untried)
