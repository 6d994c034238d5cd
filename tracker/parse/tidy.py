"""Preparing a parsed eCFR document (or one unit of it, parsed on its own) for keying, in place, so that none of
its text is lost. Every step is local to one division element and its own texts, so tidying each unit of a
document on its own gives the tree that tidying the whole document gives."""

from __future__ import annotations

from lxml import etree

#: Zero-width space, word joiner, zero-width no-break space (BOM): they mark line breaks, never text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
#: The eCFR's division elements (Part, subpart, section, supplement …).
_DIVS = tuple(f"DIV{d}" for d in range(10))


def tidy(root: etree._Element) -> None:
    """Prepare a document for keying, in place, so that none of its text is lost.

    Zero-width characters are dropped (the eCFR leaves a stray U+200B between supplements of Part 774),
    and text written loose in a Part, subpart, section or supplement, between its elements, is wrapped
    in a ``P`` of its own, so it is keyed like any other paragraph:

    >>> root = etree.fromstring("<DIV5 N='1'><DIV8 N='1.1'/>(a) Loose.\u200b<DIV8 N='1.2'/></DIV5>")
    >>> tidy(root)
    >>> etree.tostring(root)
    b'<DIV5 N="1"><DIV8 N="1.1"/><P>(a) Loose.</P><DIV8 N="1.2"/></DIV5>'
    """
    _drop_invisible(root)
    for div in list(root.iter(*_DIVS)):
        for loose in _loose_texts(div):
            owner = loose.getparent()
            if owner is None or not loose.strip():  # str.strip() takes more spaces than XML's normalize-space
                continue
            if loose.is_text:
                div.insert(0, _loose(str(loose)))
                div.text = None
            else:
                owner.addnext(_loose(str(loose)))
                owner.tail = None


def _holds_invisible(el: etree._Element) -> bool:
    """Whether an element's text or any text below it holds a zero-width character (its text read once, in C)."""
    text = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return "\u200b" in text or "\u2060" in text or "\ufeff" in text


_LOOSE = etree.XPath("text()[normalize-space()]")


def _loose_texts(div: etree._Element) -> list[etree._ElementUnicodeResult]:
    """The texts right inside an element (its text, its children's tails) that hold more than XML whitespace."""
    if div.text is None and not len(div):
        return []  # an empty element (a placeholder of a split document's skeleton): no texts to search
    found = _LOOSE(div)
    return [t for t in found if isinstance(t, etree._ElementUnicodeResult)] if isinstance(found, list) else []


def _drop_invisible(el: etree._Element) -> None:
    """Drop the zero-width characters of ``el``'s text and of everything below it, searching only where there are
    any (a whole Part is searched in C, at once)."""
    if not _holds_invisible(el):
        return
    if el.text:
        el.text = el.text.translate(_INVISIBLE)
    for child in el:
        if child.tail:
            child.tail = child.tail.translate(_INVISIBLE)
        if isinstance(child.tag, str):
            _drop_invisible(child)


def _loose(text: str) -> etree._Element:
    p = etree.Element("P")
    p.text = text
    return p
