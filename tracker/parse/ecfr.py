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
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from tracker.citations import SECTION_NUMBER, appendix_name, section_number, unify_dashes
from tracker.model import Paragraph
from tracker.parse.body import key_body
from tracker.parse.cache import SectionCache, parse_unit, unit_key
from tracker.parse.ccl import parse_ccl, parse_ccl_runs
from tracker.parse.collector import collector_paused
from tracker.parse.pieces import Known, Lazy, Pieces, Unparsable
from tracker.parse.records import Records
from tracker.parse.refs import with_refs
from tracker.parse.split import split
from tracker.parse.tidy import tidy
from tracker.xmltext import (
    SKIP_TAGS,
    check_xml,
    first_child,
    inline_text,
    normalise_ws,
    parse_xml,
    plain,
    read_xml_file,
)

CCL_SUPPLEMENT = "Supplement No. 1 to Part 774"
#: A check of a document's root element that raises to refuse the document (:func:`parse_bytes`).
RootCheck = Callable[[etree._Element], None]

_SECTION_HEAD = re.compile(rf"^§*\s*{SECTION_NUMBER}\s*")
_PART_OF_SUPPLEMENT = re.compile(r"\bPart\s+(\d+)\b", re.I)
#: What no unit's content holds: its heading, and what inline text skips.
_NOT_CONTENT = SKIP_TAGS | {"HEAD"}


@collector_paused
def parse_bytes(
    data: bytes,
    name: str = "<input>",
    *,
    cache: SectionCache | None = None,
    refs: bool = True,
    check: RootCheck | None = None,
) -> list[Paragraph]:
    """Parse eCFR XML bytes into paragraph records (raises :class:`ParseError` on bad input); with a ``cache``, the
    sections, supplements and CCL entries it holds are not parsed again (:mod:`tracker.parse.cache`); without
    ``refs``, the records carry no references (the store finds them for new texts only).

    The bytes are cut into units first (:mod:`tracker.parse.split`), each parsed on its own only when needed (the
    CCL entry by entry, never as one tree); where they cannot be cut for sure, or a piece is not well-formed on
    its own, the document is parsed whole: the same records either way, the same :class:`ParseError`. ``check``,
    when given, is called with the root element before any unit is parsed, and may raise to refuse the document:
    on the cut path the root is the skeleton (every element and attribute outside the sections and supplements,
    each of those with its attributes but no content)."""
    check_xml(data, name)
    if cache is not None:
        cache.start_document()
    records = _split_records(data, cache, check)
    if records is None:
        root = parse_xml(data, name)
        if check is not None:
            check(root)
        tidy(root)
        records = _Walk(Records(cache=cache)).document(root)
    return _with_refs(records) if refs else records


def parse_file(path: str | Path, *, cache: SectionCache | None = None, refs: bool = True) -> list[Paragraph]:
    """Parse an eCFR XML file into paragraph records."""
    return parse_bytes(read_xml_file(path), str(Path(path)), cache=cache, refs=refs)


def parse_tree(
    tree: etree._ElementTree, *, cache: SectionCache | None = None, refs: bool = True
) -> list[Paragraph]:
    """Records for every Part, section and supplement in an parsed eCFR document (tidied in place by :func:`tidy`);
    the same records with or without a ``cache``; each with its references (:func:`~tracker.parse.refs.with_refs`)
    unless ``refs`` is false."""
    if cache is not None:
        cache.start_document()
    root = tree.getroot()
    tidy(root)
    records = _Walk(Records(cache=cache)).document(root)
    return _with_refs(records) if refs else records


#: Records given their references at a time (so that the records of a large Part are never held twice).
_REFS_SLICE = 1000


def _with_refs(records: list[Paragraph]) -> list[Paragraph]:
    """:func:`~tracker.parse.refs.with_refs` of ``records``, in place, a slice at a time."""
    for i in range(0, len(records), _REFS_SLICE):
        records[i : i + _REFS_SLICE] = with_refs(records[i : i + _REFS_SLICE])
    return records


def _split_records(
    data: bytes, cache: SectionCache | None, check: RootCheck | None = None
) -> list[Paragraph] | None:
    """The records of ``data`` cut into units, or None where it cannot be (module :mod:`tracker.parse.split`)."""
    known = Known(cache) if cache is not None else None
    cut = split(data, known)
    if cut is None:
        return None
    pieces = Pieces(cut, known)
    root = pieces.skeleton()
    if root is None:
        return None
    if check is not None:
        check(root)
    walk = _Walk(Records(cache=cache), pieces)
    try:
        records = walk.document(root)
    except Unparsable:
        return None
    return records if pieces.all_taken() else None


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
    head = first_child(el, "HEAD")
    return inline_text(head) if head is not None else ""


