"""The one line and exit code of a failure, for the click commands (:func:`tracker.cli.base.failure`) and the
launcher alike: an :class:`InputError` is exit 2; any other :class:`TrackerError`, an ``OSError``, an SQLite failure
and (last resort) anything else exit 1. Click-free, so that the launcher's run needs no click.

>>> from tracker.config import ConfigError
>>> one_line(ConfigError("bad\\n  file"))
(2, 'bad file')
>>> one_line(KeyError("x"))
(1, "unexpected KeyError: 'x'")
"""

from __future__ import annotations

import sys

from tracker.errors import InputError, TrackerError


def _joined(message: str) -> str:
    return " ".join(line.strip() for line in message.splitlines() if line.strip())


def one_line(exc: Exception, database: object | None = None) -> tuple[int, str]:
    """The exit code and the one-line message of ``exc``; ``database`` (the configured one, if known) is named in
    the message of an SQLite failure."""
    import sqlite3  # here, not at start-up: only a failure needs it

    if isinstance(exc, TrackerError | OSError):
        return (2 if isinstance(exc, InputError) else 1), _joined(str(exc) or type(exc).__name__)
    if isinstance(exc, sqlite3.Error):
        from tracker.store import describe

        where = f"database {database}" if database else "database"
        return 1, _joined(f"{where}: {describe(exc)}; the step that failed was rolled back")
    return 1, _joined(f"unexpected {type(exc).__name__}: {exc}")  # a bug: still one line, exit 1


def show(exc: Exception, database: object | None = None) -> int:
    """Print ``Error: …`` on stderr as click shows a failure, and return its exit code."""
    code, line = one_line(exc, database)
    print(f"Error: {line}", file=sys.stderr, flush=True)
    return code
