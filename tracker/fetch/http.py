"""HTTP done once: one polite, retrying session with content checks.

Every request goes through :class:`HttpClient`: an honest User-Agent, connect/read timeouts, a
per-host rate limit, urllib3 ``Retry`` for 429 (honouring ``Retry-After``) and 500/502/503/504 with
jittered, capped back-off, and a retry when the connection breaks mid-body. A connection that cannot be made
(refused, a name that does not resolve, the connect timeout) is retried only to a host that has answered this
client before: at start-up, with no network, the first request fails at once with :class:`Unreachable`.

A body that is not what was asked for (an HTML maintenance page with status 200, broken or too deeply
nested JSON) raises :class:`FetchError`, and so does one longer than :data:`MAX_RESPONSE_BYTES`, which is read in chunks
and never held whole.

Each download has a total deadline (``Config.deadline``) over every attempt: connecting, the status
line, the headers, the body and the waits between retries (:mod:`tracker.fetch.deadline`). Redirects
are followed only within the origin (scheme, host, port) of the URL asked for.

>>> client = HttpClient(Config())                                    # doctest: +SKIP
>>> client.get_json("https://www.ecfr.gov/api/versioner/v1/titles.json")["titles"][14]["number"]  # doctest: +SKIP
15
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, HTTPError, ProxyError, ReadTimeoutError

from tracker.config import Config
from tracker.errors import SourceError
from tracker.fetch.deadline import Deadline, DeadlineAdapter, DeadlineRetry, Expired
from tracker.xmltext import MAX_XML_BYTES

RETRY_STATUSES = (429, 500, 502, 503, 504)

#: Longest body read: no eCFR document the parser accepts is longer, and API answers are far shorter.
MAX_RESPONSE_BYTES = MAX_XML_BYTES
_CHUNK = 1 << 16
#: Most redirects followed for one download (each within the origin asked for).
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}

#: Errors while reading a body after the headers arrived (urllib3's Retry does not cover these).
_BODY_ERRORS = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)
#: The connection object urllib3 names before a cause ("<HTTPSConnection(host='x', port=443)>: Failed to resolve").
_CONNECTION_REPR = re.compile(r"^<?\w*Connection\(host=[^)]*\)>?: ")


class FetchError(SourceError, RuntimeError):
    """A download that failed for good; the message is one line naming the URL and the cause."""


class Unreachable(FetchError):
    """No connection could be made to a host that has not answered this client before (no network, a wrong
    host name, a firewall): not retried, so a run without network fails within the connect timeout."""


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


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url`` (lower case, default port filled in); ``""`` if it has none.

    >>> origin("HTTPS://www.FederalRegister.gov/api/v1/documents?page=2")
    'https://www.federalregister.gov:443'
    >>> origin("http://127.0.0.1:8080/x") == origin("http://127.0.0.1:8081/x")
    False
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        return ""
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return ""
    return f"{scheme}://{parts.hostname}:{port}"


class _TooLarge(Exception):
    """A body over :data:`MAX_RESPONSE_BYTES` (internal: :meth:`HttpClient.get` turns it into a FetchError)."""


#: What a download can raise once its deadline has cut its sockets: I/O errors (requests' are OSErrors too),
#: the connection's protocol errors, our own refusal of what was read so far, and the deadline itself.
_CUT_ERRORS = (OSError, HTTPError, http.client.HTTPException, FetchError, Expired, _TooLarge)


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


def _cannot_connect(exc: BaseException) -> bool:
    """Whether ``exc`` (from requests) is a connection that was never made: refused, a name that does not resolve,
    the connect timeout, directly or to the proxy."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, ProxyError):
        reason = reason.original_error
    return isinstance(reason, ConnectTimeoutError)


