"""The "references broken / repaired by this change" sections of a report, from the real § 740.2(a)(8)(i)."""

from __future__ import annotations

import json

from tests.report.sample import april_2024_report
from tracker.report.data import RefFinding
from tracker.report.render import render_email_html, render_html, render_json, render_text
from tracker.xref import RefCheck

RPL = "740.2(a)(8)(i)"
BROKEN = RefFinding(
    RefCheck("740", RPL, "740.10(a)(2)(iv)", "section", "§ 740.10(a)(2)(iv)", "broken",
             "740.10(a)(2)(iv) does not exist in Part 740 as of 2024-04-04"),
    "740.2",
)
REPAIRED = RefFinding(
    RefCheck("740", "740.11(b)(2)(iii)(F)", "740.11(b)(iii)", "section", "paragraph (b)(iii) of this section",
             "broken", "740.11(b)(iii) does not exist in Part 740 as of 2024-04-03"),
    "740.11",
    "the target exists now",
)
HOSTILE = RefFinding(
    RefCheck("740", "740.1(a)", "740.99", "section", "§ 740.99 <b>x</b> & y", "broken", "<script>alert(1)</script>"),
    "740.1",
)


def report(**kw):
    return april_2024_report(broken_refs=(BROKEN,), repaired_refs=(REPAIRED,), **kw)


def test_html_lists_broken_then_repaired_references_with_citing_paragraph_links():
    html = render_html(report())

    broken, repaired = html.index("References broken by this change: 1"), html.index("References repaired by")
    assert broken < repaired < html.index("Part 740 — License")
    assert f'<a href="https://www.ecfr.gov/on/2024-04-04/title-15/section-740.2#p-{RPL}">{RPL}</a>' in html
    assert "<q>§ 740.10(a)(2)(iv)</q> → resolved target <strong>740.10(a)(2)(iv)</strong>" in html
    assert "Broken: 740.10(a)(2)(iv) does not exist in Part 740 as of 2024-04-04." in html
    assert "Was broken: 740.11(b)(iii) does not exist in Part 740 as of 2024-04-03." in html
    assert "Repaired: the target exists now." in html


def test_text_and_json_carry_the_same_findings():
    text = render_text(report())
    assert "REFERENCES BROKEN BY THIS CHANGE: 1" in text and "REFERENCES REPAIRED BY THIS CHANGE: 1" in text
    assert f"  {RPL}  <https://www.ecfr.gov/on/2024-04-04/title-15/section-740.2#p-{RPL}>" in text
    assert '    As written: "§ 740.10(a)(2)(iv)" -> resolved target 740.10(a)(2)(iv)' in text

    data = json.loads(render_json(report()))
    assert data["references_broken"] == [{
        "part": "740", "from_citation": RPL, "unit": "740.2", "written": "§ 740.10(a)(2)(iv)",
        "target": "740.10(a)(2)(iv)", "kind": "section", "reason": BROKEN.check.reason,
        "ecfr_url": f"https://www.ecfr.gov/on/2024-04-04/title-15/section-740.2#p-{RPL}",
    }]
    assert data["references_repaired"][0]["repair"] == "the target exists now"


def test_sections_are_left_out_when_nothing_broke_or_was_repaired():
    plain = april_2024_report()
    html = render_html(plain)
    assert "References broken" not in html and "References repaired" not in html
    assert "REFERENCES" not in render_text(plain)
    data = json.loads(render_json(plain))
    assert data["references_broken"] == [] and data["references_repaired"] == []


def test_reference_text_from_the_regulation_is_escaped():
    html = render_html(april_2024_report(broken_refs=(HOSTILE,)))
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "<q>§ 740.99 &lt;b&gt;x&lt;/b&gt; &amp; y</q>" in html and "&lt;script&gt;alert(1)" in html
    email = render_email_html(april_2024_report(broken_refs=(HOSTILE,)))
    assert "<script>" not in email and "<b>x</b>" not in email and "&lt;b&gt;x&lt;/b&gt;" in email


def test_a_watchlist_keeps_only_references_it_touches():
    assert "740.10(a)(2)(iv)" in render_text(report(watch=("740.10",)))
    watched = render_text(report(watch=("3A090",)))
    assert "REFERENCES BROKEN" not in watched and "REFERENCES REPAIRED" not in watched
