"""The text report reads as text: no inline markup, a heading change once, a source once per unit, a long
paragraph's change in context. On the real CCL pairs and the real Part 774."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from tests.support import ECFR_API, require
from tracker import compare, parse_bytes
from tracker.diff import DiffResult
from tracker.model import Change, Paragraph, Rule
from tracker.report.data import ReportData
from tracker.report.markup import CONTEXT_WORDS, runs_to_text, text_to_plain
from tracker.report.render import render_html, render_text
from tracker.report.text import diff_text

OLD, NEW = "2026-06-25", "2026-09-01"
SPAN_9A, SPAN_3A = "9A010-to-9A018", "3A001-3A090-4A090"


@cache
def _version(span: str, date: str) -> tuple[Paragraph, ...]:
    return tuple(parse_bytes(require(ECFR_API / f"excerpt-{date}-title-15-part-774-{span}.xml").read_bytes()))


def _report(changes: list[Change] | tuple[Change, ...], **kw: object) -> ReportData:
    return ReportData(NEW, OLD, ("774",), tuple(changes), **kw)  # type: ignore[arg-type]


def _real_report(span: str) -> str:
    return render_text(_report(compare(list(_version(span, OLD)), list(_version(span, NEW)))))


def test_the_real_9A012_report_has_no_markup_one_source_line_and_its_heading_once():
    text = _real_report(SPAN_9A)

    assert "*" not in text and "^" not in text
    assert text.count("Source: not yet identified") == 1
    assert "Source: not yet identified (no Federal Register rule found for these changes so far)" in text
    assert "Heading:" not in text  # both heading changes show in their text's redline, once
    assert "in a long paragraph only the words around each\nchange are shown, […] marking those left out." in text
    assert "    9A012 [-Non-military -]“Unmanned Aerial Vehicles,” (“UAVs”), unmanned “airships”, related\n" in text
    assert ("    List Based License Exceptions (See Part 740 for a Description of [-all-]{+All+} License\n"
            "    Exceptions)\n") in text
    assert "    Related Controls: (1) See [-the U.S. Munitions List Category VIII (22 CFR part 121)-]{+USML\n" in text
    assert "    {+Special Conditions for STA+}\n" in text
    assert "equal to or\n    exceeding 46.3 km/h (25 knots); or-]\n" in text


def test_the_real_3A_report_says_see_as_a_word_and_the_source_once_per_eccn():
    text = _real_report(SPAN_3A)

    assert "*See*" not in text and "A:5 or A:6. See § 742.6(a)(6)(iii)(B) of the EAR." in text
    units = [line for line in text.splitlines() if line.startswith("ECCN ")]
    assert [u.split()[1] for u in units] == ["3A001", "3A090", "4A090"]
    assert text.count("Source: not yet identified (no Federal Register rule found for this change so far)") == 3
    assert text.count("Source:") == 3


def test_a_named_rule_is_said_once_for_a_unit_whose_changes_all_come_from_it():
    rule = Rule("2026-99901", "91 FR 50000", "Revisions", effective_on="2026-10-01")
    changes = [replace(c, rules=(rule,)) for c in compare(list(_version(SPAN_9A, OLD)), list(_version(SPAN_9A, NEW)))]
    mixed = [replace(changes[0], rules=()), *changes[1:]]

    text = render_text(_report(changes))
    split = render_text(_report(mixed))

    line = "Source: 91 FR 50000, effective 2026-10-01 <https://www.federalregister.gov/d/2026-99901>"
    assert text.count(line) == 1 and f"\n{line}\n" in text
    assert split.count(f"    {line}") == len(changes) - 1 and split.count("    Source: not yet identified\n") == 1


@cache
def _part_774() -> tuple[Paragraph, ...]:
    return tuple(parse_bytes(require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_bytes()))


@pytest.mark.parametrize(("citation", "plain"), [
    ("1C001.a", "a. Materials for absorbing frequencies exceeding 2 × 10⁸ Hz but less than 3 × 10¹² Hz."),
    ("6C004.c.1.a", "c.1.a. Dynamic (also known as nonstationary) third order nonlinear susceptibility (χ⁽³⁾, "
                    "chi 3) of 10⁻⁶ m²/V² or more; and"),
])
def test_real_superscripts_read_as_superscripts(citation, plain):
    paragraph = next(p for p in _part_774() if p.citation == citation)
    assert text_to_plain(paragraph.text) == plain


def test_a_reference_changed_in_the_real_5411_character_note_shows_in_context_not_whole():
    """Real 3A090.a Note 1 (5,411 characters): its § 743.9(b) made § 743.9(c); the report shows the words around it."""
    raw = require(ECFR_API / f"excerpt-{NEW}-title-15-part-774-{SPAN_3A}.xml").read_bytes()
    edited = raw.replace(b"&#xA7; 743.9(b)", b"&#xA7; 743.9(c)")
    assert edited.count(b"743.9(c)") == 1
    changes = compare(list(parse_bytes(raw)), list(parse_bytes(edited)))

    assert [(c.citation, c.kind, c.reference_pairs) for c in changes] == [
        ("3A090.a Note 1", "reference-only", (("743.9(b)", "743.9(c)"),))]
    text = render_text(_report(changes))
    body = text[text.index("  3A090.a Note 1  [reference-only]"):text.index("\n--\n")]
    assert "Reference changed: 743.9(b) -> 743.9(c)" in body
    flat = " ".join(body.split())
    assert "[…] " in flat and "§ 743.9([-b-]{+c+})" in flat
    assert "(ii) That have agreed to submit applicable information described in § 743.9([-b-]{+c+}) to the" in flat
    assert "presumption that the item is 3A090.a" not in flat  # the note's first sentence is far from the change
    words = flat.split("[…]")[1].split()
    assert 2 * CONTEXT_WORDS - 5 <= len(words) <= 2 * CONTEXT_WORDS + 5
    assert len(body) < 800
    html = render_html(_report(changes))
    assert "<del>b</del><ins>c</ins>" in html and "[…]" in html
    assert "presumption that the item is 3A090.a" not in html  # the HTML report shows it in context too


def test_short_redlines_stay_whole_and_formatting_only_runs_vanish():
    assert runs_to_text((("equal", "a *b* "), ("insert", "**"), ("equal", "c"))) == "a b c"
    runs = (("equal", "word " * 400), ("delete", "old"), ("insert", "new"), ("equal", " tail" * 400))
    text = runs_to_text(runs)
    assert text.startswith("[…] word ") and "[-old-]{+new+}" in text and text.endswith(" tail […]")
    assert text.count("word") == CONTEXT_WORDS and text.count("tail") == CONTEXT_WORDS


def test_diff_text_on_the_real_9A012_pair_is_plain_with_each_heading_once():
    changes = compare(list(_version(SPAN_9A, OLD)), list(_version(SPAN_9A, NEW)))
    text = diff_text(DiffResult(OLD, NEW, {"774": (OLD, NEW)}, changes))

    assert "*" not in text and "heading:" not in text
    line = "List Based License Exceptions (See Part 740 for a Description of [-all-]{+All+} License Exceptions)"
    assert f"\n      {line}\n" in text
