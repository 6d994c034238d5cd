"""Client for the eCFR versioner API (Title 15 by default).

>>> ecfr = EcfrClient(HttpClient(Config()), "https://www.ecfr.gov")   # doctest: +SKIP
>>> ecfr.titles()["latest_issue_date"]                                # doctest: +SKIP
'2024-04-04'
>>> [v["amendment_date"] for v in ecfr.versions("740", "2024-01-01")][:1]  # doctest: +SKIP
['2024-04-04']
>>> ecfr.full_xml("2024-04-04", "740")[:5]                            # doctest: +SKIP
b'<DIV5'
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from tracker.fetch.http import FetchError, HttpClient
from tracker.log import Log, library_log

API = "/api/versioner/v1"
#: The versions endpoint answers at most this many results a page.
PAGE_SIZE = 1000
#: Most entries read from one Part's versions listing (a Part since 2017 lists a few thousand).
MAX_VERSIONS = 20_000
#: The fields of a listed version the caller reads: each a string when present.
_DATE_FIELDS = ("amendment_date", "date", "issue_date")


class EcfrClient:
    """``titles``, ``versions`` and ``full`` of the versioner API for one CFR title."""

    def __init__(self, http: HttpClient, base_url: str, title: int = 15, *, log: Log = library_log) -> None:
        self.http = http
        self.base = base_url.rstrip("/") + API
        self.title = title
        self.log = log

    def titles(self) -> dict[str, Any]:
        """The title's entry in ``titles.json`` (``latest_issue_date``, ``up_to_date_as_of``, …)."""
        url = f"{self.base}/titles.json"
        data = self.http.get_json(url)
        entries = data.get("titles") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise FetchError(f"GET {url}: no 'titles' list in the answer")
        for entry in entries:
            if isinstance(entry, dict) and str(entry.get("number")) == str(self.title):
                if not entry.get("latest_issue_date") or not isinstance(entry["latest_issue_date"], str):
                    raise FetchError(f"GET {url}: title {self.title} has no latest_issue_date")
                return entry
        raise FetchError(f"GET {url}: title {self.title} is not listed")

    def versions(self, part: str, issue_date_gte: str) -> list[dict[str, Any]]:
        """Every content version of ``part`` issued on or after ``issue_date_gte``, over all pages.

        The API requires an ``issue_date`` filter and rejects ``conditions[...]``; other filters are bare.
        An entry whose dates are not strings is skipped with a warning; more than :data:`MAX_VERSIONS`
        entries is an error.
        """
        url = f"{self.base}/versions/title-{self.title}.json"
        found: list[dict[str, Any]] = []
        listed, page = 0, 1
        while True:
            params = {"issue_date[gte]": issue_date_gte, "part": part, "page": page}
            data = self.http.get_json(url, params)
            batch = data.get("content_versions") if isinstance(data, dict) else None
            if not isinstance(batch, list):
                raise FetchError(f"GET {url}: no 'content_versions' list for part {part}")
            listed += len(batch)
            if listed > MAX_VERSIONS:
                raise FetchError(f"GET {url}: more than {MAX_VERSIONS:,} versions listed for part {part}")
            found.extend(v for v in batch if self._well_typed(v, part))
            if len(batch) < PAGE_SIZE:
                return found
            page += 1

    def _well_typed(self, entry: Any, part: str) -> bool:
        """Whether ``entry`` is an object whose dates are strings (else a warning names what is wrong)."""
        if not isinstance(entry, dict):
            self.log(f"warning: part {part}: skipped a listed version that is a {type(entry).__name__}, not an object")
            return False
        bad = next((k for k in _DATE_FIELDS if not isinstance(entry.get(k), str | None)), None)
        if bad:
            self.log(f"warning: part {part}: skipped a listed version whose {bad} is a {type(entry[bad]).__name__}")
        return bad is None

    def full_xml_url(self, date: str, part: str) -> str:
        """The exact URL :meth:`full_xml` requests.

        >>> from tracker.config import Config
        >>> EcfrClient(HttpClient(Config()), "https://www.ecfr.gov").full_xml_url("2024-04-04", "740")
        'https://www.ecfr.gov/api/versioner/v1/full/2024-04-04/title-15.xml?part=740'
        """
        return f"{self.base}/full/{date}/title-{self.title}.xml?{urlencode({'part': part})}"

    def full_xml(self, date: str, part: str) -> bytes:
        """The Part's XML as in force on ``date`` (YYYY-MM-DD)."""
        return self.http.get_xml(self.full_xml_url(date, part))
