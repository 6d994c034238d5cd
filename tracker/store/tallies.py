"""Per-version tallies of a Part's spans by stretch of document-order keys (``tallies``), so that counting the spans
before a key costs a scan of one stretch, not of the Part.

A stretch is the keys with the same ``ord >> SHIFT`` (a span's stretch never changes: its key never does). For
each stored version, one row holds, for every stretch with spans in force, how many there are and the sum of their
gaps, packed (:func:`pack`). A version's tally is the one of the version stored before it, plus the spans that
start on it and less those that end on it (:func:`record`): every span in force in one version and not in the
version before starts or ends on it, and an ingest or removal leaves every other version's spans as they were.

>>> s = BASE >> SHIFT
>>> t = Tally([s, s + 1, s + 5], [31, 0, 2], [31, 0, 4])
>>> unpack(pack(t))
Tally(stretches=[7275957, 7275962], counts=[31, 2], gaps=[31, 4])
>>> [(b[:1], len(b)) for n in (31, 200, 2**20) for b in [pack(Tally([s, s + 1], [n, 2], [n, 2]))]]
[(b'b', 7), (b'h', 13), (b'q', 49)]
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate
from operator import sub
from typing import NamedTuple

from tracker.store.ords import BASE

#: Keys with the same ``ord >> SHIFT`` form one stretch: ~32 spans of a version keyed afresh
#: (:data:`tracker.store.ords.STEP` apart).
SHIFT = 37

#: The tally's changes on a version: the spans that start on it (the second parameter) less those that end on it,
#: by stretch (of ``SHIFT``, the third), each through its own index.
_CHANGES = (
    "SELECT stretch, sum(n), sum(gaps) FROM (SELECT ord >> ?3 AS stretch, 1 AS n, gap AS gaps"
    " FROM spans INDEXED BY spans_part_from WHERE part = ?1 AND valid_from = ?2"
    " UNION ALL SELECT ord >> ?3, -1, -gap FROM spans INDEXED BY spans_part_to WHERE part = ?1 AND valid_to = ?2)"
    " GROUP BY stretch"
)

#: The tally of a version counted: every span of the Part in force on a date (the second parameter), by stretch.
_ALL = (
    "SELECT ord >> ?3, count(*), sum(gap) FROM spans WHERE part = ?1 AND valid_from <= ?2"
    " AND (valid_to IS NULL OR valid_to > ?2) GROUP BY 1"
)


class Tally(NamedTuple):
    """The stretches of a version (ascending), and in each the spans in force and the sum of their gaps."""

    stretches: list[int]
    counts: list[int]
    gaps: list[int]

    def add(self, stretch: int, n: int, gaps: int) -> None:
        """Count ``n`` spans more (fewer, if negative) in ``stretch``, with a sum of gaps ``gaps``."""
        i = bisect_left(self.stretches, stretch)
        if i < len(self.stretches) and self.stretches[i] == stretch:
            self.counts[i] += n
            self.gaps[i] += gaps
        else:
            self.stretches.insert(i, stretch)
            self.counts.insert(i, n)
            self.gaps.insert(i, gaps)


def _array(values: list[int]) -> bytes:
    """``values`` as little-endian integers of 8 bits (or 16, or 64: the fewest they fit in), after a byte that says
    which."""
    try:
        out = array("b", values)
    except OverflowError:
        try:
            out = array("h", values)
        except OverflowError:
            out = array("q", values)
    if sys.byteorder == "big":
        out.byteswap()
    return out.typecode.encode() + out.tobytes()


def pack(tally: Tally) -> bytes:
    """``tally`` as stored: its stretches with spans (each as the step from the one before, the first from the stretch
    of :data:`~tracker.store.ords.BASE`), their counts and their gap sums less their counts (mostly 0)."""
    kept = [i for i, n in enumerate(tally.counts) if n] if 0 in tally.counts else range(len(tally.counts))
    stretches, counts = [tally.stretches[i] for i in kept], [tally.counts[i] for i in kept]
    steps = list(map(sub, stretches, [BASE >> SHIFT, *stretches]))
    return _array(steps + counts + list(map(sub, [tally.gaps[i] for i in kept], counts)))


def unpack(blob: bytes) -> Tally:
    """The tally :func:`pack` packed."""
    values = array(chr(blob[0]))
    values.frombytes(blob[1:])
    if sys.byteorder == "big":
        values.byteswap()
    k = len(values) // 3
    counts = values[k:2 * k].tolist()
    stretches = list(accumulate(values[:k], initial=BASE >> SHIFT))[1:]
    return Tally(stretches, counts, [n + e for n, e in zip(counts, values[2 * k:], strict=True)])


class Prefix:
    """How many spans of a version stand in the stretches before a key's, and the sum of their gaps."""

    def __init__(self, blob: bytes) -> None:
        tally = unpack(blob)
        self.stretches = tally.stretches
        self.counts, self.gaps = [0, *accumulate(tally.counts)], [0, *accumulate(tally.gaps)]

    def before(self, stretch: int) -> tuple[int, int]:
        """(spans, sum of gaps) in the stretches below ``stretch``."""
        i = bisect_left(self.stretches, stretch)
        return self.counts[i], self.gaps[i]


def prefix(db: sqlite3.Connection, part: str, version: str) -> Prefix | None:
    """The stored tally of a version of ``part`` (None: none stored, or a database read at a schema before the
    tallies, as the tests of older migrations read one)."""
    try:
        row = db.execute("SELECT counts FROM tallies WHERE part = ? AND date = ?", (part, version)).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else _prefix(row[0])


@lru_cache(maxsize=64)
def _prefix(blob: bytes) -> Prefix:
    """The :class:`Prefix` of a stored tally, made once per blob (the diffs of one version read it again)."""
    return Prefix(blob)


def record(c: sqlite3.Connection, part: str, date: str) -> None:
    """Store the tally of the version of ``part`` on ``date``, its spans placed (inside the ingest's transaction)."""
    tally = _before(c, part, date)
    for stretch, n, gaps in c.execute(_CHANGES, (part, date, SHIFT)):
        tally.add(stretch, n, gaps)
    c.execute("INSERT OR REPLACE INTO tallies (part, date, counts) VALUES (?, ?, ?)", (part, date, pack(tally)))


def _before(c: sqlite3.Connection, part: str, date: str) -> Tally:
    """The tally of the version of ``part`` stored before ``date`` (empty: none), counted if not stored."""
    row = c.execute(
        "SELECT s.date, t.counts FROM snapshots s LEFT JOIN tallies t ON t.part = s.part AND t.date = s.date"
        " WHERE s.part = ? AND s.date < ? ORDER BY s.date DESC LIMIT 1", (part, date)).fetchone()
    if row is None:
        return Tally([], [], [])
    return unpack(row[1]) if row[1] is not None else counted(c, part, row[0])


def counted(c: sqlite3.Connection, part: str, date: str) -> Tally:
    """The tally of the version of ``part`` on ``date`` counted from its spans (a pass over the Part)."""
    rows = c.execute(_ALL, (part, date, SHIFT)).fetchall()
    return Tally([s for s, _, _ in rows], [n for _, n, _ in rows], [g for _, _, g in rows])


def drop(c: sqlite3.Connection, part: str, date: str) -> None:
    """Forget the tally of a version removed."""
    c.execute("DELETE FROM tallies WHERE part = ? AND date = ?", (part, date))


def fill(c: sqlite3.Connection) -> None:
    """The tallies of every stored version, oldest first per Part (the migration that adds the table)."""
    for part, date in c.execute("SELECT part, date FROM snapshots ORDER BY part, date").fetchall():
        record(c, part, date)
