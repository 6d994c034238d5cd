"""A re-ingest that leaves alone the units a parse took whole from its cache (:class:`tracker.parse.records.Parsed`).

A store keeps the version it ingested last as *segments*: each run of its paragraphs that one cached unit gave (by
that unit's parse-cache key) with the spans placed for it, and the loose spans between. In the next version, a run
under one of those keys whose first paragraph follows the same citation at the same gap carries exactly the rows of
those spans (one key, the same records but for their ``order``); when its document-order keys come out the same
too, its spans stay as they are, and none of its rows is built, hashed or compared. Every other paragraph is placed
the ordinary way, span by span: the store writes the very rows it writes when handed plain paragraphs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Hashable, Sequence
from typing import NamedTuple

from tracker.model import Paragraph
from tracker.store import ords
from tracker.store.placed import INSERT_SPAN, Placed, Row, Spans, set_column


class Segment(NamedTuple):
    """Paragraphs of a stored version: their unit's parse-cache key (None: loose), spans, keys and characters."""

    key: Hashable | None
    spans: list[Placed]
    ords: list[int]
    chars: int
    by_citation: Spans


class Runs(NamedTuple):
    """The segments of a stored version, and those of its unit runs by key (a key seen twice: neither)."""

    segments: list[Segment]
    by_key: dict[Hashable, Segment]


class Piece(NamedTuple):
    """``paragraphs[start:end]`` of a new version: one unit run (``key``) or loose paragraphs (None), their
    characters of text, and the stored segment whose rows they repeat (``old``; None: placed one by one)."""

    start: int
    end: int
    key: Hashable | None
    chars: int
    old: Segment | None


def _follows(paragraphs: Sequence[Paragraph], start: int, first: Placed) -> bool:
    """Whether ``paragraphs[start]`` is ``first``'s citation after the same citation at the same gap."""
    prev = paragraphs[start - 1] if start else None
    p = paragraphs[start]
    return (p.citation == first.citation and first.row[2] == (prev.citation if prev else None)
            and first.row[3] == p.order - (prev.order if prev else 0))


def _chars(paragraphs: Sequence[Paragraph]) -> int:
    return sum(len(p.text) for p in paragraphs)


def pieces(paragraphs: Sequence[Paragraph], stored: Runs | None) -> list[Piece] | None:
    """``paragraphs`` cut into their unit runs and loose stretches, each run matched with the ``stored`` segment
    it repeats; None when they hold no runs (plain paragraphs) or runs out of order."""
    units = getattr(paragraphs, "units", None)
    if not units:
        return None
    by_key = stored.by_key if stored is not None else {}
    out: list[Piece] = []
    at = 0
    for key, start, end in units:
        if not at <= start < end <= len(paragraphs):
            return None
        if start > at:
            out.append(Piece(at, start, None, _chars(paragraphs[at:start]), None))
        old = by_key.get(key)
        if old is not None and len(old.spans) == end - start and _follows(paragraphs, start, old.spans[0]):
            out.append(Piece(start, end, key, old.chars, old))
        else:
            out.append(Piece(start, end, key, _chars(paragraphs[start:end]), None))
        at = end
    if at < len(paragraphs):
        out.append(Piece(at, len(paragraphs), None, _chars(paragraphs[at:]), None))
    return out


def runs_of(paragraphs: Sequence[Paragraph], cut: list[Piece], placed: Spans, kept: set[int]) -> Runs:
    """The segments of a version just placed (``placed``: its spans; ``kept``: the ids of the stored segments it
    kept whole, reused as they are)."""
    segments: list[Segment] = []
    for piece in cut:
        if piece.old is not None and id(piece.old) in kept:
            segments.append(piece.old)
            continue
        spans = [placed[p.citation] for p in paragraphs[piece.start:piece.end]]
        segments.append(Segment(piece.key, spans, [s.ord for s in spans], piece.chars,
                                {s.citation: s for s in spans}))
    by_key: dict[Hashable, Segment] = {}
    twice: set[Hashable] = set()
    for segment in segments:
        if segment.key is not None:
            if segment.key in by_key:
                twice.add(segment.key)
            by_key[segment.key] = segment
    for key in twice:
        del by_key[key]
    return Runs(segments, by_key)


def _fixed(paragraphs: Sequence[Paragraph], cut: list[Piece], rows: dict[str, Row], current: Spans) -> list[int | None]:
    """The key each paragraph's span in force has when it carries the paragraph's row (None: no such span)."""
    fixed: list[int | None] = []
    for piece in cut:
        if piece.old is not None:
            fixed += piece.old.ords
            continue
        for p in paragraphs[piece.start:piece.end]:
            span = current.get(p.citation)
            fixed.append(span.ord if span is not None and span.row == rows[p.citation] else None)
    return fixed


def place(
    c: sqlite3.Connection, part: str, date: str, paragraphs: Sequence[Paragraph], cut: list[Piece],
    rows: dict[str, Row], stored: Runs, current: Spans,
) -> tuple[Spans, Runs]:
    """Make the spans of ``part`` say ``paragraphs`` on ``date``, after the latest stored version (its spans
    ``current``, its segments ``stored``; ``rows``: those of the paragraphs of pieces that repeat no segment), as
    :func:`tracker.store.versions._place_version` does; the spans now in force, and the version's segments."""
    keys = ords.keys(_fixed(paragraphs, cut, rows, current))
    placed: Spans = {}
    kept: set[int] = set()
    fresh: list[tuple[str, Row, int]] = []
    for piece in cut:
        old = piece.old
        if old is not None and keys[piece.start:piece.end] == old.ords:
            placed.update(old.by_citation)
            kept.add(id(old))
            continue
        for i, p in enumerate(paragraphs[piece.start:piece.end]):
            row = rows[p.citation] if old is None else old.spans[i].row
            key = keys[piece.start + i]
            span = current.get(p.citation)
            if span is not None and span.row == row and span.ord == key:
                placed[p.citation] = span
            else:
                fresh.append((p.citation, row, key))
    for segment in stored.segments:
        if id(segment) not in kept:
            for span in segment.spans:
                if placed.get(span.citation) is not span:
                    set_column(c, "valid_to", date, span.id)
    for citation, row, key in fresh:
        sid = c.execute(INSERT_SPAN, (part, citation, *row, date, None, key)).lastrowid
        assert sid is not None
        placed[citation] = Placed(sid, citation, row, None, key)
    return placed, runs_of(paragraphs, cut, placed, kept)
