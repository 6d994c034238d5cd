"""HTTP done once: one polite, retrying session with content checks.

Every request goes through :class:`HttpClient`: an honest User-Agent, connect/read timeouts, a
per-host rate limit, urllib3 ``Retry`` for 429 (honouring ``Retry-After``) and 500/502/503/504 with
jittered, capped back-off, and a retry when the connection breaks mid-body. A body that is not what
was asked for (an HTML maintenance page with status 200, broken JSON) raises :class:`FetchError`, and
so does one longer than :data:`MAX_RESPONSE_BYTES`, which is read in chunks and never held whole.

>>> client = HttpClient(Config())                                    # doctest: +SKIP
>>> client.get_json("https://www.ecfr.gov/api/versioner/v1/titles.json")["titles"][14]["number"]  # doctest: +SKIP
15
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from tracker.config import Config
from tracker.parse.xmltext import MAX_XML_BYTES

RETRY_STATUSES = (429, 500, 502, 503, 504)

#: Longest body read: no eCFR document the parser accepts is longer, and API answers are far shorter.
MAX_RESPONSE_BYTES = MAX_XML_BYTES
_CHUNK = 1 << 16

#: Errors while reading a body after the headers arrived (urllib3's Retry does not cover these).
_BODY_ERRORS = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)


class FetchError(RuntimeError):
    """A download that failed for good; the message is one line naming the URL and the cause."""


class Throttle:
    """At most ``rate`` calls a second per key (a host name), sleeping as needed."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(key, now))
            self._next[key] = start + self.interval
        if start > now:
            time.sleep(start - now)


class _TooLarge(Exception):
    """A body over :data:`MAX_RESPONSE_BYTES` (internal: :meth:`HttpClient.get` turns it into a FetchError)."""


def _read_body(resp: requests.Response, limit: int) -> None:
    """Read ``resp``'s body in chunks into ``resp.content``, raising :class:`_TooLarge` past ``limit`` bytes."""
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    for chunk in resp.iter_content(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    resp._content = b"".join(chunks)  # what ``resp.content`` would have read, bounded


def _describe(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 exception, on one line."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.exceptions.Timeout) or isinstance(reason, TimeoutError | ReadTimeoutError):
        return "timed out"
    text = str(reason or exc)
    for marker in ("Connection broken: ", "Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return " ".join(text.split()).rstrip(")")[:200] or type(exc).__name__


class HttpClient:
    """One requests Session configured from :class:`~tracker.config.Config`.

    ``requests`` counts logical GETs (retries not included) and ``bytes`` the body bytes received;
    ``by_host`` counts GETs per host.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.timeout = (config.connect_timeout, config.timeout)
        self.throttle = Throttle(config.rate_limit)
        self.requests = 0
        self.bytes = 0
        self.by_host: Counter[str] = Counter()
        retry = Retry(
            total=config.retries,
            connect=config.retries,
            read=config.retries,
            status=config.retries,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            backoff_factor=config.backoff_factor,
            backoff_jitter=config.backoff_factor,
            backoff_max=config.backoff_max,
            retry_after_max=int(config.retry_after_max),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = config.user_agent
        if config.contact:
            self.session.headers["From"] = config.contact
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    @property
    def _gave_up(self) -> str:
        return f" (gave up after {self.config.retries} retries)"

    def _backoff(self, attempt: int) -> float:
        factor = self.config.backoff_factor
        return min(self.config.backoff_max, factor * 2**attempt + random.random() * factor)

    def get(self, url: str, params: dict[str, Any] | None = None, *, accept: str) -> requests.Response:
        """GET ``url`` and read the whole body, retrying; raise :class:`FetchError` unless status 200."""
        shown = requests.Request("GET", url, params=params).prepare().url or url
        host = urlsplit(url).netloc
        self.requests += 1
        self.by_host[host] += 1
        for attempt in range(self.config.retries + 1):
            self.throttle.wait(host)
            try:
                resp = self.session.get(
                    url, params=params, timeout=self.timeout, stream=True, headers={"Accept": accept}
                )
            except requests.exceptions.RequestException as exc:
                raise FetchError(f"GET {shown}: {_describe(exc)}{self._gave_up}") from None
            try:
                _read_body(resp, MAX_RESPONSE_BYTES)  # now, inside the retry loop
            except _TooLarge:
                resp.close()
                raise FetchError(f"GET {shown}: response over the {MAX_RESPONSE_BYTES:,}-byte limit") from None
            except _BODY_ERRORS as exc:
                resp.close()
                if attempt == self.config.retries:
                    why = _describe(exc)
                    raise FetchError(f"GET {shown}: connection broken while reading the body ({why})") from None
                time.sleep(self._backoff(attempt))
                continue
            self.bytes += len(resp.content)
            if resp.status_code != 200:
                reason = f" {resp.reason}" if resp.reason else ""
                gave_up = self._gave_up if resp.status_code in RETRY_STATUSES else ""
                raise FetchError(f"GET {shown}: HTTP {resp.status_code}{reason}{gave_up}")
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON document; an HTML page or unparsable body raises :class:`FetchError`."""
        resp = self.get(url, params, accept="application/json")
        _check_type(resp, "json")
        body = resp.content.lstrip()
        if not body.startswith((b"{", b"[")):
            raise FetchError(f"GET {resp.url}: expected JSON, got {_first_words(body)}")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise FetchError(f"GET {resp.url}: invalid JSON ({exc})") from None

    def get_xml(self, url: str, params: dict[str, Any] | None = None) -> bytes:
        """GET an XML document as bytes; an HTML page, an empty or non-XML body raises :class:`FetchError`."""
        resp = self.get(url, params, accept="application/xml")
        _check_type(resp, "xml")
        head = resp.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
        lowered = head.lower()
        if not head.startswith(b"<") or lowered.startswith((b"<!doctype html", b"<html")):
            raise FetchError(f"GET {resp.url}: expected XML, got {_first_words(head)}")
        return resp.content


def _check_type(resp: requests.Response, kind: str) -> None:
    ctype = resp.headers.get("Content-Type", "")
    if ctype and kind not in ctype.lower():
        raise FetchError(f"GET {resp.url}: expected {kind.upper()}, got content type {ctype.split(';')[0]}")


def _first_words(body: bytes) -> str:
    if not body.strip():
        return "an empty body"
    text = " ".join(body[:60].decode("utf-8", "replace").split())
    return f"a body starting {text!r}"
