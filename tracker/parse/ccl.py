"""The Commerce Control List (Supplement No. 1 to Part 774) as keyed records.

The CCL is one flat run of ordinary eCFR elements; structure comes from each element's shape:
category/group ``HD1`` headings, an ECCN heading (a bold-led paragraph starting with the ECCN),
block headings (``License Requirements``, ``List of Items Controlled`` …), labelled fields
(``*Reason for Control:* NS, AT``), tables, items written with their full path (``a.5.b.2.``),
and ``NOTE`` blocks. Every element becomes at least one record, so no text is lost.
Telling those shapes apart is :mod:`tracker.parse.ccl_shapes`; this module walks the supplement.

>>> from tracker.xmltext import load_xml
>>> div9 = load_xml(b'''<DIV9><HEAD>Supplement No. 1 to Part 774</HEAD>
... <FP-2><B>3A090 Integrated circuits.</B></FP-2>
... <FP><I>Items:</I> a. Chips;</FP><P>a.1. Fast.</P></DIV9>''').getroot()
>>> records = parse_ccl(div9, part="774", parent="Supplement No. 1 to Part 774", order=1)
>>> [(p.citation, p.parent) for p in records][1:]
[('3A090 Items', '3A090'), ('3A090.a', '3A090 Items'), ('3A090.a.1', '3A090.a')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial

from lxml import etree

from tracker.model import Paragraph, ParagraphKind
from tracker.parse.cache import SectionCache, key_of, parse_unit
from tracker.parse.ccl_entries import ECCN_HEAD, Carried, Run, carried, entries, restore
from tracker.parse.ccl_notes import common_parent, nearest, note_label, note_targets, row_scope
from tracker.parse.ccl_shapes import (
    BLOCKS,
    PARAS,
    Shape,
    block_name,
    holds_item,
    item_key,
    item_marker,
    joined,
    might_be_block,
    read_shape,
    shape_bold_lead,
    unmarked,
)
from tracker.parse.ccl_state import State
from tracker.parse.ccl_tables import read_table
from tracker.parse.keytext import short_heading
from tracker.parse.records import Records
from tracker.xmltext import SKIP_TAGS, children_but, inline_text, plain

_CATEGORY = re.compile(r"Category\s+(\d+)\b")
_CAT_PART = re.compile(r"Part\s+(\d+|I{1,3}|IV)\b")
_GROUP = re.compile(r"([A-E])\.\s")
_TABLES = frozenset({"TABLE", "GPOTABLE"})

#: Where a field belongs when no block heading precedes it (3A001 starts with "Reason for Control:").
_FIELD_BLOCK = {"Reason for Control": "License Requirements"}
_CONTROL_CODE = re.compile(r"([A-Z]{2,4})\b")


def parse_ccl(
    div9: etree._Element, *, part: str, parent: str, order: int, cache: SectionCache | None = None
) -> list[Paragraph]:
    """Records for every child element of the CCL supplement after its HEAD, in document order.

    ``order`` values start at ``order``. ``parent`` is the supplement's citation, and also the
    ``unit`` of records outside any ECCN (category and group headings). With a ``cache``, each entry (an ECCN
    heading and the elements up to the next) is a unit of :mod:`tracker.parse.cache`.
    """
    children = children_but(div9, "HEAD")
    runs = [Run("ccl", b"", False, partial(list, children))] if cache is None else [
        Run("ccl", key_of("ccl", blobs)[1], headed, partial(list, run)) for run, blobs, headed in
        entries(children, cache.headings)]
    return parse_ccl_runs(runs, part=part, parent=parent, order=order, cache=cache)


def parse_ccl_runs(
    runs: Iterable[Run], *, part: str, parent: str, order: int, cache: SectionCache | None = None,
    keys: set[str] | None = None,
) -> list[Paragraph]:
    """:func:`parse_ccl` of the children in ``runs``, walked in turn; with a ``cache`` each run is a unit of
    :mod:`tracker.parse.cache`, its elements read only when the cache cannot give its records. ``keys``, when
    given, is an empty set that the records' citations are taken in (the caller's to hand on: no second set)."""
    out = Records(start=order, cache=cache) if keys is None else Records(start=order, keys=keys, cache=cache)
    state = State(part=part, appendix=parent, out=out)
    for run in runs:
        key = None if cache is None else (run.kind, run.digest, (part, parent, carried(state, run.headed)))
        walk = partial(lambda run, out: _walk(state, run.elements(), run.headed, out), run)
        restore(state, parse_unit(state.out, key, walk, cache), False)
    return state.out.records


def _walk(st: State, run: list[etree._Element], headed: bool, out: Records) -> Carried:
    """Walk the elements of a run into ``out``, from what ``st`` carries into it; returns what the walk carries on."""
    walk = State(part=st.part, appendix=st.appendix, out=out, shapes=st.shapes, labels=st.labels)
    restore(walk, carried(st, headed), headed)
    _elements(walk, run)
    return carried(walk, False)


def _elements(st: State, elements: Iterable[etree._Element]) -> None:
    """:func:`_element` of each element, a handler called at once where there is one (a frame less each: most)."""
    handlers = _HANDLERS
    for el in elements:
        (handlers.get(el.tag) or _element)(st, el)


def _element(st: State, el: etree._Element) -> None:
    tag = el.tag
    handler = _HANDLERS.get(tag)  # a comment's tag is a function: no handler either
    if handler is not None:
        handler(st, el)
    elif not isinstance(tag, str) or tag in SKIP_TAGS:
        return
    elif tag.startswith("HD"):
        _heading(st, el)
    elif text := inline_text(el):
        st.add_text(text)


def _div(st: State, el: etree._Element) -> None:
    _elements(st, el)


def _paragraph(st: State, el: etree._Element) -> None:
    """The record(s) of a paragraph that is an ECCN heading, block heading, field or item; else its text's."""
    shape = read_shape(el, st.shapes)
    text, first = shape[0], shape[1]
    if first is not None and (lead := shape_bold_lead(shape)) and (
        _eccn_heading(st, text, lead) or _ear99(st, text, lead)
    ):
        return
    if st.eccn is not None and (
        (might_be_block(text) and _block_heading(st, text))
        or (first is not None and _field(st, shape))
        or _item(st, text)
    ):
        return
    if text:
        st.add_text(text)


