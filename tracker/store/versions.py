"""Storing a version of a Part (with the plausibility gate) and removing a wrong one.

The plausibility gate: a whole (not excerpt) version of a Part is refused (:class:`SuspectVersionError`)
when it has fewer than half the paragraphs, or fewer than half the characters of paragraph text, of the
nearest earlier stored whole version of that Part (for a version older than all stored ones: the
nearest later one), unless that version is too small to judge (under :data:`MIN_JUDGED` paragraphs)
or the caller accepts it (``accept_suspect=True``). An excerpt is partial by declaration and not judged; one
found by its own words (``judge_excerpt``: its comments say text was omitted) is judged against the nearest
stored version of either kind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from tracker.model import Paragraph
from tracker.parse.collector import collector_paused
from tracker.store import runs, tallies
from tracker.store.deliveries import drop_unsent
from tracker.store.errors import StoreError, SuspectVersionError
from tracker.store.placed import Placed, Spans, set_column
from tracker.store.prepare import Prepared, duplicate, prepare
from tracker.store.reads import Reads
from tracker.store.rows import StoredVersion, in_force
from tracker.store.schema import now
from tracker.store.texts import Key, store_texts

#: The plausibility gate judges a new version only against a stored one of at least this many paragraphs.
MIN_JUDGED = 50

#: SQLite's page cache while a version is written, in KiB (its default is 2,000): an ingest writes a whole Part's
#: new pages at once, and a small cache hands them to the write-ahead log as it goes instead of holding 2 MiB of
#: them (issue 15's memory goal: an ingest of the 2 MB Part 774 within 8x its size).
INGEST_CACHE_KIB = 512

class _Latest(NamedTuple):
    """The spans in force in the latest version of ``part`` as the ingest that stored it left them, and the
    :func:`_stamp` of the database then: while the stamp is the same, they are what the database holds."""

    part: str
    date: str
    chars: int  # of paragraph text in that version
    spans: Spans
    stamp: tuple[int, int]
    runs: runs.Runs | None  # its segments (:mod:`tracker.store.runs`), when its paragraphs came with unit runs


def _stamp(c: sqlite3.Connection) -> tuple[int, int]:
    """The rows changed on this connection and SQLite's ``data_version`` (which changes when another connection
    commits): an equal stamp means a database no one has written to since."""
    return c.total_changes, c.execute("PRAGMA data_version").fetchone()[0]


@dataclass(frozen=True, slots=True)
class Removal:
    """What :meth:`Store.remove_version` removed: the snapshot row, the next stored version of the Part
    (whose report compared against it; None if it was the latest), and the deliveries of those two report
    dates deleted (never sent) and kept (sent, or being sent)."""

    snapshot: StoredVersion
    next_date: str | None
    deliveries_deleted: int
    deliveries_kept: int


def _check_plausible(
    c: sqlite3.Connection, paragraphs: list[Paragraph], *, part: str, date: str, source: str, chars: int,
    whole: bool = True, latest: _Latest | None = None,
) -> None:
    """Raise :class:`SuspectVersionError` if ``paragraphs`` (``chars`` characters of text) lose most of ``part``
    (the gate in the module docs), judged against the nearest ``whole`` version (or the nearest of either kind);
    ``latest``: the version last ingested, if the database holds it as that ingest left it (its characters need not
    be counted again)."""
    kind = "AND NOT excerpt" if whole else ""
    nearest = f"SELECT date, paragraphs FROM snapshots WHERE part = ? {kind} AND date {{}} ? ORDER BY date {{}}"
    ref = (c.execute(nearest.format("<", "DESC"), (part, date)).fetchone()
           or c.execute(nearest.format(">", "ASC"), (part, date)).fetchone())
    ref_date, ref_count = ref or (None, 0)
    if ref_count < MIN_JUDGED:
        return
    if latest is not None and (latest.part, latest.date) == (part, ref_date):
        ref_chars = latest.chars
    else:
        ref_chars = c.execute(
            "SELECT coalesce(sum(length(t.text)), 0) FROM spans s JOIN texts t ON t.hash = s.hash"
            f" WHERE s.part = ? AND {in_force('s')}",
            (part, ref_date, ref_date),
        ).fetchone()[0]
    count = len(paragraphs)
    if 2 * count < ref_count or 2 * chars < ref_chars:
        raise SuspectVersionError(
            f"{source}: part {part} on {date} has {count:,} paragraphs ({chars:,} characters of text) against"
            f" {ref_count:,} ({ref_chars:,}) on {ref_date}: it would lose most of the Part; nothing stored"
            f" (if it is right: tracker ingest {source} --part {part} --date {date} --accept-suspect)"
        )


def _placed(c: sqlite3.Connection, where: str, args: tuple[str | None, ...]) -> list[Placed]:
    """The spans of a Part (the first of ``args``) that meet ``where``."""
    rows = c.execute(
        f"SELECT id, citation, unit, parent, prev, gap, hash, valid_to, ord FROM spans WHERE part = ? AND {where}",
        args,
    ).fetchall()
    return [Placed(sid, citation, (unit, parent, prev, gap, h), valid_to, key)
            for sid, citation, unit, parent, prev, gap, h, valid_to, key in rows]


def _neighbours(c: sqlite3.Connection, part: str, date: str, nxt: str | None) -> tuple[Spans, Spans]:
    """The spans of ``part`` in force on ``date``, and those starting on ``nxt`` (the next stored version), by
    citation."""
    current = {s.citation: s for s in _placed(c, in_force(), (part, date, date))}
    starting_next = {s.citation: s for s in _placed(c, "valid_from = ?", (part, nxt))} if nxt is not None else {}
    return current, starting_next


def _near(
    c: sqlite3.Connection, part: str, date: str, nxt: str | None, latest: _Latest | None
) -> tuple[Spans, Spans]:
    """:func:`_neighbours`, without reading the spans again when ``date`` follows the ``latest`` version stored (no
    ``nxt``), which the database holds as its ingest left it."""
    if nxt is None and latest is not None and latest.part == part:
        return latest.spans, {}
    return _neighbours(c, part, date, nxt)


def _place(
    c: sqlite3.Connection, paragraphs: list[Paragraph], prep: Prepared, *, part: str, date: str, nxt: str | None,
    near: tuple[Spans, Spans], keep: bool,
) -> tuple[Spans, runs.Runs | None]:
    """Store the new texts and place the spans of a prepared version (:func:`tracker.store.runs.place`; ``near``:
    its :func:`_neighbours`); the spans now in force (as that returns them) and the version's segments, if it is to
    be kept."""
    if prep.stored is not None:
        current = near[0]
        known = {s.row[-1] for cit in prep.rows if (s := current.get(cit)) is not None}
    else:
        known = {s.row[-1] for spans in near for s in spans.values()}
    store_texts(c, prep.texts, prep.keys, known)
    cut = prep.cut or [runs.Piece(0, len(paragraphs), None, prep.chars, None)]
    placed, kept = runs.place(c, part, date, nxt, cut, prep.rows, stored=prep.stored, near=near, keep=keep)
    if prep.stored is not None and len(placed) != len(paragraphs):
        seen: set[str] = set()
        for p in paragraphs:
            if p.citation in seen:
                raise duplicate(p.citation)
            seen.add(p.citation)
    kept_runs = prep.cut is not None and keep and nxt is None
    return placed, runs.runs_of(paragraphs, prep.cut, placed, kept) if kept_runs and prep.cut is not None else None


def _unplace_version(c: sqlite3.Connection, part: str, date: str, nxt: str | None) -> None:
    """Take ``date`` out of the spans of ``part`` (``nxt``: the next stored version, None if it was the latest)."""
    for span in _placed(c, "valid_from = ?", (part, date)):
        if span.valid_to == nxt:  # only this version had it
            c.execute("DELETE FROM spans WHERE id = ?", (span.id,))
        else:
            set_column(c, "valid_from", nxt, span.id)
    ending = _placed(c, "valid_to = ?", (part, date))
    following = {s.citation: s for s in _placed(c, "valid_from = ?", (part, nxt))} if ending and nxt is not None else {}
    for span in ending:
        after = following.get(span.citation)
        if after is not None and after.row == span.row and after.ord == span.ord:
            c.execute("DELETE FROM spans WHERE id = ?", (after.id,))
            set_column(c, "valid_to", after.valid_to, span.id)
        else:
            set_column(c, "valid_to", nxt, span.id)


def _stored_already(known: StoredVersion | None, sha256: str, source: str) -> bool:
    """Whether the version is stored from these very bytes; :class:`StoreError` if from other bytes."""
    if known is None:
        return False
    if known.sha256 == sha256:
        return True
    raise StoreError(
        f"part {known.part} on {known.date} is already stored from {known.source} (sha256 {known.sha256[:12]}…); "
        f"refusing to replace it with {source} (sha256 {sha256[:12]}…)"
    )


@contextmanager
def _small_cache(c: sqlite3.Connection) -> Iterator[None]:
    """The page cache at :data:`INGEST_CACHE_KIB` for the block, as it was after."""
    before = c.execute("PRAGMA cache_size").fetchone()[0]
    c.execute(f"PRAGMA cache_size = -{INGEST_CACHE_KIB}")
    try:
        yield
    finally:
        c.execute(f"PRAGMA cache_size = {int(before)}")


class Versions(Reads):
    """Ingest and removal of versions."""

    #: The content hashes of the last version ingested (:func:`tracker.store.texts.hashes`). This and
    #: :attr:`_latest` are kept from a store's second ingest on: a store that ingests one version, as ``tracker
    #: ingest FILE`` does, holds neither (~5 MiB for Part 774).
    _hash_memo: dict[Key, str] = {}  # noqa: RUF012 - replaced, never mutated
    #: Whether this store has ingested a version before.
    _ingested = False
    #: The spans of the version last ingested, when it was the latest of its Part (None: read them).
    _latest: _Latest | None = None

    @collector_paused  # thousands of rows and no cycles: no collector pass over a parse cache held beside it
    def ingest(
        self,
        paragraphs: list[Paragraph],
        *,
        part: str,
        date: str,
        source: str,
        sha256: str,
        size: int,
        issue_date: str | None = None,
        fetched_at: str | None = None,
        url: str | None = None,
        excerpt: bool = False,
        accept_suspect: bool = False,
        judge_excerpt: bool = False,
    ) -> bool:
        """Store one version of a Part in one transaction; False if it is already stored.

        Raises :class:`StoreError` if ``(part, date)`` is stored from different bytes, or if the
        paragraphs are empty, belong to another Part or repeat a citation, and
        :class:`SuspectVersionError` if a whole version (not an ``excerpt``) would lose most of the Part
        (the gate in the module docs; an excerpt too with ``judge_excerpt``) and ``accept_suspect`` is not
        set. Dates may arrive out of order (backfill). The paragraphs' own ``refs`` are ignored: the references of
        a text new to the store are found here, once per distinct text (:mod:`tracker.store.texts`).
        """
        keep, self._ingested = self._ingested, True
        latest, self._latest = self._latest, None  # set again once this ingest has committed
        stored = latest.runs if latest is not None and latest.part == part and latest.date < date else None
        args = {"part": part, "date": date, "source": source}
        prep, self._hash_memo = prepare(paragraphs, self._hash_memo, keep, stored=stored, **args)
        with self._transaction("ingest") as c, _small_cache(c):
            if latest is not None and latest.stamp != _stamp(c):
                latest = None  # written to since
            if _stored_already(self.snapshot(part, date), sha256, source):
                return False
            nxt = self.version_after(part, date)
            if prep.stored is not None and (latest is None or nxt is not None):
                prep, self._hash_memo = prepare(paragraphs, self._hash_memo, keep, stored=None, **args)
            if not accept_suspect and (judge_excerpt or not excerpt):
                _check_plausible(c, paragraphs, part=part, date=date, source=source, chars=prep.chars,
                                 whole=not excerpt, latest=latest)
            near = _near(c, part, date, nxt, latest)
            placed, segments = _place(c, paragraphs, prep, part=part, date=date, nxt=nxt, near=near, keep=keep)
            c.execute(
                "INSERT INTO snapshots (part, date, issue_date, source, sha256, size, fetched_at,"
                " ingested_at, paragraphs, url, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (part, date, issue_date, source, sha256, size, fetched_at, now(), len(paragraphs), url, int(excerpt)),
            )
            tallies.record(c, part, date)
        if nxt is None and keep:
            self._latest = _Latest(part, date, prep.chars, placed, _stamp(self.db.conn), segments)
        return True

    def remove_version(self, part: str, date: str) -> Removal:
        """Remove the stored version of ``part`` on ``date`` in one transaction, as if never ingested.

        Every other version reads back exactly as before: spans only this version had are deleted,
        spans that started on it start on the next stored version, spans that ended on it end where
        the next version's own spans begin (merged with one that carries the same row). Texts stay.
        Unsent deliveries of the reports built from it (its date, and the next version's date, which
        compared against it) are deleted so they are planned afresh; sent ones stay as the record.
        Raises :class:`StoreError` when no such version is stored.
        """
        with self._transaction("remove") as c:
            row = self.snapshot(part, date)
            if row is None:
                raise StoreError(f"part {part} has no stored version on {date}; nothing removed")
            nxt = self.version_after(part, date)
            _unplace_version(c, part, date, nxt)
            tallies.drop(c, part, date)
            c.execute("DELETE FROM snapshots WHERE id = ?", (row.id,))
            dropped, kept = drop_unsent(c, [d for d in (date, nxt) if d is not None])
        return Removal(row, nxt, dropped, kept)
