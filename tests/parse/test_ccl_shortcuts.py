"""The CCL walk's shortcuts give what the long way gives, on every element of the real eCFR files (well-formed
ones: ``.xml``) and on random trees and texts: :func:`~tracker.parse.ccl_shapes.unmarked` and
:func:`~tracker.parse.ccl_shapes.ends_with_colon` of inline text are :func:`~tracker.xmltext.plain`'s
(``ends_with_colon`` of any normalised text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.support import ECFR_API, require
from tests.test_xmltext_fast import _trees
from tracker.parse.ccl_shapes import ends_with_colon, joined, unmarked
from tracker.xmltext import SKIP_TAGS, inline_text, normalise_ws, plain, xml_parser

REAL = sorted(p.name for p in ECFR_API.glob("*.xml"))


def _check(text: str) -> None:
    """``text`` inline, as :func:`inline_text` gives it."""
    assert unmarked(text) == plain(text), text
    _check_colon(text)


def _check_colon(text: str) -> None:
    """``text`` normalised: :func:`joined`'s, whose own texts and tails are not escaped, or any."""
    assert ends_with_colon(text) == plain(text).endswith(":"), text


@pytest.mark.parametrize("name", REAL)
def test_shortcuts_on_every_real_element(name: str) -> None:
    root = etree.fromstring(require(ECFR_API / name).read_bytes(), xml_parser())
    for el in root.iter():
        _check(inline_text(el))
        _check_colon(joined(el, list(el)))


@given(st.text(alphabet=" \t\n*^_|\\a.B:", max_size=12))
def test_shortcuts_on_random_normalised_texts(text: str) -> None:
    el = etree.Element("P")
    el.text = text
    _check(inline_text(el))
    _check_colon(normalise_ws(text))


@given(_trees())
def test_shortcuts_on_random_trees(tree: etree._Element) -> None:
    """Marks nested and side by side, around spaces and escapes: taken out, they leave normalised text."""
    for el in tree.iter():
        _check(inline_text(el))
        _check_colon(joined(el, list(el)))


def _joined_reference(el: etree._Element, children: list[etree._Element]) -> str:
    """:func:`joined` as it was written before it normalised each text alone."""
    parts = [el.text or ""]
    for child in children:
        if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
            parts.append(inline_text(child))
        parts.append(child.tail or "")
    return normalise_ws(" ".join(parts))


@pytest.mark.parametrize("name", REAL)
def test_joined_on_every_real_element_is_the_reference(name: str) -> None:
    root = etree.fromstring(require(ECFR_API / name).read_bytes(), xml_parser())
    for el in root.iter():
        children = list(el)
        for cut in {0, len(children) // 2, len(children)}:
            assert joined(el, children[:cut]) == _joined_reference(el, children[:cut])
