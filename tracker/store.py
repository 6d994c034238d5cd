"""The temporal store: every ingested version of every Part, in one SQLite file.

Paragraph content is stored once by content hash (``texts``); ``spans`` map a citation key to a
text hash over a range of version dates ``[valid_from, valid_to)`` (``valid_to`` NULL: still in
force in the latest stored version), so a paragraph unchanged across versions costs nothing per new
version. Document order is kept as a chain: each span names the citation before it (``prev``)
and the step from that paragraph's ``order`` (``gap``), so inserting one paragraph touches only its
successor's span instead of renumbering the rest of the Part.

Versions may be ingested in any date order: a version dated between two stored ones splits the
spans that cross it (backfill). Re-ingesting a stored ``(part, date)`` with the same sha256 is a
no-op; with a different sha256 it is refused (:class:`StoreError`): the store never rewrites history.
A wrong version is taken out whole with :meth:`Store.remove_version`, which leaves the store exactly
as if it had never been ingested.

The plausibility gate: a whole (not excerpt) version of a Part is refused (:class:`SuspectVersionError`)
when it has fewer than half the paragraphs, or fewer than half the characters of paragraph text, of the
nearest earlier stored whole version of that Part (for a version older than all stored ones: the
nearest later one), unless that version is too small to judge (under :data:`MIN_JUDGED` paragraphs)
or the caller accepts it (``accept_suspect=True``). An excerpt is partial by declaration and not judged.

Opening refuses, in one line and without writing, a file that is not a tracker database (not SQLite,
truncated, or an SQLite database of other tables). ``Store(path, readonly=True)`` opens it with SQLite's
``mode=ro`` (no migration, no journal-mode switch) for commands that only read.

>>> store = Store(":memory:")
>>> store.parts()
[]
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256 as _sha256
from pathlib import Path
from typing import Any

import sqlite_utils

from tracker import checkpoint
from tracker.errors import StateError
from tracker.model import Paragraph, Reference, sha256_text
from tracker.snapshots import SnapshotError, check_date

DEFAULT_DB = "tracker.db"

#: How long a write waits for another process's write transaction before giving up, seconds.
BUSY_TIMEOUT = 10.0

#: The plausibility gate judges a new version only against a stored one of at least this many paragraphs.
MIN_JUDGED = 50

_SQLITE_MAGIC = b"SQLite format 3\x00"

_READ_ONLY = "the database is read-only here; a writing command needs write access to the file and its folder"

#: Spans in force on one date; parameters: part, date, date.
_VALID_ON = "part = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"

#: Schema migrations, applied in order; the ``migrations`` table records which have run.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY, part TEXT NOT NULL, date TEXT NOT NULL, issue_date TEXT,
            source TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, fetched_at TEXT,
            ingested_at TEXT NOT NULL, paragraphs INTEGER NOT NULL, UNIQUE (part, date))""",
        """CREATE TABLE texts (
            hash TEXT PRIMARY KEY, kind TEXT NOT NULL, marker TEXT NOT NULL, heading TEXT NOT NULL,
            text TEXT NOT NULL, refs TEXT NOT NULL)""",
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY, part TEXT NOT NULL, citation TEXT NOT NULL, unit TEXT NOT NULL,
            parent TEXT, prev TEXT, gap INTEGER NOT NULL, hash TEXT NOT NULL REFERENCES texts(hash),
            valid_from TEXT NOT NULL, valid_to TEXT)""",
        "CREATE INDEX spans_part_from ON spans (part, valid_from)",
        "CREATE INDEX spans_part_citation ON spans (part, citation)",
        """CREATE TABLE rules (
            document_number TEXT PRIMARY KEY, citation TEXT, title TEXT, action TEXT,
            publication_date TEXT, effective_on TEXT, html_url TEXT, parts TEXT NOT NULL,
            raw TEXT NOT NULL)""",
    ),
    (
        # Full-text search over every paragraph text ever stored (texts are never updated or deleted).
        "CREATE VIRTUAL TABLE texts_fts USING fts5(heading, text, content='texts', content_rowid='rowid')",
        """CREATE TRIGGER texts_fts_insert AFTER INSERT ON texts BEGIN
            INSERT INTO texts_fts (rowid, heading, text) VALUES (new.rowid, new.heading, new.text); END""",
        "INSERT INTO texts_fts (texts_fts) VALUES ('rebuild')",
        # The cross-reference index: one row per reference per span of the citing paragraph.
        """CREATE VIEW xrefs AS SELECT s.part, s.citation AS from_citation, s.unit AS from_unit,
            json_extract(r.value, '$[0]') AS target, json_extract(r.value, '$[1]') AS kind,
            json_extract(r.value, '$[2]') AS written, s.valid_from, s.valid_to
            FROM spans s JOIN texts t ON t.hash = s.hash, json_each(t.refs) r""",
        # Emails: one row per (report version date, recipient); a row with status 'sent' is never resent.
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY, version_date TEXT NOT NULL, recipient TEXT NOT NULL,
            message_id TEXT NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, updated_at TEXT NOT NULL,
            UNIQUE (version_date, recipient))""",
    ),
    (
        # Store.delta reads only the spans that end or start between two dates, and the few
        # paragraphs of a kind it leaves out (editorial notes), without scanning history.
        "CREATE INDEX spans_part_to ON spans (part, valid_to)",
        "CREATE INDEX texts_kind ON texts (kind)",
        "CREATE INDEX spans_hash ON spans (hash)",
    ),
    (
        # Where each version was downloaded from (NULL: a file ingested by hand), and whether it holds
        # only part of its Part (an excerpt: absent paragraphs are unknown there, not removed).
        "ALTER TABLE snapshots ADD COLUMN url TEXT",
        "ALTER TABLE snapshots ADD COLUMN excerpt INTEGER NOT NULL DEFAULT 0",
        # A delivery is claimed ('sending', by whom and when) before it is handed to SMTP, so two
        # processes reaching one database can never both send it.
        "ALTER TABLE deliveries ADD COLUMN claimed_by TEXT",
        "ALTER TABLE deliveries ADD COLUMN claimed_at TEXT",
    ),
)


