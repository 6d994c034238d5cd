"""The one progress-log convention: library steps report one line each through a ``Log`` callable.

The default writes to stderr (stdout stays for command output); ``tracker run --quiet`` passes a
callable that drops the lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

Log = Callable[[str], None]


def stderr_log(line: str) -> None:
    """Print one log line to stderr at once (cron and systemd capture it line by line)."""
    print(line, file=sys.stderr, flush=True)
