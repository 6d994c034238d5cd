"""Reads across citations: the spans under a key, the citations of a version, references and full-text search.

Every read of what is in force in a version uses :func:`tracker.store.sql.in_force`. The types of the rows
(:mod:`tracker.store.rows`) are imported by the reads that make them, not by opening a store.
"""

from __future__ import annotations

from tracker.citations import under_range
from tracker.store.reads import Reads
from tracker.store.sql import in_force, json_values

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from tracker.model import Reference
    from tracker.store.rows import ChangedUnit, Match, Ref, Span

_MATCHES = (
    "SELECT s.part, s.citation, s.valid_from, s.valid_to,"
    " snippet(texts_fts, 1, '[', ']', '…', 16) FROM texts_fts"
    " JOIN texts t ON t.rowid = texts_fts.rowid JOIN spans s ON s.hash = t.hash"
    " WHERE texts_fts MATCH ?"
)


class Index(Reads):
    """Citations, references and text across the stored versions."""

    def spans_starting(self, part: str, prefix: str) -> list[Span]:
        """Every span of ``part`` whose citation starts with ``prefix``, with its text (an index range scan)."""
        from tracker.store.rows import Span

        rows = self.db.execute(
            "SELECT s.part, s.citation, s.unit, s.parent, s.prev, s.hash, s.valid_from, s.valid_to,"
            " t.kind, t.marker, t.heading, t.text, t.refs FROM spans s JOIN texts t ON t.hash = s.hash"
            " WHERE s.part = ? AND s.citation >= ? AND s.citation < ?",
            (part, *under_range(prefix)),
        ).fetchall()
        return [Span(*r) for r in rows]

    def citations(self, part: str | None = None) -> list[str]:
        """Every citation ever stored (of one Part, or of any)."""
        where, args = ("WHERE part = ?", (part,)) if part else ("", ())
        return [r[0] for r in self.db.execute(f"SELECT DISTINCT citation FROM spans {where}", args)]

    def citations_on(self, part: str, version: str) -> frozenset[str]:
        """The citations of ``part`` in force in ``version``."""
        rows = self.db.execute(f"SELECT citation FROM spans WHERE part = ? AND {in_force()}", (part, version, version))
        return frozenset(r[0] for r in rows)

    def texts_on(self, part: str, version: str, unit: str, kind: str) -> list[str]:
        """The texts of the paragraphs of ``kind`` in ``unit`` of ``part`` in force in ``version``."""
        rows = self.db.execute(
            "SELECT t.text FROM spans s JOIN texts t ON t.hash = s.hash WHERE s.part = ? AND s.unit = ?"
            f" AND t.kind = ? AND {in_force('s')}",
            (part, unit, kind, version, version),
        )
        return [r[0] for r in rows]

    def changed_units(self) -> list[ChangedUnit]:
        """Every unit with a span that started after its Part's first version, or ended."""
        from tracker.store.rows import ChangedUnit

        rows = self.db.execute(
            "SELECT DISTINCT s.part, s.unit FROM spans s"
            " WHERE s.valid_to IS NOT NULL OR s.valid_from > (SELECT min(date) FROM snapshots WHERE part = s.part)"
        ).fetchall()
        return [ChangedUnit(*r) for r in rows]

    def refs_on(self, part: str, version: str, target: str | None = None) -> list[Ref]:
        """The references made in ``part`` in force in ``version`` (``target``: only those whose target starts
        with it)."""
        from tracker.store.rows import Ref

        where, args = (" AND target >= ? AND target < ?", under_range(target)) if target is not None else ("", ())
        rows = self.db.execute(
            "SELECT part, from_citation, from_unit, target, kind, written, valid_from, valid_to FROM xrefs"
            f" WHERE part = ? AND {in_force()}{where}",
            (part, version, version, *args),
        ).fetchall()
        return [Ref(*r) for r in rows]

    def refs_made_by(self, part: str, version: str, citations: Collection[str]) -> dict[str, tuple[Reference, ...]]:
        """The references (a range's with its end) made by the paragraphs at ``citations`` of ``part`` in force in
        ``version``, by citation: only those paragraphs are read."""
        from tracker.store.rows import refs_load

        rows = self.db.execute(
            "SELECT s.citation, t.refs FROM spans s JOIN texts t ON t.hash = s.hash"
            f" WHERE s.part = ? AND {in_force('s')} AND s.citation IN (SELECT value FROM json_each(?))",
            (part, version, version, json_values(citations)),
        ).fetchall()
        out: dict[str, tuple[Reference, ...]] = {}
        for citation, refs in rows:
            out[citation] = out.get(citation, ()) + refs_load(refs)
        return out

    def search_on(self, phrase: str, part: str, version: str, limit: int) -> list[Match]:
        """The spans of ``part`` in force in ``version`` whose text matches the FTS5 query ``phrase``, by citation."""
        rows = self.db.execute(
            _MATCHES + f" AND s.part = ? AND {in_force('s')} ORDER BY s.citation LIMIT ?",
            (phrase, part, version, version, limit),
        )
        return _matches(rows)

    def search_spans(self, phrase: str, part: str | None = None) -> list[Match]:
        """Every span (of ``part``, or of any Part) whose text matches ``phrase``, by part, citation and date."""
        where, args = (" AND s.part = ?", (part,)) if part else ("", ())
        rows = self.db.execute(_MATCHES + where + " ORDER BY s.part, s.citation, s.valid_from", (phrase, *args))
        return _matches(rows)


def _matches(rows: Iterable[tuple[str, str, str, str | None, str]]) -> list[Match]:
    from tracker.store.rows import Match

    return [Match(*r) for r in rows]
