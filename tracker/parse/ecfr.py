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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tracker.citations import unify_dashes
from tracker.model import Paragraph
from tracker.parse.markers import Marker, resolve_levels, split_markers
from tracker.parse.records import Records
from tracker.parse.xmltext import SKIP_TAGS, inline_text, load_xml, load_xml_file, normalise_ws, plain

CCL_SUPPLEMENT = "Supplement No. 1 to Part 774"

_TEXT_TAGS = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH", "PSPACE", "HED"})
_NOTE_NUMBER = re.compile(r"^\W*(Note|Technical Note|N\.B\.)s?\s*(\d+)?", re.I)
_NOTE_LABELS = {"note": "Note", "technical note": "Technical Note", "n.b.": "N.B."}
_NOTE_TARGET = re.compile(r"\bto\s+paragraphs?\s+((?:\([^)\s]{1,6}\))+)")
_SECTION_N = re.compile(r"(\d+\.\d+[a-z]?)")
_PART_OF_SUPPLEMENT = re.compile(r"\bPart\s+(\d+)\b", re.I)
_DEFINITION = re.compile(r"^[\"“]([^\"”]{1,120})[\"”]")


def parse_bytes(data: bytes, name: str = "<input>") -> list[Paragraph]:
    """Parse eCFR XML bytes into paragraph records (raises :class:`ParseError` on bad input)."""
    return parse_tree(load_xml(data, name))


def parse_file(path: str | Path) -> list[Paragraph]:
    """Parse an eCFR XML file into paragraph records."""
    return parse_tree(load_xml_file(path))


def parse_tree(tree: etree._ElementTree) -> list[Paragraph]:
    """Records for every Part, section and supplement in an parsed eCFR document (tidied in place by :func:`tidy`)."""
    b = Records()
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
            _body(b, [el], part=part, unit=parent, prefix=parent, parent=parent)


def _subpart(b: Records, div: etree._Element, part: str, parent: str | None) -> None:
    label = "Subpart" if div.tag == "DIV6" else "Subject group"
    n = _clean_n(div.get("N", "")) or str(b.next_number(f"{part}/{label}"))
    key = b.add(f"Part {part} {label} {n}", part=part, unit=f"Part {part}", parent=parent, kind="subpart",
                text=_head(div), heading=_head(div))
    _children(b, div, part, key)


def _section(b: Records, div8: etree._Element, part: str, parent: str | None) -> None:
    n = _clean_n(div8.get("N", ""))
    m = _SECTION_N.match(n)
    section = m.group(1) if m else n
    head = _head(div8)
    heading = normalise_ws(re.sub(r"^§+\s*[\d.]+[a-z]?\s*", "", plain(head)))
    b.add(section, part=part, unit=section, parent=parent, kind="section", text=head, heading=heading)
    _body(b, _content(div8), part=part, unit=section, prefix=section, parent=section,
          definitions="definition" in heading.lower())


def _appendix(b: Records, div9: etree._Element, part: str, parent: str | None) -> None:
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
    """One marked or unmarked run of a text element; ``levels`` are its markers resolved."""

    markers: tuple[str, ...]
    text: str
    levels: list[Marker] = field(default_factory=list)


@dataclass
class _Cursor:
    """Where the walk of a section or supplement body is; the state its element handlers share."""

    b: Records
    part: str
    unit: str
    parent: str
    base: str  # what designations are appended to: the prefix, or the defined term they follow
    base_parent: str  # the parent of a top-level designated paragraph
    context: str  # where notes, tables and unmarked text attach
    definitions: bool = False
    stack: list[str] = field(default_factory=list)  # citation per depth of the designated paragraphs now open

    def add(self, key: str, *, parent: str, kind: str, text: str, marker: str = "", heading: str = "") -> str:
        return self.b.add(key, part=self.part, unit=self.unit, parent=parent, kind=kind, text=text, marker=marker,
                          heading=heading)

    def add_text(self, text: str) -> None:
        """Unmarked text: ``<context> ¶N``."""
        num = self.b.next_number(f"text:{self.context}")
        self.add(f"{self.context} ¶{num}", parent=self.context, kind="text", text=text)


