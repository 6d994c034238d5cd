"""The inline-markup form keeps the regulation's own ``\\ * ^ _ |`` as text (issue 10, item 12)."""

from __future__ import annotations

import html
import re
import sys
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.support import ECFR_API, require
from tracker.diff import compare, redline
from tracker.model import Paragraph
from tracker.parse import parse_bytes, parse_file
from tracker.parse.refs import extract_refs
from tracker.report.markup import runs_to_html, runs_to_text, text_to_html
from tracker.xmltext import (
    ESCAPED,
    escape_markup,
    inline_parts,
    inline_tail,
    inline_text,
    load_xml,
    markup_pieces,
    normalise_ws,
    plain,
    unescape,
)

EXCERPT = ECFR_API / "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml"
#: The real 3A001.b.12.c formula, as the eCFR prints it.
FORMULA = "d ≤ 15cm*GHz*N/fGHz"

#: Text as the regulation may write it: the escaped characters among words, spaces and XML specials.
TEXT = st.text(alphabet=st.sampled_from([*ESCAPED, "a", "B", "7", " ", "<", "&", "—", "≤", "(", "."]), max_size=40)


def _p(*pieces: str) -> etree._Element:
    """``<P>t0<I>t1</I>t2<SU>t3</SU>…</P>`` with the pieces as literal text (odd ones emphasised)."""
    tags = ("I", "SU")
    body = ""
    for i, t in enumerate(pieces):
        tag = tags[i // 2 % 2]
        body += html.escape(t, quote=False) if i % 2 == 0 else f"<{tag}>{html.escape(t, quote=False)}</{tag}>"
    return load_xml(f"<P>{body}</P>".encode()).getroot()


def _html_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _escape_intact(run: str) -> bool:
    """False if the run ends inside an escape (an odd number of trailing backslashes)."""
    return (len(run) - len(run.rstrip("\\"))) % 2 == 0


# --- the real formula ------------------------------------------------------------------------------


def test_real_3a001_b_12_c_formula_is_text_in_every_reading():
    records = {r.citation: r for r in parse_file(require(EXCERPT))}
    text = records["3A001.b.12.c"].text
    assert "15cm\\*GHz\\*N/fGHz" in text
    assert FORMULA in plain(text)
    assert FORMULA in unescape(text)
    shown = str(text_to_html(text))
    assert "15cm*GHz*N/fGHz" in shown and "<em>GHz" not in shown
    assert shown.endswith("<em>and</em>")  # real emphasis is still emphasis
    assert FORMULA in runs_to_text((("equal", text),))


def test_real_formula_reads_back_as_the_xml_text():
    root = load_xml(require(EXCERPT).read_bytes()).getroot()
    el = next(p for p in root.iter("P") if (p.text or "").startswith("b.12.c."))
    assert plain(inline_text(el)) == normalise_ws("".join(el.itertext()))


def test_real_superscript_and_caret_are_told_apart():
    records = {r.citation: r for r in parse_file(require(EXCERPT))}
    text = records["3A001.b.12.a"].text
    assert "W\\*GHz ^2^" in text  # the real <E T="52"> subscript, the real superscript, the literal "*"
    assert "W*GHz <sup>2</sup>" in str(text_to_html(text))


def test_a_change_next_to_a_literal_star_is_a_word_change_with_a_whole_escape():
    old = Paragraph("3A001.b.12.c", "774", "3A001", "3A001.b.12", "b.12.c.", "item", "",
                     r"b.12.c. d ≤ 15cm\*GHz\*N/f", 1)
    new = replace(old, text=r"b.12.c. d ≤ 16cm\^GHz\*N/f")
    (change,) = compare([old], [new])
    assert change.kind == "modified"
    assert all(_escape_intact(t) for _, t in change.redline)
    assert _html_text(str(runs_to_html(change.redline))) == "b.12.c. d ≤ 15cm*16cm^GHz*N/f"
    assert runs_to_text(change.redline) == "b.12.c. d ≤ [-15cm*-]{+16cm^+}GHz*N/f"


def test_escapes_do_not_hide_references():
    text = inline_text(_p("See 3A001.b.12 and 15cm*GHz; ", "§ 740.10(a)(2)", " a_b | c"))
    assert [r.target for r in extract_refs(text, unit="3A001", part="774")] == ["3A001.b.12", "740.10(a)(2)"]


def test_table_cells_keep_a_literal_bar_apart_from_the_separator():
    xml = ("<DIV8 N=\"740.99\" TYPE=\"SECTION\"><HEAD>§ 740.99 Test.</HEAD><P>(a) Rows.</P><DIV><TABLE><TBODY>"
           "<TR><TD>NS | 1</TD><TD>c_d</TD></TR></TBODY></TABLE></DIV></DIV8>")
    (row,) = [r for r in parse_bytes(xml.encode(), "t.xml") if r.kind == "row"]
    assert [unescape(c) for c in re.split(r"(?<!\\) \| ", row.text)] == ["NS | 1", "c_d"]
    assert plain(row.text) == "NS | 1 | c_d"


# --- any text --------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_round_trips_through_plain_unescape_and_html(text):
    form = inline_text(_p(text))
    assert plain(form) == normalise_ws(text)
    assert unescape(form) == normalise_ws(text)
    assert _html_text(str(text_to_html(form))) == normalise_ws(text)
    assert "<em>" not in str(text_to_html(form)) and "<sup>" not in str(text_to_html(form))


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, TEXT, TEXT)
def test_emphasis_around_literal_characters_is_exactly_the_emphasis(a, b, c, d):
    form = inline_text(_p(a, b, c, d))
    shown = str(text_to_html(form))
    assert shown.count("<em>") == (1 if b.strip() else 0)
    assert shown.count("<sup>") == (1 if d.strip() else 0)
    assert normalise_ws(_html_text(shown)) == plain(form)
    assert plain(form) == normalise_ws(a + b + c + d)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_redlines_of_any_two_texts_keep_every_escape_whole(a, b):
    old, new = escape_markup(a), escape_markup(b)
    runs = redline(old, new)
    assert all(_escape_intact(t) for _, t in runs)
    assert "".join(t for op, t in runs if op != "delete") == new
    assert "".join(t for op, t in runs if op != "insert") == old
    kept = [(op, t) for op, t in runs if op != "delete"]
    assert _html_text(str(runs_to_html(kept))) == b
    assert unescape("".join(t for _, t in kept)) == b


