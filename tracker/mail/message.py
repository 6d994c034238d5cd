"""One report as one email: the subject, the stable Message-ID, the recipient's view and the message."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from tracker.mail.headers import header_text
from tracker.mail.settings import MailSettings, Recipient
from tracker.report.data import ReportData, watched_audit, watched_upcoming
from tracker.report.render import render_email_html, render_html, render_text
from tracker.watch import filter_changes


def subject(report: ReportData) -> str:
    """``EAR changes 2024-04-04: 14 paragraphs in 740, 742, 774 (89 FR 23876)``, on one clean line.

    >>> from tracker.model import Change
    >>> subject(ReportData("2024-04-04", "2024-04-03", ("774",), (Change("added", "3A001.z.1", "774", "3A001", 1),)))
    'EAR changes 2024-04-04: 1 paragraph in 774'
    """
    if report.notice:
        return header_text(notice_subject(report))
    n = report.summary.total
    text = f"EAR changes {report.version_date}: {n} paragraph{'' if n == 1 else 's'}"
    if report.changed_parts:
        text += f" in {', '.join(report.changed_parts)}"
    cites = [r.citation or r.document_number for r in report.rules]
    if cites:
        more = f" and {len(cites) - 3} more" if len(cites) > 3 else ""
        text += f" ({', '.join(cites[:3])}{more})"
    return header_text(text)


def notice_subject(report: ReportData) -> str:
    """``EAR coming into force: 91 FR 60000 (effective 2027-01-03) and 1 more``: the entries of a notice.

    >>> from tracker.upcoming import Upcoming
    >>> e = Upcoming("rule", "2026-99950", "91 FR 60000", "t", "2027-01-03", "2026-12-01", ("744",))
    >>> notice_subject(ReportData("2026-12-01", None, (), (), upcoming=(e, e), notice="upcoming-2026-12-01-x"))
    'EAR coming into force: 91 FR 60000 (effective 2027-01-03) and 1 more'
    """
    first = report.upcoming[0] if report.upcoming else None
    if first is None:
        return f"EAR coming into force ({report.version_date})"
    more = f" and {len(report.upcoming) - 1} more" if len(report.upcoming) > 1 else ""
    return f"EAR coming into force: {first.citation or first.document_number} ({first.when}){more}"


def message_id(version_date: str, recipient: str, sender: str) -> str:
    """The Message-ID of one report to one recipient: the same on every attempt, unique per pair."""
    digest = hashlib.sha256(recipient.strip().lower().encode("utf-8")).hexdigest()[:16]
    return f"<ear-{version_date}.{digest}@{sender.rsplit('@', 1)[1].rstrip('>')}>"


def recipient_report(report: ReportData, recipient: Recipient, settings: MailSettings) -> ReportData:
    """The report as ``recipient`` sees it: only the changes, audit findings and upcoming changes touching their
    watchlist."""
    changes = tuple(filter_changes(report.changes, recipient.watch))
    audit = watched_audit(report.audit, recipient.watch)
    upcoming = watched_upcoming(report.upcoming, recipient.watch)
    return replace(report, changes=changes, audit=audit, upcoming=upcoming, watch=recipient.watch,
                   site_url=settings.site_url)


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
    msg.set_content(render_text(report, max_changes=max_changes, email=True))
    msg.add_alternative(render_email_html(report, max_changes=max_changes), subtype="html")
    if report.summary.total > max_changes:
        msg.add_attachment(
            render_html(report).encode("utf-8"),
            maintype="text",
            subtype="html",
            filename=f"{report.version_date}.html",
        )
    return msg
