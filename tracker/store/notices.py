"""Upcoming changes: the Federal Register documents on public inspection as last seen, and the upcoming
entries already announced by email (each once), with the deliveries of their announcement."""

from __future__ import annotations

import json

from tracker.store.connection import Connection
from tracker.store.schema import now

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any


class Notices(Connection):
    """The ``public_inspection`` and ``announcements`` tables."""

    def put_public_inspection(self, records: Iterable[dict[str, Any]], seen_on: str) -> int:
        """Insert or update documents on public inspection (API records with a ``document_number``)."""
        rows = [(r["document_number"], r.get("publication_date"), json.dumps(r, sort_keys=True), seen_on)
                for r in records]
        with self._transaction("public-inspection") as c:
            c.executemany("INSERT OR REPLACE INTO public_inspection VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def public_inspection(self) -> list[dict[str, Any]]:
        """The stored public-inspection records, by scheduled publication date then document number."""
        rows = self.db.execute("SELECT raw FROM public_inspection ORDER BY publication_date, document_number")
        return [json.loads(raw) for (raw,) in rows.fetchall()]

    def announced(self) -> set[str]:
        """The keys of the upcoming entries already announced."""
        return {key for (key,) in self.db.execute("SELECT key FROM announcements").fetchall()}

    def announcement(self, name: str) -> list[dict[str, Any]]:
        """The entries announced in the announcement ``name`` (its delivery key), as announced."""
        rows = self.db.execute("SELECT entry FROM announcements WHERE announcement = ? ORDER BY rowid", (name,))
        return [json.loads(entry) for (entry,) in rows.fetchall()]

    def announce(self, name: str, entries: Sequence[tuple[str, dict[str, Any]]],
                 deliveries: Sequence[tuple[str, str, str]]) -> None:
        """Record ``entries`` (key, entry) as announced in ``name`` and plan its ``deliveries`` (recipient,
        Message-ID, subject) in one transaction: an entry is marked announced exactly when its email is planned.
        Entries announced before are left as they were."""
        stamp = now()
        with self._transaction("announce") as c:
            c.executemany("INSERT OR IGNORE INTO announcements VALUES (?, ?, ?, ?)",
                          [(key, name, json.dumps(e, sort_keys=True), stamp) for key, e in entries])
            c.executemany(
                "INSERT OR IGNORE INTO deliveries (version_date, recipient, message_id, subject, status, updated_at)"
                " VALUES (?, ?, ?, ?, 'pending', ?)",
                [(name, who, msgid, subj, stamp) for who, msgid, subj in deliveries],
            )