@given(TEXT)
def test_pieces_of_escaped_text_are_one_text_piece(text):
    pieces = list(markup_pieces(escape_markup(text)))
    assert pieces == ([("text", text)] if text else [])


# --- the fast paths read what the plain reading reads ----------------------------------------------------------


def test_every_character_split_at_but_the_space_is_unprintable():
    """normalise_ws returns printable text without a double or edge space as it is: no such text holds whitespace
    str.split would collapse."""
    splitters = [c for c in map(chr, range(sys.maxunicode + 1)) if c != " " and len(f"a{c}b".split()) == 2]
    assert splitters and not [c for c in splitters if c.isprintable()]
    assert normalise_ws("a\u00a0 b") == "a b" and normalise_ws(" a  b ") == "a b" and normalise_ws("a b") == "a b"


def test_inline_parts_are_inline_text_of_the_element_its_first_child_and_the_rest():
    """On every element with children of the real Part 774 (the CCL reads its labelled fields so)."""
    root = load_xml(require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_bytes()).getroot()
    checked = 0
    for el in root.iter():
        if isinstance(el.tag, str) and len(el):
            whole, first, rest = inline_parts(el)
            assert (whole, normalise_ws(first), normalise_ws(rest)) == (inline_text(el), inline_text(el[0]),
                                                                        inline_tail(el))
            assert plain(first) == plain(inline_text(el[0]))
            checked += 1
    assert checked > 9000
