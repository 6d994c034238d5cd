"""Reading versions back: which are stored, the paragraphs of one, and the difference of two (:class:`Delta`)."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import NamedTuple

from tracker.citations import part_sort_key
from tracker.model import Delta, Paragraph, ParagraphKind
from tracker.store.connection import Connection
from tracker.store.errors import StoreError
from tracker.store.rows import StoredVersion, in_force, refs_load


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


class Reads(Connection):
    """The stored versions and their paragraphs."""

    def parts(self) -> list[str]:
        """Parts with at least one stored version, in numeric order."""
        rows = self.db.execute("SELECT DISTINCT part FROM snapshots").fetchall()
        return sorted((r[0] for r in rows), key=part_sort_key)

    def dates(self, part: str | None = None) -> list[str]:
        """Stored version dates (of one Part, or of any Part), ascending."""
        if part is None:
            rows = self.db.execute("SELECT DISTINCT date FROM snapshots ORDER BY date")
        else:
            rows = self.db.execute("SELECT date FROM snapshots WHERE part = ? ORDER BY date", (part,))
        return [r[0] for r in rows]

    def has_snapshot(self, part: str, date: str) -> bool:
        return self.snapshot(part, date) is not None

    def snapshots(self, part: str | None = None) -> list[StoredVersion]:
        """The metadata of the stored versions (of one Part, or of every Part), by part then date."""
        where, args = ("WHERE part = ?", (part,)) if part else ("", ())
        rows = self.db.query(f"SELECT * FROM snapshots {where} ORDER BY part, date", args)
        return [StoredVersion.from_row(r) for r in rows]

    def snapshot(self, part: str, date: str) -> StoredVersion | None:
        """The metadata of one stored version (None if not stored)."""
        rows = self.db.query("SELECT * FROM snapshots WHERE part = ? AND date = ?", (part, date))
        return next((StoredVersion.from_row(r) for r in rows), None)

    def version_on(self, part: str, date: str) -> str | None:
        """The latest stored version date of ``part`` on or before ``date`` (the version in force)."""
        return self._nearest("max", "<=", part, date)

    def version_before(self, part: str, date: str) -> str | None:
        """The latest stored version date of ``part`` before ``date`` (None if there is none)."""
        return self._nearest("max", "<", part, date)

    def version_after(self, part: str, date: str) -> str | None:
        """The earliest stored version date of ``part`` after ``date`` (None if there is none)."""
        return self._nearest("min", ">", part, date)

    def _nearest(self, pick: str, compare: str, part: str, date: str) -> str | None:
        found: str | None = self.db.execute(
            f"SELECT {pick}(date) FROM snapshots WHERE part = ? AND date {compare} ?", (part, date)
        ).fetchone()[0]
        return found

    def _version(self, part: str, date: str) -> str:
        version = self.version_on(part, date)
        if version is None:
            raise StoreError(f"no stored version of part {part} on or before {date}")
        return version

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (for storage checks and ``tracker status``-like output)."""
        return {
            t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("snapshots", "texts", "spans", "rules")
        }

    def paragraphs_on(self, part: str, date: str) -> list[Paragraph]:
        """The paragraphs of the version of ``part`` in force on ``date``, in document order.

        Exactly the list that was ingested for that version. Raises :class:`StoreError` when
        ``date`` is before the first stored version of ``part``.
        """
        version = self._version(part, date)
        rows = self.db.execute(
            f"SELECT {_columns('s', _Link)}, {_columns('t', _Text)} FROM spans s JOIN texts t ON t.hash = s.hash"
            f" WHERE s.part = ? AND {in_force('s')}",
            (part, version, version),
        ).fetchall()
        split = len(_Link._fields)
        pairs = ((_Link._make(r[:split]), _Text._make(r[split:])) for r in rows)
        after = {link.prev: (link, text) for link, text in pairs}
        out: list[Paragraph] = []
        row, order = after.get(None), 0
        while row is not None:
            link, text = row
            order += link.gap
            out.append(_paragraph(part, link, text, order))
            row = after.get(link.citation)
        if len(out) != len(rows):
            raise StoreError(f"part {part} on {version}: broken paragraph chain ({len(out)} of {len(rows)})")
        return out

    def delta(self, part: str, date_a: str, date_b: str, *, ignore: Collection[str] = ()) -> Delta:
        """The versions of ``part`` in force on ``date_a`` and on ``date_b`` (not earlier), as far as they differ.

        Equal to comparing :meth:`paragraphs_on` of both dates, at the cost of the changes: it reads
        the spans that end or start between the two versions and their texts, and, for document
        order, the ``(prev, citation, gap)`` chain of the later version (no texts). Paragraphs of a
        kind in ``ignore`` are left out of both versions. Raises :class:`StoreError` as
        :meth:`paragraphs_on` does, and when ``date_a`` is after ``date_b``.

        >>> from tracker.model import Paragraph
        >>> from tracker.store import Store
        >>> s = Store(":memory:")
        >>> a, b = (Paragraph(c, "1", "1.1", None, "", "text", "", c + " text", i) for i, c in enumerate("ab"))
        >>> for day, version in (("2024-01-01", [a, b]), ("2024-02-01", [b])):
        ...     _ = s.ingest(version, part="1", date=day, source=day, sha256=day, size=1)
        >>> d = s.delta("1", "2024-01-01", "2024-02-01")
        >>> [p.citation for p in d.old], d.new, d.old_order, d.new_order
        (['a'], [], ['a', 'b'], ['b'])
        """
        va, vb = self._version(part, date_a), self._version(part, date_b)
        if va > vb:
            raise StoreError(f"{date_a} is after {date_b}: give the earlier date first")
        ends = self._links("valid_to > ? AND valid_to <= ? AND valid_from <= ?", (part, va, vb, va))
        starts = self._links(f"valid_from > ? AND {in_force()}", (part, va, vb, vb))
        after_b, gap_b, count = self._chain(part, vb)
        after_a, gap_a = _earlier_chain(after_b, gap_b, starts, ends)
        old = {k: r for k, r in ends.items() if k not in starts or starts[k].hash != r.hash}
        new = {k: r for k, r in starts.items() if k not in ends or ends[k].hash != r.hash}
        texts = self._texts([r.hash for r in (*old.values(), *new.values())])
        hidden_b = self._hidden(part, vb, ignore) if ignore else set()
        hidden_a = {k for k in hidden_b if k not in new} | {k for k, r in old.items() if texts[r.hash].kind in ignore}
        where = f"part {part} on {{}}"
        old_order, old_at = _walk(after_a, gap_a, count - len(starts) + len(ends), old, hidden_a, where.format(va))
        new_order, new_at = _walk(after_b, gap_b, count, new, hidden_b, where.format(vb))
        return Delta(
            [_paragraph(part, old[c], texts[old[c].hash], order) for c, order in old_at],
            [_paragraph(part, new[c], texts[new[c].hash], order) for c, order in new_at],
            old_order,
            new_order,
        )

    def _links(self, where: str, args: tuple[str, ...]) -> dict[str, _Link]:
        """The spans of a Part (the first of ``args``) that meet ``where``, by citation."""
        rows = self.db.execute(f"SELECT {_columns('spans', _Link)} FROM spans WHERE part = ? AND {where}", args)
        return {link.citation: link for link in map(_Link._make, rows)}

    def _chain(self, part: str, version: str) -> tuple[dict[str | None, str], dict[str, int], int]:
        """The chain of one version: ``prev → citation`` (``None`` → the first), the gaps other than 1, the count.

        Built in SQLite: it is the one part of a diff that reads every paragraph, so no row reaches Python.
        """
        head, after, gaps, count = self.db.execute(
            "SELECT max(CASE WHEN prev IS NULL THEN citation END),"
            " json_group_object(prev, citation) FILTER (WHERE prev IS NOT NULL),"
            f" json_group_object(citation, gap) FILTER (WHERE gap != 1), count(*) FROM spans"
            f" WHERE part = ? AND {in_force()}",
            (part, version, version),
        ).fetchone()
        return {None: head, **json.loads(after)}, json.loads(gaps), count

    def _texts(self, hashes: list[str]) -> dict[str, _Text]:
        rows = self.db.execute(
            f"SELECT {_columns('texts', _Text)} FROM texts WHERE hash IN (SELECT value FROM json_each(?))",
            (json.dumps(hashes),),
        )
        return {text.hash: text for text in map(_Text._make, rows)}

    def _hidden(self, part: str, version: str, kinds: Collection[str]) -> set[str]:
        """Citations of ``part`` in force in ``version`` whose text is of one of ``kinds``.

        From the few texts of those kinds to their spans (``+part``: by the hash index, not by part).
        """
        rows = self.db.execute(
            "SELECT s.citation FROM texts t CROSS JOIN spans s ON s.hash = t.hash"
            f" WHERE t.kind IN (SELECT value FROM json_each(?)) AND +s.part = ? AND {in_force('s')}",
            (json.dumps(sorted(kinds)), part, version, version),
        )
        return {r[0] for r in rows}

    def earlier_texts(
        self, part: str, before_date: str, citations: Collection[str] | None = None
    ) -> dict[str, str]:
        """Citations of ``part`` present in some version before ``before_date``, with their last text then.

        ``citations`` limits the answer to those citations (and the work to their spans).
        """
        sql = (
            "SELECT s.citation, t.text FROM spans s JOIN texts t ON t.hash = s.hash"
            " WHERE s.part = ? AND s.valid_from < ?"
        )
        args: tuple[str, ...] = (part, before_date)
        if citations is not None:
            sql += " AND s.citation IN (SELECT value FROM json_each(?))"
            args += (json.dumps(sorted(citations)),)
        return dict(self.db.execute(sql + " ORDER BY s.valid_from", args).fetchall())

    def has_unit(self, part: str, unit: str, date: str) -> bool:
        """True if the version of ``part`` in force on ``date`` has a paragraph of ``unit`` (a section or ECCN)."""
        version = self._version(part, date)
        row = self.db.execute(
            f"SELECT 1 FROM spans WHERE part = ? AND {in_force()} AND unit = ? LIMIT 1", (part, version, version, unit)
        ).fetchone()
        return row is not None


