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

The Commerce Control List (Supplement No. 1 to Part 774) is handed to :mod:`tracker.parse.ccl`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tracker.citations import unify_dashes, unique_key
from tracker.model import Paragraph
from tracker.parse.markers import resolve_levels, split_markers
from tracker.parse.refs import extract_refs
from tracker.parse.xmltext import SKIP_TAGS, inline_text, load_xml, load_xml_file, normalise_ws, plain

CCL_SUPPLEMENT = "Supplement No. 1 to Part 774"

_TEXT_TAGS = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH", "PSPACE", "HED"})
_HEADING_TAGS = frozenset({"HD1", "HD2", "HD3", "HD4", "HD5", "HED"})
_NOTE_NUMBER = re.compile(r"^\W*(Note|Technical Note|N\.B\.)s?\s*(\d+)?", re.I)
_NOTE_LABELS = {"note": "Note", "technical note": "Technical Note", "n.b.": "N.B."}
_NOTE_TARGET = re.compile(r"\bto\s+paragraphs?\s+((?:\([^)\s]{1,6}\))+)")
_SECTION_N = re.compile(r"(\d+\.\d+[a-z]?)")
_PART_OF_SUPPLEMENT = re.compile(r"\bPart\s+(\d+)\b", re.I)
_DEFINITION = re.compile(r"^[\"“]([^\"”]{1,120})[\"”]")


@dataclass
class _Builder:
    """Collects records with unique keys and document order."""

    records: list[Paragraph] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)

    def next_number(self, scope: str) -> int:
        self.counters[scope] = self.counters.get(scope, 0) + 1
        return self.counters[scope]

    def add(
        self,
        key: str,
        *,
        part: str,
        unit: str,
        parent: str | None,
        kind: str,
        text: str,
        marker: str = "",
        heading: str = "",
    ) -> str:
        citation = unique_key(key, self.keys)
        self.keys.add(citation)
        refs = extract_refs(text, unit=unit, part=part) if text else ()
        self.records.append(
            Paragraph(
                citation=citation,
                part=part,
                unit=unit,
                parent=parent,
                marker=marker,
                kind=kind,
                heading=heading,
                text=text,
                order=len(self.records),
                refs=refs,
            )
        )
        return citation

    def extend(self, records: Iterable[Paragraph]) -> None:
        for r in records:
            self.keys.add(r.citation)
            self.records.append(r)


def parse_bytes(data: bytes, name: str = "<input>") -> list[Paragraph]:
    """Parse eCFR XML bytes into paragraph records (raises :class:`ParseError` on bad input)."""
    return parse_tree(load_xml(data, name))


def parse_file(path: str | Path) -> list[Paragraph]:
    """Parse an eCFR XML file into paragraph records."""
    return parse_tree(load_xml_file(path))


def parse_tree(tree: etree._ElementTree) -> list[Paragraph]:
    """Records for every Part, section and supplement in an parsed eCFR document (tidied in place by :func:`tidy`)."""
    b = _Builder()
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
    return b.records


#: Zero-width space, word joiner, zero-width no-break space (BOM): they mark line breaks, never text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
_DIV = re.compile(r"DIV\d$")


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
    for el in root.iter():
        if el.text:
            el.text = el.text.translate(_INVISIBLE)
        if el.tail:
            el.tail = el.tail.translate(_INVISIBLE)
    for div in [el for el in root.iter() if isinstance(el.tag, str) and _DIV.match(el.tag)]:
        if div.text and div.text.strip():
            div.insert(0, _loose(div.text))
            div.text = None
        for child in list(div):
            if child.tail and child.tail.strip():
                child.addnext(_loose(child.tail))
                child.tail = None


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
    m = _SECTION_N.match(n)
    if m:
        return m.group(1).split(".")[0]
    m = _PART_OF_SUPPLEMENT.search(n)
    if m:
        return m.group(1)
    for anc in el.iterancestors("DIV5"):
        return _clean_n(anc.get("N", ""))
    return n


