"""Document-order keys of spans (``spans.ord``): the spans in force in any version, sorted by ``ord``, are
that version's paragraphs in document order.

So a diff ranks the spans that changed without walking the ``prev`` chain of the whole Part. A version
keeps the keys of the spans it shares with the versions around it, and each new span gets a key between
its neighbours' (:func:`keys`). When shared keys are out of the version's order (a block of paragraphs
moved) or a run of new spans has no room between its neighbours' keys, the span that cannot keep its key
is split as a changed row would be: it ends, and the same row with a new key starts on that version (every
version reads back the same; ``spans`` has one more row).

>>> [k - BASE for k in keys([None, BASE + 8, None, BASE + 4, BASE + 16])]  # 8 is out of order: it gets a new key
[1, 2, 3, 4, 16]
>>> [k - BASE for k in keys([None, BASE + 2**33, None])] == [STEP, 2 * STEP, 3 * STEP]
True
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Sequence
from operator import lt

from tracker.store.errors import StoreError
from tracker.store.rows import in_force

#: The step between the keys of consecutive new spans with no shared span after them.
STEP = 1 << 32
#: Every key is above this one, so every key has 19 digits (up to SQLite's largest integer, 2**63 - 1): as text
#: keys sort as the numbers do, and SQLite hands them over without formatting.
BASE = 10**18


def _in_order(fixed: Sequence[int | None]) -> list[int | None]:
    """``fixed`` with only a longest strictly increasing subsequence of its keys left (patience sorting; all of
    them when they increase already, as they do but for moved paragraphs), the others None."""
    present = [key for key in fixed if key is not None]
    if all(map(lt, present, present[1:])):
        return list(fixed)
    tails: list[int] = []  # tails[k]: the smallest key ending an increasing run of length k + 1
    tail_at: list[int] = []
    parent: dict[int, int | None] = {}
    for i, key in enumerate(fixed):
        if key is None:
            continue
        k = bisect_left(tails, key)
        parent[i] = tail_at[k - 1] if k else None
        if k == len(tails):
            tails.append(key)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = key, i
    out: list[int | None] = [None] * len(fixed)
    at = tail_at[-1] if tail_at else None
    while at is not None:
        out[at] = fixed[at]
        at = parent[at]
    return out


def keys(fixed: Sequence[int | None]) -> list[int]:
    """Strictly increasing keys for a version's spans in document order, ``fixed`` giving the key a span already
    has (None: a new span). Most existing keys stay; the others, and the new spans, get keys between their
    neighbours' (spread evenly; :data:`STEP` apart after the last kept one), all above :data:`BASE`."""
    out = _in_order(fixed)
    new = [i for i, key in enumerate(out) if key is None]
    k = 0
    while k < len(new):
        start, end = new[k], new[k] + 1
        k += 1
        low = out[start - 1] if start else BASE
        assert low is not None
        while True:
            while k < len(new) and new[k] == end:
                k, end = k + 1, end + 1
            high = out[end] if end < len(out) else None
            if high is None or high - low > end - start:
                break
            out[end] = None  # no room between the neighbours: the next one gets a new key too
            end += 1
        step = STEP if high is None else (high - low) // (end - start + 1)
        for j in range(start, end):
            out[j] = low + step * (j - start + 1)
    return [key for key in out if key is not None]


