"""The ``deliveries`` table: one row per (report version date, recipient), claimed before it is sent.

A row is ``pending`` when planned, ``sending`` while a process holds its claim (``claimed_by``,
``claimed_at``), ``sent`` once the server accepted it (never sent again) and ``failed`` after a send
the server did not take (retried). The policy (who may take over a claim, when to send) is
:mod:`tracker.mail`'s; the store makes each step one atomic statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tracker.store.connection import Connection
from tracker.store.schema import now
from tracker.store.sql import json_values

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from dataclasses import dataclass as record  # what the record is, for type checkers
else:
    from tracker.record import record

#: Whether a ``sending`` claim may be taken over, given its ``claimed_by`` and ``claimed_at``.
Lapsed = Callable[[str | None, str | None], bool]

_CHOSEN = "version_date IN (SELECT value FROM json_each(?))"


@record(frozen=True)
class Delivery:
    """One row of the ``deliveries`` table."""

    id: int
    version_date: str
    recipient: str
    message_id: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    updated_at: str
    claimed_by: str | None
    claimed_at: str | None


def drop_unsent(c: sqlite3.Connection, dates: list[str]) -> tuple[int, int]:
    """Delete the never-sent deliveries of the reports of ``dates``; ``(deleted, kept)`` (kept: sent or sending)."""
    dropped = c.execute(
        f"DELETE FROM deliveries WHERE {_CHOSEN} AND status IN ('pending', 'failed')", (json_values(dates),)
    ).rowcount
    kept = c.execute(f"SELECT count(*) FROM deliveries WHERE {_CHOSEN}", (json_values(dates),)).fetchone()[0]
    return dropped, kept


class Deliveries(Connection):
    """Planning, claiming and recording email deliveries."""

    def plan_delivery(self, version_date: str, recipient: str, message_id: str, subject: str) -> None:
        """Record a ``pending`` delivery, unless the row exists already (a ``sent`` row stays sent)."""
        self.db.execute(
            "INSERT OR IGNORE INTO deliveries (version_date, recipient, message_id, subject, status, updated_at)"
            " VALUES (?, ?, ?, ?, 'pending', ?)",
            (version_date, recipient, message_id, subject, now()),
        )

    def unsent_deliveries(self) -> list[Delivery]:
        """Delivery rows not yet accepted by the server, by version date then recipient."""
        return self._deliveries("status != 'sent' ORDER BY version_date, recipient")

    def delivery(self, row_id: int) -> Delivery | None:
        """One delivery row (None when it is no longer planned)."""
        found = self._deliveries("id = ?", (row_id,))
        return found[0] if found else None

    def _deliveries(self, where: str, args: tuple[int, ...] = ()) -> list[Delivery]:
        return [Delivery(**row) for row in self.db.query(f"SELECT * FROM deliveries WHERE {where}", args)]

    def claim_delivery(self, row_id: int, me: str, lapsed: Lapsed) -> bool:
        """Claim a row for ``me`` in one atomic UPDATE: False when it is sent, or ``sending`` by a claim not
        ``lapsed``."""
        self.db.conn.create_function("claim_lapsed", 2, lapsed)
        stamp = now()
        return bool(self.db.execute(
            "UPDATE deliveries SET status = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE id = ? AND status != 'sent'"
            " AND (status != 'sending' OR claim_lapsed(claimed_by, claimed_at))",
            (me, stamp, stamp, row_id),
        ).rowcount)

    def release_delivery(self, row_id: int, me: str, error: str) -> None:
        """Mark a row ``me`` claimed ``failed`` with ``error`` and drop the claim (nothing if not ``me``'s)."""
        self.db.execute(
            "UPDATE deliveries SET status = 'failed', last_error = ?, claimed_by = NULL, claimed_at = NULL,"
            " updated_at = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?",
            (error, now(), row_id, me),
        )

    def mark_delivery_sent(self, row_id: int) -> None:
        """Record that the server accepted the row's message."""
        self.db.execute(
            "UPDATE deliveries SET status = 'sent', last_error = NULL, updated_at = ? WHERE id = ?", (now(), row_id)
        )
