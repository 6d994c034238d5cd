"""Change reports by email: settings, messages, and delivery that sends each message once.

The package: :mod:`~tracker.mail.settings` (the ``[mail]`` table), :mod:`~tracker.mail.message` (subject,
Message-ID, the message), :mod:`~tracker.mail.transport` (outbox, SMTP, AUTH), :mod:`~tracker.mail.send`
(plan, claim, send once) and :mod:`~tracker.mail.headers` (clean header lines); every name is importable from here.

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

>>> from tracker.mail import MailSettings, message_id  # each name is imported from its module on first use
>>> s = MailSettings.from_config({"sender": "t@example.com", "recipients": ["a@example.com"]})
>>> s.smtp_port, s.security, s.recipients[0].address
(587, 'starttls', 'a@example.com')
>>> message_id("2024-04-04", "a@example.com", "t@example.com")
'<ear-2024-04-04.08168cd80dfd534a@example.com>'
"""

TYPE_CHECKING = False  # not typing's: the idle run loads this package (see tracker/__init__.py)

if TYPE_CHECKING:
    from tracker.mail.headers import header_text
    from tracker.mail.message import build_message, message_id, notice_subject, recipient_report, subject
    from tracker.mail.outcome import SendOutcome
    from tracker.mail.send import (
        CLAIM_LIMIT,
        claim_lapsed,
        claimer,
        plan,
        plan_notice,
        send_pending,
        unsent,
    )
    from tracker.mail.settings import DEFAULT_PORTS, LOCAL_HOSTS, MAIL_KEYS, SECURITY_MODES, MailSettings, Recipient
    from tracker.mail.transport import (
        MAX_SERVER_FAULTS,
        PASSWORD_ENV,
        USER_ENV,
        MailError,
        Outbox,
        SmtpTransport,
        Transport,
    )

#: Where each public name lives: the package imports a module only when one of its names is first used, so
#: reading the ``[mail]`` settings never loads the renderer, the report or SMTP.
_HOMES = {
    **dict.fromkeys(("header_text",), "headers"),
    **dict.fromkeys(("build_message", "message_id", "notice_subject", "recipient_report", "subject"), "message"),
    **dict.fromkeys(("CLAIM_LIMIT", "claim_lapsed", "claimer", "plan", "plan_notice", "send_pending", "unsent"),
                    "send"),
    "SendOutcome": "outcome",
    **dict.fromkeys(("DEFAULT_PORTS", "LOCAL_HOSTS", "MAIL_KEYS", "SECURITY_MODES", "MailSettings", "Recipient"),
                    "settings"),
    **dict.fromkeys(("MAX_SERVER_FAULTS", "PASSWORD_ENV", "USER_ENV", "MailError", "Outbox", "SmtpTransport",
                     "Transport"), "transport"),
}


def __getattr__(name: str) -> object:
    import importlib

    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = [
    "CLAIM_LIMIT",
    "DEFAULT_PORTS",
    "LOCAL_HOSTS",
    "MAIL_KEYS",
    "MAX_SERVER_FAULTS",
    "PASSWORD_ENV",
    "SECURITY_MODES",
    "USER_ENV",
    "MailError",
    "MailSettings",
    "Outbox",
    "Recipient",
    "SendOutcome",
    "SmtpTransport",
    "Transport",
    "build_message",
    "claim_lapsed",
    "claimer",
    "header_text",
    "message_id",
    "notice_subject",
    "plan",
    "plan_notice",
    "recipient_report",
    "send_pending",
    "subject",
    "unsent",
]
