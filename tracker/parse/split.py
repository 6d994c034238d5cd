"""eCFR XML cut into its units at the byte level, without parsing it: each section (``DIV8``) and supplement
(``DIV9``) that the walk of :mod:`tracker.parse.ecfr` reaches, as a byte range, and the document without their
contents (the *skeleton*: the Part, its subparts, headings and notes, each unit an empty placeholder marked
``_tracker_unit="i"``).

The scanner reads only what it must to be sure: comments, CDATA sections and processing instructions (a ``<DIV8``
inside one is no element), ``DIV`` start and end tags (attribute values may hold ``>``), and, inside units, the
paragraphs that may open a CCL entry (:data:`OPENER`). It never decides what is well-formed: lxml parses the
skeleton and every unit it needs, and whatever the scanner cannot be sure of (a DOCTYPE, namespaces, another XML
version or encoding, a ``DIV5`` inside a unit, tags that do not nest) returns None, for the whole-tree parse.

>>> cut = split(b'<?xml version="1.0"?><DIV5 N="1"><HEAD>P</HEAD><DIV8 N="1.1"><P>(a) x</P></DIV8></DIV5>')
>>> cut.skeleton
b'<?xml version="1.0"?><DIV5 N="1"><HEAD>P</HEAD><DIV8 N="1.1" _tracker_unit="0"></DIV8></DIV5>'
>>> [(u.tag, cut.data[u.start : u.end]) for u in cut.units]
[('DIV8', b'<DIV8 N="1.1"><P>(a) x</P></DIV8>')]
>>> split(b'<DIV5 xmlns="urn:x"><DIV8/></DIV5>') is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: What a paragraph that may open a CCL entry looks like in bytes: a ``P``/``FP…`` start tag, then nothing but
#: text, comments, processing instructions or CDATA before a ``B``, ``strong`` or ``E`` start tag (an ``E`` whose
#: ``T`` is written as one of the italic or script values is none). A superset of
#: :func:`tracker.parse.ccl_entries.opens_entry` on the raw bytes.
_MARKUP = rb"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>"
_OPENER = (  # after its "<"
    rb"(?:FP-DASH|FP-2|FP-1|FP|P)(?:[\s/][^>]*+)?>(?:[^<]++|%s)*+"
    rb"<(?:B|strong|E(?![^>]*?\bT\s*=\s*[\"'](?:0[34]|5[0-9])[\"']))[\s>/]" % _MARKUP
)
OPENER = rb"<" + _OPENER


def _token(opener: bytes | None) -> re.Pattern[bytes]:
    """Every alternative after one "<", so the regex engine looks for "<" alone between matches; a look ahead for
    what the alternatives can start with first (most "<" open some other tag: a third fewer instructions a scan; a
    quarter less time again outside supplements, where no ``P``/``FP…`` opener is looked for: ``opener`` None)."""
    starts = rb"!?DFP" if opener is not None else rb"!?D"
    return re.compile(
        rb"<(?=[" + starts + rb"]|/DIV)(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|(?P<bang>!)"
        rb"|(?P<close>/)?(?P<div>DIV[0-9])(?P<rest>(?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?/?)>"
        rb"|(?P<opener>" + (opener if opener is not None else rb"(?!)") + rb"))",
        re.S,
    )


#: The tokens inside a supplement (``DIV9``: the CCL is one), where paragraphs that may open an entry are noted; and
#: elsewhere, where none is (the opener never matches: a section's paragraphs are not read twice).
_TOKEN, _PLAIN = _token(_OPENER), _token(None)
#: An XML declaration the units, parsed without it, read alike: version 1.0, UTF-8 (or none said).
_DECLARATION = re.compile(rb"""<\?xml\s+version\s*=\s*["']1\.0["'](?:\s+encoding\s*=\s*["'](?i:utf-?8)["'])?"""
                          rb"""(?:\s+standalone\s*=\s*["'](?:yes|no)["'])?\s*\?>""")