# --- headings -----------------------------------------------------------------------------------


def _heading(st: State, el: etree._Element) -> None:
    text = inline_text(el)
    words = unmarked(text)
    if st.eccn and might_be_block(text) and _block_heading(st, text, words):
        return
    if m := _CATEGORY.match(words):
        st.category = st.add(f"Category {m[1]}", kind="heading", parent=st.appendix, text=text, heading=words)
        st.group = st.eccn = st.block = st.item = None
        st.last = st.category
    elif (m := _CAT_PART.match(words)) and st.category:
        base = st.category.split(", Part")[0]
        st.category = st.add(f"{base}, Part {m[1]}", kind="heading", parent=base, text=text, heading=words)
        st.group = st.eccn = st.block = st.item = None
        st.last = st.category
    elif m := _GROUP.match(words):
        base = st.category or st.appendix
        key = f"{st.category}, Group {m[1]}" if st.category else f"Group {m[1]}"
        st.group = st.add(key, kind="heading", parent=base, text=text, heading=words)
        st.eccn = st.block = st.item = None
        st.last = st.group
    else:
        anchor = st.block or st.eccn or st.context
        st.last = st.add(f"{anchor}, {short_heading(text)}", kind="heading", parent=anchor, text=text, heading=words)


def _eccn_heading(st: State, text: str, lead: str) -> bool:
    """A bold-led paragraph whose bold text starts with an ECCN (``<FP-2><B>3A090 …</B></FP-2>``)."""
    m = ECCN_HEAD.match(lead)
    if not m:
        return False
    text = unmarked(text)
    eccn = st.eccn = m[1]
    st.last = st.add(
        eccn,
        kind="eccn",
        parent=st.context,
        text=text,
        marker=eccn,
        heading=text[len(eccn) :].strip(),
    )
    st.block = st.item = None
    st.listing = False
    return True


