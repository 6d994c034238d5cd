"""Messages and settings: subject, multipart structure, email-safe HTML, cutting, config checks; and
delivery: claims, one bad recipient or server, clean headers, non-ASCII passwords."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.mail.smtp import SilentServer, SmtpServer, free_port, self_signed_certificate
from tests.report.sample import april_2024_changes, april_2024_report, rule_89_fr_23876
from tracker.config import ConfigError
from tracker.mail import (
    MailError,
    MailSettings,
    Recipient,
    SendOutcome,
    SmtpTransport,
    Transport,
    build_message,
    claimer,
    header_text,
    message_id,
    plan,
    recipient_report,
    send_pending,
    subject,
    unsent,
)
from tracker.model import Change
from tracker.store import Store

SENDER = "tracker@example.com"


def message(report, max_changes: int = 100):
    return build_message(report, sender=SENDER, recipient="a@example.com", msgid="<x@example.com>",
                         max_changes=max_changes)


def test_subject_counts_paragraphs_names_changed_parts_and_rules():
    assert subject(april_2024_report()) == "EAR changes 2024-04-04: 7 paragraphs in 740, 742, 774 (89 FR 23876)"


def test_message_is_multipart_alternative_with_text_then_html():
    msg = message(april_2024_report())

    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Message-ID"] == "<x@example.com>" and msg["Auto-Submitted"] == "auto-generated"


def test_email_html_has_inlined_css_tables_and_no_scripts_styles_or_external_assets():
    html = message(april_2024_report()).get_body(("html",)).get_content()

    assert "<style" not in html and "<script" not in html and "<link" not in html and "<img" not in html
    assert re.search(r'<del style="[^"]*line-through', html)
    assert re.search(r'<ins style="[^"]*underline', html)
    assert '<table class="page"' in html and "role=\"presentation\"" in html
    assert 'href="eccn/' not in html  # history pages are relative to reports/: no link without site_url


def test_email_links_history_pages_on_the_published_site():
    settings = MailSettings.from_config(
        {"sender": SENDER, "recipients": ["a@example.com"], "site_url": "https://reports.example.com/ear/"}
    )
    report = recipient_report(april_2024_report(), settings.recipients[0], settings)

    html = message(report).get_body(("html",)).get_content()

    assert 'href="https://reports.example.com/ear/eccn/3A090.html"' in html
    assert 'href="https://reports.example.com/ear/section/740.2.html"' in html


def test_regulation_markup_is_shown_literally_in_both_parts():
    hostile = Change(
        "modified", "740.2(a)(1)", "740", "740.2", 1,
        old_text="(1) a < b & c", new_text="(1) a < b & c <script>alert(1)</script>",
        redline=(("equal", "(1) a < b & c"), ("insert", " <script>alert(1)</script>")),
    )
    msg = message(april_2024_report(changes=(hostile,)))

    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html
    assert "a &lt; b &amp; c" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{+ <script>alert(1)</script>+}" in msg.get_body(("plain",)).get_content()


def test_long_report_is_cut_and_the_full_html_attached():
    msg = message(april_2024_report(), max_changes=3)

    assert msg.get_content_type() == "multipart/mixed"
    body = msg.get_body(("plain",)).get_content()
    assert "shows the first 3 of 7 changed paragraphs" in body
    assert body.count("  [") == 3  # one "  CITATION  [kind]" line per shown paragraph
    [attachment] = msg.iter_attachments()
    assert attachment.get_filename() == "2024-04-04.html"
    full = attachment.get_content()
    assert "4A090.a Technical Note 1" in full and "<style>" in full


def test_watchlist_keeps_only_matching_changes_in_the_recipient_report():
    settings = MailSettings.from_config({"sender": SENDER, "recipients": ["a@example.com"]})
    report = recipient_report(april_2024_report(), Recipient("b@example.com", ("4A090", "740.2")), settings)

    assert [c.citation for c in report.changes] == ["740.2(a)(8)(i)", "4A090.a", "4A090.a Technical Note 1"]
    assert subject(report) == "EAR changes 2024-04-04: 3 paragraphs in 740, 774 (89 FR 23876)"


def test_message_id_is_stable_per_version_and_recipient():
    assert message_id("2024-04-04", "A@Example.com", SENDER) == message_id("2024-04-04", "a@example.com", SENDER)
    assert message_id("2024-04-04", "a@example.com", SENDER) != message_id("2024-04-05", "a@example.com", SENDER)
    assert message_id("2024-04-04", "a@example.com", SENDER) != message_id("2024-04-04", "b@example.com", SENDER)


def test_recipient_tables_carry_watchlists_beside_plain_recipients():
    s = MailSettings.from_config({
        "sender": SENDER,
        "security": "ssl",
        "smtp_host": "smtp.example.com",
        "recipients": ["all@example.com"],
        "recipient": [{"address": "chips@example.com", "watch": ["3a090", "Part 744", "§ 740.10"]}],
    })
    assert s.smtp_port == 465
    assert s.recipients == (
        Recipient("all@example.com"),
        Recipient("chips@example.com", ("3A090", "744", "740.10")),
    )


def test_no_recipients_means_no_mail():
    assert MailSettings.from_config({}) is None


@pytest.mark.parametrize(
    ("mail", "words"),
    [
        ({"security": "none", "smtp_host": "smtp.example.com"}, "only for localhost"),
        ({"security": "tls"}, "not one of"),
        ({"password": "x"}, "unknown key"),
        ({"recipients": "a@example.com"}, "list of addresses"),
        ({"recipients": ["not-an-address"]}, "not an email address"),
        ({"recipients": ["a@example.com", "A@example.com"]}, "listed twice"),
        ({"recipient": [{"address": "b@example.com", "watch": ["3A09"]}]}, "not an ECCN"),
        ({"smtp_port": "25"}, "positive whole number"),
        ({"sender": "nobody"}, "sender"),
    ],
)
def test_bad_mail_settings_are_one_line_errors(mail, words):
    base = {"sender": SENDER, "recipients": ["a@example.com"]}
    with pytest.raises(ConfigError, match=words) as info:
        MailSettings.from_config({**base, **mail})
    assert "\n" not in str(info.value)


def test_smtp_transport_sends_over_a_real_server(smtp):
    settings = MailSettings.from_config(smtp.mail_config())
    transport = SmtpTransport(settings, env={})
    try:
        result = transport.send(message(april_2024_report()), "a@example.com")
    finally:
        transport.close()

    assert result == f"accepted by 127.0.0.1:{smtp.port}"
    assert smtp.handler.envelopes == [(SENDER, ["a@example.com"])]
    [received] = smtp.messages
    assert received["Subject"] == subject(april_2024_report())


def test_every_sample_change_appears_in_the_email():
    text = message(april_2024_report()).get_body(("plain",)).get_content()
    for change in april_2024_changes():
        assert change.citation in text
    assert "Redesignated: 742.6(a)(6)(ii) -> 742.6(a)(6)(iii)" in text
    assert "Reference changed: 740.10(a)(3)(v) -> 740.10(a)(2)(iv)" in text


def test_report_without_rules_has_no_parenthesis_in_the_subject():
    changes = tuple(replace(c, rules=()) for c in april_2024_changes())
    assert subject(april_2024_report(changes=changes)).endswith("in 740, 742, 774")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def _send_one_as(server: SmtpServer, user: str, password: str) -> None:
    """Send one message through a started ``server`` logged in as ``user``, then stop the server."""
    try:
        env = {"TRACKER_SMTP_USER": user, "TRACKER_SMTP_PASSWORD": password}
        transport = SmtpTransport(MailSettings.from_config(server.mail_config()), env=env)
        try:
            transport.send(message(april_2024_report()), "a@example.com")
        finally:
            transport.close()
    finally:
        server.stop()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_smtp_transport_speaks_tls_and_logs_in(certificate, monkeypatch, security):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate, as a system CA
    server = SmtpServer(auth=True, tls=security, cert=certificate).start()
    _send_one_as(server, "u", "p")

    assert server.handler.logins == [("u", "p")] and len(server.messages) == 1


def test_an_untrusted_certificate_is_refused(certificate):
    server = SmtpServer(tls="starttls", cert=certificate).start()
    try:
        transport = SmtpTransport(MailSettings.from_config(server.mail_config()), env={})
        with pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED"):
            transport.send(message(april_2024_report()), "a@example.com")
    finally:
        server.stop()
    assert server.messages == []


# -- header-bound text ----------------------------------------------------------------------------

HEADER_BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x00", "\x1b", "\x7f", "\t"]


@pytest.mark.parametrize("brk", HEADER_BREAKS)
def test_header_text_turns_each_line_break_or_control_character_into_a_space(brk):
    assert header_text(f"89 FR 1{brk}Bcc: evil@example.com") == "89 FR 1 Bcc: evil@example.com"


def hostile_report(brk: str = "\r\n"):
    """The April 2024 report whose rule citation and one Part carry a header injection."""
    rule = replace(rule_89_fr_23876(), citation=f"89 FR 23876{brk}Bcc: evil@example.com")
    changes = tuple(replace(c, rules=(rule,)) for c in april_2024_changes())
    changes = (replace(changes[0], part=f"740{brk}X-Injected: 1"), *changes[1:])
    return april_2024_report(changes=changes)


@pytest.mark.parametrize("brk", ["\r\n", "\u2028", "\x85"])
def test_a_citation_with_a_line_break_is_mailed_with_a_one_line_subject_and_no_extra_header_or_recipient(
    smtp, brk
):
    transport = SmtpTransport(MailSettings.from_config(smtp.mail_config()), env={})
    try:
        transport.send(message(hostile_report(brk)), "a@example.com")
    finally:
        transport.close()

    [received] = smtp.messages
    line = received["Subject"]
    assert line.startswith("EAR changes 2024-04-04: 7 paragraphs in ") and "740 X-Injected: 1" in line
    assert line.endswith(" (89 FR 23876 Bcc: evil@example.com)") and line == header_text(line)
    assert received["Bcc"] is None and received["X-Injected"] is None
    assert smtp.handler.envelopes == [(SENDER, ["a@example.com"])]


def test_an_address_with_a_line_break_is_a_setting_error():
    with pytest.raises(ConfigError, match="not an email address"):
        MailSettings.from_config({"sender": SENDER, "recipients": ["a@example.com\r\nBcc: evil@example.com"]})


# -- delivery against one database ----------------------------------------------------------------

RECIPIENTS = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]


def queue(tmp_path, mail: dict) -> tuple[Store, MailSettings]:
    """A database with one planned delivery of the April 2024 report per recipient in ``mail``."""
    settings = MailSettings.from_config(mail)
    store = Store(tmp_path / "tracker.db")
    plan(store, april_2024_report(), settings)
    return store, settings


def send(store: Store, settings: MailSettings, transport: Transport | None = None, log=None) -> SendOutcome:
    transport = SmtpTransport(settings, env={}) if transport is None else transport
    try:
        return send_pending(store, settings, unsent(store), lambda date: april_2024_report(), transport,
                            log or (lambda line: None))
    finally:
        if isinstance(transport, SmtpTransport):
            transport.close()


def rows(store: Store) -> dict[str, dict]:
    return {r["recipient"]: r for r in store.db.query("SELECT * FROM deliveries ORDER BY recipient")}


def statuses(store: Store) -> dict[str, str]:
    return {who: r["status"] for who, r in rows(store).items()}


def received(smtp: SmtpServer) -> list[str]:
    return [m["To"] for m in smtp.messages]


class Interleaved:
    """A's transport: while A is sending its first message (its row claimed), B's whole run happens."""

    final = True
    given_up = None

    def __init__(self, inner: SmtpTransport, during_first_send) -> None:
        self.inner, self.during_first_send, self.calls = inner, during_first_send, 0

    def send(self, msg, recipient):
        self.calls += 1
        if self.calls == 1:
            self.during_first_send()
        return self.inner.send(msg, recipient)


def test_two_connections_to_one_database_never_both_send_a_row(smtp, tmp_path):
    store_a, settings = queue(tmp_path, smtp.mail_config(RECIPIENTS))
    store_b = Store(tmp_path / "tracker.db")
    rows_b = unsent(store_b)  # read before A claims anything: B decides on the claim, not on this list
    log_a, log_b = [], []
    b_outcome = []

    def b_runs():
        transport = SmtpTransport(settings, env={})
        try:
            b_outcome.append(send_pending(store_b, settings, rows_b, lambda d: april_2024_report(), transport,
                                          log_b.append))
        finally:
            transport.close()

    a = send(store_a, settings, Interleaved(SmtpTransport(settings, env={}), b_runs), log_a.append)

    assert sorted(received(smtp)) == RECIPIENTS  # each recipient exactly once
    assert statuses(store_a) == dict.fromkeys(RECIPIENTS, "sent")
    assert (a.sent, a.skipped, b_outcome[0].sent, b_outcome[0].skipped) == (1, 3, 3, 1)
    claimed_at = rows(store_a)["a@example.com"]["claimed_at"]
    assert [line for line in log_b if "skipped" in line] == [
        f"mail 2024-04-04 → a@example.com: being sent by {claimer()} (claimed {claimed_at}); skipped"
    ]
    assert sum("already sent by another process; skipped" in line for line in log_a) == 3
    assert all(r["attempts"] == 1 and r["claimed_by"] == claimer() for r in rows(store_a).values())


def claim_of(who: str) -> tuple[str, str]:
    """A claimer and claim time: ``dead`` (a process of this host that has ended), ``me`` (this live
    process), ``init`` (process 1, always running), ``remote`` (another host, now) or ``remote-old``
    (another host, over the limit)."""
    now = datetime.now(UTC)
    if who == "dead":
        proc = subprocess.Popen(["true"])
        proc.wait()
        return f"{socket.gethostname()}:{proc.pid}", now.isoformat(timespec="seconds")
    claimed_by = {"me": claimer(), "init": f"{socket.gethostname()}:1"}.get(who, "other-host.example.com:4242")
    at = now - timedelta(hours=1, minutes=1) if who == "remote-old" else now
    return claimed_by, at.isoformat(timespec="seconds")


@pytest.mark.parametrize(
    ("who", "taken_over"),
    [("dead", True), ("me", False), ("init", False), ("remote", False), ("remote-old", True)],
)
def test_a_sending_claim_is_taken_over_only_from_a_dead_or_expired_claimer(smtp, tmp_path, who, taken_over):
    store, settings = queue(tmp_path, smtp.mail_config(["a@example.com"]))
    claimed_by, claimed_at = claim_of(who)
    store.db.execute("UPDATE deliveries SET status = 'sending', claimed_by = ?, claimed_at = ?, attempts = 1",
                     (claimed_by, claimed_at))
    log: list[str] = []

    outcome = send(store, settings, log=log.append)

    assert (outcome.sent, len(smtp.messages)) == ((1, 1) if taken_over else (0, 0))
    [row] = rows(store).values()
    if taken_over:
        assert (row["status"], row["claimed_by"], row["attempts"]) == ("sent", claimer(), 2)
    else:
        assert (row["status"], row["claimed_by"], outcome.skipped) == ("sending", claimed_by, 1)
        assert log == [f"mail 2024-04-04 → a@example.com: being sent by {claimed_by} (claimed {claimed_at}); skipped"]
    assert [asdict(r) for r in unsent(store)] == ([] if taken_over else [row])


def test_a_failed_send_releases_the_claim_and_the_next_attempt_takes_it(smtp, tmp_path):
    store, settings = queue(tmp_path, smtp.mail_config(["a@example.com"]))
    smtp.handler.mode = "refuse"
    assert send(store, settings).sent == 0
    [row] = rows(store).values()
    assert (row["status"], row["claimed_by"], row["claimed_at"], row["attempts"]) == ("failed", None, None, 1)

    smtp.handler.mode = "accept"
    assert send(store, settings).sent == 1 and len(smtp.messages) == 1


# -- one bad recipient or message never stops the others -------------------------------------------


def sizes() -> tuple[int, int]:
    """Bytes of the full April report message and of the one a 4A090 watcher gets."""
    settings = MailSettings.from_config({"sender": SENDER, "recipients": ["x@example.com"]})
    small = recipient_report(april_2024_report(), Recipient("x@example.com", ("4A090",)), settings)
    return len(message(small).as_bytes()), len(message(april_2024_report()).as_bytes())


@pytest.mark.parametrize("fault", ["refuse", "drop", "too-big"])
def test_one_recipient_refused_dropped_or_too_big_fails_only_its_own_row(tmp_path, fault):
    small, big = sizes()
    server = SmtpServer(data_size_limit=(small + big) // 2 if fault == "too-big" else None).start()
    try:
        watchers = [{"address": a, "watch": ["4A090"]} for a in RECIPIENTS if a != "b@example.com"]
        mail = server.mail_config(["b@example.com"], recipient=watchers)
        store, settings = queue(tmp_path, mail)
        if fault in ("refuse", "drop"):
            getattr(server.handler, fault).add("b@example.com")
        outcome = send(store, settings)
    finally:
        server.stop()

    assert statuses(store) == {**dict.fromkeys(RECIPIENTS, "sent"), "b@example.com": "failed"}
    assert sorted(received(server)) == [a for a in RECIPIENTS if a != "b@example.com"]
    [error] = outcome.errors
    last_error = rows(store)["b@example.com"]["last_error"]
    assert "\n" not in error and last_error in error and last_error.startswith(f"SMTP 127.0.0.1:{server.port}: ")
    assert {"refuse": "550", "drop": "closed", "too-big": "552"}[fault] in last_error


def test_a_multi_line_refusal_is_recorded_in_one_line(tmp_path, smtp):
    smtp.handler.refuse.add("a@example.com")
    smtp.handler.refusal = "550-5.1.1 mailbox unavailable\r\n550 5.1.1 see https://example.com/help"
    store, settings = queue(tmp_path, smtp.mail_config(["a@example.com"]))

    [error] = send(store, settings).errors

    assert rows(store)["a@example.com"]["last_error"] == (
        f"SMTP 127.0.0.1:{smtp.port}: recipient refused: 550 5.1.1 mailbox unavailable 5.1.1 see https://example.com/help"
    )
    assert "\n" not in error


def test_a_server_that_hangs_up_after_each_message_still_gets_every_message(tmp_path, smtp):
    smtp.handler.hang_up_after = 1
    store, settings = queue(tmp_path, smtp.mail_config(RECIPIENTS))

    outcome = send(store, settings)

    assert (outcome.sent, outcome.errors) == (4, ())
    assert received(smtp) == RECIPIENTS and statuses(store) == dict.fromkeys(RECIPIENTS, "sent")
    assert len(set(smtp.handler.peers)) == 4  # a new connection for each message


def test_a_healthy_server_gets_every_message_over_one_connection(tmp_path, smtp):
    store, settings = queue(tmp_path, smtp.mail_config(RECIPIENTS))

    assert send(store, settings).sent == 4
    assert len(set(smtp.handler.peers)) == 1


# -- one bad server does not hang the run ----------------------------------------------------------


def bad_server_outcome(tmp_path, mail: dict) -> tuple[Store, SendOutcome, list[str]]:
    store, settings = queue(tmp_path, mail)
    log: list[str] = []
    return store, send(store, settings, log=log.append), log


def check_gave_up(store: Store, outcome: SendOutcome, log: list[str], words: str) -> None:
    """The first two rows failed with ``words``, the other two were never tried, one line says so."""
    table = rows(store)
    assert [table[a]["status"] for a in RECIPIENTS] == ["failed", "failed", "pending", "pending"]
    assert all(words in table[a]["last_error"] for a in RECIPIENTS[:2])
    assert [table[a]["attempts"] for a in RECIPIENTS] == [1, 1, 0, 0]
    assert (outcome.sent, outcome.untried, len(outcome.errors)) == (0, 2, 3)
    [line] = [line for line in log if "not tried" in line]
    assert line == outcome.errors[-1] and line.startswith("mail: 2 message(s) not tried: SMTP 127.0.0.1:")
    assert "2 times in this run" in line and line.endswith("the next run sends them")


def test_a_server_that_never_answers_is_given_up_after_two_timeouts_and_the_rest_wait(tmp_path, smtp):
    with SilentServer() as silent:
        mail = {**smtp.mail_config(RECIPIENTS), "smtp_port": silent.port, "timeout": 1}
        store, outcome, log = bad_server_outcome(tmp_path, mail)
    check_gave_up(store, outcome, log, "timed out")
    assert "timed out 2 times" in outcome.errors[-1]

    later = send(store, MailSettings.from_config(smtp.mail_config(RECIPIENTS)))  # the next run, server fixed

    assert later.sent == 4 and received(smtp) == RECIPIENTS and statuses(store) == dict.fromkeys(RECIPIENTS, "sent")


def test_a_server_that_refuses_connections_is_given_up_after_two_tries(tmp_path, smtp):
    mail = {**smtp.mail_config(RECIPIENTS), "smtp_port": free_port()}
    store, outcome, log = bad_server_outcome(tmp_path, mail)
    check_gave_up(store, outcome, log, "Connection refused")


def test_a_wrong_password_is_tried_twice_not_once_per_message(tmp_path):
    server = SmtpServer(auth=True).start()
    server.handler.password = "right"
    try:
        store, settings = queue(tmp_path, server.mail_config(RECIPIENTS))
        log: list[str] = []
        env = {"TRACKER_SMTP_USER": "u", "TRACKER_SMTP_PASSWORD": "wrong"}
        outcome = send(store, settings, SmtpTransport(settings, env=env), log.append)
    finally:
        server.stop()
    check_gave_up(store, outcome, log, "535")
    assert server.handler.logins == [("u", "wrong")] * 4  # two connections; smtplib tries PLAIN, then LOGIN
    assert "wrong" not in "".join(log)


# -- non-ASCII credentials ------------------------------------------------------------------------

PASSWORD = "pässwörd€"


@pytest.mark.parametrize(("mechanism", "user"), [("PLAIN", "tracker"), ("LOGIN", "tracker"), ("PLAIN", "trackér")])
def test_a_non_ascii_password_logs_in_as_utf8_with_plain_or_login(mechanism, user):
    other = {"PLAIN": "LOGIN", "LOGIN": "PLAIN"}[mechanism]
    server = SmtpServer(auth=True, auth_exclude_mechanism=[other]).start()
    server.handler.password = PASSWORD
    _send_one_as(server, user, PASSWORD)

    assert server.handler.logins == [(user, PASSWORD)] and len(server.messages) == 1


@pytest.mark.parametrize(
    ("password", "words"),
    [("wrōng€", "535"), ("p\udcffss", "TRACKER_SMTP_USER or TRACKER_SMTP_PASSWORD is not valid UTF-8")],
)
def test_a_refused_or_undecodable_non_ascii_password_fails_in_one_line(password, words):
    server = SmtpServer(auth=True).start()
    server.handler.password = PASSWORD
    try:
        env = {"TRACKER_SMTP_USER": "tracker", "TRACKER_SMTP_PASSWORD": password}
        transport = SmtpTransport(MailSettings.from_config(server.mail_config()), env=env)
        with pytest.raises(MailError, match=words) as info:
            transport.send(message(april_2024_report()), "a@example.com")
        transport.close()
    finally:
        server.stop()

    assert "\n" not in str(info.value) and password not in str(info.value) and server.messages == []