#: Without a cache, how far apart the openers noted in a supplement are at least (:func:`split`): a run of the CCL
#: parsed without one is some that many bytes (fewer pieces to parse, each tree still some ten times that).
SPACING = 32_000
#: The elements the walk goes into (:func:`tracker.parse.ecfr._children`) and those it parses as units.
_CONTAINERS = frozenset({"DIV5", "DIV6", "DIV7"})
_UNITS = frozenset({"DIV8", "DIV9"})
_ROOTS = frozenset({"DIV5", "DIV6", "DIV8", "DIV9"})
UNIT_ATTRIBUTE = "_tracker_unit"


@dataclass
class Unit:
    """One unit's bytes: ``data[start:end]`` is the whole element, ``data[open_end:close_start]`` its content;
    ``openers`` the offsets of the paragraphs in it that may open a CCL entry (:data:`OPENER`): every one, or
    without a cache only those :data:`SPACING` apart (:func:`split`)."""

    tag: str
    start: int
    open_end: int
    close_start: int = -1
    end: int = -1
    openers: list[int] = field(default_factory=list)


@dataclass
class Split:
    """A document's bytes, its units in document order, and its skeleton (see the module's docstring)."""

    data: bytes
    units: list[Unit]
    skeleton: bytes


@dataclass
class _Open:
    """A DIV open at the scanner's position: its tag, whether the walk goes into it, its unit if it is one."""

    tag: str
    walked: bool
    unit: Unit | None


class _Unsure(Exception):
    """The scanner cannot be sure of the document's shape: parse it whole."""


#: Where, given the bytes and the offset of a paragraph that may open a CCL entry, bytes known to be well-formed
#: content alone (a run parsed before) end; None when none are known to start there.
Skip = Callable[[bytes, int], "int | None"]


def split(data: bytes, skip: Skip | None = None) -> Split | None:
    """The units and skeleton of eCFR XML ``data``, or None where the scanner cannot be sure (module docstring).
    With ``skip`` (a cache's), the bytes it knows are not read again (they hold no unit's end, and no ``DIV5``), and
    every opener is noted; without, a supplement's openers are noted :data:`SPACING` bytes apart at least, each the
    first after the one before (or the content's start) and that many bytes, and the paragraphs before it are not
    read (a scan of Part 774 takes a third of the instructions)."""
    try:
        units = _scan(data, skip)
    except _Unsure:
        return None
    skeleton = _skeleton(data, units)
    if b"xmlns" in skeleton:
        return None  # a namespace declared outside a unit would change the names inside it
    return Split(data, units, skeleton)


def _scan(data: bytes, skip: Skip | None) -> list[Unit]:
    units: list[Unit] = []
    stack: list[_Open] = []
    inside: Unit | None = None  # the unit being read
    root = _root(data)
    spacing = 0 if skip else SPACING
    at, quiet = 0, 0  # no opener is noted before ``quiet``
    starts = _Starts(data)
    while True:
        ccl = inside is not None and inside.tag == "DIV9"
        if ccl and at >= quiet:
            m = _TOKEN.search(data, at)
        else:  # only what may start a token other than an opener is looked for (up to ``quiet`` in a supplement)
            near = starts.next(at)
            if near >= len(data) or (ccl and near >= quiet):
                if not ccl:
                    break
                m = _TOKEN.search(data, at := quiet)  # in sync: no token starts in between
            elif (m := _PLAIN.match(data, near)) is None:
                at = near + 1
                continue
        if m is None:
            break
        at = m.end()
        if m["opener"] is not None:
            if inside is not None:
                inside.openers.append(m.start())
                quiet = m.start() + spacing
                at = (skip(data, m.start()) if skip else None) or at
        elif m["bang"] is not None:
            raise _Unsure  # a DOCTYPE, or markup the parser will refuse
        elif m["div"] is None:
            if data.startswith(b"<?xml", m.start()) and m.start() <= 3 and not _DECLARATION.fullmatch(m[0]):
                raise _Unsure
        elif m["close"] is not None:
            inside = _close(stack, m, inside)
        elif not m["rest"].endswith(b"/"):
            top = _open(stack, m["div"].decode(), root, m, inside)
            stack.append(top)
            if top.unit is not None:
                units.append(top.unit)
                inside = top.unit
                quiet = at + spacing
    if stack:
        raise _Unsure  # truncated
    return units


