"""The body of a section or supplement → keyed records: a list of steps, each with its handler, over a small cursor.

One pass over the body reads each text element once and makes its steps (:func:`_steps`); each element kind has
one handler (:data:`_HANDLERS`); the :class:`_Cursor` holds what they share — the
designated paragraphs now open, and where notes, tables and unmarked text attach. Markers are resolved
(:func:`tracker.parse.markers.resolve_levels`) over the whole run of a body before any key is assigned:

>>> from tracker.xmltext import load_xml
>>> div8 = load_xml(b"<DIV8><P>(a) One.</P><P>(1) Two.</P><HD1>Rates</HD1><P>Loose words.</P></DIV8>").getroot()
>>> b = Records()
>>> key_body(b, list(div8), part="740", unit="740.1", prefix="740.1", parent="740.1")
>>> [(p.citation, p.parent) for p in b.records]
[('740.1(a)', '740.1'), ('740.1(a)(1)', '740.1(a)'), ('740.1, Rates', '740.1'), ('740.1, Rates ¶1', '740.1, Rates')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from lxml import etree

from tracker.citations import definition, row, section_paragraph
from tracker.model import ParagraphKind
from tracker.parse.definitions import defined_term
from tracker.parse.footnotes import key_footnote, unwrap_footnotes
from tracker.parse.keytext import short, short_heading
from tracker.parse.lists import ENTRY_TAGS, list_entries, party_name
from tracker.parse.markers import Marker, resolve_levels, split_markers
from tracker.parse.notes import (
    label_in_text,
    listed_note,
    named_designations,
    named_term,
    note_label,
    numbered_notes,
    term_key,
)
from tracker.parse.records import Records
from tracker.parse.tables import key_tables
from tracker.xmltext import first_child, inline_text, plain

_TEXT_TAGS = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH", "PSPACE", "HED"})
_HEADING_TAGS = frozenset({"HD1", "HD2", "HD3", "HD4", "HD5"})
#: A designation that repeats its parent's: ``(A.1.)``, ``(B.2)`` (sub-item 1 of (A), 2 of (B)).
_COMPOUND = re.compile(r"^\(([A-Z])\.(\d{1,2})\.?\)(?=\s)")
_ALTERNATE = re.compile(r"\bAlternate [IVX]+\b")
_END_OF_CLAUSE = re.compile(r"^\(End of (?:clause|provision)\)$", re.I)
_ITALIC_LEAD = re.compile(r"\s*\*([^*]+)\*")


#: One step of the walk of a body: its handler, the element, and the piece of the element's text the step keys
#: (its markers and text: see :func:`_steps`).
_Step = tuple["_Handler", etree._Element, tuple[str, ...], str]


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
    numbered: dict[str, str] = field(default_factory=dict)  # the last list of numbered notes: number → key
    levels: list[Marker] = field(default_factory=list)  # every marker of the body resolved, in order
    at: int = 0  # how many of them the walk has taken

    def add(self, key: str, parent: str, kind: ParagraphKind, text: str, marker: str = "", heading: str = "") -> str:
        """A record in this unit (its fields by position, as :meth:`Records.add` takes them: keywords cost more)."""
        return self.b.add(key, self.part, self.unit, parent, kind, text, marker, heading)

    def add_text(self, text: str) -> None:
        """Unmarked text: ``<context> ¶N``."""
        context = self.context
        self.b.add(f"{context} ¶{self.b.next_number(f'text:{context}')}", self.part, self.unit, context, "text", text)


def key_body(
    b: Records,
    elements: Iterable[etree._Element],
    *,
    part: str,
    unit: str,
    prefix: str,
    parent: str,
    definitions: bool = False,
    skip: Collection[str] = (),
) -> None:
    """Key the content of a section or supplement: ``elements`` but those tagged ``skip``.

    Designated paragraphs are keyed ``prefix`` + ``(a)(1)(i)``; levels are resolved over the
    whole run of markers (restarting after each defined term in a definitions section).
    """
    cur = _Cursor(b, part, unit, parent, base=prefix, base_parent=parent, context=parent, definitions=definitions)
    steps, cur.levels, may_list = _steps(elements, skip, definitions)
    if may_list:
        _take_entries(steps)
    for handler, el, markers, text in steps:
        handler(cur, el, markers, text)


def _steps(
    elements: Iterable[etree._Element], skip: Collection[str], definitions: bool
) -> tuple[list[_Step], list[Marker], bool]:
    """The walk of a body worked out in one pass over its elements, before any key is assigned: a step per
    designated piece of a text element (:func:`~tracker.parse.markers.split_markers`: a ``P`` that opens with
    markers may hold several) and one per other element, with its handler; every marker resolved, in order (those
    of each segment together: a definitions section starts one at each defined term); and whether two unmarked
    flush paragraphs follow each other (no list of parties without: :func:`_take_entries`)."""
    steps: list[_Step] = []
    seg: list[str] = []
    segments = [seg]
    flush = may_list = False  # whether the step before was an unmarked flush paragraph; whether two followed
    for el, tag, note in unwrap_footnotes(elements, skip):
        if note:
            steps.append((_footnote, el, (), ""))
        elif tag in _TEXT_TAGS:
            text = inline_text(el)
            if definitions and defined_term(text) is not None:
                segments.append(seg := [])
            pieces = split_markers(text)
            if not pieces[0][0]:  # unmarked: one piece, the whole text
                steps.append((_unmarked, el, (), text))
                if tag in ENTRY_TAGS:
                    may_list = may_list or flush
                    flush = True
                    continue
            else:
                for markers, piece in pieces:
                    seg += markers
                    steps.append((_designated, el, markers, piece))
        elif tag in _HEADING_TAGS:
            text = inline_text(el)
            pieces = split_markers(text)
            if not pieces[0][0]:
                steps.append((_heading, el, (), text))
            else:
                for markers, piece in pieces:
                    seg += markers
                    steps.append((_designated_heading, el, markers, piece))
        else:
            steps.append((_HANDLERS.get(tag, _other), el, (), ""))
        flush = False
    return steps, [level for seg in segments if seg for level in resolve_levels(seg)], may_list


def _take_entries(steps: list[_Step]) -> None:
    """Make the steps of the entries of lists of parties (:func:`~tracker.parse.lists.list_entries`, over each
    unmarked paragraph with its text) :func:`_entry` steps."""
    entries = list_entries([(el, text) if handler is _unmarked else None for handler, el, _, text in steps])
    for i, (_, el, _, text) in enumerate(steps):
        if el in entries:
            steps[i] = (_entry, el, (), text)


def _footnote(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    key_footnote(cur.b, el, part=cur.part, unit=cur.unit)


def _entry(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """One entry of a list of parties (:mod:`tracker.parse.lists`): ``<context> [<the party's name>]``."""
    cur.add(row(cur.context, party_name(text)), cur.context, "row", text)


def _unmarked(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """The text of a ``P``-like element that opens with no marker: a compound designation, a note, a defined term,
    else unmarked text."""
    if text[:1] == "(" and _compound(cur, text):
        return
    if text[:1] == "*" and (label := label_in_text(text)):
        _add_note(cur, label, text)
    elif not (cur.definitions and _defined_term(cur, text)) and text:
        cur.add_text(text)


def _compound(cur: _Cursor, text: str) -> bool:
    """``(A.1.) A peak saturated power …`` right under ``(A)`` is its paragraph (1): real Supplement No. 6 to Part 774
    writes the sub-items of ``(3)(i)(A)`` so. What follows unmarked attaches to it."""
    m = _COMPOUND.match(text)
    parent = cur.stack[-1] if cur.stack else None
    if not (m and parent and parent.endswith(f"({m.group(1)})")):
        return False
    cur.context = cur.add(f"{parent}({m.group(2)})", parent, "paragraph", text, m.group(0))
    return True


def _defined_term(cur: _Cursor, text: str) -> bool:
    """In a definitions section (the caller asks only in one), an unmarked paragraph opening with a quoted term:
    designations restart under it."""
    defined = defined_term(text)
    if defined is None:
        return False
    term = cur.add(definition(cur.unit, defined), cur.parent, "paragraph", text)
    cur.base = cur.base_parent = cur.context = term
    cur.stack = []
    return True


def _designated(
    cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str, kind: ParagraphKind = "paragraph"
) -> None:
    """``(g)(1)(i) The …``: one record per marker (the outer ones empty unless already keyed), text on the last."""
    at = cur.at  # the piece's levels are the next ones of the body's
    levels = cur.levels
    stack = cur.stack
    b = cur.b
    if len(markers) == 1:
        joined = markers[0]
        last = levels[at]
        cur.at = at + 1
    else:
        joined = "".join(markers)
        cur.at = end = at + len(markers)
        for mk in levels[at : end - 1]:
            del stack[mk.depth :]
            up = stack[-1] if stack else cur.base_parent
            key = f"{stack[-1] if stack else cur.base}({mk.label})"
            stack.append(key if key in b.keys else cur.add(key, up, "paragraph", "", mk.raw))
        last = levels[end - 1]
    del stack[last.depth :]
    if stack:
        up = stack[-1]
        key = f"{up}({last.label})"
    else:
        up = cur.base_parent
        key = f"{cur.base}({last.label})"
    if kind == "heading":
        heading = plain(text[len(joined) :]).strip()
    else:  # the italic subject heading right after the markers (``(1) *Scope.* …`` → ``Scope.``)
        m = _ITALIC_LEAD.match(text, len(joined)) if "*" in text and text.startswith(joined) else None
        heading = m.group(1).strip() if m else ""
    cur.context = key = b.add(key, cur.part, cur.unit, up, kind, text, joined, heading)
    stack.append(key)


def _designated_heading(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """A heading that opens with a designation (``(2) Category 2`` in Supplements No. 6 and 7 to Part 774) is that
    designated paragraph: ``… (2)``."""
    _designated(cur, el, markers, text, "heading")


def _heading(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """``HD1``…``HD5``: ``<unit>, <heading>``; what follows attaches to it."""
    cur.context = cur.add(f"{cur.unit}, {short_heading(text)}", cur.parent, "heading", text, "", text)
    cur.stack = []


def _list(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """Each list entry: ``<context> [<its words>]``."""
    for li in el.iter("LI") if el.tag != "LI" else [el]:
        text = inline_text(li)
        cur.add(row(cur.context, short(text)), cur.context, "row", text)


def _other(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """Any other element: its inline text, unmarked."""
    text = inline_text(el)
    if text:
        cur.add_text(text)


def _block(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """A NOTE, editorial or effective-date note (kind ``ednote``), extract, example or source note: one record each."""
    tag = el.tag
    text = inline_text(el)
    if tag == "CITA":
        cur.add(f"{cur.unit} Source", cur.unit, "source", text)
    elif tag in ("EDNOTE", "EFFDNOT"):
        label = "Editorial Note" if tag == "EDNOTE" else "Effective Date Note"
        cur.add(f"{cur.unit} {label}", cur.unit, "ednote", text)
    elif tag == "EXTRACT" and not cur.stack and _quotes_designations(el):
        _clause(cur, el)
    elif tag in ("EXTRACT", "EXAMPLE"):
        cur.add(f"{cur.context} {tag.title()}", cur.context, "extract", text)
    else:
        _note(cur, el, text)


def _quotes_designations(extract: etree._Element) -> bool:
    """True for an ``EXTRACT`` that quotes designated paragraphs (a FAR clause), not a plain quotation. (The caller
    asks only outside a designated paragraph: a quotation inside one stays one record of it, whatever it holds.)"""
    return any(
        isinstance(child.tag, str) and child.tag in _TEXT_TAGS and split_markers(inline_text(child))[0][0]
        for child in extract
    )


def _clause(cur: _Cursor, extract: etree._Element) -> None:
    """An ``EXTRACT`` quoting a clause: its paragraphs are the section's (``52.219-9(c)(1)``), their markers resolved
    on their own; an alternate's (the words before it name ``Alternate I``) go under ``52.219-9 Alternate I``."""
    alternate = _ALTERNATE.search(plain(cur.b.records[-1].text)) if cur.b.records else None
    base, parent = cur.base, cur.base_parent
    if alternate:
        base, parent = f"{cur.unit} {alternate.group(0)} ", cur.b.records[-1].citation
    children = [c for c in extract if isinstance(c.tag, str)]
    end = len(children)
    while end and _END_OF_CLAUSE.match(plain(inline_text(children[end - 1]))):
        end -= 1  # "(End of clause)" closes the clause, not its last paragraph
    key_body(cur.b, children[:end], part=cur.part, unit=cur.unit, prefix=base, parent=parent)
    for closing in children[end:]:
        cur.add_text(inline_text(closing))


def _note(cur: _Cursor, el: etree._Element, text: str) -> None:
    """A NOTE keyed by its label under what it names (:mod:`tracker.parse.notes`), else the paragraph it follows.

    "Notes to paragraph (x):" that number their notes ``1.``, ``2.`` … is one record per note (``… Note 2``); a
    "Note 1 to paragraph 2:" right after such a list is a note to that list's note 2 (real 740.17(b)(2)(i)(A)).
    """
    hed = first_child(el, "HED")
    hed_text = plain(inline_text(hed)) if hed is not None else ""
    parent = _note_parent(cur, hed_text)
    items = numbered_notes(el, hed_text)
    if items:
        cur.numbered = {n: cur.add(f"{parent} Note {n}", parent, "note", t, "", hed_text)
                        for n, t in items}
        return
    _add_note(cur, hed_text, text, parent)


def _add_note(cur: _Cursor, hed_text: str, text: str, parent: str | None = None) -> None:
    """One note record: ``<what it attaches to> <its label>`` (``740.10(b)(4) Note 1``)."""
    parent = parent or _note_parent(cur, hed_text)
    cur.add(f"{parent} {note_label(hed_text)}", parent, "note", text, "", hed_text)


def _note_parent(cur: _Cursor, hed_text: str) -> str:
    """What a note attaches to: the listed note it names right after the list, the definition or the paragraph it
    names (when keyed), else where the walk is."""
    listed = listed_note(hed_text)
    last = cur.b.records[-1] if cur.b.records else None
    after_list = last is not None and bool({last.citation, last.parent} & set(cur.numbered.values()))
    if listed and after_list and listed in cur.numbered:
        return cur.numbered[listed]
    term = named_term(hed_text) if cur.definitions else None
    if term and (defined := term_key(term, cur.unit, cur.b.keys)):
        return defined
    named = named_designations(hed_text)
    key = cur.base + section_paragraph("", *named) if named else None
    return key if key and key in cur.b.keys else cur.context


def _tables(cur: _Cursor, el: etree._Element, markers: tuple[str, ...], text: str) -> None:
    """Each table of a ``TABLE``, ``GPOTABLE`` or ``DIV`` (:mod:`tracker.parse.tables`); else unmarked text."""
    if not key_tables(cur.b, el, part=cur.part, unit=cur.unit, context=cur.context):
        _other(cur, el, markers, text)


#: What keys one step of a body (:data:`_Step`): the cursor, the element, the markers and text of the step.
_Handler = Callable[[_Cursor, etree._Element, tuple[str, ...], str], None]

_HANDLERS: dict[str, _Handler] = {
    **dict.fromkeys(("NOTE", "EDNOTE", "EFFDNOT", "EXTRACT", "EXAMPLE", "CITA"), _block),
    **dict.fromkeys(("SCOL2", "LI", "UL", "OL"), _list),
    **dict.fromkeys(("GPOTABLE", "DIV", "TABLE"), _tables),
}
"""The handler of each element kind in a section or supplement body but text elements and headings (:func:`_steps`);
any other element is unmarked text."""
