"""Two stored versions of a Part as far as they differ, read at the cost of the changes (:class:`Changed`).

The spans that end or start between the versions are read with their texts; where a citation stands
in either version comes from the document-order keys (:mod:`tracker.store.ords`): SQLite counts the later
version's spans up to each key asked for (:class:`_Counts`: one statement for the keys of the spans that
changed, each counted over the covering index ``spans_part_ord`` from the start or the end of its stretch, which
the version's tally counts (:mod:`tracker.store.tallies`), or from a key beside it; then for another key likewise),
and the earlier version's ranks are those less the spans that started and plus the spans that ended. Citations
before a removed paragraph, or under a key, are read when the differ asks. Nothing walks the Part in Python.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right, insort
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from tracker.citations import is_under, under_range
from tracker.model import Paragraph, ParagraphKind, Reference, new_paragraph
from tracker.store import tallies
from tracker.store.rows import in_force, refs_load


class Link(NamedTuple):
    """A span of a diff: where it stands (``ord``: its document-order key) and its text."""

    citation: str
    unit: str
    parent: str | None
    gap: int
    ord: int
    kind: ParagraphKind
    marker: str
    heading: str
    text: str
    refs: str

    def paragraph(self, part: str, order: int) -> Paragraph:
        """The span's paragraph at ``order``."""
        return new_paragraph(self.citation, part, self.unit, self.parent, self.marker, self.kind, self.heading,
                             self.text, order, _refs(self.refs))


@lru_cache(maxsize=8192)
def _refs(raw: str) -> tuple[Reference, ...]:
    """The references stored as ``raw`` (:func:`~tracker.store.rows.refs_load`), read once per JSON: a paragraph
    edited outside its references has the same on both sides, and diffs of nearby versions meet them again.

    >>> _refs("[]"), _refs('[["740.2", "section", "§ 740.2"]]')
    ((), (Reference(target='740.2', kind='section', text='§ 740.2', through=None),))
    """
    return refs_load(raw) if raw != "[]" else ()


class _Tally:
    """Document-order keys (text, sorted) and their gaps other than 1: how many come before a key, and the
    sum of the gaps up to one (a paragraph's ``order``)."""

    def __init__(self, keys: list[int], gaps: dict[int, int]) -> None:
        self.keys = keys
        self.odd = sorted(gaps)
        self.extra = [0, *accumulate(gaps[k] - 1 for k in self.odd)]

    @classmethod
    def of(cls, links: Iterable[Link]) -> _Tally:
        chosen = list(links)
        return cls(sorted(link.ord for link in chosen), {link.ord: link.gap for link in chosen if link.gap != 1})

    def before(self, key: int) -> int:
        return bisect_left(self.keys, key)

    def order(self, key: int) -> int:
        return bisect_right(self.keys, key) + self.extra[bisect_right(self.odd, key)]