def is_date(text: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD (:func:`tracker.snapshots.check_date`).

    >>> is_date("2024-04-04"), is_date("2024-02-30"), is_date("20240404")
    (True, False, False)
    """
    try:
        check_date(text)
    except SnapshotError:
        return False
    return True


class StoreError(StateError, RuntimeError):
    """A request the store refuses (conflicting re-ingest, unknown version); one-line message."""


class SuspectVersionError(StoreError):
    """A new version implausible against the one before it (most of the Part gone): held back, not stored.

    ``Store.ingest(..., accept_suspect=True)`` stores it anyway (an operator's decision).
    """


def describe(exc: sqlite3.Error) -> str:
    """One line saying what an SQLite failure means for the operator.

    >>> describe(sqlite3.OperationalError("database or disk is full"))
    'database or disk is full'
    """
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"the database is locked by another process (waited {BUSY_TIMEOUT:g} s); try again when it is done"
    if name == "SQLITE_FULL":
        return "the disk is full (or the database reached its size limit)"
    if name.startswith("SQLITE_READONLY"):
        return _READ_ONLY
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return f"not a usable tracker database ({exc})"
    return str(exc)


def text_hash(p: Paragraph) -> str:
    """The content hash under which a paragraph's kind, marker, heading, text and refs are stored."""
    refs = [[r.target, r.kind, r.text] for r in p.refs]
    return sha256_text(json.dumps([p.kind, p.marker, p.heading, p.text, refs], ensure_ascii=False))


@dataclass(frozen=True, slots=True)
class _Row:
    """A paragraph as a span row: everything but the dates."""

    unit: str
    parent: str | None
    prev: str | None
    gap: int
    hash: str


@dataclass(frozen=True, slots=True)
class Delta:
    """Two versions of one Part as far as they differ (:meth:`Store.delta`).

    ``old`` and ``new`` hold the paragraphs of each version whose citation is absent from the
    other version or whose content (kind, marker, heading, text, refs) differs there, each in its
    document order; a paragraph that only moved (a neighbour inserted or removed) is in neither.
    ``old_order`` and ``new_order`` are all citations of each version, in document order.
    """

    old: list[Paragraph]
    new: list[Paragraph]
    old_order: list[str]
    new_order: list[str]


@dataclass(frozen=True, slots=True)
class Removal:
    """What :meth:`Store.remove_version` removed: the snapshot row, the next stored version of the Part
    (whose report compared against it; None if it was the latest), and the deliveries of those two report
    dates deleted (never sent) and kept (sent, or being sent)."""

    snapshot: dict[str, Any]
    next_date: str | None
    deliveries_deleted: int
    deliveries_kept: int


def _check_plausible(c: sqlite3.Connection, paragraphs: list[Paragraph], *, part: str, date: str, source: str) -> None:
    """Raise :class:`SuspectVersionError` if ``paragraphs`` lose most of ``part`` (the gate in the module docs)."""
    nearest = "SELECT date, paragraphs FROM snapshots WHERE part = ? AND NOT excerpt AND date {} ? ORDER BY date {}"
    ref = (c.execute(nearest.format("<", "DESC"), (part, date)).fetchone()
           or c.execute(nearest.format(">", "ASC"), (part, date)).fetchone())
    if ref is None or ref[1] < MIN_JUDGED:
        return
    ref_date, ref_count = ref
    ref_chars = c.execute(
        f"SELECT coalesce(sum(length(t.text)), 0) FROM spans s JOIN texts t ON t.hash = s.hash WHERE {_VALID_ON}",
        (part, ref_date, ref_date),
    ).fetchone()[0]
    count, chars = len(paragraphs), sum(len(p.text) for p in paragraphs)
    if 2 * count < ref_count or 2 * chars < ref_chars:
        raise SuspectVersionError(
            f"{source}: part {part} on {date} has {count:,} paragraphs ({chars:,} characters of text) against"
            f" {ref_count:,} ({ref_chars:,}) on {ref_date}: it would lose most of the Part; nothing stored"
            f" (if it is right: tracker ingest {source} --part {part} --date {date} --accept-suspect)"
        )


def _rows(paragraphs: list[Paragraph]) -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    prev: Paragraph | None = None
    for p in paragraphs:
        if p.citation in rows:
            raise StoreError(f"duplicate citation {p.citation!r} in one version; nothing stored")
        gap = p.order - (prev.order if prev else 0)
        rows[p.citation] = _Row(p.unit, p.parent, prev.citation if prev else None, gap, text_hash(p))
        prev = p
    return rows


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_file(path: Path) -> None:
    """Refuse, before SQLite opens it, a file that cannot be a tracker database: not SQLite, or truncated.

    Empty or absent is fine (a new database). A main file shorter than its header says is truncated,
    unless a write-ahead log is beside it (a checkpoint cut short leaves that, and SQLite completes it).
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"{path}: {exc.strerror}") from None
    if size == 0:
        return
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise StoreError(f"{path} is not a tracker database (not an SQLite file); left as it is")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    counter, pages, valid_for = (int.from_bytes(header[at : at + 4], "big") for at in (24, 28, 92))
    wal = Path(f"{path}-wal")
    logged = wal.exists() and wal.stat().st_size > 0
    if counter == valid_for and size < pages * page_size and not logged:
        raise StoreError(
            f"{path} is truncated ({size:,} of {pages * page_size:,} bytes): not a usable tracker database;"
            " left as it is (restore it from a backup)"
        )


def _too_new(version: int) -> StoreError:
    return StoreError(f"the database has schema version {version}, newer than this tracker's {len(MIGRATIONS)}")


def _readonly_uri(path: Path) -> str:
    """``mode=ro``, and ``immutable=1`` where SQLite could not create its ``-shm`` file (a read-only folder or
    file system) and no ``-wal`` file says a writer is at work."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


class Store:
    """A tracker database file (``:memory:`` for tests); ``.db`` is the sqlite-utils Database.

    ``readonly`` opens an existing database for reading only (SQLite ``mode=ro``): nothing is
    migrated or written, and it works on a read-only file or file system. Raises :class:`StoreError`
    (one line, the file left as it was) for a missing database opened read-only and for a file that
    is not a tracker database.

    >>> s = Store(":memory:")
    >>> s.has_snapshot("740", "2024-04-04")
    False
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.readonly = readonly
        memory = str(path) == ":memory:"
        file = Path(path)
        if readonly and not file.is_file():
            raise StoreError(f"no database at {path}")
        if not memory:
            _check_file(file)
        if not (memory or readonly) and not all(os.access(f, os.W_OK) for f in (file, file.parent) if f.exists()):
            raise StoreError(f"cannot open {path}: {_READ_ONLY}")  # SQLite would open it read-only, silently
        try:
            conn = sqlite3.connect(_readonly_uri(file) if readonly else str(path), isolation_level=None, uri=readonly)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {describe(exc)}") from None
        try:
            self._open(conn, path)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open {path}: {describe(exc)}") from None
        except StoreError:
            conn.close()
            raise

    def _open(self, conn: sqlite3.Connection, path: str | Path) -> None:
        """Check that ``conn`` holds a tracker database (or nothing yet), then set it up."""
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        if tables and "migrations" not in tables:
            shown = ", ".join(sorted(tables)[:4]) + (", …" if len(tables) > 4 else "")
            raise StoreError(f"{path} is an SQLite database of other tables ({shown}), not a tracker database; "
                             "left as it is")
        self.db = sqlite_utils.Database(conn)
        if self.readonly:
            self._check_schema(path, tables)
            return
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL: a commit is one append to the log. A killed process loses nothing committed (the
        # log is in the OS's cache); synchronous=NORMAL defers fsync to checkpoints, so recording
        # "sent" right after the SMTP server accepts a message takes microseconds, not several fsyncs.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def _check_schema(self, path: str | Path, tables: set[str]) -> None:
        """A read-only database must be at this tracker's schema already (nothing can be migrated)."""
        if not tables:
            raise StoreError(f"{path} holds no tracker data yet; run `tracker ingest` or `tracker run` first")
        version = self.schema_version or 0
        if version < len(MIGRATIONS):
            raise StoreError(
                f"{path} has schema version {version}, older than this tracker's {len(MIGRATIONS)};"
                " a writing command (tracker ingest, tracker run) upgrades it"
            )
        if version > len(MIGRATIONS):
            raise _too_new(version)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, name: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; checkpoints ``NAME.commit`` (before COMMIT) and ``NAME.committed``."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            checkpoint.reached(f"{name}.commit")
        except BaseException:
            if conn.in_transaction:  # SQLite has already rolled back after some errors (SQLITE_FULL)
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        checkpoint.reached(f"{name}.committed")

    def _migrate(self) -> None:
        with self._transaction("migrate") as c:
            c.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
            done = {v for (v,) in c.execute("SELECT version FROM migrations")}
            if max(done, default=0) > len(MIGRATIONS):
                raise _too_new(max(done))
            for version, statements in enumerate(MIGRATIONS, start=1):
                if version in done:
                    continue
                for sql in statements:
                    c.execute(sql)
                c.execute("INSERT INTO migrations VALUES (?, ?)", (version, _now()))

    @property
    def schema_version(self) -> int:
        return self.db.execute("SELECT max(version) FROM migrations").fetchone()[0]

    # -- versions -------------------------------------------------------------------------------

    def parts(self) -> list[str]:
        """Parts with at least one stored version, in numeric order."""
        rows = self.db.execute("SELECT DISTINCT part FROM snapshots").fetchall()
        return sorted((r[0] for r in rows), key=lambda p: (len(p), p))

    def dates(self, part: str | None = None) -> list[str]:
        """Stored version dates (of one Part, or of any Part), ascending."""
        if part is None:
            rows = self.db.execute("SELECT DISTINCT date FROM snapshots ORDER BY date")
        else:
            rows = self.db.execute("SELECT date FROM snapshots WHERE part = ? ORDER BY date", (part,))
        return [r[0] for r in rows]

    def has_snapshot(self, part: str, date: str) -> bool:
        return self.snapshot(part, date) is not None

    def snapshots(self, part: str | None = None) -> list[dict[str, Any]]:
        """Snapshot metadata rows, by part then date."""
        where, args = ("WHERE part = ?", (part,)) if part else ("", ())
        return list(self.db.query(f"SELECT * FROM snapshots {where} ORDER BY part, date", args))

    def snapshot(self, part: str, date: str) -> dict[str, Any] | None:
        """The metadata row of one stored version (None if not stored)."""
        rows = list(self.db.query("SELECT * FROM snapshots WHERE part = ? AND date = ?", (part, date)))
        return rows[0] if rows else None

    def version_on(self, part: str, date: str) -> str | None:
        """The latest stored version date of ``part`` on or before ``date`` (the version in force)."""
        row = self.db.execute(
            "SELECT max(date) FROM snapshots WHERE part = ? AND date <= ?", (part, date)
        ).fetchone()
        return row[0]

    # -- ingest ---------------------------------------------------------------------------------

    def ingest(
        self,
        paragraphs: list[Paragraph],
        *,
        part: str,
        date: str,
        source: str,
        sha256: str,
        size: int,
        issue_date: str | None = None,
        fetched_at: str | None = None,
        url: str | None = None,
        excerpt: bool = False,
        accept_suspect: bool = False,
    ) -> bool:
        """Store one version of a Part in one transaction; False if it is already stored.

        Raises :class:`StoreError` if ``(part, date)`` is stored from different bytes, or if the
        paragraphs are empty, belong to another Part or repeat a citation, and
        :class:`SuspectVersionError` if a whole version (not an ``excerpt``) would lose most of the Part
        (the gate in the module docs) and ``accept_suspect`` is not set. Dates may arrive out of
        order (backfill).
        """
        if not is_date(date):
            raise StoreError(f"version date {date!r} is not a date (YYYY-MM-DD)")
        if not paragraphs:
            raise StoreError(f"{source}: no paragraphs of part {part}; nothing stored")
        strays = sorted({p.part for p in paragraphs} - {part})
        if strays:
            raise StoreError(f"{source}: holds part {', '.join(strays)}, not part {part}; nothing stored")
        rows = _rows(paragraphs)
        with self._transaction("ingest") as c:
            known = c.execute(
                "SELECT sha256, source FROM snapshots WHERE part = ? AND date = ?", (part, date)
            ).fetchone()
            if known:
                if known[0] == sha256:
                    return False
                raise StoreError(
                    f"part {part} on {date} is already stored from {known[1]} (sha256 {known[0][:12]}…); "
                    f"refusing to replace it with {source} (sha256 {sha256[:12]}…)"
                )
            if not (excerpt or accept_suspect):
                _check_plausible(c, paragraphs, part=part, date=date, source=source)
            c.executemany(
                "INSERT OR IGNORE INTO texts VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (rows[p.citation].hash, p.kind, p.marker, p.heading, p.text, _refs_json(p.refs))
                    for p in paragraphs
                ),
            )
            self._place_version(c, part, date, rows)
            c.execute(
                "INSERT INTO snapshots (part, date, issue_date, source, sha256, size, fetched_at,"
                " ingested_at, paragraphs, url, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (part, date, issue_date, source, sha256, size, fetched_at, _now(), len(paragraphs), url, int(excerpt)),
            )
        return True

    def remove_version(self, part: str, date: str) -> Removal:
        """Remove the stored version of ``part`` on ``date`` in one transaction, as if never ingested.

        Every other version reads back exactly as before: spans only this version had are deleted,
        spans that started on it start on the next stored version, spans that ended on it end where
        the next version's own spans begin (merged with one that carries the same row). Texts stay.
        Unsent deliveries of the reports built from it (its date, and the next version's date, which
        compared against it) are deleted so they are planned afresh; sent ones stay as the record.
        Raises :class:`StoreError` when no such version is stored.
        """
        with self._transaction("remove") as c:
            row = self.snapshot(part, date)
            if row is None:
                raise StoreError(f"part {part} has no stored version on {date}; nothing removed")
            nxt = c.execute("SELECT min(date) FROM snapshots WHERE part = ? AND date > ?", (part, date)).fetchone()[0]
            self._unplace_version(c, part, date, nxt)
            c.execute("DELETE FROM snapshots WHERE id = ?", (row["id"],))
            reports = [d for d in (date, nxt) if d is not None]
            chosen = "version_date IN (SELECT value FROM json_each(?))"
            dropped = c.execute(
                f"DELETE FROM deliveries WHERE {chosen} AND status IN ('pending', 'failed')", (json.dumps(reports),)
            ).rowcount
            kept = c.execute(f"SELECT count(*) FROM deliveries WHERE {chosen}", (json.dumps(reports),)).fetchone()[0]
        return Removal(row, nxt, dropped, kept)

    @staticmethod
    def _unplace_version(c: sqlite3.Connection, part: str, date: str, nxt: str | None) -> None:
        """Take ``date`` out of the spans of ``part`` (``nxt``: the next stored version, None if it was the latest)."""
        columns = "id, citation, unit, parent, prev, gap, hash, valid_to"
        for sid, *_, valid_to in c.execute(
            f"SELECT {columns} FROM spans WHERE part = ? AND valid_from = ?", (part, date)
        ).fetchall():
            if valid_to == nxt:  # only this version had it
                c.execute("DELETE FROM spans WHERE id = ?", (sid,))
            else:
                c.execute("UPDATE spans SET valid_from = ? WHERE id = ?", (nxt, sid))
        ending = c.execute(f"SELECT {columns} FROM spans WHERE part = ? AND valid_to = ?", (part, date)).fetchall()
        following = {r[1]: r for r in c.execute(
            f"SELECT {columns} FROM spans WHERE part = ? AND valid_from = ?", (part, nxt)
        )} if ending and nxt is not None else {}
        for sid, citation, *row, _ in ending:
            after = following.get(citation)
            if after is not None and list(after[2:7]) == row:
                c.execute("DELETE FROM spans WHERE id = ?", (after[0],))
                c.execute("UPDATE spans SET valid_to = ? WHERE id = ?", (after[7], sid))
            else:
                c.execute("UPDATE spans SET valid_to = ? WHERE id = ?", (nxt, sid))

    @staticmethod
    def _place_version(c: sqlite3.Connection, part: str, date: str, rows: dict[str, _Row]) -> None:
        """Make the spans of ``part`` say ``rows`` on ``date``, leaving every other version as it was."""
        nxt = c.execute(
            "SELECT min(date) FROM snapshots WHERE part = ? AND date > ?", (part, date)
        ).fetchone()[0]
        covering = c.execute(
            "SELECT id, citation, unit, parent, prev, gap, hash, valid_to FROM spans"
            " WHERE part = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)",
            (part, date, date),
        ).fetchall()
        kept: set[str] = set()
        for sid, citation, unit, parent, prev, gap, h, valid_to in covering:
            if rows.get(citation) == _Row(unit, parent, prev, gap, h):
                kept.add(citation)
                continue
            c.execute("UPDATE spans SET valid_to = ? WHERE id = ?", (date, sid))
            if nxt is not None and (valid_to is None or valid_to > nxt):
                c.execute(
                    "INSERT INTO spans (part, citation, unit, parent, prev, gap, hash, valid_from, valid_to)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (part, citation, unit, parent, prev, gap, h, nxt, valid_to),
                )
        starting_next: dict[str, tuple[int, _Row]] = {}
        if nxt is not None:
            for sid, citation, unit, parent, prev, gap, h in c.execute(
                "SELECT id, citation, unit, parent, prev, gap, hash FROM spans"
                " WHERE part = ? AND valid_from = ?",
                (part, nxt),
            ):
                starting_next[citation] = (sid, _Row(unit, parent, prev, gap, h))
        for citation, row in rows.items():
            if citation in kept:
                continue
            following = starting_next.get(citation)
            if following and following[1] == row:
                c.execute("UPDATE spans SET valid_from = ? WHERE id = ?", (date, following[0]))
                continue
            c.execute(
                "INSERT INTO spans (part, citation, unit, parent, prev, gap, hash, valid_from, valid_to)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (part, citation, row.unit, row.parent, row.prev, row.gap, row.hash, date, nxt),
            )

    # -- reading --------------------------------------------------------------------------------

    def paragraphs_on(self, part: str, date: str) -> list[Paragraph]:
        """The paragraphs of the version of ``part`` in force on ``date``, in document order.

        Exactly the list that was ingested for that version. Raises :class:`StoreError` when
        ``date`` is before the first stored version of ``part``.
        """
        version = self._version(part, date)
        rows = self.db.execute(
            "SELECT s.citation, s.unit, s.parent, s.prev, s.gap, t.kind, t.marker, t.heading, t.text, t.refs"
            " FROM spans s JOIN texts t ON t.hash = s.hash"
            " WHERE s.part = ? AND s.valid_from <= ? AND (s.valid_to IS NULL OR s.valid_to > ?)",
            (part, version, version),
        ).fetchall()
        after = {r[3]: r for r in rows}
        out: list[Paragraph] = []
        row, order = after.get(None), 0
        while row is not None:
            citation, unit, parent, _prev, gap, kind, marker, heading, text, refs = row
            order += gap
            out.append(
                Paragraph(citation, part, unit, parent, marker, kind, heading, text, order, _refs_load(refs))
            )
            row = after.get(citation)
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
        c = self.db.conn
        columns = "citation, unit, parent, prev, gap, hash"
        ends = {r[0]: r for r in c.execute(
            f"SELECT {columns} FROM spans WHERE part = ? AND valid_to > ? AND valid_to <= ? AND valid_from <= ?",
            (part, va, vb, va),
        )}
        starts = {r[0]: r for r in c.execute(
            f"SELECT {columns} FROM spans WHERE part = ? AND valid_from > ? AND valid_from <= ?"
            " AND (valid_to IS NULL OR valid_to > ?)",
            (part, va, vb, vb),
        )}
        # The later version's chain (prev → citation, the gaps other than 1), built in SQLite: it is
        # the one part of a diff that reads every paragraph, so no row reaches Python.
        head, after, gaps, count = c.execute(
            "SELECT max(CASE WHEN prev IS NULL THEN citation END),"
            " json_group_object(prev, citation) FILTER (WHERE prev IS NOT NULL),"
            f" json_group_object(citation, gap) FILTER (WHERE gap != 1), count(*) FROM spans WHERE {_VALID_ON}",
            (part, vb, vb),
        ).fetchone()
        after_b: dict[str | None, str] = {None: head, **json.loads(after)}
        gap_b: dict[str, int] = json.loads(gaps)
        # The earlier version's chain: the later one with the spans that start between them taken
        # out and the spans that end between them put back.
        after_a, gap_a = dict(after_b), dict(gap_b)
        for row in starts.values():
            del after_a[row[3]]
        for row in ends.values():
            after_a[row[3]], gap_a[row[0]] = row[0], row[4]
        old = {k: r for k, r in ends.items() if k not in starts or starts[k][5] != r[5]}
        new = {k: r for k, r in starts.items() if k not in ends or ends[k][5] != r[5]}
        texts = {r[0]: r for r in c.execute(
            "SELECT hash, kind, marker, heading, text, refs FROM texts WHERE hash IN (SELECT value FROM json_each(?))",
            (json.dumps([r[5] for r in (*old.values(), *new.values())]),),
        )}
        hidden_b: set[str] = set()
        if ignore:
            # From the few texts of those kinds to their spans (``+part``: by the hash index, not by part).
            hidden_b = {r[0] for r in c.execute(
                "SELECT s.citation FROM texts t CROSS JOIN spans s ON s.hash = t.hash"
                " WHERE t.kind IN (SELECT value FROM json_each(?)) AND +s.part = ? AND s.valid_from <= ?"
                " AND (s.valid_to IS NULL OR s.valid_to > ?)",
                (json.dumps(sorted(ignore)), part, vb, vb),
            )}
        hidden_a = {k for k in hidden_b if k not in new} | {k for k, r in old.items() if texts[r[5]][1] in ignore}
        where = f"part {part} on {{}}"
        old_order, old_at = _walk(after_a, gap_a, count - len(starts) + len(ends), old, hidden_a, where.format(va))
        new_order, new_at = _walk(after_b, gap_b, count, new, hidden_b, where.format(vb))

        def paragraphs(rows: dict[str, tuple], at: list[tuple[str, int]]) -> list[Paragraph]:
            out = []
            for citation, order in at:
                _, unit, parent, _, _, h = rows[citation]
                _, kind, marker, heading, text, refs = texts[h]
                out.append(
                    Paragraph(citation, part, unit, parent, marker, kind, heading, text, order, _refs_load(refs))
                )
            return out

        return Delta(paragraphs(old, old_at), paragraphs(new, new_at), old_order, new_order)

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
            f"SELECT 1 FROM spans WHERE {_VALID_ON} AND unit = ? LIMIT 1", (part, version, version, unit)
        ).fetchone()
        return row is not None

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

    # -- Federal Register rules -----------------------------------------------------------------

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

    def rules(self, part: str | None = None) -> list[dict[str, Any]]:
        """Stored rules (optionally those touching ``part``), by publication date; JSON columns decoded."""
        sql = "SELECT * FROM rules"
        args: tuple[str, ...] = ()
        if part is not None:
            sql += " WHERE EXISTS (SELECT 1 FROM json_each(rules.parts) WHERE json_each.value = ?)"
            args = (part,)
        out = []
        for r in self.db.query(sql + " ORDER BY publication_date, document_number", args):
            out.append({**r, "parts": json.loads(r["parts"]), "raw": json.loads(r["raw"])})
        return out


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


