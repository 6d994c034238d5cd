"""A parse cache of whole units — sections, supplements, CCL entries — for parsing a new version of a document.

A unit is keyed by the sha256 of its serialised XML and the context it is parsed in (its Part, parent, …). It is
parsed on its own, into a fresh :class:`~tracker.parse.records.Records` that notes every key the parse asks about
and every counter it numbers by; its records are taken into the document only when none of those keys and
counters is already there, so the result is exactly the records a parse in place gives (in place it is parsed
again otherwise). ``order`` values are those of the unit's place in the document:

>>> from tracker.parse import parse_bytes
>>> xml = b'<DIV5 N="1"><DIV8 N="1.1"><HEAD>1.1 A.</HEAD><P>(a) One.</P></DIV8><DIV8 N="1.2"><P>x</P></DIV8></DIV5>'
>>> cache = SectionCache()
>>> cold = parse_bytes(xml, cache=cache)
>>> again = parse_bytes(xml.replace(b"One.", b"Uno."), cache=cache)
>>> cache.reused, cache.parsed, [p.citation for p in again] == [p.citation for p in cold]
(1, 3, True)

A cache serves any number of documents, one parse at a time; it keeps the units of the last two it parsed.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from sys import getrefcount
from typing import Any, Generic, TypeVar

from lxml import etree

from tracker.model import Paragraph, new_paragraph
from tracker.parse.records import Records

T = TypeVar("T")

#: What a unit is known by: its kind, the sha256 of its XML, and the context it was parsed in.
UnitKey = tuple[str, bytes, tuple[object, ...]]


class WatchedKeys(set[str]):
    """The keys of a unit parsed on its own, noting every key asked about and whether they were all read."""

    __slots__ = ("asked", "listed")

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()
        self.listed = False

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return set.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        self.listed = True
        return set.__iter__(self)


@dataclass
class _Unit(Generic[T]):
    """A unit parsed on its own: its records (``order`` from ``base``), what it asked of the document, its result."""

    records: list[Paragraph]
    base: int
    asked: frozenset[str]
    counters: dict[str, int]
    listed: bool
    result: T
    key: UnitKey
    citations: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.citations = tuple(p.citation for p in self.records)

    def fits(self, b: Records) -> bool:
        """True when the unit, parsed in place in ``b``, asks about no key and numbers by no counter ``b`` holds.
        (Keys of a unit parsed on its own are asked one by one, so that unit notes them too.)"""
        if self.listed or not self.counters.keys().isdisjoint(b.counters.keys()):  # a view: the unit's are read
            return False
        keys = b.keys
        if isinstance(keys, WatchedKeys):
            return not any(key in keys for key in self.asked)
        return self.asked.isdisjoint(keys)

    def take_into(self, b: Records) -> None:
        """Append the unit's records to ``b`` (renumbered when its place moved: in place when nothing else holds
        them, as new records when a document parsed before still does), with its keys and counters."""
        base = b.start + len(b.records)
        if base != self.base:
            if _alone(self.records):
                _renumber(self.records, base)
            else:
                self.records = _moved(self.records, base - self.base)
            self.base = base
        b.records.extend(self.records)
        b.note_runs([(self.key, base - b.start, base - b.start + len(self.records))])
        b.keys.update(self.citations)
        if self.counters:  # none of them in b (fits): its counts are b's
            dict.update(b.counters, self.counters)


def _moved(records: list[Paragraph], shift: int) -> list[Paragraph]:
    """``records`` with their ``order`` moved by ``shift``, as new records (a document parsed before still holds
    the unit's: :func:`_alone`).

    >>> p = Paragraph("1.1", "1", "1.1", None, "", "section", "", "", 4)
    >>> [q] = _moved([p], 3)
    >>> type(q) is Paragraph, q == Paragraph("1.1", "1", "1.1", None, "", "section", "", "", 7), p.order
    (True, True, 4)
    """
    return [new_paragraph(p.citation, p.part, p.unit, p.parent, p.marker, p.kind, p.heading, p.text, p.order + shift,
                      p.refs) for p in records]


#: What :func:`sys.getrefcount` says of an item of a list that nothing else holds, read through ``map``.
_ALONE = max(map(getrefcount, [object()]))
_set_order = vars(Paragraph)["order"].__set__  # the slot's own setter (the class is frozen)


def _alone(records: list[Paragraph]) -> bool:
    """True when nothing but ``records`` holds any of its records: no document parsed before still holds them (its
    list was dropped), so none can tell they were renumbered in place.

    >>> p = Paragraph("1.1", "1", "1.1", None, "", "section", "", "", 4)
    >>> records = [p]
    >>> _alone(records)
    False
    >>> del p
    >>> _alone(records)
    True
    """
    return not records or max(map(getrefcount, records)) <= _ALONE


def _renumber(records: list[Paragraph], base: int) -> None:
    """Number ``records`` (a unit's: their ``order`` values run on from one) from ``base`` in place (records no one
    else holds: :func:`_alone`). The loop runs in C: a CCL entry early in Part 774 that gains a record moves the
    14,600 after it, 2.0 ms renumbered in a Python loop, 1.6 ms so.

    >>> records = [Paragraph("1.1", "1", "1.1", None, "", "section", "", "", 4)]
    >>> _renumber(records, 7)
    >>> records == [Paragraph("1.1", "1", "1.1", None, "", "section", "", "", 7)]
    True
    """
    deque(map(_set_order, records, range(base, base + len(records))), maxlen=0)


#: Paragraphs remembered as ECCN headings or not before that memory starts again (a CCL has a few thousand).
_HEADINGS_KEPT = 50_000
#: How many first bytes of a unit or CCL run the bytes met before are found by (:meth:`SectionCache.digest`, with the
#: unit's length; :class:`tracker.parse.pieces.Known`).
PREFIX = 64


class SectionCache:
    """Units parsed before (:func:`parse_unit`), those of the last ``keep`` documents parsed with it (a new version
    is parsed against the one before; older units are dropped as each document starts). ``parsed`` counts the units
    parsed, ``reused`` those taken whole, ``in_place`` those parsed in place because they asked about a key or
    counter the document held already."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self._units: dict[UnitKey, _Unit[Any]] = {}
        self._used: dict[UnitKey, int] = {}
        self._document = 0
        #: Whether a CCL paragraph is an ECCN heading, by its XML as serialised
        #: (:func:`tracker.parse.ccl_entries.entries`) or as written (:mod:`tracker.parse.pieces`): the same bytes,
        #: parsed, are the same element.
        self.headings: dict[bytes, bool] = {}
        #: Whether a run of the CCL cut from the bytes opens an entry, by its digest; None: not well-formed alone
        #: (:func:`tracker.parse.pieces.ccl_runs`).
        self.run_heads: dict[bytes, bool | None] = {}
        #: The runs in :attr:`run_heads` that were well-formed, their bytes and digests, by their first bytes.
        self.run_starts: dict[bytes, list[tuple[bytes, bytes]]] = {}
        #: The bytes of the units cut from documents (:mod:`tracker.parse.pieces`) with their sha256, by their length
        #: and first bytes, and the document that last met each (:meth:`digest`).
        self._blobs: dict[tuple[int, bytes], list[tuple[bytes, bytes]]] = {}
        self._blob_used: dict[bytes, int] = {}
        self.parsed = 0
        self.reused = 0
        self.in_place = 0

    def __len__(self) -> int:
        return len(self._units)

    def start_document(self) -> None:
        """A new document: drop the units no document of the last ``keep`` used."""
        self._document += 1
        if len(self.headings) > _HEADINGS_KEPT:
            self.headings.clear()
        if len(self.run_heads) > _HEADINGS_KEPT:
            self.run_heads.clear()
            self.run_starts.clear()
        oldest = self._document - self.keep
        for key in [key for key, used in self._used.items() if used < oldest]:
            del self._units[key], self._used[key]
        if any(used < oldest for used in self._blob_used.values()):
            self._blob_used = {digest: used for digest, used in self._blob_used.items() if used >= oldest}
            kept = {at: [(blob, digest) for blob, digest in found if digest in self._blob_used]
                    for at, found in self._blobs.items()}
            self._blobs = {at: found for at, found in kept.items() if found}

    def digest(self, data: bytes, start: int, end: int) -> bytes:
        """The sha256 of ``data[start:end]`` (a unit's bytes), found by comparing them with the bytes of the units of
        the last ``keep`` documents (a memcmp: some twenty times faster than hashing them again), else worked out and
        remembered."""
        at = (end - start, data[start : start + PREFIX])
        for blob, digest in self._blobs.get(at, ()):
            if data.startswith(blob, start):
                self._blob_used[digest] = self._document
                return digest
        blob = data[start:end]
        digest = hashlib.sha256(blob).digest()
        self._blobs.setdefault(at, []).append((blob, digest))
        self._blob_used[digest] = self._document
        return digest

    def get(self, key: UnitKey) -> _Unit[Any] | None:
        unit = self._units.get(key)
        if unit is not None:
            self._used[key] = self._document
        return unit

    def put(self, key: UnitKey, unit: _Unit[Any]) -> None:
        self._units[key] = unit
        self._used[key] = self._document


def serialised(el: etree._Element) -> bytes:
    """An element's XML without its tail (which no unit reads)."""
    return etree.tostring(el, with_tail=False)


def key_of(kind: str, blobs: Iterable[bytes | memoryview], *context: object) -> UnitKey:
    """The key of a unit of ``kind`` whose elements serialise to ``blobs``, parsed in ``context``."""
    h = hashlib.sha256()
    for blob in blobs:
        h.update(blob)
    return kind, h.digest(), context


def unit_key(
    cache: SectionCache | None, kind: str, elements: Iterable[etree._Element], *context: object
) -> UnitKey | None:
    """The key of a unit of ``kind`` made of ``elements`` parsed in ``context`` (None without a cache: nothing to
    serialise)."""
    return None if cache is None else key_of(kind, map(serialised, elements), *context)


def parse_unit(
    b: Records, key: UnitKey | None, parse: Callable[[Records], T], cache: SectionCache | None
) -> T:
    """Run ``parse`` for one unit into ``b`` — from ``cache`` under ``key`` when it was parsed before and fits
    there; else on its own, kept under ``key``, and taken into ``b`` if it fits; else in place."""
    if cache is None or key is None:
        return parse(b)
    unit = cache.get(key)
    if unit is not None and unit.fits(b):
        cache.reused += 1
        unit.take_into(b)
        return unit.result  # type: ignore[no-any-return]
    cache.parsed += 1
    if unit is None:
        watched = WatchedKeys()
        alone = Records(start=b.start + len(b.records), keys=watched, cache=cache)  # numbered as it will be in b
        result = parse(alone)
        unit = _Unit(alone.records, alone.start, frozenset(watched.asked), dict(alone.counters), watched.listed,
                     result, key)
        cache.put(key, unit)
        if unit.fits(b):
            unit.take_into(b)
            return result
    cache.in_place += 1
    return parse(b)