class Changed:
    """The paragraphs of two versions of ``part`` that differ (as :class:`~tracker.model.Delta` has them, but
    for the citation lists), and the :class:`tracker.diff.sides.Sides` questions about where things stand.

    Made by :meth:`tracker.store.Store.changed`; ``old`` and ``new`` are in document order, with their
    true ``order``; ranks count the paragraphs of neither hidden kind (``ignore``).
    """

    def __init__(self, db: sqlite3.Connection, part: str, versions: tuple[str, str], ignore: Collection[str],
                 spans: tuple[dict[str, Link], dict[str, Link]], *, latest: bool) -> None:
        self.db, self.part, self.versions, self.ignore = db, part, versions, frozenset(ignore)
        self.ends, self.starts = spans
        self.all_b = _Counts(db, part, (versions[1], latest), (link.ord for side in spans for link in side.values()),
                             {link.ord: link.gap for link in self.starts.values()})
        self.hidden_b = _Tally(_hidden(db, part, versions[1], self.ignore), {})
        sides = (self.starts, self.ends)
        self.tallies = tuple(_Tally.of(side.values()) for side in sides)
        self.hidden_tallies = tuple(_Tally.of(v for v in side.values() if v.kind in self.ignore) for side in sides)
        self._seen_b: dict[str, int] = {}  # citations read in the old version that stand unchanged in the new
        old = [link for c, link in self.ends.items() if c not in self.starts or not _same(self.starts[c], link)]
        new = [link for c, link in self.starts.items() if c not in self.ends or not _same(self.ends[c], link)]
        self.old = [link.paragraph(part, self._order_a(link.ord)) for link in _shown(old, self.ignore)]
        self.new = [link.paragraph(part, self.all_b.order(link.ord)) for link in _shown(new, self.ignore)]

    def _order_a(self, key: int) -> int:
        starts, ends = self.tallies
        return self.all_b.order(key) - starts.order(key) + ends.order(key)

    def _rank_b(self, key: int) -> int:
        return self.all_b.before(key) - self.hidden_b.before(key)

    def new_rank(self, citation: str) -> int | None:
        link = self.starts.get(citation)
        if link is not None:
            return None if link.kind in self.ignore else self._rank_b(link.ord)
        if citation in self.ends:
            return None
        key = self._seen_b.get(citation)
        return None if key is None else self._rank_b(key)

    def old_rank(self, citation: str) -> int:
        key = self.ends[citation].ord
        (starts, ends), (hidden_starts, hidden_ends) = self.tallies, self.hidden_tallies
        shown = self.all_b.before(key) - starts.before(key) + ends.before(key)
        return shown - (self.hidden_b.before(key) - hidden_starts.before(key) + hidden_ends.before(key))

    def in_old(self, citation: str) -> bool:
        if citation in self.ends:
            return self.ends[citation].kind not in self.ignore
        if citation in self.starts:
            return False
        return bool(self._old_where("s.citation = ?", (citation,), "LIMIT 1"))

    def old_under(self, key: str) -> list[str]:
        low, high = under_range(key)
        rows = self._old_where("s.citation >= ? AND s.citation < ?", (low, high), "")
        return sorted(c for c, _ in rows if c != key and is_under(c, key))

    def old_before(self, citation: str) -> Iterator[str]:
        key = self.ends[citation].ord
        while True:
            rows = self._old_where("s.ord < ?", (key,), "ORDER BY s.ord DESC LIMIT 16")
            for found, key in rows:
                if found not in self.ends:
                    self._seen_b[found] = key
                yield found
            if len(rows) < 16:
                return

    def _old_where(self, where: str, args: tuple[str | int, ...], tail: str) -> list[tuple[str, int]]:
        """``(citation, key)`` of the old version's spans shown (of no hidden kind) that meet ``where``."""
        version = self.versions[0]
        rows = self.db.execute(
            "SELECT s.citation, s.ord FROM spans s JOIN texts t ON t.hash = s.hash"
            f" WHERE s.part = ? AND {in_force('s')} AND {where}"
            " AND t.kind NOT IN (SELECT value FROM json_each(?)) " + tail,
            (self.part, version, version, *args, json.dumps(sorted(self.ignore))),
        )
        return [(c, k) for c, k in rows]


#: The spans of a Part (the first parameter) that end after one version (the second) up to another (the third), then
#: those that start then, with their texts, and 0 or 1 for which (each half through its own index).
_LINKS = (
    "SELECT s.citation, s.unit, s.parent, s.gap, s.ord, t.kind, t.marker, t.heading, t.text, t.refs, 0"
    " FROM spans s JOIN texts t ON t.hash = s.hash"
    " WHERE s.part = ?1 AND s.valid_to > ?2 AND s.valid_to <= ?3 AND s.valid_from <= ?2 UNION ALL"
    " SELECT s.citation, s.unit, s.parent, s.gap, s.ord, t.kind, t.marker, t.heading, t.text, t.refs, 1"
    " FROM spans s JOIN texts t ON t.hash = s.hash"
    " WHERE s.part = ?1 AND s.valid_from > ?2 AND s.valid_from <= ?3 AND (s.valid_to IS NULL OR s.valid_to > ?3)"
)


def links(db: sqlite3.Connection, part: str, va: str, vb: str) -> tuple[dict[str, Link], dict[str, Link]]:
    """The spans of ``part`` that end after version ``va`` up to ``vb``, and those that start then, by citation."""
    sides: tuple[dict[str, Link], dict[str, Link]] = ({}, {})
    for row in db.execute(_LINKS, (part, va, vb)):
        sides[row[-1]][row[0]] = Link._make(row[:-1])
    return sides


def _same(a: Link, b: Link) -> bool:
    """Whether two spans have one text (what their content hash covers, :func:`tracker.store.texts.text_hash`)."""
    return (a.text, a.heading, a.kind, a.marker, a.unit) == (b.text, b.heading, b.kind, b.marker, b.unit)


def _shown(links: list[Link], ignore: Collection[str]) -> list[Link]:
    return sorted((link for link in links if link.kind not in ignore), key=lambda link: link.ord)


@lru_cache(maxsize=4)
def _hidden_sql(kinds: int) -> str:
    """The keys of the spans of a Part in force in a version of one of ``kinds`` kinds (parameters: the kinds, the
    Part, the version's date twice): an ``IN`` list of parameters, a third cheaper than one of ``json_each``."""
    return ("SELECT s.ord FROM texts t CROSS JOIN spans s ON s.hash = t.hash"
            f" WHERE t.kind IN ({', '.join('?' * kinds)}) AND +s.part = ? AND {in_force('s')}")


def _hidden(db: sqlite3.Connection, part: str, version: str, ignore: Collection[str]) -> list[int]:
    """The keys (sorted) of the spans in force in ``version`` of a kind in ``ignore`` (few: editorial notes)."""
    if not ignore:
        return []
    hidden = db.execute(_hidden_sql(len(ignore)), (*sorted(ignore), part, version, version)).fetchall()
    return sorted(k for (k,) in hidden)


