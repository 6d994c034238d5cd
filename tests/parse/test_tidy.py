"""Tidying a tree parsed from bytes that hold no division element and no zero-width character (most CCL runs) only
wraps its root's loose texts: the shortcut gives the tree the whole tidying gives, on real content and any other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from tests.parse.test_records_identical import real_bytes
from tracker.parse.tidy import tidy, tidy_parsed
from tracker.xmltext import xml_parser

_REAL = ("data/ecfr-api/full-2026-09-01-title-15-part-774.xml", "data/ecfr-api/full-2026-09-01-title-15-part-740.xml")


def _tidied_both_ways(content: bytes, wrapper: bytes = b"DIV9") -> None:
    data = b"<%s>%s</%s>" % (wrapper, content, wrapper)
    whole, short = etree.fromstring(data, xml_parser()), etree.fromstring(data, xml_parser())
    tidy(whole)
    tidy_parsed(short, content)
    assert etree.tostring(short) == etree.tostring(whole), content


def test_real_content_is_tidied_as_the_whole_tidying_does() -> None:
    for name in _REAL:
        root = etree.fromstring(real_bytes(name), xml_parser())
        for div in root.iter("DIV5", "DIV6", "DIV8", "DIV9"):
            for encoding in ("utf-8", "ascii"):  # its characters as themselves, and as references
                children = [etree.tostring(c, encoding=encoding) for c in div]  # each with its tail
                _tidied_both_ways(b"".join(children))
                for child in children:
                    _tidied_both_ways(child)
                    _tidied_both_ways(child, b"P")


_PIECES = st.sampled_from(["<P>a</P>", "loose ", " ", "\n", "\u200b", "\u2060", "\ufeff", "&#8203;", "&#x200b;",
                           "&#x0200B;", "&#65279;", "&#xFEFF;", "&#8288;", "&#8220;", "&#x2061;", "<DIV8>x<P/></DIV8>",
                           "<DIV5/>", "<E>b</E>", "<DIVX>c</DIVX>"])


@given(st.lists(_PIECES, max_size=10).map("".join), st.sampled_from([b"DIV9", b"DIV8", b"P"]))
def test_any_content_is_tidied_as_the_whole_tidying_does(content: str, wrapper: bytes) -> None:
    _tidied_both_ways(content.encode(), wrapper)
