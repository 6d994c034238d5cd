"""The Federal Register rules stored beside the versions (API records, JSON columns decoded on reading)."""

from __future__ import annotations

import json

from tracker.citations import part_sort_key
from tracker.store.connection import Connection
from tracker.store.errors import StoreError

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from tracker.store.rows import StoredRule


def _rule_row(record: dict[str, Any]) -> dict[str, Any]:
    if not record.get("document_number"):
        raise StoreError(f"Federal Register record without document_number: {str(record)[:80]}")
    parts = record.get("parts")
    if parts is None:
        parts = [
            str(ref["part"]) for ref in record.get("cfr_references") or [] if str(ref.get("title")) == "15"
        ]
    return {
        "document_number": record["document_number"],
        "citation": record.get("citation"),
        "title": record.get("title"),
        "action": record.get("action"),
        "publication_date": record.get("publication_date"),
        "effective_on": record.get("effective_on"),
        "html_url": record.get("html_url"),
        "parts": json.dumps(sorted({str(p) for p in parts}, key=part_sort_key)),
        "raw": json.dumps(record, ensure_ascii=False, sort_keys=True),
    }


class Rules(Connection):
    """The ``rules`` table."""

    def add_rules(self, records: Iterable[dict[str, Any]]) -> int:
        """Insert or update Federal Register documents (API records); returns how many were given.

        ``parts`` is taken from ``record["parts"]`` or from ``cfr_references`` (title 15 only).
        """
        rows = [_rule_row(r) for r in records]
        with self._transaction("rules") as c:
            c.executemany(
                "INSERT OR REPLACE INTO rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [tuple(r.values()) for r in rows],
            )
        return len(rows)

    def rules(self, part: str | None = None) -> list[StoredRule]:
        """Stored rules (optionally those touching ``part``), by publication date; JSON columns decoded."""
        if part is None:
            return self._rules("ORDER BY publication_date, document_number")
        return self._rules(
            "WHERE EXISTS (SELECT 1 FROM json_each(rules.parts) WHERE json_each.value = ?)"
            " ORDER BY publication_date, document_number",
            (part,),
        )

    def rules_of_date(self, date: str) -> list[StoredRule]:
        """Stored rules effective or published on ``date``, by document number; JSON columns decoded."""
        return self._rules("WHERE effective_on = ? OR publication_date = ? ORDER BY document_number", (date, date))

    def _rules(self, tail: str, args: tuple[str, ...] = ()) -> list[StoredRule]:
        from tracker.store.rows import StoredRule

        return [StoredRule.from_row(r) for r in self.db.query(f"SELECT * FROM rules {tail}", args)]