def _ear99(st: State, text: str, lead: str) -> bool:
    """The bold ``EAR99 Items subject to the EAR that are not elsewhere specified …`` line that closes a category.

    It belongs to the category, not to the last entry: what follows it (the Annex to Category 1) is outside
    every ECCN.
    """
    if not lead.startswith("EAR99"):
        return False
    scope = st.category or st.appendix
    st.group = st.eccn = st.block = st.item = None
    st.listing = False
    st.last = st.add(f"{scope} EAR99", kind="text", parent=scope, text=text)
    return True


def _block_heading(st: State, text: str, words: str | None = None) -> bool:
    """``<FP-1><E T="04">License Requirements</E></FP-1>``, ``<HD1>List of Items Controlled</HD1>`` … (``text``
    inline, ``words`` plain if known; in an entry, ``text`` that :func:`might_be_block`)."""
    words = unmarked(text) if words is None else words
    name = block_name(words)
    if not name or not (eccn := st.eccn):
        return False
    st.block = st.add(f"{eccn} {name}", kind="block", parent=eccn, text=text, heading=words.rstrip(":"))
    st.item = None
    st.last = st.block
    st.listing = False
    return True


# --- fields and items ---------------------------------------------------------------------------


def _field(st: State, shape: Shape) -> bool:
    """A labelled field: ``*Reason for Control:* NS, AT``, ``*LVS:* N/A``, ``*Items:* a. …``."""
    split = st.label(shape)
    if not split or not st.eccn:
        return False
    full = shape[0]
    label, label_text, rest, lists = split
    if st.block is None and label in _FIELD_BLOCK:
        name = _FIELD_BLOCK[label]
        st.block = st.add(f"{st.eccn} {name}", kind="block", parent=st.eccn, text="", heading=name)
    key = f"{st.eccn} {label}"
    if label in BLOCKS and key in st.keys:
        key = f"{key} Note"  # "*License Requirements:* See § 744.17 …" inside that very block
    parent = st.block or st.eccn
    st.listing = lists
    if label == "Items":
        text = label_text if item_marker(rest) else full
        st.block = st.last = st.add(key, kind="block", parent=parent, text=text, heading=label)
        st.item = None
        if text != full:
            _add_item(st, rest)
        return True
    st.last = st.add(key, kind="block", parent=parent, text=full, heading=label)
    return True


def _item(st: State, text: str) -> bool:
    """An item paragraph (``a.5.b.2.a.1. …``, ``z.1.a …``, ``*a.* …``, ``j. through y. [Reserved]``).

    Lettered paragraphs after a field that opens a list (``*ECCN Controls:* This entry does not control the
    following:``, ``*Related Controls:* (1) All of the following …:``) are that field's text, not items.
    """
    block, eccn = st.block, st.eccn
    if st.listing or not eccn or (block and not (block.startswith(eccn) and block.startswith(_ITEM_BLOCKS, len(eccn)))):
        return False
    return _add_item(st, text)


#: What follows the ECCN in the key of a block items are read in.
_ITEM_BLOCKS = (" Items", " List of Items")


def _add_item(st: State, text: str) -> bool:
    eccn = st.eccn
    if not eccn or (found := item_marker(text)) is None:
        return False
    marker, text = found
    path = item_key(marker, st.item, st.written)
    st.item = st.last = st.out.add(
        f"{eccn}.{'.'.join(path)}", part=st.part, unit=eccn, parent=_item_parent(st, eccn, path), kind="item",
        text=text, marker=marker, heading="",
    )  # st.add's record, one call less (an item is a third of the CCL's records)
    st.written = marker
    return True


def _item_parent(st: State, eccn: str, path: list[str]) -> str:
    """The nearest item above ``path`` with a record, else the block or entry."""
    keys = st.out.keys
    for depth in range(len(path) - 1, 0, -1):
        key = f"{eccn}.{'.'.join(path[:depth])}"
        if key in keys:
            return key
    return st.block or eccn