def _head(el: etree._Element) -> str:
    head = el.find("HEAD")
    return inline_text(head) if head is not None else ""


def _part(b: _Builder, div5: etree._Element) -> None:
    part = _part_of(div5)
    key = b.add(f"Part {part}", part=part, unit=f"Part {part}", parent=None, kind="part", text=_head(div5),
                heading=_head(div5))
    _children(b, div5, part, key)


def _children(b: _Builder, container: etree._Element, part: str, parent: str) -> None:
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
            _body(b, [el], part=part, unit=parent, prefix=parent, parent=parent)


def _subpart(b: _Builder, div: etree._Element, part: str, parent: str | None) -> None:
    label = "Subpart" if div.tag == "DIV6" else "Subject group"
    n = _clean_n(div.get("N", "")) or str(b.next_number(f"{part}/{label}"))
    key = b.add(f"Part {part} {label} {n}", part=part, unit=f"Part {part}", parent=parent, kind="subpart",
                text=_head(div), heading=_head(div))
    _children(b, div, part, key)


def _section(b: _Builder, div8: etree._Element, part: str, parent: str | None) -> None:
    n = _clean_n(div8.get("N", ""))
    m = _SECTION_N.match(n)
    section = m.group(1) if m else n
    head = _head(div8)
    heading = normalise_ws(re.sub(r"^§+\s*[\d.]+[a-z]?\s*", "", plain(head)))
    b.add(section, part=part, unit=section, parent=parent, kind="section", text=head, heading=heading)
    _body(b, _content(div8), part=part, unit=section, prefix=section, parent=section,
          definitions="definition" in heading.lower())


def _appendix(b: _Builder, div9: etree._Element, part: str, parent: str | None) -> None:
    n = _clean_n(div9.get("N", "")) or _head(div9)
    head = _head(div9)
    key = b.add(n, part=part, unit=n, parent=parent, kind="appendix", text=head, heading=head)
    if n.lower() == CCL_SUPPLEMENT.lower():
        from tracker.parse.ccl import parse_ccl

        b.extend(parse_ccl(div9, part=part, parent=key, order=len(b.records)))
        return
    _body(b, _content(div9), part=part, unit=key, prefix=f"{key} ", parent=key)


def _content(div: etree._Element) -> list[etree._Element]:
    return [el for el in div if isinstance(el.tag, str) and el.tag != "HEAD" and el.tag not in SKIP_TAGS]


@dataclass
class _Piece:
    """One marked or unmarked run of a text element, before keys are assigned."""

    markers: tuple[str, ...]
    text: str


