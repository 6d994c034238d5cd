"""eCFR XML → keyed paragraph records.

Reads the versioner API's ``full/{date}/title-15.xml?part=N`` responses (a ``DIV5`` Part with
``DIV6`` subparts, ``DIV8`` sections and ``DIV9`` supplements), single sections or supplements,
whole-title files and the GovInfo bulk eCFR (``DLPSTEXTCLASS``). Every element of regulatory text
becomes exactly one record, so nothing is dropped or doubled:

>>> xml = b'''<DIV8 N="740.10" TYPE="SECTION"><HEAD>\\xc2\\xa7 740.10 License Exception RPL.</HEAD>
... <P>(a) <I>Parts</I>\\xe2\\x80\\x94(1) <I>Scope.</I> The provisions of this paragraph (a).</P>
... <P>(2) <I>One-for-one.</I> (i) The terms.</P></DIV8>'''
>>> [p.citation for p in parse_bytes(xml)]
['740.10', '740.10(a)', '740.10(a)(1)', '740.10(a)(2)', '740.10(a)(2)(i)']

The body of each section and supplement is keyed by :mod:`tracker.parse.body`; the Commerce Control List
(Supplement No. 1 to Part 774) is handed to :mod:`tracker.parse.ccl`. Both build records with
:class:`tracker.parse.records.Records`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tracker.citations import SECTION_NUMBER, appendix_name, section_number, unify_dashes
from tracker.model import Paragraph
from tracker.parse.body import key_body
from tracker.parse.cache import SectionCache, parse_unit, unit_key
from tracker.parse.ccl import parse_ccl
from tracker.parse.records import Records
from tracker.parse.refs import with_refs
from tracker.xmltext import SKIP_TAGS, inline_text, load_xml, load_xml_file, normalise_ws, plain

CCL_SUPPLEMENT = "Supplement No. 1 to Part 774"

_SECTION_HEAD = re.compile(rf"^§*\s*{SECTION_NUMBER}\s*")
_PART_OF_SUPPLEMENT = re.compile(r"\bPart\s+(\d+)\b", re.I)


def parse_bytes(
    data: bytes, name: str = "<input>", *, cache: SectionCache | None = None, refs: bool = True
) -> list[Paragraph]:
    """Parse eCFR XML bytes into paragraph records (raises :class:`ParseError` on bad input); with a ``cache``, the
    sections, supplements and CCL entries it holds are not parsed again (:mod:`tracker.parse.cache`); without
    ``refs``, the records carry no references (the store finds them for new texts only)."""
    return parse_tree(load_xml(data, name), cache=cache, refs=refs)


def parse_file(path: str | Path, *, cache: SectionCache | None = None, refs: bool = True) -> list[Paragraph]:
    """Parse an eCFR XML file into paragraph records."""
    return parse_tree(load_xml_file(path), cache=cache, refs=refs)


def parse_tree(
    tree: etree._ElementTree, *, cache: SectionCache | None = None, refs: bool = True
) -> list[Paragraph]:
    """Records for every Part, section and supplement in an parsed eCFR document (tidied in place by :func:`tidy`);
    the same records with or without a ``cache``; each with its references (:func:`~tracker.parse.refs.with_refs`)
    unless ``refs`` is false."""
    b = Records(cache=cache)
    if cache is not None:
        cache.start_document()
    root = tree.getroot()
    tidy(root)
    for el in _units(root):
        if el.tag == "DIV5":
            _part(b, el)
        elif el.tag == "DIV6":
            _subpart(b, el, _part_of(el), None)
        elif el.tag == "DIV8":
            _section(b, el, _part_of(el), None)
        else:
            _appendix(b, el, _part_of(el), None)
    return with_refs(b.records) if refs else b.records


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


#: Whether an element's text or any text below it holds a zero-width character (searched in C).
_HOLDS_INVISIBLE = etree.XPath(" or ".join(f"contains(., '{c}')" for c in "\u200b\u2060\ufeff"))
_LOOSE = etree.XPath("text()[normalize-space()]")


def _loose_texts(div: etree._Element) -> list[etree._ElementUnicodeResult]:
    """The texts right inside an element (its text, its children's tails) that hold more than XML whitespace."""
    found = _LOOSE(div)
    return [t for t in found if isinstance(t, etree._ElementUnicodeResult)] if isinstance(found, list) else []


def _drop_invisible(el: etree._Element) -> None:
    """Drop the zero-width characters of ``el``'s text and of everything below it, searching only where there are
    any (a whole Part is searched in C, at once)."""
    if not _HOLDS_INVISIBLE(el):
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


def _units(root: etree._Element) -> Iterator[etree._Element]:
    """The outermost Part/subpart/section/supplement elements of a document."""
    if root.tag in ("DIV5", "DIV6", "DIV8", "DIV9"):
        yield root
        return
    yield from root.iter("DIV5")


def _clean_n(n: str) -> str:
    """A DIV's ``N`` as a key part: no section sign, one kind of dash ("Parts 23–49" and "23-49" are one key)."""
    return unify_dashes(normalise_ws(n.replace("§", "")))


def _part_of(el: etree._Element) -> str:
    n = _clean_n(el.get("N", ""))
    if el.tag == "DIV5":
        return n
    section = section_number(n)
    if section:
        return section.split(".")[0]
    m = _PART_OF_SUPPLEMENT.search(n)
    if m:
        return m.group(1)
    for anc in el.iterancestors("DIV5"):
        return _clean_n(anc.get("N", ""))
    return n


def _head(el: etree._Element) -> str:
    head = el.find("HEAD")
    return inline_text(head) if head is not None else ""


def _part(b: Records, div5: etree._Element) -> None:
    part = _part_of(div5)
    key = b.add(f"Part {part}", part=part, unit=f"Part {part}", parent=None, kind="part", text=_head(div5),
                heading=_head(div5))
    _children(b, div5, part, key)


def _children(b: Records, container: etree._Element, part: str, parent: str) -> None:
    """Subparts, sections, supplements and notes inside a Part or subpart."""
    for el in container:
        tag = el.tag
        if not isinstance(tag, str) or tag in ("HEAD", *SKIP_TAGS):
            continue
        if tag in ("DIV6", "DIV7"):
            _subpart(b, el, part, parent)
        elif tag == "DIV8":
            _section(b, el, part, parent)
        elif tag == "DIV9":
            _appendix(b, el, part, parent)
        elif tag in ("AUTH", "SOURCE"):
            label = "Authority" if tag == "AUTH" else "Source"
            b.add(f"Part {part} {label}", part=part, unit=f"Part {part}", parent=parent, kind="authority",
                  text=inline_text(el))
        else:
            key_body(b, [el], part=part, unit=parent, prefix=parent, parent=parent)


def _subpart(b: Records, div: etree._Element, part: str, parent: str | None) -> None:
    label = "Subpart" if div.tag == "DIV6" else "Subject group"
    n = _clean_n(div.get("N", "")) or str(b.next_number(f"{part}/{label}"))
    key = b.add(f"Part {part} {label} {n}", part=part, unit=f"Part {part}", parent=parent, kind="subpart",
                text=_head(div), heading=_head(div))
    _children(b, div, part, key)


def _section(b: Records, div8: etree._Element, part: str, parent: str | None) -> None:
    key = unit_key(b.cache, "section", [div8], part, parent)
    parse_unit(b, key, lambda r: _section_records(r, div8, part, parent), b.cache)


def _section_records(b: Records, div8: etree._Element, part: str, parent: str | None) -> None:
    n = _clean_n(div8.get("N", ""))
    section = section_number(n) or n
    head = _head(div8)
    heading = normalise_ws(_SECTION_HEAD.sub("", plain(head)))
    b.add(section, part=part, unit=section, parent=parent, kind="section", text=head, heading=heading)
    key_body(b, _content(div8), part=part, unit=section, prefix=section, parent=section,
          definitions="definition" in heading.lower())


def _appendix(b: Records, div9: etree._Element, part: str, parent: str | None) -> None:
    # The CCL is not a unit itself: its entries are (one serialisation of it, not two).
    ccl = _appendix_name(div9).lower() == CCL_SUPPLEMENT.lower()
    key = None if ccl else unit_key(b.cache, "appendix", [div9], part, parent)
    parse_unit(b, key, lambda r: _appendix_records(r, div9, part, parent), b.cache)


def _appendix_records(b: Records, div9: etree._Element, part: str, parent: str | None) -> None:
    n = _appendix_name(div9)
    head = _head(div9)
    key = b.add(n, part=part, unit=n, parent=parent, kind="appendix", text=head, heading=head)
    if n.lower() == CCL_SUPPLEMENT.lower():
        b.extend(parse_ccl(div9, part=part, parent=key, order=len(b.records), cache=b.cache))
        return
    key_body(b, _content(div9), part=part, unit=key, prefix=f"{key} ", parent=key)


def _appendix_name(div9: etree._Element) -> str:
    return appendix_name(_clean_n(div9.get("N", ""))) or _head(div9)


def _content(div: etree._Element) -> list[etree._Element]:
    return [el for el in div if isinstance(el.tag, str) and el.tag != "HEAD" and el.tag not in SKIP_TAGS]
