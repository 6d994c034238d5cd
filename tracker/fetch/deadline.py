"""The total deadline of one download, and the urllib3 plumbing that keeps to it.

A download (:meth:`tracker.fetch.http.HttpClient.get`) runs inside a :class:`Deadline`: every attempt —
connecting, the status line, the headers, the body — and every wait between retries must end before it.
A watchdog shuts the download's sockets down when it passes, which wakes a read however slowly the server
trickles. :class:`DeadlineAdapter` gives requests connection pools whose connections connect within, and
are watched by, the deadline of the download running in their thread; :class:`DeadlineRetry` ends urllib3's
back-off and ``Retry-After`` waits at it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry


class Expired(Exception):
    """The download's deadline passed (:meth:`tracker.fetch.http.HttpClient.get` turns it into a FetchError)."""


class Deadline:
    """The watchdog of one download: when ``seconds`` have passed it shuts down every socket used.

    A shut-down socket wakes any read blocked in it (status line, headers or body), so a server
    trickling a byte a second is cut. :attr:`expired` says afterwards whether the cut happened, so a
    download that then fails, or seems to end early, is reported as over its deadline. Connections
    find the deadline of the download running in their thread with :meth:`active`.
    """

    _local = threading.local()

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._local.current = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        self._timer.join()  # no watchdog outlives its download
        self._local.current = None

    @classmethod
    def active(cls) -> Deadline | None:
        """The deadline of the download running in this thread, if any."""
        return getattr(cls._local, "current", None)

    def expire(self) -> None:
        """Mark the download as over its deadline and cut its sockets (a no-op once it has finished)."""
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def watch(self, sock: socket.socket) -> None:
        """Cut ``sock`` at the deadline (at once if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def remaining(self) -> float:
        """Seconds left; :class:`Expired` (after :meth:`expire`) if none are."""
        left = self._end - time.monotonic()
        if left <= 0 or self.expired:
            self.expire()
            raise Expired
        return left

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds`` between attempts, or give up now if the deadline would pass first."""
        if seconds >= self.remaining():
            self.expire()
            raise Expired
        if seconds > 0:
            time.sleep(seconds)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket call, also under TLS


class _Connection(HTTPConnection):
    """A urllib3 connection that connects within, and whose socket is cut at, the active deadline."""

    def _new_conn(self) -> socket.socket:
        deadline = Deadline.active()
        if deadline is None:
            return super()._new_conn()
        left = deadline.remaining()
        self.timeout = min(self.timeout, left) if isinstance(self.timeout, int | float) else left
        sock = super()._new_conn()
        deadline.watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = Deadline.active()
        if deadline is not None and self.sock is not None:  # a kept-alive connection used again
            deadline.watch(self.sock)
        super().request(*args, **kwargs)


class _TlsConnection(_Connection, HTTPSConnection):
    """:class:`_Connection` over TLS (the handshake is cut too: the socket is watched before it)."""


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TlsPool(HTTPSConnectionPool):
    ConnectionCls = _TlsConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _Pool, "https": _TlsPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter with pools of :class:`_Connection` (directly and through an HTTP proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if isinstance(manager, ProxyManager):  # a SOCKS manager keeps its own pools
            manager.pool_classes_by_scheme = _POOLS
        return manager


class DeadlineRetry(Retry):
    """urllib3's Retry whose waits (back-off, ``Retry-After``) end at the download's deadline."""

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        deadline = Deadline.active()
        if deadline is None:
            return super().sleep(response)
        after = self.get_retry_after(response) if response is not None and self.respect_retry_after_header else None
        deadline.pause(after or self.get_backoff_time())