def _body(
    b: _Builder,
    elements: list[etree._Element],
    *,
    part: str,
    unit: str,
    prefix: str,
    parent: str,
    definitions: bool = False,
) -> None:
    """Key the content of a section or supplement.

    Designated paragraphs are keyed ``prefix`` + ``(a)(1)(i)``; levels are resolved over the
    whole run of markers (restarting after each defined term in a definitions section).
    """
    # First pass: split text elements into pieces and resolve all markers of each segment.
    elements, footnotes = _unwrap_footnotes(elements)
    plan: list[tuple[etree._Element, list[_Piece]]] = []
    segments: list[list[_Piece]] = [[]]
    for el in elements:
        pieces: list[_Piece] = []
        if el.tag in _TEXT_TAGS and el not in footnotes:
            text = inline_text(el)
            if definitions and _DEFINITION.match(plain(text)):
                segments.append([])
            pieces = [_Piece(m, t) for m, t in split_markers(text)]
            segments[-1].extend(p for p in pieces if p.markers)
        plan.append((el, pieces))
    depths: dict[int, list] = {}
    for seg in segments:
        flat = [raw for piece in seg for raw in piece.markers]
        resolved = iter(resolve_levels(flat)) if flat else iter(())
        for piece in seg:
            depths[id(piece)] = [next(resolved) for _ in piece.markers]

    # Second pass: assign keys in document order.
    stack: list[str] = []  # citation per depth of the designated paragraphs now open
    base = prefix
    base_parent = parent
    context = parent  # where notes, tables and unmarked text attach

    for el, pieces in plan:
        tag = el.tag
        if el in footnotes:
            num = b.next_number(f"footnote:{unit}")
            b.add(f"{unit} Footnote {num}", part=part, unit=unit, parent=unit, kind="note", text=inline_text(el))
        elif tag in _TEXT_TAGS:
            for piece in pieces:
                if not piece.markers:
                    text_plain = plain(piece.text)
                    dm = _DEFINITION.match(text_plain) if definitions else None
                    if dm:
                        base_parent = b.add(f"{unit} “{dm.group(1).strip(' ,.')}”", part=part, unit=unit,
                                            parent=parent, kind="paragraph", text=piece.text)
                        base, stack, context = base_parent, [], base_parent
                        continue
                    if piece.text:
                        num = b.next_number(f"text:{context}")
                        b.add(f"{context} ¶{num}", part=part, unit=unit, parent=context, kind="text",
                              text=piece.text)
                    continue
                marks = depths[id(piece)]
                for i, mk in enumerate(marks):
                    del stack[mk.depth :]
                    up = stack[-1] if stack else base_parent
                    key = f"{base if not stack else stack[-1]}({mk.label})"
                    last = i == len(marks) - 1
                    if last:
                        cit = b.add(key, part=part, unit=unit, parent=up, kind="paragraph",
                                    marker="".join(m.raw for m in marks), text=piece.text,
                                    heading=_italic_heading(piece.text, piece.markers))
                    elif key in b.keys:
                        cit = key
                    else:
                        cit = b.add(key, part=part, unit=unit, parent=up, kind="paragraph", marker=mk.raw, text="")
                    stack.append(cit)
                context = stack[-1]
        elif tag in ("NOTE", "EDNOTE", "EXTRACT", "EXAMPLE", "CITA"):
            _block(b, el, part=part, unit=unit, prefix=base, context=context)
        elif tag in ("HD1", "HD2", "HD3", "HD4", "HD5"):
            text = inline_text(el)
            key = f"{unit}, {short_heading(text)}"
            context = b.add(key, part=part, unit=unit, parent=parent, kind="heading", text=text, heading=text)
            stack = []
        elif tag in ("SCOL2", "LI", "UL", "OL"):
            for li in (el.iter("LI") if tag != "LI" else [el]):
                text = inline_text(li)
                b.add(f"{context} [{_short(text)}]", part=part, unit=unit, parent=context, kind="row", text=text)
        elif tag in ("GPOTABLE", "DIV", "TABLE"):
            _tables(b, el, part=part, unit=unit, context=context)
        else:
            text = inline_text(el)
            if text:
                num = b.next_number(f"text:{context}")
                b.add(f"{context} ¶{num}", part=part, unit=unit, parent=context, kind="text", text=text)


def _unwrap_footnotes(elements: list[etree._Element]) -> tuple[list[etree._Element], set[etree._Element]]:
    """Replace each FTNT by its paragraphs; return them and the set that are footnote text.

    The eCFR sometimes leaves a footnote open so that it swallows the rest of the section
    (§ 740.12 on 2026-09-01): only paragraphs opening with the footnote number are footnote text.
    """
    out: list[etree._Element] = []
    notes: set[etree._Element] = set()
    for el in elements:
        if el.tag != "FTNT":
            out.append(el)
            continue
        for child in el:
            if not isinstance(child.tag, str):
                continue
            out.append(child)
            first = next(iter(child), None)
            if not (child.text or "").strip() and first is not None and first.tag in ("SU", "sup"):
                notes.add(child)
    return out, notes


