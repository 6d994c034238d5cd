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

from tracker.fetch.http import FetchError, HttpClient

API = "/api/versioner/v1"
#: The versions endpoint answers at most this many results a page.
PAGE_SIZE = 1000
#: A guard against a server that never stops paging.
MAX_PAGES = 100


class EcfrClient:
    """``titles``, ``versions`` and ``full`` of the versioner API for one CFR title."""

    def __init__(self, http: HttpClient, base_url: str, title: int = 15) -> None:
        self.http = http
        self.base = base_url.rstrip("/") + API
        self.title = title

    def titles(self) -> dict[str, Any]:
        """The title's entry in ``titles.json`` (``latest_issue_date``, ``up_to_date_as_of``, …)."""
        url = f"{self.base}/titles.json"
        data = self.http.get_json(url)
        entries = data.get("titles") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise FetchError(f"GET {url}: no 'titles' list in the answer")
        for entry in entries:
            if isinstance(entry, dict) and str(entry.get("number")) == str(self.title):
                if not entry.get("latest_issue_date"):
                    raise FetchError(f"GET {url}: title {self.title} has no latest_issue_date")
                return entry
        raise FetchError(f"GET {url}: title {self.title} is not listed")

    def versions(self, part: str, issue_date_gte: str) -> list[dict[str, Any]]:
        """Every content version of ``part`` issued on or after ``issue_date_gte``, over all pages.

        The API requires an ``issue_date`` filter and rejects ``conditions[...]``; other filters are bare.
        """
        url = f"{self.base}/versions/title-{self.title}.json"
        found: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            params = {"issue_date[gte]": issue_date_gte, "part": part, "page": page}
            data = self.http.get_json(url, params)
            batch = data.get("content_versions") if isinstance(data, dict) else None
            if not isinstance(batch, list):
                raise FetchError(f"GET {url}: no 'content_versions' list for part {part}")
            found.extend(v for v in batch if isinstance(v, dict))
            if len(batch) < PAGE_SIZE:
                return found
        raise FetchError(f"GET {url}: more than {MAX_PAGES} pages of versions for part {part}")

    def full_xml(self, date: str, part: str) -> bytes:
        """The Part's XML as in force on ``date`` (YYYY-MM-DD)."""
        return self.http.get_xml(f"{self.base}/full/{date}/title-{self.title}.xml", {"part": part})
