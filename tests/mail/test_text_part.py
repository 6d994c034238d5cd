"""The email's text part reads as text and links absolutely: on the real 9A012 pair (15 changes)."""

from __future__ import annotations

import re

from tests.support import ECFR_API, require
from tracker import compare, parse_bytes
from tracker.mail.message import build_message, recipient_report
from tracker.mail.settings import MailSettings, Recipient
from tracker.report.data import ReportData

OLD, NEW = "2026-06-25", "2026-09-01"
SITE = "https://intranet.example.com/ear-reports"


def _real_report() -> ReportData:
    old, new = (parse_bytes(require(ECFR_API / f"excerpt-{d}-title-15-part-774-9A010-to-9A018.xml").read_bytes())
                for d in (OLD, NEW))
    return ReportData(NEW, OLD, ("774",), tuple(compare(old, new)))


def _text_part(site_url: str | None, max_changes: int = 100, watch: tuple[str, ...] = ()) -> str:
    recipient = Recipient("a@example.com", watch)
    settings = MailSettings("tracker@example.com", (recipient,), site_url=site_url)
    report = recipient_report(_real_report(), recipient, settings)
    msg = build_message(report, sender=settings.sender, recipient=recipient.address, msgid="<m@example.com>",
                        max_changes=max_changes)
    body = msg.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _links(text: str) -> list[str]:
    return re.findall(r"<(\S+)>", text) + re.findall(r"history: (\S+)", text)


def test_with_site_url_the_text_part_names_the_full_report_and_every_link_is_absolute():
    text = _text_part(SITE)

    assert f"Full report: {SITE}/{NEW}.html\n" in text
    assert f"history: {SITE}/eccn/9A012.html" in text
    links = _links(text)
    assert len(links) == 17 and all(link.startswith("https://") for link in links)  # 15 changes, unit, history


def test_a_cut_text_part_points_at_the_full_report_online():
    text = _text_part(SITE, max_changes=3)

    assert f"the first 3 of 15 changed paragraphs; the full report is attached as {NEW}.html and online at" in text
    assert f"{SITE}/{NEW}.html" in text
    assert len(re.findall(r"^  \S.*  \[[a-z-]+\]  <https://", text, re.MULTILINE)) == 3


def test_the_text_part_shows_no_inline_markup_and_one_source_line_for_the_eccn():
    text = _text_part(SITE, watch=("9A012",))

    assert "*" not in text and "^" not in text
    assert "Related Controls: (1) See [-the U.S. Munitions List Category VIII (22 CFR part 121)-]{+USML" in text
    assert text.count("Source: not yet identified") == 1


def test_without_site_url_there_is_no_full_report_line():
    text = _text_part(None)

    assert "Full report:" not in text and "online at" not in text