def _refs_json(refs: tuple[Reference, ...]) -> str:
    return json.dumps([[r.target, r.kind, r.text] for r in refs], ensure_ascii=False)


def _refs_load(raw: str) -> tuple[Reference, ...]:
    return tuple(Reference(*r) for r in json.loads(raw))


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
        "parts": json.dumps(sorted({str(p) for p in parts}, key=lambda p: (len(p), p))),
        "raw": json.dumps(record, ensure_ascii=False, sort_keys=True),
    }


_LAYOUT = re.compile(r"part-(\d+[A-Za-z]?)$")


def infer_part_date(path: str | Path) -> tuple[str | None, str | None]:
    """Part and date from the snapshot layout ``…/part-740/2024-04-04.xml`` (None where absent)."""
    p = Path(path)
    m = _LAYOUT.search(p.parent.name)
    date = p.name.split(".")[0]
    return (m.group(1) if m else None), (date if is_date(date) else None)


def find_snapshots(root: str | Path) -> list[tuple[str, str, Path]]:
    """``(part, date, path)`` of every snapshot under ``root``, by part then date.

    Reads the fetcher's layout ``root/ecfr/title-15/part-740/2024-04-04.xml`` and also
    ``root/title-15/part-740/2024-04-04.xml``; other files are not snapshots and are left alone.
    """
    base = Path(root)
    found = []
    for pattern in ("ecfr/title-15/part-*/*.xml", "title-15/part-*/*.xml"):
        for path in base.glob(pattern):
            part, day = infer_part_date(path)
            if part and day and path.is_file():
                found.append((part, day, path))
    return sorted(found, key=lambda f: (len(f[0]), f[0], f[1]))


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    part: str | None = None,
    date: str | None = None,
    excerpt: bool = False,
    accept_suspect: bool = False,
) -> bool:
    """Parse an eCFR XML file and ingest it; part/date default to the snapshot layout.

    A file that holds only part of the Part (a section or supplement, no Part root) is refused
    unless ``excerpt`` says so; ``accept_suspect`` passes the plausibility gate. Raises
    :class:`tracker.parse.xmltext.ParseError` for malformed XML, :class:`StoreError` when part or
    date cannot be known, the file is over the size limit (checked before reading) or an unmarked
    excerpt, or the version conflicts with a stored one (:class:`SuspectVersionError` for the gate).
    """
    from tracker.parse import parse_bytes  # the parser sits above the store's model-only imports
    from tracker.parse.xmltext import MAX_XML_BYTES

    p = Path(path)
    guessed_part, guessed_date = infer_part_date(p)
    part, date = part or guessed_part, date or guessed_date
    if not part or not date:
        raise StoreError(
            f"{p}: cannot tell the Part and date; give --part and --date (or use part-N/DATE.xml)"
        )
    try:
        size = p.stat().st_size
        if size > MAX_XML_BYTES:
            raise StoreError(f"{p}: {size:,} bytes is over the {MAX_XML_BYTES:,}-byte limit for one eCFR file; "
                             "nothing read or stored")
        with p.open("rb") as f:
            data = f.read(MAX_XML_BYTES + 1)  # the parser refuses it if it grew past the limit since
    except OSError as exc:
        raise StoreError(f"{p}: {exc.strerror}") from None
    digest = _sha256(data).hexdigest()
    known = store.snapshot(part, date) if is_date(date) else None
    if known and known["sha256"] == digest:
        return False  # stored from these very bytes: nothing to parse
    paragraphs = parse_bytes(data, str(p))
    if not excerpt:
        _refuse_unmarked_excerpt(paragraphs, part, str(p))
    return store.ingest(
        paragraphs, part=part, date=date, source=str(p), sha256=digest, size=len(data),
        excerpt=excerpt, accept_suspect=accept_suspect,
    )


def _refuse_unmarked_excerpt(paragraphs: list[Paragraph], part: str, source: str) -> None:
    """Refuse paragraphs of ``part`` without its Part record (a section or supplement root, not ``DIV5``)."""
    if {p.part for p in paragraphs} != {part} or any(p.kind == "part" for p in paragraphs):
        return  # a whole Part, or what Store.ingest refuses for its own reason (nothing, another Part)
    units = list(dict.fromkeys(p.unit for p in paragraphs))
    shown = ", ".join(units[:3]) + (f" and {len(units) - 3} more" if len(units) > 3 else "")
    raise StoreError(
        f"{source}: holds only {shown} of part {part}, not the whole Part (no PART root); nothing stored;"
        " if it is meant as an excerpt, ingest it with --excerpt"
    )
