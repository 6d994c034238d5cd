"""Reading versions back: which are stored, the paragraphs of one, and the difference of two (:class:`Delta`).

Which versions are stored is read with this module alone; the reads of paragraphs import what they build
(:mod:`tracker.model`, :mod:`tracker.store.chain`, :mod:`tracker.store.changed`) when first called, so that an
idle ``tracker run`` loads none of it.
"""

from __future__ import annotations

from bisect import bisect_right

from tracker.citations import part_sort_key
from tracker.store.connection import Connection
from tracker.store.errors import StoreError
from tracker.store.sql import in_force, json_values

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Collection

    from tracker.model import Delta, Paragraph
    from tracker.store.changed import Changed
    from tracker.store.rows import StoredVersion


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
        row = self.db.execute("SELECT 1 FROM snapshots WHERE part = ? AND date = ?", (part, date)).fetchone()
        return row is not None

    def snapshots(self, part: str | None = None) -> list[StoredVersion]:
        """The metadata of the stored versions (of one Part, or of every Part), by part then date."""
        from tracker.store.rows import StoredVersion

        where, args = ("WHERE part = ?", (part,)) if part else ("", ())
        rows = self.db.query(f"SELECT * FROM snapshots {where} ORDER BY part, date", args)
        return [StoredVersion.from_row(r) for r in rows]

    def snapshot(self, part: str, date: str) -> StoredVersion | None:
        """The metadata of one stored version (None if not stored)."""
        from tracker.store.rows import StoredVersion

        rows = self.db.query("SELECT * FROM snapshots WHERE part = ? AND date = ?", (part, date))
        return next((StoredVersion.from_row(r) for r in rows), None)

    @staticmethod
    def version_in(dates: list[str], date: str) -> str | None:
        """The latest of a Part's stored version ``dates`` (ascending, as :meth:`dates` gives them) on or before
        ``date``: the version in force then (None: ``date`` is before them all). No statement: for a caller that has
        the dates.

        >>> Reads.version_in(["2024-01-01", "2024-03-01"], "2024-02-15"), Reads.version_in(["2024-01-01"], "2023-12-31")
        ('2024-01-01', None)
        """
        i = bisect_right(dates, date)
        return dates[i - 1] if i else None

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

        Exactly the list that was ingested for that version: the spans in the order of their keys
        (:mod:`tracker.store.ords`), each naming the one before it. Raises :class:`StoreError` when
        ``date`` is before the first stored version of ``part``, or when the keys and the chain disagree.
        """
        from tracker.store.chain import paragraphs

        return paragraphs(self.db.conn, part, self._version(part, date))

    def delta(self, part: str, date_a: str, date_b: str, *, ignore: Collection[str] = ()) -> Delta:
        """The versions of ``part`` in force on ``date_a`` and on ``date_b`` (not earlier), as far as they differ.

        Equal to comparing :meth:`paragraphs_on` of both dates: :meth:`changed`'s paragraphs, and every
        citation of each version in document order (no texts). Paragraphs of a kind in ``ignore`` are left
        out of both versions. Raises :class:`StoreError` as :meth:`changed` does.

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
        from tracker.model import Delta

        changed = self.changed(part, date_a, date_b, ignore=ignore)
        va, vb = changed.versions
        return Delta(changed.old, changed.new, self._order(part, va, ignore), self._order(part, vb, ignore))

    def changed(self, part: str, date_a: str, date_b: str, *, ignore: Collection[str] = (),
                dates: list[str] | None = None) -> Changed:
        """The versions of ``part`` in force on ``date_a`` and on ``date_b`` as far as they differ, at the cost
        of the changes (:class:`~tracker.store.changed.Changed`: what a diff reads). Paragraphs of a kind in
        ``ignore`` are left out of both. ``dates``: the Part's stored version dates (:meth:`dates`), for a caller
        that has read them (one statement fewer). Raises :class:`StoreError` as :meth:`paragraphs_on` does, and
        when ``date_a`` is after ``date_b``."""
        from tracker.store.changed import Changed, links

        if dates is None:
            dates = self.dates(part)
        va, vb = self.version_in(dates, date_a), self.version_in(dates, date_b)
        if va is None or vb is None:
            raise StoreError(f"no stored version of part {part} on or before {date_a if va is None else date_b}")
        if va > vb:
            raise StoreError(f"{date_a} is after {date_b}: give the earlier date first")
        return Changed(self.db.conn, part, (va, vb), ignore, links(self.db.conn, part, va, vb), latest=vb == dates[-1])

    def _order(self, part: str, version: str, ignore: Collection[str]) -> list[str]:
        """The citations of one version in document order, but those of a kind in ``ignore``."""
        rows = self.db.execute(
            "SELECT s.citation FROM spans s JOIN texts t ON t.hash = s.hash"
            f" WHERE s.part = ? AND {in_force('s')} AND t.kind NOT IN (SELECT value FROM json_each(?)) ORDER BY s.ord",
            (part, version, version, json_values(ignore)),
        )
        return [r[0] for r in rows]

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
            args += (json_values(citations),)
        return dict(self.db.execute(sql + " ORDER BY s.valid_from", args).fetchall())

    def has_unit(self, part: str, unit: str, date: str) -> bool:
        """True if the version of ``part`` in force on ``date`` has a paragraph of ``unit`` (a section or ECCN)."""
        version = self._version(part, date)
        row = self.db.execute(
            f"SELECT 1 FROM spans WHERE part = ? AND {in_force()} AND unit = ? LIMIT 1", (part, version, version, unit)
        ).fetchone()
        return row is not None
