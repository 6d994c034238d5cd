"""Opening a tracker database: refusing what is not one, read-only or writing, and write transactions.

Opening refuses, in one line and without writing, a file that is not a tracker database (not SQLite,
truncated, or an SQLite database of other tables). ``readonly=True`` opens it with SQLite's ``mode=ro``
(no migration, no journal-mode switch) for commands that only read.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from tracker import checkpoint
from tracker.store import schema
from tracker.store.errors import StoreError

TYPE_CHECKING = False  # not typing's: every store opening loads this module (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, Self

DEFAULT_DB = "tracker.db"

#: How long a write waits for another process's write transaction before giving up, seconds.
BUSY_TIMEOUT = 10.0

_SQLITE_MAGIC = b"SQLite format 3\x00"

_READ_ONLY = "the database is read-only here; a writing command needs write access to the file and its folder"


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


def _readonly_uri(path: Path) -> str:
    """``mode=ro``, and ``immutable=1`` where SQLite could not create its ``-shm`` file (a read-only folder or
    file system) and no ``-wal`` file says a writer is at work."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def _connect(path: str | Path, readonly: bool) -> sqlite3.Connection:
    """An SQLite connection to ``path`` after the checks SQLite would not make (:class:`StoreError` if refused)."""
    memory = str(path) == ":memory:"
    file = Path(path)
    if readonly and not file.is_file():
        raise StoreError(f"no database at {path}")
    if not memory:
        _check_file(file)
    if not (memory or readonly) and not all(os.access(f, os.W_OK) for f in (file, file.parent) if f.exists()):
        raise StoreError(f"cannot open {path}: {_READ_ONLY}")  # SQLite would open it read-only, silently
    try:
        return sqlite3.connect(_readonly_uri(file) if readonly else str(path), isolation_level=None, uri=readonly)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {describe(exc)}") from None


class Database:
    """The three things tracker asks of an open SQLite connection: ``conn``, ``execute`` and ``query`` (rows as
    dicts), as sqlite-utils' ``Database`` gave them, without importing sqlite-utils (≈ 100 ms of every start-up,
    most of it compiling one large pattern). The connection is in autocommit mode (``isolation_level=None``), so
    a statement opens no implicit transaction; recursive triggers are on, as sqlite-utils set them.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers = ON")

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """The rows of a single-table ``SELECT`` as dicts, column name → value."""
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)


class Connection:
    """An open tracker database (``:memory:`` for tests); ``.db`` is its :class:`Database`.

    ``readonly`` opens an existing database for reading only (SQLite ``mode=ro``): nothing is
    migrated or written, and it works on a read-only file or file system. Raises :class:`StoreError`
    (one line, the file left as it was) for a missing database opened read-only and for a file that
    is not a tracker database.
    """

    db: Database

    def __init__(self, path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.readonly = readonly
        conn = _connect(path, readonly)
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
        found = schema.tables(conn)
        if found and "migrations" not in found:
            shown = ", ".join(sorted(found)[:4]) + (", …" if len(found) > 4 else "")
            raise StoreError(f"{path} is an SQLite database of other tables ({shown}), not a tracker database; "
                             "left as it is")
        self.db = Database(conn)
        if self.readonly:
            schema.check_schema(conn, path, found)
            return
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL: a commit is one append to the log. A killed process loses nothing committed (the
        # log is in the OS's cache); synchronous=NORMAL defers fsync to checkpoints, so recording
        # "sent" right after the SMTP server accepts a message takes microseconds, not several fsyncs.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        with self._transaction("migrate") as c:
            schema.migrate(c)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction around the statements inside: they all see the database as the first found it,
        whatever another process commits meanwhile (a diff's dates, spans and counts are of one snapshot). Inside a
        transaction already, that one holds."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            if conn.in_transaction:  # it reads only: ending it keeps or undoes nothing
                conn.execute("COMMIT")

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

    @property
    def schema_version(self) -> int:
        return schema.schema_version(self.db.conn)