class _Starts:
    """Where the first ``<!``, ``<?``, ``<DIV0``…``<DIV9`` or ``</DIV0``…``</DIV9`` at or after a position starts,
    for positions that only grow: each kind found by its rare bytes (``!``, ``?``, ``DIV``), which C finds at once,
    rather than by a regex search, which tries every ``<`` (one in 30 bytes of the CCL); each kind's next start kept
    until passed (``len(data)``: none)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.found = [-1, -1, -1]  # "<!", "<?", a DIV tag

    def next(self, at: int) -> int:
        found = self.found
        for kind in range(3):
            if found[kind] < at:
                found[kind] = self._find(kind, at)
        return min(found)

    def _find(self, kind: int, at: int) -> int:
        data = self.data
        if kind < 2:
            mark = b"!?"[kind]
            p = data.find(mark, at + 1)
            while p >= 0 and data[p - 1] != _LT:
                p = data.find(mark, p + 1)
            return p - 1 if p >= 0 else len(data)
        p = data.find(b"DIV", at + 1)
        while p >= 0:
            if p + 3 < len(data) and 0x30 <= data[p + 3] <= 0x39:
                if data[p - 1] == _LT:
                    return p - 1
                if data[p - 1] == _SLASH and p - 2 >= at and data[p - 2] == _LT:
                    return p - 2
            p = data.find(b"DIV", p + 1)
        return len(data)


_LT, _SLASH = ord("<"), ord("/")


_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s++|<!--.*?-->|<\?.*?\?>)*+<([A-Za-z_][\w.-]*)", re.S)


def _root(data: bytes) -> str:
    """The tag of the document's root element (after the XML declaration, comments and processing instructions)."""
    m = _PROLOG.match(data)
    if m is None:
        raise _Unsure  # a DOCTYPE, or no element
    return m[1].decode("ascii", "replace")


def _open(stack: list[_Open], tag: str, root: str, m: re.Match[bytes], inside: Unit | None) -> _Open:
    """The DIV a start tag opens: walked into, a unit, or neither, as :func:`tracker.parse.ecfr._units` and
    ``_children`` reach it (a root Part, subpart, section or supplement is walked; in another root, every Part)."""
    if inside is not None:
        if tag == "DIV5":
            raise _Unsure  # the whole-tree parse would walk a Part inside a unit on its own too
        return _Open(tag, False, None)
    parent_walked = bool(stack) and stack[-1].walked
    if tag == "DIV5" and stack and (root in _ROOTS or any(o.tag == "DIV5" for o in stack)):
        raise _Unsure  # a Part inside a Part
    if not stack and root in _ROOTS:
        walked, is_unit = tag in _CONTAINERS, tag in _UNITS
    elif tag == "DIV5":
        walked, is_unit = True, False
    else:
        walked, is_unit = parent_walked and tag in _CONTAINERS, parent_walked and tag in _UNITS
    return _Open(tag, walked, Unit(tag, m.start(), m.end()) if is_unit else None)


def _close(stack: list[_Open], m: re.Match[bytes], inside: Unit | None) -> Unit | None:
    """Close the DIV on top of the stack (it must be the one the end tag names); the unit still being read."""
    if not stack or stack[-1].tag != m["div"].decode() or m["rest"].strip():
        raise _Unsure
    top = stack.pop()
    if top.unit is None:
        return inside
    top.unit.close_start, top.unit.end = m.start(), m.end()
    return None


def _skeleton(data: bytes, units: list[Unit]) -> bytes:
    """The document with each unit's content cut out and its start tag marked with its index."""
    pieces: list[bytes] = []
    at = 0
    for i, unit in enumerate(units):
        pieces += (data[at : unit.open_end - 1], b' %s="%d">' % (UNIT_ATTRIBUTE.encode(), i))
        at = unit.close_start
    pieces.append(data[at:])
    return b"".join(pieces)
