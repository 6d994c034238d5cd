"""Client for the Federal Register API: BIS rules that amend a Part of Title 15.

>>> fr = FederalRegisterClient(HttpClient(Config()), "https://www.federalregister.gov")  # doctest: +SKIP
>>> [d["citation"] for d in fr.documents("740", "2024-04-01", "2024-04-30")][:1]         # doctest: +SKIP
['89 FR 23876']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from tracker.fetch.http import FetchError, HttpClient, Throttle

AGENCY = "industry-and-security-bureau"
#: The fields kept for each rule (the API returns only the fields asked for).
FIELDS = (
    "document_number",
    "citation",
    "title",
    "type",
    "action",
    "publication_date",
    "effective_on",
    "cfr_references",
    "docket_ids",
    "regulation_id_numbers",
    "html_url",
    "full_text_xml_url",
)
PER_PAGE = 1000
#: A guard against paging that never ends (10,000 results is the API's cap per query).
MAX_PAGES = 50


def year_slices(since: str, until: str) -> list[tuple[str, str]]:
    """Split an inclusive date range into calendar-year pieces (each query stays under the result cap).

    >>> year_slices("2023-06-01", "2024-02-01")
    [('2023-06-01', '2023-12-31'), ('2024-01-01', '2024-02-01')]
    """
    start, end = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    out = []
    while start <= end:
        stop = min(end, dt.date(start.year, 12, 31))
        out.append((start.isoformat(), stop.isoformat()))
        start = stop + dt.timedelta(days=1)
    return out


class FederalRegisterClient:
    """``documents.json`` searches (with paging) and full-text XML downloads."""

    def __init__(self, http: HttpClient, base_url: str, *, full_text_rate: float = 1.0) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/api/v1/documents.json"
        self.full_text_throttle = Throttle(full_text_rate)

    def query(self, part: str, since: str, until: str) -> dict[str, Any]:
        """The query parameters for BIS rules amending ``part`` published in ``[since, until]``."""
        return {
            "conditions[agencies][]": AGENCY,
            "conditions[cfr][title]": 15,
            "conditions[cfr][part]": int(part),
            "conditions[type][]": "RULE",
            "conditions[publication_date][gte]": since,
            "conditions[publication_date][lte]": until,
            "fields[]": list(FIELDS),
            "per_page": PER_PAGE,
        }

    def documents(self, part: str, since: str, until: str) -> Iterator[dict[str, Any]]:
        """Each rule record (the :data:`FIELDS`), following ``next_page_url`` as given to the end.

        Long ranges are queried one calendar year at a time (a query is capped at 10,000 results).
        """
        for lo, hi in year_slices(since, until):
            url: str | None = self.url
            params: dict[str, Any] | None = self.query(part, lo, hi)
            seen: set[str] = set()
            while url:
                if len(seen) == MAX_PAGES or url in seen:
                    raise FetchError(f"GET {url}: Federal Register paging does not end")
                seen.add(url)
                page = self.http.get_json(url, params)
                if not isinstance(page, dict) or not isinstance(page.get("results", []), list):
                    raise FetchError(f"GET {url}: no 'results' list in the Federal Register answer")
                for doc in page.get("results", []):
                    yield self._record(doc, url)
                url, params = page.get("next_page_url"), None

    def _record(self, doc: Any, url: str) -> dict[str, Any]:
        if not isinstance(doc, dict) or not doc.get("document_number"):
            raise FetchError(f"GET {url}: a Federal Register result without a document_number")
        return {key: doc.get(key) for key in FIELDS}

    def full_text_xml(self, url: str) -> bytes:
        """A document's full text (GovInfo XML with ``REGTEXT``/``AMDPAR``), at most 1 download a second."""
        self.full_text_throttle.wait("full-text")
        return self.http.get_xml(url)
