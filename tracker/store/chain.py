"""The paragraphs of one stored version, read back as the chain of its spans (:meth:`Store.paragraphs_on`)."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from tracker.model import Paragraph, ParagraphKind
from tracker.store.errors import StoreError
from tracker.store.rows import in_force, refs_load


class _Link(NamedTuple):
    """A span as a link of its version's chain: everything but the dates and the text."""

    citation: str
    unit: str
    parent: str | None
    prev: str | None
    gap: int
    hash: str


class _Text(NamedTuple):
    hash: str
    kind: ParagraphKind
    marker: str
    heading: str
    text: str
    refs: str


def _columns(alias: str, row: type[_Link] | type[_Text]) -> str:
    """The columns of a row type, as SQL: ``s.citation, s.unit, …``."""
    return ", ".join(f"{alias}.{name}" for name in row._fields)


def _paragraph(part: str, link: _Link, text: _Text, order: int) -> Paragraph:
    return Paragraph(
        link.citation, part, link.unit, link.parent, text.marker, text.kind, text.heading, text.text, order,
        refs_load(text.refs),
    )


def paragraphs(conn: sqlite3.Connection, part: str, version: str) -> list[Paragraph]:
    """The paragraphs of ``part`` in ``version`` (a stored version date), in document order: the spans in the
    order of their keys, each naming the one before it (:class:`StoreError` where the keys and the chain
    disagree)."""
    rows = conn.execute(
        f"SELECT {_columns('s', _Link)}, {_columns('t', _Text)} FROM spans s JOIN texts t ON t.hash = s.hash"
        f" WHERE s.part = ? AND {in_force('s')} ORDER BY s.ord",
        (part, version, version),
    ).fetchall()
    split = len(_Link._fields)
    out: list[Paragraph] = []
    before, order = None, 0
    for link, text in ((_Link._make(r[:split]), _Text._make(r[split:])) for r in rows):
        if link.prev != before:
            raise StoreError(f"part {part} on {version}: broken paragraph chain at {link.citation}")
        order += link.gap
        out.append(_paragraph(part, link, text, order))
        before = link.citation
    return out
