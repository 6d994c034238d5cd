"""Stored spans as an ingest handles them: a paragraph's row, a placed span, and the two writes that place one."""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

INSERT_SPAN = (
    "INSERT INTO spans (part, citation, unit, parent, prev, gap, hash, valid_from, valid_to, ord)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

#: A paragraph as a span row, everything but the dates: unit, parent, prev, gap and hash (a plain tuple: a version
#: makes one per paragraph).
Row = tuple[str, str | None, str | None, int, str]


class Placed(NamedTuple):
    """A stored span: its id, citation, row, end and document-order key (:mod:`tracker.store.ords`)."""

    id: int
    citation: str
    row: Row
    valid_to: str | None
    ord: int


#: Stored spans by citation.
Spans = dict[str, Placed]


def set_column(c: sqlite3.Connection, column: str, value: str | None, sid: int) -> None:
    """Set one column of the span ``sid``."""
    c.execute(f"UPDATE spans SET {column} = ? WHERE id = ?", (value, sid))