def _describe(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 exception, on one line."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.Timeout) or isinstance(reason, TimeoutError | ReadTimeoutError):
        return "timed out"
    text = str(reason.original_error if isinstance(reason, ProxyError) else reason or exc)
    for marker in ("Connection broken: ", "Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = _CONNECTION_REPR.sub("", " ".join(text.split()))
    while text.endswith(")") and text.count(")") > text.count("("):  # the closing of a wrapper's repr
        text = text[:-1]
    return text[:200] or type(exc).__name__


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
        #: The origins that have answered (any status): a connection to one of them that fails is retried.
        self.reached: set[str] = set()
        retry = DeadlineRetry(
            total=config.retries,
            connect=0,  # connections that cannot be made are retried in _attempts, only to hosts that answered
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
        adapter = DeadlineAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    @property
    def _gave_up(self) -> str:
        return f" (gave up after {self.config.retries} retries)"

    def _late(self, shown: str) -> FetchError:
        return FetchError(f"GET {shown}: no complete answer within {self.config.deadline:g} s")

    def _backoff(self, attempt: int) -> float:
        factor = self.config.backoff_factor
        delay: float = min(self.config.backoff_max, factor * 2**attempt + random.random() * factor)
        return delay

    def get(self, url: str, params: dict[str, Any] | None = None, *, accept: str) -> requests.Response:
        """GET ``url`` and read the whole body within the deadline, retrying and following redirects within
        its origin; raise :class:`FetchError` unless the answer is status 200."""
        shown = requests.Request("GET", url, params=params).prepare().url or url
        host = urlsplit(url).netloc
        self.requests += 1
        self.by_host[host] += 1
        deadline = Deadline(self.config.deadline)
        try:
            with deadline:
                resp = self._follow(url, params, accept, shown, deadline)
        except _CUT_ERRORS:
            if deadline.expired:  # after the cut, any failure is the deadline's
                raise self._late(shown) from None
            raise
        if deadline.expired:  # an answer that seemed to end when its socket was cut
            resp.close()
            raise self._late(shown)
        self.bytes += len(resp.content)
        if resp.status_code != 200:
            reason = f" {resp.reason}" if resp.reason else ""
            gave_up = self._gave_up if resp.status_code in RETRY_STATUSES else ""
            raise FetchError(f"GET {shown}: HTTP {resp.status_code}{reason}{gave_up}")
        return resp

    def _follow(
        self, url: str, params: dict[str, Any] | None, accept: str, shown: str, deadline: Deadline
    ) -> requests.Response:
        """The answer at ``url`` after at most :data:`MAX_REDIRECTS` redirects within its origin."""
        allowed = origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            resp = self._attempts(url, params, accept, shown, deadline)
            if not resp.is_redirect:
                return resp
            resp.close()
            target = urljoin(resp.url, self.session.get_redirect_target(resp) or "")
            if origin(target) != allowed:
                raise FetchError(f"GET {shown}: refused a redirect to {target[:200]!r} (off {allowed})")
            url, params = target, None
        raise FetchError(f"GET {shown}: more than {MAX_REDIRECTS} redirects")

    def _attempts(
        self, url: str, params: dict[str, Any] | None, accept: str, shown: str, deadline: Deadline
    ) -> requests.Response:
        """One GET of ``url`` with its retries: the response with its body read (a redirect's left unread)."""
        host = urlsplit(url).netloc
        for attempt in range(self.config.retries + 1):
            self.throttle.wait(host)
            try:
                resp = self.session.get(
                    url, params=params, timeout=self.timeout, stream=True, headers={"Accept": accept},
                    allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                if _cannot_connect(exc) and origin(url) in self.reached and attempt < self.config.retries:
                    deadline.pause(self._backoff(attempt))
                    continue
                raise self._failed(shown, url, exc) from None
            self.reached.add(origin(url))
            if resp.is_redirect:
                return resp
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
                deadline.pause(self._backoff(attempt))
                continue
            except requests.exceptions.RequestException as exc:  # a body that cannot be decoded
                resp.close()
                raise FetchError(f"GET {shown}: {_describe(exc)}") from None
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _failed(self, shown: str, url: str, exc: requests.exceptions.RequestException) -> FetchError:
        """The one-line error of a GET that raised ``exc``: :class:`Unreachable` for a host never reached."""
        if _cannot_connect(exc) and origin(url) not in self.reached:
            host = urlsplit(url).hostname
            to = f"the proxy for {host}" if isinstance(exc, requests.exceptions.ProxyError) else host
            return Unreachable(f"GET {shown}: {_describe(exc)} (cannot connect to {to}; not retried, it has "
                               "not answered this run)")
        return FetchError(f"GET {shown}: {_describe(exc)}{self._gave_up}")

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
        except RecursionError:
            raise FetchError(f"GET {resp.url}: JSON nested too deeply to read") from None

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
