"""The tracker database's schema: its migrations, applied in order, and the check of a read-only database.

The ``migrations`` table records which of :data:`MIGRATIONS` have run; each runs once, in the writer's
first transaction. A step is an SQL statement, or a function of the connection for data SQL cannot compute.
A read-only opening migrates nothing, so it needs a database at this schema already.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from tracker.store.errors import StoreError

TYPE_CHECKING = False  # not typing's: every store opening loads this module (see tracker/__init__.py)
if TYPE_CHECKING:
    from pathlib import Path

#: One step of a migration: an SQL statement, or a function that fills data in on the connection.
Step = str | Callable[[sqlite3.Connection], None]


def _fill_ords(conn: sqlite3.Connection) -> None:
    """:func:`tracker.store.ords.fill` (imported only by the database that still needs it)."""
    from tracker.store import ords

    ords.fill(conn)


def _rekey(conn: sqlite3.Connection) -> None:
    """:func:`tracker.store.texts.rekey` (imported only by the database that still needs it)."""
    from tracker.store import texts

    texts.rekey(conn)


def _fill_tallies(conn: sqlite3.Connection) -> None:
    """:func:`tracker.store.tallies.fill` (imported only by the database that still needs it)."""
    from tracker.store import tallies

    tallies.fill(conn)


#: Schema migrations, applied in order; the ``migrations`` table records which have run.
MIGRATIONS: tuple[tuple[Step, ...], ...] = (
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
    (
        # Federal Register documents on public inspection (the earliest sign of a rule), as last seen.
        """CREATE TABLE public_inspection (
            document_number TEXT PRIMARY KEY, publication_date TEXT, raw TEXT NOT NULL, seen_on TEXT NOT NULL)""",
        # Upcoming changes already announced by email: each once (its key), with the entry as announced,
        # grouped by the announcement it went out in (the delivery key of its email).
        """CREATE TABLE announcements (
            key TEXT PRIMARY KEY, announcement TEXT NOT NULL, entry TEXT NOT NULL, announced_at TEXT NOT NULL)""",
    ),
    (
        # A document-order key per span (tracker.store.ords), so a diff ranks the spans that changed without
        # walking the Part; the index covers "in force on a date, in document order". Stored spans get theirs.
        "ALTER TABLE spans ADD COLUMN ord INTEGER",
        _fill_ords,
        "CREATE INDEX spans_part_ord ON spans (part, ord, valid_from, valid_to, gap)",
    ),
    (
        # The content hash covers a paragraph's own fields, unit and Part, no longer its references (found once per
        # new text by the store): every stored text is keyed anew (tracker.store.texts.rekey), in this one step.
        _rekey,
    ),
    (
        # Per version, its spans counted by stretch of document-order keys (tracker.store.tallies), so a diff counts
        # the spans before a key in one stretch, not from the start of the Part. Stored versions get theirs.
        "CREATE TABLE tallies (part TEXT NOT NULL, date TEXT NOT NULL, counts BLOB NOT NULL,"
        " PRIMARY KEY (part, date)) WITHOUT ROWID",
        _fill_tallies,
    ),
)


def now() -> str:
    """The current UTC time, to the second, as the store records it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _too_new(version: int) -> StoreError:
    return StoreError(f"the database has schema version {version}, newer than this tracker's {len(MIGRATIONS)}")


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied to the database on ``conn``."""
    version: int = conn.execute("SELECT max(version) FROM migrations").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations not yet applied (inside the caller's write transaction)."""
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    done = {v for (v,) in conn.execute("SELECT version FROM migrations")}
    if max(done, default=0) > len(MIGRATIONS):
        raise _too_new(max(done))
    for version, statements in enumerate(MIGRATIONS, start=1):
        if version in done:
            continue
        for step in statements:
            if isinstance(step, str):
                conn.execute(step)
            else:
                step(conn)
        conn.execute("INSERT INTO migrations VALUES (?, ?)", (version, now()))


def tables(conn: sqlite3.Connection) -> set[str]:
    """The names of the database's own tables, views, indexes and triggers."""
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


def check_schema(conn: sqlite3.Connection, path: str | Path, found: set[str]) -> None:
    """A read-only database must be at this tracker's schema already (nothing can be migrated)."""
    if not found:
        raise StoreError(f"{path} holds no tracker data yet; run `tracker ingest` or `tracker run` first")
    version = schema_version(conn) or 0
    if version < len(MIGRATIONS):
        raise StoreError(
            f"{path} has schema version {version}, older than this tracker's {len(MIGRATIONS)};"
            " a writing command (tracker ingest, tracker run) upgrades it"
        )
    if version > len(MIGRATIONS):
        raise _too_new(version)
