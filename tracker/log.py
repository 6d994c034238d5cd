"""The one progress-log convention: library steps report one line each through a ``Log`` callable.

Library functions are quiet by default: their default ``Log`` is :func:`library_log`, which hands each
line to the standard :mod:`logging` module as an INFO record of the ``tracker`` logger — a logger with
only a :class:`logging.NullHandler`, so nothing is printed unless the caller configures logging. The
command line runs each command inside :func:`to_stderr` (the bare line on stderr, where cron and systemd
capture it); ``tracker run --quiet`` passes :func:`silent` instead. Tests pass their own callable
(``log=lines.append``). :mod:`logging` itself is imported only when a line goes to it, so a command
that logs nothing, or logs only on stderr, never loads it.

>>> import logging
>>> from tracker.log import logger
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

import sys
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache

TYPE_CHECKING = False  # not typing's: every run loads this module (see tracker/__init__.py)
if TYPE_CHECKING:
    import logging
    from collections.abc import Iterator

Log = Callable[[str], None]

#: How many :func:`to_stderr` blocks are open: while one is, library lines are printed on stderr.
_stderr_blocks = 0


@cache
def _logger() -> logging.Logger:
    """The logger of every library line (``tracker``), silent until a handler is attached (the caller's)."""
    import logging

    logger = logging.getLogger("tracker")
    logger.addHandler(logging.NullHandler())
    return logger


def __getattr__(name: str) -> logging.Logger:
    """``tracker.log.logger``, the ``tracker`` logger, made (and :mod:`logging` imported) on first use."""
    if name == "logger":
        return _logger()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def library_log(line: str) -> None:
    """The default ``Log`` of library functions: one INFO record on the ``tracker`` logger, or inside
    :func:`to_stderr` the bare line on stderr."""
    if _stderr_blocks:
        print(line, file=sys.stderr, flush=True)  # the *current* stderr: a test runner's captured one too
    else:
        _logger().info(line)


def silent(line: str) -> None:
    """A ``Log`` that drops every line (``tracker run --quiet``)."""


@contextmanager
def to_stderr() -> Iterator[None]:
    """While the block runs, print each :func:`library_log` line bare on stderr (and flush), one line each, in
    place of its INFO record on the ``tracker`` logger."""
    global _stderr_blocks
    _stderr_blocks += 1
    try:
        yield
    finally:
        _stderr_blocks -= 1