#: For each ``[low, high]`` pair of keys in a JSON array (the last parameter), in order: how many spans of a Part
#: (the first parameter) in force in a version (``{live}``: :func:`in_force`, the parameters between) stand from
#: ``low`` up to ``high`` (excluded), and the sum of their gaps, as one integer: the count times 2**32 plus the sum
#: (one sum of each gap plus 2**32: one aggregate per index entry, not two). Each pair is one range of the covering
#: index ``spans_part_ord``.
_STRETCHES = (
    "SELECT (SELECT coalesce(sum(gap + 4294967296), 0) FROM spans"
    " WHERE part = ? AND ord >= b.low AND ord < b.high AND {live}) FROM"
    " (SELECT key, json_extract(value, '$[0]') AS low, json_extract(value, '$[1]') AS high FROM json_each(?)) b"
    " ORDER BY b.key"
)
_STRETCHES_IN_FORCE = _STRETCHES.format(live=in_force())
#: In force in the latest version of a Part, where every span has started and an end is always the date of a
#: stored version: not ended (cheaper for SQLite to test on every index entry than :func:`in_force`).
_STRETCHES_LATEST = _STRETCHES.format(live="valid_to IS NULL")


class _Counts:
    """How many spans of a version stand before a key (:meth:`before`), and the sum of the gaps up to one
    (:meth:`order`: a paragraph's ``order``), counted by SQLite. ``keys`` are counted first, in one statement: with
    the version's tally (:mod:`tracker.store.tallies`), each from the start of its stretch or back from its end,
    whichever is the nearer (both counted in the tally: half the index entries a count from the start alone reads);
    without one, each from the key before. A key asked for later is counted from the nearest key counted below it (or
    the start of its stretch). ``version``: its date, and whether it is the Part's latest. ``gaps``: the gap of every
    span of the version whose key :meth:`order` is asked for (those that started since the earlier version)."""

    def __init__(self, db: sqlite3.Connection, part: str, version: tuple[str, bool], keys: Iterable[int],
                 gaps: dict[int, int]) -> None:
        self.db, self.part, self.gaps = db, part, gaps
        date, latest = version
        self.sql = _STRETCHES_LATEST if latest else _STRETCHES_IN_FORCE
        self.live = () if latest else (date, date)
        self.counts: dict[int, tuple[int, int]] = {0: (0, 0)}  # key: (spans before it, sum of their gaps)
        self.prefix = tallies.prefix(db, part, date)
        self._first(sorted(set(keys)))
        self.keys = sorted(self.counts)  # every key counted (0: below every key)

    def _segments(self, bounds: list[list[int]]) -> list[tuple[int, int]]:
        """(spans, sum of their gaps) from ``low`` up to ``high`` (excluded) of each ``[low, high]`` of ``bounds``."""
        out = []
        for (packed,) in self.db.execute(self.sql, (self.part, *self.live, json.dumps(bounds))):
            n = (packed + 2**31) >> 32  # the sum of gaps may be negative for orders given out of order
            out.append((n, packed - (n << 32)))
        return out

    def _first(self, keys: list[int]) -> None:
        """Count up to each of ``keys`` (sorted), in one statement: from the start or back from the end of its
        stretch, whichever is the nearer (without a tally: each from the key before)."""
        if self.prefix is None:
            before, gaps = 0, 0
            bounds = [[low, key] for low, key in zip([0, *keys], keys, strict=False)]
            for key, (n, g) in zip(keys, self._segments(bounds), strict=True):
                before, gaps = before + n, gaps + g
                self.counts[key] = (before, gaps)
            return
        bounds, plan = [], []
        for key in keys:
            stretch = key >> tallies.SHIFT
            low, high = stretch << tallies.SHIFT, (stretch + 1) << tallies.SHIFT
            forward = key - low <= high - key
            bounds.append([low, key] if forward else [key, high])
            plan.append((*self.prefix.before(stretch if forward else stretch + 1), 1 if forward else -1))
        for key, (before, gaps, sign), (n, g) in zip(keys, plan, self._segments(bounds), strict=True):
            self.counts[key] = (before + sign * n, gaps + sign * g)

    def _at(self, key: int) -> tuple[int, int]:
        found = self.counts.get(key)
        if found is None:
            low = self.keys[bisect_left(self.keys, key) - 1]
            if self.prefix is not None and low >> tallies.SHIFT != key >> tallies.SHIFT:
                low = key >> tallies.SHIFT << tallies.SHIFT
                self.counts[low] = self.prefix.before(key >> tallies.SHIFT)
                insort(self.keys, low)
            before, gaps = self.counts[low]
            ((n, g),) = self._segments([[low, key]])
            found = self.counts[key] = (before + n, gaps + g)
            insort(self.keys, key)
        return found

    def before(self, key: int) -> int:
        return self._at(key)[0]

    def order(self, key: int) -> int:
        return self._at(key)[1] + self.gaps.get(key, 0)
