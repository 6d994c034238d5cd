"""Messages and settings: subject, multipart structure, email-safe HTML, cutting, config checks."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest

from tests.mail.smtp import SmtpServer, self_signed_certificate
from tests.report.sample import april_2024_changes, april_2024_report
from tracker.config import ConfigError
from tracker.mail import (
    MailError,
    MailSettings,
    Recipient,
    SmtpTransport,
    build_message,
    message_id,
    recipient_report,
    subject,
)
from tracker.model import Change

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


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_smtp_transport_speaks_tls_and_logs_in(certificate, monkeypatch, security):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate, as a system CA
    server = SmtpServer(auth=True, tls=security, cert=certificate).start()
    try:
        env = {"TRACKER_SMTP_USER": "u", "TRACKER_SMTP_PASSWORD": "p"}
        transport = SmtpTransport(MailSettings.from_config(server.mail_config()), env=env)
        try:
            transport.send(message(april_2024_report()), "a@example.com")
        finally:
            transport.close()
    finally:
        server.stop()

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
