"""Two stored versions of a Part as far as they differ, read at the cost of the changes (:class:`Changed`).

The spans that end or start between the versions are read with their texts; where a citation stands
in either version comes from the document-order keys (:mod:`tracker.store.ords`): SQLite counts the later
version's spans up to each key asked for (:class:`_Counts`: one statement for the keys of the spans that
changed, each counted over the covering index ``spans_part_ord`` from the nearest key counted or from the start
of its stretch, which the version's tally counts (:mod:`tracker.store.tallies`); then for another key likewise),
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
from tracker.store import ords, tallies
from tracker.store.rows import in_force, refs_load

#: A document-order key as SQL gives it to Python: text, which sorts as the numbers do (every key has 19 digits,
#: :data:`tracker.store.ords.BASE`) and comes out of one ``group_concat`` without parsing.
KEY_SQL = "CAST({} AS TEXT)"


class Link(NamedTuple):
    """A span of a diff: where it stands (``ord``: its document-order key as text) and its text."""

    citation: str
    unit: str
    parent: str | None
    gap: int
    ord: str
    kind: ParagraphKind
    marker: str
    heading: str
    text: str
    refs: str
    hash: str

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

    def __init__(self, keys: list[str], gaps: dict[str, int]) -> None:
        self.keys = keys
        self.odd = sorted(gaps)
        self.extra = [0, *accumulate(gaps[k] - 1 for k in self.odd)]

    @classmethod
    def of(cls, links: Iterable[Link]) -> _Tally:
        chosen = list(links)
        return cls(sorted(link.ord for link in chosen), {link.ord: link.gap for link in chosen if link.gap != 1})

    def before(self, key: str) -> int:
        return bisect_left(self.keys, key)

    def order(self, key: str) -> int:
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
        self._seen_b: dict[str, str] = {}  # citations read in the old version that stand unchanged in the new
        old = [link for c, link in self.ends.items() if c not in self.starts or self.starts[c].hash != link.hash]
        new = [link for c, link in self.starts.items() if c not in self.ends or self.ends[c].hash != link.hash]
        self.old = [link.paragraph(part, self._order_a(link.ord)) for link in _shown(old, self.ignore)]
        self.new = [link.paragraph(part, self.all_b.order(link.ord)) for link in _shown(new, self.ignore)]

    def _order_a(self, key: str) -> int:
        starts, ends = self.tallies
        return self.all_b.order(key) - starts.order(key) + ends.order(key)

    def _rank_b(self, key: str) -> int:
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
            rows = self._old_where("s.ord < ?", (int(key),), "ORDER BY s.ord DESC LIMIT 16")
            for found, key in rows:
                if found not in self.ends:
                    self._seen_b[found] = key
                yield found
            if len(rows) < 16:
                return

    def _old_where(self, where: str, args: tuple[str | int, ...], tail: str) -> list[tuple[str, str]]:
        """``(citation, key)`` of the old version's spans shown (of no hidden kind) that meet ``where``."""
        version = self.versions[0]
        rows = self.db.execute(
            f"SELECT s.citation, {KEY_SQL.format('s.ord')} FROM spans s JOIN texts t ON t.hash = s.hash"
            f" WHERE s.part = ? AND {in_force('s')} AND {where}"
            " AND t.kind NOT IN (SELECT value FROM json_each(?)) " + tail,
            (self.part, version, version, *args, json.dumps(sorted(self.ignore))),
        )
        return [(c, k) for c, k in rows]


def _shown(links: list[Link], ignore: Collection[str]) -> list[Link]:
    return sorted((link for link in links if link.kind not in ignore), key=lambda link: link.ord)


def _hidden(db: sqlite3.Connection, part: str, version: str, ignore: Collection[str]) -> list[str]:
    """The keys (sorted) of the spans in force in ``version`` of a kind in ``ignore`` (few: editorial notes)."""
    hidden = db.execute(
        f"SELECT {KEY_SQL.format('s.ord')} FROM texts t CROSS JOIN spans s ON s.hash = t.hash"
        f" WHERE t.kind IN (SELECT value FROM json_each(?)) AND +s.part = ? AND {in_force('s')}",
        (json.dumps(sorted(ignore)), part, version, version),
    ).fetchall() if ignore else []
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
#: In force in the latest version of a Part, where every span has started and an end is always the date of a
#: stored version: not ended (cheaper for SQLite to test on every index entry than :func:`in_force`).
_LATEST = "valid_to IS NULL"


class _Counts:
    """How many spans of a version stand before a key (:meth:`before`), and the sum of the gaps up to one
    (:meth:`order`: a paragraph's ``order``), counted by SQLite from the nearest key already counted or the start of
    the key's stretch (its count from the version's tally, if stored); ``keys`` are counted first, in one statement.
    ``version``: its date, and whether it is the Part's latest. ``gaps``: the gap of every span of the version whose
    key :meth:`order` is asked for (those that started since the earlier version)."""

    def __init__(self, db: sqlite3.Connection, part: str, version: tuple[str, bool], keys: Iterable[str],
                 gaps: dict[str, int]) -> None:
        self.db, self.part, self.gaps = db, part, gaps
        date, latest = version
        self.sql = _STRETCHES.format(live=_LATEST if latest else in_force())
        self.live = () if latest else (date, date)
        self.keys: list[str] = ["0"]  # below every key (all have 19 digits)
        self.counts: dict[str, tuple[int, int]] = {"0": (0, 0)}  # key: (spans before it, sum of their gaps)
        self.prefix = tallies.prefix(db, part, date)
        self._count(sorted(set(keys)))

    def _start(self, key: str) -> str:
        """The lowest key of ``key``'s stretch (:mod:`tracker.store.tallies`), counted from the version's tally
        ("0" when it has none)."""
        if self.prefix is None:
            return "0"
        stretch = int(key) >> tallies.SHIFT
        start = str(max(stretch << tallies.SHIFT, ords.BASE))  # 19 digits: no key is below BASE
        if start not in self.counts:
            self.counts[start] = self.prefix.before(stretch)
            insort(self.keys, start)
        return start

    def _count(self, keys: list[str]) -> None:
        """Count up to each of ``keys`` (sorted, none counted yet) from the nearest key counted below it (or the
        start of its stretch)."""
        starts = [self._start(key) for key in keys]
        lows = [self.keys[bisect_left(self.keys, key) - 1] for key in keys]
        lows = [max(low, before, start) for low, before, start in zip(lows, ["0", *keys], starts, strict=False)]
        bounds = json.dumps([[int(low), int(key)] for low, key in zip(lows, keys, strict=True)])
        rows = self.db.execute(self.sql, (self.part, *self.live, bounds))
        for low, key, (packed,) in zip(lows, keys, rows, strict=True):
            n = (packed + 2**31) >> 32  # the sum of gaps may be negative for orders given out of order
            before, gaps = self.counts[low]
            self.counts[key] = (before + n, gaps + packed - (n << 32))
            insort(self.keys, key)

    def _at(self, key: str) -> tuple[int, int]:
        if key not in self.counts:
            self._count([key])
        return self.counts[key]

    def before(self, key: str) -> int:
        return self._at(key)[0]

    def order(self, key: str) -> int:
        return self._at(key)[1] + self.gaps.get(key, 0)
