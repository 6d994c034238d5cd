"""The one record builder the sections parser and the CCL parser share: unique keys and document order (references
are added after the parse, by :func:`tracker.parse.refs.with_refs`, or at ingest for new texts only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Protocol

from tracker.citations import unique_key
from tracker.model import Paragraph, ParagraphKind, new_paragraph
from tracker.parse.parsed import Parsed

if TYPE_CHECKING:
    from tracker.parse.cache import SectionCache


_CITATION = attrgetter("citation")


class Keys(Protocol):
    """The keys a parse has taken: a ``set``, or for a unit parsed alone for the cache a
    :class:`~tracker.parse.cache.WatchedKeys`, which notes every key asked about. (A protocol, not ``set[str]``, so
    that compiled code asks through the methods, as the watched set needs, not through a ``set``'s own C lookup.)"""

    def __contains__(self, key: object, /) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def add(self, key: str, /) -> None: ...
    def update(self, *keys: Iterable[str]) -> None: ...


@dataclass
class Records:
    """Collects records in document order under unique keys; ``order`` values start at ``start``. ``cache``, when
    given, holds units parsed before (:mod:`tracker.parse.cache`).

    >>> r = Records()
    >>> r.add("740.10", part="740", unit="740.10", parent=None, kind="section", text="")
    '740.10'
    >>> r.add("740.10", part="740", unit="740.10", parent=None, kind="section", text="")
    '740.10 2'
    >>> [p.order for p in r.records], r.next_number("text:740.10"), r.next_number("text:740.10")
    ([0, 1], 1, 2)
    """

    start: int = 0
    records: list[Paragraph] = field(default_factory=Parsed)
    keys: Keys = field(default_factory=set[str])
    counters: Counter[str] = field(default_factory=Counter)
    cache: SectionCache | None = None

    def next_number(self, scope: str) -> int:
        """1, 2, 3 … per ``scope`` (the ``¶`` numbers of unmarked text, footnotes, table rows)."""
        self.counters[scope] += 1
        return self.counters[scope]

    def add(
        self,
        key: str,
        part: str,
        unit: str,
        parent: str | None,
        kind: ParagraphKind,
        text: str,
        marker: str = "",
        heading: str = "",
    ) -> str:
        """Append a record under a unique key (:func:`tracker.citations.unique_key`) and return the key. (The hot
        callers pass the fields by position: seven keywords cost a cold parse of Part 740 some 1.5M instructions.)"""
        keys = self.keys
        citation = key if key not in keys else unique_key(key, keys)
        keys.add(citation)
        order = self.start + len(self.records)
        self.records.append(new_paragraph(citation, part, unit, parent, marker, kind, heading, text, order, ()))
        return citation

    def extend(self, records: Iterable[Paragraph], keys: set[str] | None = None) -> None:
        """Append records built elsewhere (the CCL's), keeping their keys taken (``keys``: the set of their
        citations, when the caller has it)."""
        runs = records.units if isinstance(records, Parsed) else []
        records = list(records)
        self.keys.update(map(_CITATION, records) if keys is None else keys)
        at = len(self.records)
        self.records.extend(records)
        self.note_runs((key, at + start, at + end) for key, start, end in runs)

    def note_runs(self, runs: Iterable[tuple[Hashable, int, int]]) -> None:
        """Note runs of :attr:`records` taken whole from a parse cache (:class:`Parsed`)."""
        if isinstance(self.records, Parsed):
            self.records.units.extend(runs)
