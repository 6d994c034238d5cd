"""The one progress-log convention: library steps report one line each through a ``Log`` callable.

Library functions are quiet by default: their default ``Log`` is :func:`library_log`, which hands each
line to the standard :mod:`logging` module as an INFO record of the ``tracker`` logger — a logger with
only a :class:`logging.NullHandler`, so nothing is printed unless the caller configures logging. The
command line attaches :func:`to_stderr` for the length of a command (the bare line on stderr, where
cron and systemd capture it); ``tracker run --quiet`` passes :func:`silent` instead. Tests pass their
own callable (``log=lines.append``).

>>> import logging
>>> records = []
>>> handler = logging.Handler()
>>> handler.emit = records.append
>>> logger.addHandler(handler); logger.setLevel(logging.INFO)
>>> library_log("fetch: nothing new")
>>> logger.removeHandler(handler); logger.setLevel(logging.NOTSET)
>>> [(r.name, r.levelname, r.getMessage()) for r in records]
[('tracker', 'INFO', 'fetch: nothing new')]
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Log = Callable[[str], None]

#: The logger of every library line; silent until a handler is attached (the CLI's, or the caller's).
logger = logging.getLogger("tracker")
logger.addHandler(logging.NullHandler())


def library_log(line: str) -> None:
    """The default ``Log`` of library functions: one INFO record on the ``tracker`` logger."""
    logger.info(line)


def silent(line: str) -> None:
    """A ``Log`` that drops every line (``tracker run --quiet``)."""


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes each record's bare message (logging's default format) on the *current* ``sys.stderr`` and
    flushes: the stream is looked up per line, so a test runner's captured stream is the one used."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """Ignored: the stream is always the current stderr."""


@contextmanager
def to_stderr() -> Iterator[None]:
    """While the block runs, print the ``tracker`` logger's INFO lines (and above) on stderr, one line each."""
    handler, level = _StderrHandler(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