def _earlier_chain(
    after: dict[str | None, str], gaps: dict[str, int], starts: dict[str, _Link], ends: dict[str, _Link]
) -> tuple[dict[str | None, str], dict[str, int]]:
    """The earlier version's chain: the later one with the spans that start between them taken out and the
    spans that end between them put back."""
    after_a, gap_a = dict(after), dict(gaps)
    for link in starts.values():
        del after_a[link.prev]
    for link in ends.values():
        after_a[link.prev], gap_a[link.citation] = link.citation, link.gap
    return after_a, gap_a


def _walk(
    after: dict[str | None, str], gaps: dict[str, int], count: int, wanted: Collection[str], hidden: Collection[str],
    where: str,
) -> tuple[list[str], list[tuple[str, int]]]:
    """Follow a version's ``prev`` chain (``gaps``: those other than 1): its citations not ``hidden`` in document
    order, and the ``(citation, order)`` of the ``wanted`` ones among them; :class:`StoreError` if it is broken."""
    order: list[str] = []
    found: list[tuple[str, int]] = []
    total = seen = 0
    citation = after.get(None)
    while citation is not None and seen < count:
        seen += 1
        total += gaps.get(citation, 1)
        if citation not in hidden:
            order.append(citation)
            if citation in wanted:
                found.append((citation, total))
        citation = after.get(citation)
    if seen != count or citation is not None:
        raise StoreError(f"{where}: broken paragraph chain ({seen} of {count})")
    return order, found
