"""The CCL walk's shortcuts give what the long way gives, on every element of the real eCFR files (well-formed
ones: ``.xml``) and on random texts: :func:`~tracker.parse.ccl_shapes.unmarked` and
:func:`~tracker.parse.ccl_shapes.ends_with_colon` of normalised inline text are :func:`~tracker.xmltext.plain`'s."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.support import ECFR_API, require
from tracker.parse.ccl_shapes import ends_with_colon, joined, unmarked
from tracker.xmltext import SKIP_TAGS, inline_text, normalise_ws, plain, xml_parser

REAL = sorted(p.name for p in ECFR_API.glob("*.xml"))


def _check(text: str) -> None:
    assert unmarked(text) == plain(text), text
    assert ends_with_colon(text) == plain(text).endswith(":"), text


@pytest.mark.parametrize("name", REAL)
def test_shortcuts_on_every_real_element(name: str) -> None:
    root = etree.fromstring(require(ECFR_API / name).read_bytes(), xml_parser())
    for el in root.iter():
        _check(inline_text(el))
        _check(joined(el, list(el)))


@given(st.text(alphabet=" \t\n*^_|\\a.B:", max_size=12))
def test_shortcuts_on_random_normalised_texts(text: str) -> None:
    el = etree.Element("P")
    el.text = text
    _check(inline_text(el))
    _check(normalise_ws(text))


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
