"""The shortcuts of :mod:`tracker.xmltext` and the CCL's table reading give the text the long way gives, on every
element of the real eCFR files (well-formed ones: ``.xml``) and on random trees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.support import ECFR_API, require
from tracker.xmltext import _own, children, first_child, inline_text, normalise_ws, xml_parser

REAL = sorted(p.name for p in ECFR_API.glob("*.xml"))


def _reference(el: etree._Element) -> str:
    """:func:`inline_text` as it was written before its shortcut for an element without children."""
    return normalise_ws(_own(el))


@pytest.mark.parametrize("name", REAL)
def test_inline_text_of_every_real_element_is_the_reference(name: str) -> None:
    root = etree.fromstring(require(ECFR_API / name).read_bytes(), xml_parser())
    for el in root.iter():
        assert inline_text(el) == _reference(el)


@pytest.mark.parametrize("name", REAL)
def test_first_child_and_children_are_find_and_findall_on_every_real_element(name: str) -> None:
    root = etree.fromstring(require(ECFR_API / name).read_bytes(), xml_parser())
    for el in root.iter():
        for tag in {c.tag for c in el if isinstance(c.tag, str)} | {"HEAD", "HED", "ROW", "TR"}:
            assert first_child(el, tag) is el.find(tag)
            assert children(el, tag) == el.findall(tag)


_TAGS = st.sampled_from(["P", "I", "B", "E", "SU", "XREF", "br", "TD", "FP-1"])
_TEXT = st.one_of(st.none(), st.text(alphabet=" \t\n*^_|\\a.B:", max_size=6))


@st.composite
def _trees(draw: st.DrawFn, depth: int = 3) -> etree._Element:
    el = etree.Element(draw(_TAGS))
    el.text = draw(_TEXT)
    for _ in range(draw(st.integers(0, 3)) if depth else 0):
        child = draw(_trees(depth - 1))
        child.tail = draw(_TEXT)
        el.append(child)
    return el


@given(_trees())
def test_inline_text_of_random_trees_is_the_reference(tree: etree._Element) -> None:
    for el in tree.iter():
        assert inline_text(el) == _reference(el)


def test_normalise_ws_of_every_ascii_character_in_a_text_is_split_and_joined() -> None:
    for code in range(128):
        for text in (f"a{chr(code)}b", f"{chr(code)}ab", f"ab{chr(code)}", f"a {chr(code)} b", chr(code)):
            assert normalise_ws(text) == " ".join(text.split()), repr(text)


def test_normalise_ws_of_every_character_in_a_long_text_is_split_and_joined() -> None:
    long = "a" * 120  # ASCII text this long is searched for whitespace, not asked whether it is printable
    for ch in map(chr, [*range(128), 0x85, 0xA0, 0x2003, 0x2028]):
        for text in (f"{long}{ch}b", f"{ch}{long}", f"{long}{ch}", f"{long} {ch} b", f"{long}{ch}{ch}b"):
            assert normalise_ws(text) == " ".join(text.split()), repr(ch)


@given(st.text(alphabet=st.sampled_from([*map(chr, range(128)), "\x85", "\xa0", "\u2003", "\u2028", "é", "“"])))
def test_normalise_ws_is_split_and_joined(text: str) -> None:
    assert normalise_ws(text) == " ".join(text.split())
    assert normalise_ws(f"{text:>100}") == " ".join(text.split())  # long enough to be searched
