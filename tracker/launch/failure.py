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

import os
import sys

from tracker.errors import InputError, TrackerError

TYPE_CHECKING = False  # not typing's: a start-up without it (see tracker/__init__.py)
if TYPE_CHECKING:
    from typing import TextIO


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


def write(text: str, stream: TextIO) -> bool:
    """Write ``text`` on ``stream`` (flushed); False, with no traceback now or at exit, when nothing reads it any
    more (a closed pipe: click's main exits 1 then)."""
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # so that the flush at exit does not fail too
        return False
    return True


def show(exc: Exception, database: object | None = None) -> int:
    """Print ``Error: …`` on stderr as click shows a failure, and return its exit code (1 when stderr is closed)."""
    code, line = one_line(exc, database)
    return code if write(f"Error: {line}\n", sys.stderr) else 1
