"""The units of a document cut at the byte level (:mod:`tracker.parse.split`), parsed one at a time and only when
needed, and the Commerce Control List's content cut into runs, one per entry (:func:`ccl_runs`).

A run is parsed alone, as the content of a ``DIV9`` (so :func:`~tracker.parse.tidy.tidy` treats its loose text as in
the supplement), and dropped once walked, so the supplement's tree is never held whole. A run starts where a
paragraph that may open an entry (:data:`tracker.parse.split.OPENER`) starts; when the bytes up to the next such
paragraph are not well-formed on their own (that paragraph was inside a note or table), the run goes on to the one
after. A run is known by the sha256 of its bytes; with a :class:`~tracker.parse.cache.SectionCache` the bytes of
runs parsed before (and whether each opens an entry) are not parsed again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cached_property
from typing import NamedTuple

from lxml import etree

from tracker.parse.cache import PREFIX, SectionCache, UnitKey
from tracker.parse.ccl_entries import Run, opens_entry
from tracker.parse.split import UNIT_ATTRIBUTE, Split, Unit
from tracker.parse.tidy import tidy
from tracker.xmltext import children_but, inline_text, xml_parser


class Unparsable(Exception):
    """A unit whose bytes are not well-formed on their own: the document is parsed whole (which says why)."""


class Pieces:
    """Parses the skeleton and the units of ``cut`` on demand, with one parser for the document; each unit is
    parsed at the depth it has in the document (under as many ancestors), so the parser's depth limit holds."""

    def __init__(self, cut: Split, known: Known | None = None) -> None:
        self.cut = cut
        self.view = memoryview(cut.data)
        self.digests = known.digests if known is not None else {}
        self._parser = xml_parser()
        self._units: dict[etree._Element, tuple[Unit, int]] = {}
        self._taken: set[int] = set()

    def skeleton(self) -> etree._Element | None:
        """The skeleton's root, tidied, its placeholders known (None when it is not well-formed, or a placeholder
        is not where the scanner put it: the whole-tree parse tells why)."""
        root = self.parse(self.cut.skeleton)
        if root is None:
            return None
        tidy(root)
        for el in root.iter("DIV8", "DIV9"):
            index = el.get(UNIT_ATTRIBUTE)
            if index is None:
                continue
            del el.attrib[UNIT_ATTRIBUTE]
            if index.isdigit() and int(index) < len(self.cut.units):
                self._units[el] = (self.cut.units[int(index)], sum(1 for _ in el.iterancestors()))
        return root if len(self._units) == len(self.cut.units) and not any(map(len, self._units)) else None

    def all_taken(self) -> bool:
        """Whether the walk took every unit as a unit (none was read as an empty element)."""
        return len(self._taken) == len(self._units)

    def lazy(self, el: etree._Element, kind: str, cache: SectionCache | None, *context: object) -> Lazy | None:
        """The unit ``el`` stands for (None when it is no placeholder), keyed as ``kind`` in ``context``."""
        found = self._units.get(el)
        if found is None:
            return None
        unit, depth = found
        self._taken.add(unit.start)
        return Lazy(self, unit, depth, f"{kind}-bytes", context, cache)

    def digest(self, start: int, end: int) -> bytes:
        found = self.digests.get((start, end))
        return found if found is not None else hashlib.sha256(self.view[start:end]).digest()

    def element(self, unit: Unit, depth: int) -> etree._Element:
        """The unit's element, tidied (:class:`Unparsable` when its bytes are not well-formed alone)."""
        root = self._parse_at(depth, self.view[unit.start : unit.end])
        if root is None:
            raise Unparsable
        tidy(root)
        return root

    def content(self, start: int, end: int, depth: int) -> etree._Element | None:
        """``data[start:end]`` parsed as the content of a ``DIV9`` at ``depth``, tidied; None when it is not
        well-formed."""
        root = self._parse_at(depth, b"<DIV9>", self.view[start:end], b"</DIV9>")
        if root is not None:
            tidy(root)
        return root

    def _parse_at(self, depth: int, *pieces: bytes | memoryview) -> etree._Element | None:
        root = self.parse(b"".join((b"<x>" * depth, *pieces, b"</x>" * depth)))
        for _ in range(depth):
            root = root[0] if root is not None and len(root) else None
        return root

    def parse(self, data: bytes) -> etree._Element | None:
        """``data`` parsed alone (None when it is not well-formed)."""
        try:
            return etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError:
            return None


class Lazy:
    """One unit of a split document: its cache :attr:`key`, its element parsed when first asked for, or its content
    as CCL runs."""

    def __init__(
        self, pieces: Pieces, unit: Unit, depth: int, kind: str, context: tuple[object, ...],
        cache: SectionCache | None,
    ) -> None:
        self.pieces, self.unit, self.depth, self.cache = pieces, unit, depth, cache
        self.kind, self.context = kind, context
        self._element: etree._Element | None = None

    @cached_property
    def key(self) -> UnitKey | None:
        """The unit's key as ``kind`` in ``context`` (None without a cache); worked out when first asked for: the
        CCL, read run by run, never asks (its 2.1 MB hashed for nothing cost a warm parse of Part 774 some 1 ms)."""
        if self.cache is None:
            return None
        return self.kind, self.cache.digest(self.pieces.cut.data, self.unit.start, self.unit.end), self.context

    def element(self) -> etree._Element:
        if self._element is None:
            self._element = self.pieces.element(self.unit, self.depth)
        return self._element

    def ccl_runs(self) -> tuple[str | None, Iterator[Run]]:
        """:func:`ccl_runs` of the unit."""
        return ccl_runs(self.pieces, self.unit, self.depth, self.cache)