# --- notes and tables ---------------------------------------------------------------------------


_SOURCE_LABELS = {"CITA": "Source", "EDNOTE": "Editorial Note", "EFFDNOT": "Effective Date Note"}


def _source(st: State, el: etree._Element) -> None:
    """The supplement's source note (``CITA``), editorial and effective-date notes: they close the list, outside
    every entry."""
    st.category = st.group = st.eccn = st.block = st.item = None
    kind: ParagraphKind = "source" if el.tag == "CITA" else "ednote"
    st.last = st.add(f"{st.appendix} {_SOURCE_LABELS[el.tag]}", kind=kind, parent=st.appendix, text=inline_text(el))


def _note(st: State, el: etree._Element) -> None:
    """One record per NOTE, keyed by its label under what it names (:mod:`tracker.parse.ccl_notes`), else under
    the item (or block, ECCN) it follows.

    The eCFR sometimes leaves a NOTE open over the entry's next items (1C001.b, 6A002.a.3 on 2026-09-01): from
    the first child that is or holds a plain item paragraph on, the children are the entry's own elements again,
    and the note text after such an item (6A002.a.3's "*N.B.:* *'Microbolometer' …*") a note of its own.
    """
    children = list(el)
    cut = next((i for i, c in enumerate(children) if holds_item(c)), len(children))
    _add_note(st, joined(el, children[:cut]))
    run: list[etree._Element] = []
    for child in [*children[cut:], None]:
        if child is not None and not holds_item(child):
            run.append(child)
            continue
        if run:
            _add_note(st, joined(etree.Element("NOTE"), run))
            run = []
        if child is not None:
            _element(st, child)


def _add_note(st: State, text: str) -> None:
    # joined() leaves the note's own texts unescaped: their "*" may stand alone, so the words are plain()'s
    words = plain(text) if "*" in text or "^" in text or "\\" in text else text
    label = note_label(words)
    anchor, heading = st.note_anchor, label
    targets = note_targets(words, st.eccn, among_items=st.among_items) if st.eccn else ()
    if targets:
        anchor = nearest(common_parent(targets), st.keys)
        heading = f"{label} to {', '.join(targets)}" if len(targets) > 1 else label
    st.add(f"{anchor} {label}", kind="note", parent=anchor, text=text, heading=heading)


def _row_key(st: State, base: str, cell: str) -> str:
    """``<base> RS applies to 3A090.a``: a License Requirements row by its reason and the items it applies to
    (:func:`tracker.parse.ccl_notes.row_scope`); ``<base> MT`` when it names none; other rows ``<base> row 3``."""
    scope = row_scope(cell, st.eccn) if st.eccn else None
    if scope is None:
        m = _CONTROL_CODE.match(cell)
        code = m[1] if m else "row"
        return f"{base} {code} {st.out.next_number(f'{base} {code}')}"
    code, applies = scope
    return f"{base} {code} {applies}".rstrip()


def _table(st: State, el: etree._Element) -> None:
    """A header record ``<base> table`` and one record per row (:func:`_row_key`)."""
    base = st.block or st.last or st.context
    header, rows, extra = read_table(el)
    table = base
    if header:
        table = st.add(f"{base} table", kind="table", parent=base, text=" | ".join(header))
    for cells in rows:
        key = _row_key(st, base, unmarked(cells[0]) if cells else "")
        st.add(key, kind="row", parent=table, text=" | ".join(cells))
    st.last = table
    for text in extra:
        st.add_text(text)


_HANDLERS = {
    **dict.fromkeys(_TABLES, _table),
    "DIV": _div,
    "NOTE": _note,
    **dict.fromkeys(_SOURCE_LABELS, _source),
    **dict.fromkeys(PARAS, _paragraph),
}
"""The handler of each element kind of the CCL; headings (``HD1`` …) and any other element are read by
:func:`_element` itself."""