class _Walk:
    """The walk of a document's units into records ``b``; with ``pieces``, the units it reaches in a skeleton are
    placeholders that ``pieces`` parses when needed."""

    def __init__(self, b: Records, pieces: Pieces | None = None) -> None:
        self.b = b
        self.pieces = pieces

    def document(self, root: etree._Element) -> list[Paragraph]:
        for el in _units(root):
            if el.tag == "DIV5":
                self.part(el)
            elif el.tag == "DIV6":
                self.subpart(el, _part_of(el), None)
            elif el.tag == "DIV8":
                self.section(el, _part_of(el), None)
            else:
                self.appendix(el, _part_of(el), None)
        return self.b.records

    def part(self, div5: etree._Element) -> None:
        part = _part_of(div5)
        key = self.b.add(f"Part {part}", part=part, unit=f"Part {part}", parent=None, kind="part",
                         text=_head(div5), heading=_head(div5))
        self.children(div5, part, key)

    def children(self, container: etree._Element, part: str, parent: str) -> None:
        """Subparts, sections, supplements and notes inside a Part or subpart."""
        b = self.b
        for el in container:
            tag = el.tag
            if not isinstance(tag, str) or tag in _NOT_CONTENT:
                continue
            if tag in ("DIV6", "DIV7"):
                self.subpart(el, part, parent)
            elif tag == "DIV8":
                self.section(el, part, parent)
            elif tag == "DIV9":
                self.appendix(el, part, parent)
            elif tag in ("AUTH", "SOURCE"):
                label = "Authority" if tag == "AUTH" else "Source"
                b.add(f"Part {part} {label}", part=part, unit=f"Part {part}", parent=parent, kind="authority",
                      text=inline_text(el))
            else:
                key_body(b, [el], part=part, unit=parent, prefix=parent, parent=parent)

    def subpart(self, div: etree._Element, part: str, parent: str | None) -> None:
        label = "Subpart" if div.tag == "DIV6" else "Subject group"
        n = _clean_n(div.get("N", "")) or str(self.b.next_number(f"{part}/{label}"))
        key = self.b.add(f"Part {part} {label} {n}", part=part, unit=f"Part {part}", parent=parent,
                         kind="subpart", text=_head(div), heading=_head(div))
        self.children(div, part, key)

    def section(self, div8: etree._Element, part: str, parent: str | None) -> None:
        b = self.b
        lazy = self.pieces.lazy(div8, "section", b.cache, part, parent) if self.pieces else None
        if lazy is None:
            key = unit_key(b.cache, "section", [div8], part, parent)
            parse_unit(b, key, lambda r: _section_records(r, div8, part, parent), b.cache)
        else:
            parse_unit(b, lazy.key, lambda r: _section_records(r, lazy.element(), part, parent), b.cache)

    def appendix(self, div9: etree._Element, part: str, parent: str | None) -> None:
        b = self.b
        # The CCL is not a unit itself: its entries are (one serialisation of it, not two).
        ccl = _appendix_name(div9).lower() == CCL_SUPPLEMENT.lower()
        lazy = self.pieces.lazy(div9, "appendix", b.cache, part, parent) if self.pieces else None
        if lazy is None:
            key = None if ccl else unit_key(b.cache, "appendix", [div9], part, parent)
            parse_unit(b, key, lambda r: _appendix_records(r, div9, part, parent), b.cache)
        elif ccl:
            self.ccl(div9, lazy, part, parent)
        else:
            parse_unit(b, lazy.key, lambda r: _appendix_records(r, lazy.element(), part, parent), b.cache)

    def ccl(self, div9: etree._Element, lazy: Lazy, part: str, parent: str | None) -> None:
        """The CCL named so by its ``N``, read run by run from its bytes (whole when its first run has no HEAD)."""
        b = self.b
        head, runs = lazy.ccl_runs()
        if head is None:
            _appendix_records(b, lazy.element(), part, parent)
            return
        n = _appendix_name(div9)
        key = b.add(n, part=part, unit=n, parent=parent, kind="appendix", text=head, heading=head)
        keys: set[str] = set()  # the CCL's keys, taken into b's as a set
        b.extend(parse_ccl_runs(runs, part=part, parent=key, order=len(b.records), cache=b.cache, keys=keys), keys)


def _section_records(b: Records, div8: etree._Element, part: str, parent: str | None) -> None:
    n = _clean_n(div8.get("N", ""))
    section = section_number(n) or n
    head = _head(div8)
    heading = normalise_ws(_SECTION_HEAD.sub("", plain(head)))
    b.add(section, part=part, unit=section, parent=parent, kind="section", text=head, heading=heading)
    key_body(b, div8, part=part, unit=section, prefix=section, parent=section,
             definitions="definition" in heading.lower(), skip=_NOT_CONTENT)


def _appendix_records(b: Records, div9: etree._Element, part: str, parent: str | None) -> None:
    n = _appendix_name(div9)
    head = _head(div9)
    key = b.add(n, part=part, unit=n, parent=parent, kind="appendix", text=head, heading=head)
    if n.lower() == CCL_SUPPLEMENT.lower():
        b.extend(parse_ccl(div9, part=part, parent=key, order=len(b.records), cache=b.cache))
        return
    key_body(b, div9, part=part, unit=key, prefix=f"{key} ", parent=key, skip=_NOT_CONTENT)


def _appendix_name(div9: etree._Element) -> str:
    return appendix_name(_clean_n(div9.get("N", ""))) or _head(div9)
