"""The CCL's shortcuts read what the long way reads, on every paragraph, note and table of the real Part 774.

A paragraph's shape from the parse's memo is the shape read afresh; a note's first sentence ends where masking its
whole body puts the end; a row that applies to the entire entry has the scope the general reading gives; a table's
rows and header are those of its cells however the row is read.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.support import ECFR_API, require
from tracker.citations import ECCN, ITEM
from tracker.parse.ccl_notes import (
    _ABBREVIATIONS,
    _BODY_START,
    _NAMED,
    _SEE,
    _SENTENCE_END,
    _first_sentence_end,
    _points_elsewhere,
    note_label,
    row_scope,
)
from tracker.parse.ccl_shapes import PARAS, ShapeMemo, field_label, joined, read_shape, split_label
from tracker.parse.ccl_tables import read_table
from tracker.parse.tidy import tidy
from tracker.xmltext import inline_text, plain, xml_parser

FULL_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"


@pytest.fixture(scope="module")
def ccl() -> etree._Element:
    root = etree.fromstring(require(FULL_774).read_bytes(), xml_parser())
    tidy(root)
    return next(d for d in root.iter("DIV9") if (d.findtext("HEAD") or "").startswith("Supplement No. 1 "))


def test_memo_shapes_are_shapes_read_afresh(ccl: etree._Element) -> None:
    memo: ShapeMemo = {}
    paragraphs = [el for el in ccl if el.tag in PARAS]
    for el in paragraphs:
        assert read_shape(el, memo) == read_shape(el)
        shape = read_shape(el, memo)
        label = field_label(shape)
        assert label is None if split_label(shape) is None else label[:3] == split_label(shape)
    assert 0 < len(memo) < len(paragraphs) // 2  # most paragraphs of one emphasised child repeat one read before


def _end_by_whole_masking(body: str) -> int:
    masked = _ABBREVIATIONS.sub(lambda m: "x" * len(m[0]), _NAMED.sub(lambda m: "x" * len(m[0]), body))
    end = _SENTENCE_END.search(masked)
    return end.start() if end else len(body)


_BODIES = [
    "See e.g. 1A002.",
    "Nos. 1 and 2 apply; the rest",
    "For 3A001.e.g. this. And that.",
    "i.e.g. x. y",
    "For 3A001.b. and e.g. c.f. etc. of No. 3 vs. 4: end",
    "cf. 3A001.a.1.b. 5.5 etc.",
    "This entry covers 1.2. kinds. More.",
    "",
    "No end",
]


def test_first_sentence_ends_where_whole_masking_ends_it(ccl: etree._Element) -> None:
    bodies = list(_BODIES)
    for note in ccl.iter("NOTE"):
        words = plain(joined(note, list(note)))
        bodies.append(words)
        rest = words[len(note_label(words)) :]
        bodies.append(rest[_BODY_START.match(rest).end() :])  # type: ignore[union-attr]
    for body in bodies:
        assert _first_sentence_end(body) == _end_by_whole_masking(body), body


@pytest.mark.parametrize("cell", ["AT applies to entire entry", "RS applies to the entire entry.",
                                  "NS apply to entire entry", "MT applies  entire entry"])
def test_a_row_for_the_entire_entry(cell: str) -> None:
    assert row_scope(cell, "3A001") == (cell[:2], "applies to entire entry")
    assert row_scope(f"{cell} except 3A001.b", "3A001") == (cell[:2], "applies to entire entry except 3A001.b")


def test_table_rows_are_their_cells(ccl: etree._Element) -> None:
    tables = list(ccl.iter("TABLE", "GPOTABLE"))
    assert len(tables) > 500
    for table in tables:
        t = read_table(table)
        rows = [r for r in table.iter("TR") if r.find("TD") is not None]
        assert t.rows == [[inline_text(c) for c in r.iterchildren("TD", "TH")] for r in rows]
        heads = [inline_text(c) for r in table.iter("TR") if r.find("TD") is None for c in r.iterchildren("TH")]
        assert t.header == [inline_text(c) for c in table.iter("CAPTION", "caption")] + heads


#: What :data:`_NAMED` finds, written plainly (its look behind first: every position is tried).
_PLAIN_NAMED = re.compile(rf"(?<![\w.])(?:(?P<full>{ECCN}{ITEM})|(?P<entry>[Tt]his (?:entry|ECCN)))(?![\w-])")


def _named_the_plain_way(text: str) -> None:
    found = [(m.span(), m[0], bool(m["entry"])) for m in _NAMED.finditer(text)]
    assert found == [(m.span(), m[0], bool(m["entry"])) for m in _PLAIN_NAMED.finditer(text)], text
    for m in _PLAIN_NAMED.finditer(text):
        assert _NAMED.search(text, m.start()).span() == m.span()  # type: ignore[union-attr]
    for at in range(len(text) + 1):
        assert _points_elsewhere(text, at) == bool(_SEE.search(text, 0, at)), (text, at)


def test_named_items_and_pointers_are_found_as_the_plain_patterns_find_them(ccl: etree._Element) -> None:
    for note in ccl.iter("NOTE"):
        _named_the_plain_way(plain(joined(note, list(note))))


_WORDS = st.sampled_from(["see", "See also", "cf.", "ECCN", "ECCNs", "3A001", ".b.2", "This entry", "this ECCN",
                          "x", "-", ".", " ", "  ", "\n", "\u00a0", "1", "T", "e.g."])


@given(st.lists(_WORDS, max_size=12).map("".join))
def test_named_items_and_pointers_in_any_text(text: str) -> None:
    _named_the_plain_way(text)
