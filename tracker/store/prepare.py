"""A version's paragraphs made ready to place: checked, hashed and turned into span rows (only those that repeat no
stored unit run, :mod:`tracker.store.runs`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from tracker.dates import is_date
from tracker.model import Paragraph
from tracker.store import runs
from tracker.store.errors import StoreError
from tracker.store.placed import Row
from tracker.store.texts import Key, hashes


def check_version(paragraphs: Sequence[Paragraph], *, part: str, date: str, source: str, empty: bool) -> None:
    """:class:`StoreError` for a bad date, no paragraphs (``empty``) or ``paragraphs`` of another Part."""
    if not is_date(date):
        raise StoreError(f"version date {date!r} is not a date (YYYY-MM-DD)")
    if empty:
        raise StoreError(f"{source}: no paragraphs of part {part}; nothing stored")
    strays = sorted({p.part for p in paragraphs} - {part})
    if strays:
        raise StoreError(f"{source}: holds part {', '.join(strays)}, not part {part}; nothing stored")


def duplicate(citation: str) -> StoreError:
    return StoreError(f"duplicate citation {citation!r} in one version; nothing stored")


def add_rows(
    rows: dict[str, Row], paragraphs: Sequence[Paragraph], keys: Sequence[str], prev: Paragraph | None
) -> None:
    """Add the span rows of ``paragraphs`` (``keys``: their content hashes; ``prev``: the paragraph before them) to
    ``rows``; :class:`StoreError` for a repeated citation."""
    for p, key in zip(paragraphs, keys, strict=True):
        if p.citation in rows:
            raise duplicate(p.citation)
        gap = p.order - (prev.order if prev else 0)
        rows[p.citation] = (p.unit, p.parent, prev.citation if prev else None, gap, key)
        prev = p


def rows_of(paragraphs: list[Paragraph], keys: list[str], *, part: str, date: str, source: str) -> dict[str, Row]:
    """The span rows of one version of ``part`` (``keys``: the paragraphs' content hashes); :class:`StoreError` for
    a bad date, no paragraphs, paragraphs of another Part or a repeated citation."""
    check_version(paragraphs, part=part, date=date, source=source, empty=not paragraphs)
    rows: dict[str, Row] = {}
    add_rows(rows, paragraphs, keys, None)
    return rows


class Prepared(NamedTuple):
    """A version ready to place: the paragraphs whose texts may be new, their content hashes, the rows to place
    one by one, the characters of text, the version's unit runs (:mod:`tracker.store.runs`; None: it has none) and
    the stored segments they repeat (None: every row is in ``rows``)."""

    texts: Sequence[Paragraph]
    keys: list[str]
    rows: dict[str, Row]
    chars: int
    cut: list[runs.Piece] | None
    stored: runs.Runs | None


def prepare(
    paragraphs: list[Paragraph], memo: dict[Key, str], keep: bool, *, part: str, date: str, source: str,
    stored: runs.Runs | None,
) -> tuple[Prepared, dict[Key, str]]:
    """The version's :class:`Prepared`, and the hash memo for the next (:func:`tracker.store.texts.hashes`): only
    the paragraphs that repeat none of the ``stored`` segments are hashed and given rows."""
    cut = runs.pieces(paragraphs, stored) if keep else None
    if cut is None or stored is None:
        keys, memo = hashes(paragraphs, memo, keep=keep)
        every = rows_of(paragraphs, keys, part=part, date=date, source=source)
        return Prepared(paragraphs, keys, every, sum(len(p.text) for p in paragraphs), cut, None), memo
    loose = [piece for piece in cut if piece.old is None]
    texts = [p for piece in loose for p in paragraphs[piece.start:piece.end]]
    check_version(texts, part=part, date=date, source=source, empty=not paragraphs)
    keys, memo = hashes(texts, memo)
    rows: dict[str, Row] = {}
    at = 0
    for piece in loose:
        n = piece.end - piece.start
        add_rows(rows, paragraphs[piece.start:piece.end], keys[at:at + n],
                  paragraphs[piece.start - 1] if piece.start else None)
        at += n
    return Prepared(texts, keys, rows, sum(piece.chars for piece in cut), cut, stored), memo