class Known:
    """The CCL runs ``cache`` knows to be well-formed alone, found by their first bytes: what the scanner need not
    read again (:func:`tracker.parse.split.split`'s ``skip``); the digests it worked out, for :class:`Pieces`."""

    def __init__(self, cache: SectionCache) -> None:
        self.cache = cache
        self.digests: dict[tuple[int, int], bytes] = {}

    def __call__(self, data: bytes, at: int) -> int | None:
        # A run is told by its bytes compared, not hashed again: Part 774's 2.1 MB hashed each re-parse cost ~1.5 ms.
        for blob, digest in self.cache.run_starts.get(data[at : at + PREFIX], ()):
            if data.startswith(blob, at) and self.cache.run_heads.get(digest) is not None:
                end = at + len(blob)
                self.digests[(at, end)] = digest
                return end
        return None


def _remember(cache: SectionCache, data: bytes, start: int, end: int, digest: bytes) -> None:
    """Note a run found well-formed alone (its bytes and digest) by its first bytes (unless it holds a Part, which
    the scanner must see)."""
    if data.find(b"<DIV5", start, end) < 0:
        cache.run_starts.setdefault(data[start : start + PREFIX], []).append((data[start:end], digest))


class _Cut(NamedTuple):
    """Where a run ends (an index into the bounds), its digest (empty without a cache), whether it opens an entry,
    and its tree when it had to be parsed to know that (None when the cache knew its bytes)."""

    end: int
    digest: bytes
    headed: bool
    tree: etree._Element | None


def ccl_runs(
    pieces: Pieces, unit: Unit, depth: int, cache: SectionCache | None
) -> tuple[str | None, Iterator[Run]]:
    """The inline text of the supplement's first ``HEAD`` (None when the first run holds none) and its content as
    runs (elements without ``HEAD``); the first run is always parsed (it holds the ``HEAD``). Raises
    :class:`Unparsable` when the content is not well-formed however it is cut. With a ``cache``, runs start only
    at ECCN headings (:func:`_heading_at`), so that an entry is one run, known whatever came before it; without
    one, at the openers the scanner noted, some :data:`~tracker.parse.split.SPACING` bytes apart."""
    if cache is None:
        openers = unit.openers
    else:
        openers = [o for o in unit.openers if o > unit.open_end and _heading_at(pieces, o, cache)]
    bounds = [unit.open_end, *openers, unit.close_start]
    first = _cut(pieces, bounds, depth, 0, None)
    assert first.tree is not None  # parsed: no cache asked
    digest = pieces.digest(bounds[0], bounds[first.end]) if cache is not None else b""
    head = first.tree.find("HEAD")
    runs = _runs(pieces, bounds, depth, first._replace(digest=digest), cache)
    return (None if head is None else inline_text(head)), runs


def _runs(
    pieces: Pieces, bounds: list[int], depth: int, first: _Cut, cache: SectionCache | None
) -> Iterator[Run]:
    cut, start = first, bounds[0]
    del first  # each tree is held only until its run is walked
    while True:
        yield _run(pieces, start, bounds[cut.end], depth, cut)
        if cut.end == len(bounds) - 1:
            return
        start = bounds[cut.end]
        cut = _cut(pieces, bounds, depth, cut.end, cache)


def _cut(pieces: Pieces, bounds: list[int], depth: int, i: int, cache: SectionCache | None) -> _Cut:
    """The run from ``bounds[i]`` to the first bound after it up to which the bytes are well-formed alone."""
    heads = cache.run_heads if cache is not None else None
    for j in range(i + 1, len(bounds)):
        digest = pieces.digest(bounds[i], bounds[j]) if heads is not None else b""
        known = heads.get(digest, ...) if heads is not None else ...
        if known is None:
            continue  # known not to be well-formed alone
        if isinstance(known, bool):
            return _Cut(j, digest, known, None)
        tree = pieces.content(bounds[i], bounds[j], depth)
        headed = cache is not None and tree is not None and i > 0 and _opens(tree)
        if cache is not None:
            cache.run_heads[digest] = None if tree is None else headed
            if tree is not None:
                _remember(cache, pieces.cut.data, bounds[i], bounds[j], digest)
        if tree is not None:
            return _Cut(j, digest, headed, tree)
    raise Unparsable


_TAG = re.compile(rb"<([\w-]+)")


def _heading_at(pieces: Pieces, at: int, cache: SectionCache) -> bool:
    """Whether the paragraph starting at ``at`` is an ECCN heading (:func:`opens_entry`), read from its bytes up to
    the first end tag of its name (when those are not the whole element, they are not well-formed alone: no
    heading, and the run goes on); remembered by those bytes in ``cache.headings``."""
    data = pieces.cut.data
    m = _TAG.match(data, at)
    end = data.find(b"</%s>" % m[1], at) if m else -1
    if m is None or end < 0:
        return False
    blob = data[at : end + len(m[1]) + 3]
    known = cache.headings.get(blob)
    if known is None:
        el = pieces.parse(blob)
        if el is not None:
            tidy(el)
        known = cache.headings[blob] = el is not None and opens_entry(el)
    return known


def _opens(tree: etree._Element) -> bool:
    first = next((c for c in tree if c.tag != "HEAD"), None)
    return first is not None and opens_entry(first)


def _run(pieces: Pieces, start: int, end: int, depth: int, cut: _Cut) -> Run:
    """A run, its tree parsed when first asked for (unless it is at hand)."""
    tree = cut.tree

    def elements() -> list[etree._Element]:
        parsed = tree if tree is not None else pieces.content(start, end, depth)
        assert parsed is not None  # the bytes were well-formed when first parsed
        return children_but(parsed, "HEAD")

    return Run("ccl-bytes", cut.digest, cut.headed, elements)
