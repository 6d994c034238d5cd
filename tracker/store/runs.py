"""A re-ingest that leaves alone the units a parse took whole from its cache (:class:`tracker.parse.parsed.Parsed`).

A store keeps the version it ingested last as *segments*: each run of its paragraphs that one cached unit gave (by
that unit's parse-cache key) with the spans placed for it, and the loose spans between. In the next version, a run
under one of those keys whose first paragraph follows the same citation at the same gap carries exactly the rows of
those spans (one key, the same records but for their ``order``); when its document-order keys come out the same
too, its spans stay as they are, and none of its rows is built, hashed or compared. Every other paragraph is placed
the ordinary way, span by span: the store writes the very rows it writes when handed plain paragraphs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Hashable, Iterable, Iterator, Sequence
from itertools import islice
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
    head: tuple[str, str | None, int]  # its first span's citation, previous citation and gap


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


def _head(paragraphs: Sequence[Paragraph], start: int) -> tuple[str, str | None, int]:
    """The citation of ``paragraphs[start]``, the one before it and the gap between their orders (its row's)."""
    p = paragraphs[start]
    if not start:
        return p.citation, None, p.order
    prev = paragraphs[start - 1]
    return p.citation, prev.citation, p.order - prev.order


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
    at, n = 0, len(paragraphs)
    for key, start, end in units:
        if not at <= start < end <= n:
            return None
        if start > at:
            out.append(Piece(at, start, None, _chars(paragraphs[at:start]), None))
        old = by_key.get(key)
        if old is not None and len(old.spans) == end - start and _head(paragraphs, start) == old.head:
            out.append(Piece(start, end, key, old.chars, old))
        else:
            out.append(Piece(start, end, key, _chars(paragraphs[start:end]), None))
        at = end
    if at < n:
        out.append(Piece(at, n, None, _chars(paragraphs[at:]), None))
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
        first = spans[0]
        segments.append(Segment(piece.key, spans, [s.ord for s in spans], piece.chars,
                                (first.citation, first.row[2], first.row[3])))
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


#: A paragraph to place: its citation, row, the span in force (or else starting on the next version) that carries
#: that row (None: neither does), and its document-order key.
Entry = tuple[str, Row, Placed | None, int]


def _matched(rows: Iterable[tuple[str, Row]], near: tuple[Spans, Spans]) -> list[Placed | None]:
    """For each row, the span of its citation in force on the date, or else starting on the next version, that
    carries it (None: neither does)."""
    current, starting_next = near
    found: list[Placed | None] = []
    for citation, row in rows:
        span = current.get(citation)
        if span is None or span.row != row:
            span = starting_next.get(citation)
            span = span if span is not None and span.row == row else None
        found.append(span)
    return found


#: What :func:`_keys` gives: each piece's keys, and the spans matched to the rows of each loose piece.
Placing = tuple[list[Sequence[int]], dict[int, list[Placed | None]]]


def _keys(cut: list[Piece], rows: dict[str, Row], near: tuple[Spans, Spans]) -> Placing:
    """The document-order keys of each piece (:func:`ords.run_keys`: a piece that repeats a segment is one whole
    part) and the spans matched to the rows of each piece that repeats none, by its index."""
    it = iter(rows.items())
    loose = {i: _matched(islice(it, piece.end - piece.start), near) for i, piece in enumerate(cut) if piece.old is None}
    parts: list[Sequence[int | None]] = [
        piece.old.ords if piece.old is not None else [None if m is None else m.ord for m in loose[i]]
        for i, piece in enumerate(cut)
    ]
    return ords.run_keys(parts, [piece.old is not None for piece in cut]), loose


def _entries(cut: list[Piece], rows: dict[str, Row], placing: Placing, kept: set[int]) -> Iterator[Entry]:
    """Every paragraph of the pieces not kept whole, with its matched span and key (``placing``: :func:`_keys`),
    one at a time (Part 774's first version has 14,600)."""
    keys, loose = placing
    it = iter(rows.items())
    for i, piece in enumerate(cut):
        if piece.old is None:
            for (citation, row), span, key in zip(islice(it, piece.end - piece.start), loose[i], keys[i], strict=True):
                yield citation, row, span, key
        elif id(piece.old) not in kept:
            for span, key in zip(piece.old.spans, keys[i], strict=True):
                yield span.citation, span.row, span, key


def _without(current: Spans, ending: list[Placed]) -> Spans:
    """``current`` but for the spans ``ending``."""
    placed = current.copy()
    for span in ending:
        del placed[span.citation]
    return placed


def place(
    c: sqlite3.Connection, part: str, date: str, nxt: str | None, cut: list[Piece], rows: dict[str, Row], *,
    stored: Runs | None, near: tuple[Spans, Spans], keep: bool,
) -> tuple[Spans, set[int]]:
    """Make the spans of ``part`` say the version ``cut`` into pieces on ``date`` (``rows``: the rows of its pieces
    that repeat no segment, in order; ``nxt``: the next stored version; ``near``: the spans in force on ``date`` and
    those starting on ``nxt``; ``stored``: the segments of the spans in force, when they are the latest version's),
    leaving every other version as it was. A span in force on ``date`` is kept, and one starting on ``nxt`` starts
    on ``date`` instead, when it carries the same row and can keep its document-order key (:func:`ords.keys`); a
    piece repeating a segment whose keys all stay keeps its spans without a look at them. Returns the spans now in
    force on ``date`` (unless ``keep`` is false: then only those that were in force already) and the ids of the
    segments kept whole."""
    current = near[0]
    placing = _keys(cut, rows, near)
    kept = {id(piece.old) for piece, k in zip(cut, placing[0], strict=True)
            if piece.old is not None and k is piece.old.ords}
    ending = list(current.values()) if stored is None else [
        span for segment in stored.segments if id(segment) not in kept for span in segment.spans]
    placed = _without(current, ending) if kept else {}  # first the spans that stay as they are, then every other one
    for citation, _, span, key in _entries(cut, rows, placing, kept):
        if span is not None and span.ord == key and current.get(citation) is span:
            placed[citation] = span
    _end(c, part, date, nxt, ending, placed)
    todo = ((citation, row, key) for citation, row, span, key in _entries(cut, rows, placing, kept)
            if span is None or span.ord != key or current.get(citation) is not span)
    _start(c, part, date, nxt, todo, near[1], placed if keep else None)
    return placed, kept


def _end(c: sqlite3.Connection, part: str, date: str, nxt: str | None, ending: list[Placed], placed: Spans) -> None:
    """End on ``date`` the spans of ``ending`` not ``placed`` (those running past ``nxt`` go on from it)."""
    for span in ending:
        if placed.get(span.citation) is span:
            continue
        set_column(c, "valid_to", date, span.id)
        if nxt is not None and (span.valid_to is None or span.valid_to > nxt):
            c.execute(INSERT_SPAN, (part, span.citation, *span.row, nxt, span.valid_to, span.ord))


def _start(
    c: sqlite3.Connection, part: str, date: str, nxt: str | None, todo: Iterable[tuple[str, Row, int]],
    starting_next: Spans, placed: Spans | None,
) -> None:
    """Start on ``date`` the rows ``todo`` (with their keys): a span starting on ``nxt`` with the same row and key
    starts on ``date`` instead, any other row is a new span; each goes into ``placed`` (if given)."""
    for citation, row, key in todo:
        following = starting_next.get(citation)
        if following and following.row == row and following.ord == key:
            set_column(c, "valid_from", date, following.id)
            span = following
        else:
            sid = c.execute(INSERT_SPAN, (part, citation, *row, date, nxt, key)).lastrowid
            assert sid is not None
            span = Placed(sid, citation, row, nxt, key)
        if placed is not None:
            placed[citation] = span