def run_keys(parts: Sequence[Sequence[int | None]], whole: Sequence[bool]) -> list[Sequence[int]]:
    """:func:`keys` of ``parts`` laid end to end, cut back into parts; a ``whole`` part (every key given, strictly
    increasing: a run of spans placed together before) that keeps its keys is handed back as it is. A whole part is
    looked at by its first and last key only, unless they fall out of order or lose their key; with no key given at
    all, the keys are ranges.

    >>> [list(k) for k in run_keys([[None], [BASE + 4, BASE + 8, BASE + 9], [None]], [False, True, False])]
    [[1000000000000000002], [1000000000000000004, 1000000000000000008, 1000000000000000009], [1000000004294967305]]
    >>> parts = [[None, BASE + 2], [BASE + 3, BASE + 5], [BASE + 1]]
    >>> [list(k) for k in run_keys(parts, [False, True, False])] == [keys(parts[0] + parts[1] + parts[2])[:2],
    ...     keys(parts[0] + parts[1] + parts[2])[2:4], keys(parts[0] + parts[1] + parts[2])[4:]]
    True
    """
    short: list[int | None] = []
    for part, w in zip(parts, whole, strict=True):
        short += (part[0], part[-1]) if w and len(part) > 1 else part
    present = [key for key in short if key is not None]
    if not present:
        return _cut(range(BASE + STEP, BASE + STEP * (len(short) + 1), STEP), parts, whole)
    if not all(map(lt, present, present[1:])):
        return _cut(keys([key for part in parts for key in part]), parts, whole)
    out = keys(short)
    cut: list[Sequence[int]] = []
    at = 0
    for part, w in zip(parts, whole, strict=True):
        if w:
            width = min(len(part), 2)
            if out[at:at + width] != [part[0], part[-1]][:width]:  # no room before it: it moves (all of it, at worst)
                return _cut(keys([key for part in parts for key in part]), parts, whole)
            cut.append(part)  # type: ignore[arg-type]  # a whole part's keys are all given
            at += width
        else:
            cut.append(out[at:at + len(part)])
            at += len(part)
    return cut


def _cut(flat: Sequence[int], parts: Sequence[Sequence[int | None]], whole: Sequence[bool]) -> list[Sequence[int]]:
    """``flat`` cut into ``parts``' lengths, a ``whole`` part that keeps its keys being itself."""
    out: list[Sequence[int]] = []
    at = 0
    for part, w in zip(parts, whole, strict=True):
        got = flat[at:at + len(part)]
        out.append(part if w and list(got) == part else got)
        at += len(part)
    return out


def _copy(c: sqlite3.Connection, span_id: int, valid_from: str, valid_to: str | None, ord_key: int) -> None:
    c.execute(
        "INSERT INTO spans (part, citation, unit, parent, prev, gap, hash, valid_from, valid_to, ord)"
        " SELECT part, citation, unit, parent, prev, gap, hash, ?, ?, ? FROM spans WHERE id = ?",
        (valid_from, valid_to, ord_key, span_id),
    )


def _fill_version(c: sqlite3.Connection, part: str, date: str) -> None:
    """Give the spans in force on ``date`` their keys, the earlier versions' spans having theirs."""
    rows = c.execute(
        "SELECT id, citation, prev, ord, valid_from, valid_to FROM spans"
        f" WHERE part = ? AND {in_force()}",
        (part, date, date),
    ).fetchall()
    after = {r[2]: r for r in rows}
    chain: list[tuple[int, str, str | None, int | None, str, str | None]] = []
    row = after.get(None)
    while row is not None and len(chain) < len(rows):
        chain.append(row)
        row = after.get(row[1])
    if len(chain) != len(rows):
        raise StoreError(f"part {part} on {date}: broken paragraph chain ({len(chain)} of {len(rows)})")
    for (span_id, _, _, old, _, valid_to), key in zip(chain, keys([r[3] for r in chain]), strict=True):
        if old is None:
            c.execute("UPDATE spans SET ord = ? WHERE id = ?", (key, span_id))
        elif old != key:
            c.execute("UPDATE spans SET valid_to = ? WHERE id = ?", (date, span_id))
            _copy(c, span_id, date, valid_to, key)


def fill(c: sqlite3.Connection) -> None:
    """Give every stored span its key (the migration that adds ``spans.ord``): version by version, in date order."""
    versions = c.execute("SELECT part, date FROM snapshots ORDER BY part, date").fetchall()
    for part, date in versions:
        _fill_version(c, part, date)