def _body(
    b: Records,
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
    elements, footnotes = _unwrap_footnotes(elements)
    cur = _Cursor(b, part, unit, parent, base=prefix, base_parent=parent, context=parent, definitions=definitions)
    for el, pieces in _plan(elements, footnotes, definitions):
        handler = _footnote if el in footnotes else _HANDLERS.get(el.tag, _other)
        handler(cur, el, pieces)


def _plan(
    elements: list[etree._Element], footnotes: set[etree._Element], definitions: bool
) -> list[tuple[etree._Element, list[_Piece]]]:
    """Each element with its text pieces, the markers of each segment resolved together."""
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
    for seg in segments:
        resolved = iter(resolve_levels([raw for piece in seg for raw in piece.markers]) if seg else ())
        for piece in seg:
            piece.levels = [next(resolved) for _ in piece.markers]
    return plan


def _footnote(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    num = cur.b.next_number(f"footnote:{cur.unit}")
    cur.add(f"{cur.unit} Footnote {num}", parent=cur.unit, kind="note", text=inline_text(el))


def _text(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    """A ``P``-like element: designated paragraphs, defined terms, unmarked text."""
    for piece in pieces:
        if piece.markers:
            _designated(cur, piece)
        elif not _defined_term(cur, piece.text) and piece.text:
            cur.add_text(piece.text)


def _defined_term(cur: _Cursor, text: str) -> bool:
    """In a definitions section, an unmarked paragraph opening with a quoted term: designations restart under it."""
    m = _DEFINITION.match(plain(text)) if cur.definitions else None
    if not m:
        return False
    term = cur.add(f"{cur.unit} “{m.group(1).strip(' ,.')}”", parent=cur.parent, kind="paragraph", text=text)
    cur.base = cur.base_parent = cur.context = term
    cur.stack = []
    return True


def _designated(cur: _Cursor, piece: _Piece) -> None:
    """``(g)(1)(i) The …``: one record per marker (the outer ones empty unless already keyed), text on the last."""
    marks = piece.levels
    for i, mk in enumerate(marks):
        del cur.stack[mk.depth :]
        up = cur.stack[-1] if cur.stack else cur.base_parent
        key = f"{cur.stack[-1] if cur.stack else cur.base}({mk.label})"
        if i == len(marks) - 1:
            cit = cur.add(key, parent=up, kind="paragraph", marker="".join(m.raw for m in marks), text=piece.text,
                          heading=_italic_heading(piece.text, piece.markers))
        elif key in cur.b.keys:
            cit = key
        else:
            cit = cur.add(key, parent=up, kind="paragraph", marker=mk.raw, text="")
        cur.stack.append(cit)
    cur.context = cur.stack[-1]


def _heading(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    """``HD1``…``HD5``: ``<unit>, <heading>``; what follows attaches to it."""
    text = inline_text(el)
    cur.context = cur.add(f"{cur.unit}, {short_heading(text)}", parent=cur.parent, kind="heading", text=text,
                          heading=text)
    cur.stack = []


def _list(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    """Each list entry: ``<context> [<its words>]``."""
    for li in el.iter("LI") if el.tag != "LI" else [el]:
        text = inline_text(li)
        cur.add(f"{cur.context} [{_short(text)}]", parent=cur.context, kind="row", text=text)


def _other(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    text = inline_text(el)
    if text:
        cur.add_text(text)


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


def _block(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    """A NOTE, editorial note, extract, example or source note: one record each."""
    tag = el.tag
    text = inline_text(el)
    if tag == "CITA":
        cur.add(f"{cur.unit} Source", parent=cur.unit, kind="source", text=text)
    elif tag == "EDNOTE":
        cur.add(f"{cur.unit} Editorial Note", parent=cur.unit, kind="ednote", text=text)
    elif tag in ("EXTRACT", "EXAMPLE"):
        cur.add(f"{cur.context} {tag.title()}", parent=cur.context, kind="extract", text=text)
    else:
        _note(cur, el, text)


def _note(cur: _Cursor, el: etree._Element, text: str) -> None:
    """A NOTE keyed by its label under the paragraph it follows, or the one it names (``Note to paragraph (b)``)."""
    hed = el.find("HED")
    hed_text = plain(inline_text(hed)) if hed is not None else ""
    parent = cur.context
    target = _NOTE_TARGET.search(hed_text)
    if target and f"{cur.base.strip()}{target.group(1)}" in cur.b.keys:
        parent = f"{cur.base.strip()}{target.group(1)}"
    m = _NOTE_NUMBER.match(hed_text)
    label = f"{_NOTE_LABELS[m.group(1).lower()]} {m.group(2) or ''}".strip() if m else "Note"
    cur.add(f"{parent} {label}", parent=parent, kind="note", text=text, heading=hed_text)


def _cells(row: etree._Element) -> list[str]:
    return [inline_text(c) for c in row if isinstance(c.tag, str) and c.tag in ("TD", "TH", "ENT", "CHED")]


def _tables(cur: _Cursor, el: etree._Element, pieces: list[_Piece]) -> None:
    """Each table of a ``TABLE``, ``GPOTABLE`` or ``DIV``; a ``DIV`` without one is unmarked text."""
    tables = [el] if el.tag in ("TABLE", "GPOTABLE") else list(el.iter("TABLE", "GPOTABLE"))
    if not tables:
        _other(cur, el, pieces)
    for table in tables:
        _table(cur, table)


def _table(cur: _Cursor, table: etree._Element) -> None:
    """A record for the caption and header, then one record per row keyed by its first cell."""
    caption_el = table.find("CAPTION") if table.tag == "TABLE" else table.find("TTITLE")
    caption = inline_text(caption_el) if caption_el is not None else ""
    head_rows = table.findall("THEAD/TR") if table.tag == "TABLE" else table.findall("BOXHD")
    header = " | ".join(" | ".join(_cells(r)) for r in head_rows)
    context = cur.context
    if caption:
        key = f"{cur.unit}, {short_heading(caption)}"
    else:
        key = f"{context} Table {cur.b.next_number(f'table:{context}')}"
    table_key = cur.add(key, parent=context, kind="table", text=normalise_ws(f"{caption} {header}"),
                        heading=plain(caption))
    body_rows = table.findall("TBODY/TR") + table.findall("TR") if table.tag == "TABLE" else table.findall("ROW")
    for row in body_rows:
        cells = _cells(row)
        cur.add(f"{table_key} [{_short(cells[0]) if cells and cells[0] else '—'}]", parent=table_key, kind="row",
                text=" | ".join(cells))
    for i, row in enumerate(table.findall("TFOOT/TR"), 1):
        cur.add(f"{table_key} Footnote {i}", parent=table_key, kind="note", text=" | ".join(_cells(row)))


_HANDLERS: dict[str, Callable[[_Cursor, etree._Element, list[_Piece]], None]] = {
    **dict.fromkeys(_TEXT_TAGS, _text),
    **dict.fromkeys(("NOTE", "EDNOTE", "EXTRACT", "EXAMPLE", "CITA"), _block),
    **dict.fromkeys(("HD1", "HD2", "HD3", "HD4", "HD5"), _heading),
    **dict.fromkeys(("SCOL2", "LI", "UL", "OL"), _list),
    **dict.fromkeys(("GPOTABLE", "DIV", "TABLE"), _tables),
}
"""The handler of each element kind in a section or supplement body; any other element is unmarked text."""
