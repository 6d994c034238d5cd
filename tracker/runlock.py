"""One run per database: an exclusive ``flock`` on ``<database's real path>.lock``, which records who holds it.

The lock file sits beside the database's resolved path (symlinks followed), so two processes that
reach one database by different paths still meet at one lock. The kernel drops the lock when its
holder dies, SIGKILL included, so a crashed run never blocks the next one. While held, the file
says ``{"pid", "host", "started"}``; a lock found held for longer than the configured limit means
a hung run, which :class:`RunLock` reports as :class:`StaleLockError` (the caller exits non-zero,
so cron mails the operator) instead of a quiet "busy".

>>> import tempfile
>>> db = Path(tempfile.mkdtemp()) / "tracker.db"
>>> with RunLock(db) as lock:
...     sorted(lock.holder())
['host', 'pid', 'started']
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.errors import StateError

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from typing import Any


class LockBusyError(StateError, RuntimeError):
    """Another live run holds the lock (not long enough to be called hung); one line."""


class StaleLockError(LockBusyError):
    """The lock has been held longer than the limit: the run holding it is probably hung; one line."""


def lock_path(database: Path) -> Path:
    """``<real path of the database>.lock``."""
    real = Path(os.path.realpath(database))
    return real.with_name(f"{real.name}.lock")


def _now() -> datetime:
    return datetime.now(UTC)


class RunLock:
    """The run lock of ``database``; ``stale_after`` is how long a holder may run before it is called hung."""

    def __init__(self, database: Path, stale_after: timedelta = timedelta(hours=6)) -> None:
        self.path = lock_path(database)
        self.stale_after = stale_after
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockBusyError` / :class:`StaleLockError` at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise self._busy() from None
        host = os.uname().nodename  # socket.gethostname() on POSIX (flock is POSIX too), without loading socket
        os.ftruncate(fd, 0)
        info = {"pid": os.getpid(), "host": host, "started": _now().isoformat(timespec="seconds")}
        os.pwrite(fd, json.dumps(info).encode() + b"\n", 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def holder(self) -> dict[str, Any]:
        """What the lock file says about its holder (empty when unreadable)."""
        try:
            value = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _busy(self) -> LockBusyError:
        info = self.holder()
        who = f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started {info.get('started', '?')}"
        try:
            started = datetime.fromisoformat(str(info.get("started")))
        except ValueError:
            started = None
        if started is not None and started.tzinfo is not None and _now() - started > self.stale_after:
            hours = self.stale_after.total_seconds() / 3600
            return StaleLockError(
                f"another tracker run ({who}) has held {self.path} for over {hours:g} h: it may be hung;"
                " check that process and stop it if it is stuck"
            )
        return LockBusyError(f"another tracker run ({who}) holds {self.path}; nothing done")

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