def _italic_heading(text: str, markers: tuple[str, ...]) -> str:
    """The italic subject heading right after the markers (``(1) *Scope.* …`` → ``Scope.``)."""
    rest = text[len("".join(markers)) :].lstrip() if text.startswith("".join(markers)) else ""
    m = re.match(r"^\*([^*]+)\*", rest)
    return m.group(1).strip() if m else ""


def short_heading(text: str) -> str:
    """A heading's key: the words before an em-dash (``Country Group B—Countries`` → ``Country Group B``)."""
    return _short(re.split(r"\s*—\s*", plain(text), maxsplit=1)[0])


def _short(text: str, limit: int = 80) -> str:
    s = plain(text)
    return s if len(s) <= limit else s[:limit].rstrip() + "…"


def _block(b: _Builder, el: etree._Element, *, part: str, unit: str, prefix: str, context: str) -> None:
    """A NOTE, editorial note, extract, example, footnote or source note: one record each."""
    tag = el.tag
    text = inline_text(el)
    if tag == "CITA":
        b.add(f"{unit} Source", part=part, unit=unit, parent=unit, kind="source", text=text)
        return
    if tag == "EDNOTE":
        b.add(f"{unit} Editorial Note", part=part, unit=unit, parent=unit, kind="ednote", text=text)
        return
    if tag in ("EXTRACT", "EXAMPLE"):
        label = tag.title()
        b.add(f"{context} {label}", part=part, unit=unit, parent=context, kind="extract", text=text)
        return
    hed = el.find("HED")
    hed_text = plain(inline_text(hed)) if hed is not None else ""
    parent = context
    target = _NOTE_TARGET.search(hed_text)
    if target and f"{prefix.strip()}{target.group(1)}" in b.keys:
        parent = f"{prefix.strip()}{target.group(1)}"
    m = _NOTE_NUMBER.match(hed_text)
    label = f"{_NOTE_LABELS[m.group(1).lower()]} {m.group(2) or ''}".strip() if m else "Note"
    b.add(f"{parent} {label}", part=part, unit=unit, parent=parent, kind="note", text=text, heading=hed_text)


def _cells(row: etree._Element) -> list[str]:
    return [inline_text(c) for c in row if isinstance(c.tag, str) and c.tag in ("TD", "TH", "ENT", "CHED")]


def _tables(b: _Builder, el: etree._Element, *, part: str, unit: str, context: str) -> None:
    """Each table: a record for its caption and header, then one record per row keyed by its first cell."""
    tables = [el] if el.tag in ("TABLE", "GPOTABLE") else list(el.iter("TABLE", "GPOTABLE"))
    if not tables:
        text = inline_text(el)
        if text:
            num = b.next_number(f"text:{context}")
            b.add(f"{context} ¶{num}", part=part, unit=unit, parent=context, kind="text", text=text)
        return
    for table in tables:
        caption_el = table.find("CAPTION") if table.tag == "TABLE" else table.find("TTITLE")
        caption = inline_text(caption_el) if caption_el is not None else ""
        head_rows = table.findall("THEAD/TR") if table.tag == "TABLE" else table.findall("BOXHD")
        header = " | ".join(" | ".join(_cells(r)) for r in head_rows)
        key = f"{unit}, {short_heading(caption)}" if caption else f"{context} Table {b.next_number(f'table:{context}')}"
        table_key = b.add(key, part=part, unit=unit, parent=context, kind="table",
                          text=normalise_ws(f"{caption} {header}"), heading=plain(caption))
        body_rows = (
            table.findall("TBODY/TR") + table.findall("TR") if table.tag == "TABLE" else table.findall("ROW")
        )
        for row in body_rows:
            cells = _cells(row)
            b.add(f"{table_key} [{_short(cells[0]) if cells and cells[0] else '—'}]", part=part, unit=unit,
                  parent=table_key, kind="row", text=" | ".join(cells))
        for i, row in enumerate(table.findall("TFOOT/TR"), 1):
            b.add(f"{table_key} Footnote {i}", part=part, unit=unit, parent=table_key, kind="note",
                  text=" | ".join(_cells(row)))
