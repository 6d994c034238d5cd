"""Client for the Federal Register API: BIS rules that amend a Part of Title 15.

>>> fr = FederalRegisterClient(HttpClient(Config()), "https://www.federalregister.gov")  # doctest: +SKIP
>>> [d["citation"] for d in fr.documents("740", "2024-04-01", "2024-04-30")][:1]         # doctest: +SKIP
['89 FR 23876']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Literal

from tracker.fetch.http import FetchError, HttpClient, Throttle, origin
from tracker.log import Log, library_log

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
#: The fields kept for a document on public inspection (agencies: to tell BIS's own).
INSPECTION_FIELDS = (
    "document_number",
    "title",
    "type",
    "filed_at",
    "publication_date",
    "html_url",
    "pdf_url",
    "raw_text_url",
    "agencies",
)
#: The date a search is by: publication (the daily rule fetch) or effect (rules still to come into force).
DateField = Literal["publication_date", "effective_date"]
PER_PAGE = 1000
#: Guards against paging that never ends: most pages, and most results, read for one query
#: (the API itself answers at most 10,000 results a query).
MAX_PAGES = 50
MAX_RESULTS = 10_000
_SCALAR = str | int | float | None


def _text(value: Any) -> bool:
    return isinstance(value, str | None)


def _texts(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _references(value: Any) -> bool:
    return value is None or (
        isinstance(value, list)
        and all(isinstance(r, dict) and all(isinstance(v, _SCALAR) for v in r.values()) for r in value)
    )


#: What each kept field may hold (every other field: a string or null).
_CHECKS: dict[str, Callable[[Any], bool]] = {
    "cfr_references": _references,
    "docket_ids": _texts,
    "regulation_id_numbers": _texts,
}


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

    def __init__(
        self, http: HttpClient, base_url: str, *, full_text_rate: float = 1.0, log: Log = library_log
    ) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + "/api/v1/documents.json"
        self.origin = origin(base_url)
        self.full_text_throttle = Throttle(full_text_rate)
        self.log = log

    def search_params(self, part: str, since: str, until: str, by: DateField = "publication_date") -> dict[str, Any]:
        """The query parameters for BIS rules amending ``part`` published (or, ``by="effective_date"``, taking
        effect) in ``[since, until]``."""
        return {
            "conditions[agencies][]": AGENCY,
            "conditions[cfr][title]": 15,
            "conditions[cfr][part]": int(part),
            "conditions[type][]": "RULE",
            f"conditions[{by}][gte]": since,
            f"conditions[{by}][lte]": until,
            "fields[]": list(FIELDS),
            "per_page": PER_PAGE,
        }

    def documents(
        self, part: str, since: str, until: str, by: DateField = "publication_date"
    ) -> Iterator[dict[str, Any]]:
        """Each rule record (the :data:`FIELDS`) of :meth:`search_params`, following ``next_page_url`` as given.

        Long ranges are queried one calendar year at a time (a query is capped at 10,000 results).
        A ``next_page_url`` off the configured host, more than :data:`MAX_PAGES` pages or
        :data:`MAX_RESULTS` results is an error; a result whose fields have the wrong types is
        skipped with a warning.
        """
        for lo, hi in year_slices(since, until):
            url: str | None = self.url
            params: dict[str, Any] | None = self.search_params(part, lo, hi, by)
            yield from self._pages(url, params, self._record)

    def _pages(
        self, url: str | None, params: dict[str, Any] | None, record: Callable[[Any, str], dict[str, Any] | None]
    ) -> Iterator[dict[str, Any]]:
        """The ``results`` of a query and its next pages, each read by ``record`` (None: skipped)."""
        seen: set[str] = set()
        results = 0
        while url:
            if len(seen) == MAX_PAGES or url in seen:
                raise FetchError(f"GET {url}: Federal Register paging does not end (over {MAX_PAGES} pages)")
            seen.add(url)
            page = self.http.get_json(url, params)
            if not isinstance(page, dict) or not isinstance(page.get("results", []), list):
                raise FetchError(f"GET {url}: no 'results' list in the Federal Register answer")
            results += len(page.get("results", []))
            if results > MAX_RESULTS:
                raise FetchError(f"GET {url}: more than {MAX_RESULTS:,} Federal Register results for one query")
            for doc in page.get("results", []):
                if (found := record(doc, url)) is not None:
                    yield found
            url, params = self._next_page(page.get("next_page_url")), None

    def public_inspection(self) -> Iterator[dict[str, Any]]:
        """BIS rules on public inspection now (``public-inspection-documents/current.json``): filed, not yet
        published — the earliest public sign of a rule. Other agencies' documents and other types are left out."""
        url = self.url.replace("/documents.json", "/public-inspection-documents/current.json")
        yield from self._pages(url, None, self._inspection_record)

    def _inspection_record(self, doc: Any, url: str) -> dict[str, Any] | None:
        if not isinstance(doc, dict) or not doc.get("document_number"):
            raise FetchError(f"GET {url}: a public-inspection document without a document_number")
        agencies = doc["agencies"] if isinstance(doc.get("agencies"), list) else []
        ours = any(isinstance(a, dict) and a.get("slug") == AGENCY for a in agencies)
        if not ours or str(doc.get("type") or "").lower() != "rule":
            return None
        bad = next((k for k in INSPECTION_FIELDS if k != "agencies" and not _text(doc.get(k))), None)
        if bad:
            self.log(f"warning: Federal Register: skipped public-inspection document "
                     f"{doc['document_number']!r:.40}: {bad} has the wrong type")
            return None
        return {key: doc.get(key) for key in INSPECTION_FIELDS}

    def _next_page(self, url: Any) -> str | None:
        """The next page's URL, once checked: a string on the configured host, or nothing."""
        if url is None or url == "":
            return None
        if not isinstance(url, str):
            raise FetchError(f"Federal Register: next_page_url is a {type(url).__name__}, not a URL")
        return self._on_host(url, "next_page_url")

    def _on_host(self, url: str, field: str) -> str:
        """``url`` if it is on the configured Federal Register host; otherwise it is refused, never requested."""
        if origin(url) != self.origin:
            raise FetchError(f"Federal Register: refused {field} {url[:200]!r} (not on {self.origin})")
        return url

    def _record(self, doc: Any, url: str) -> dict[str, Any] | None:
        """The :data:`FIELDS` of a result, or None (with a warning) if one has the wrong type."""
        if not isinstance(doc, dict) or not doc.get("document_number"):
            raise FetchError(f"GET {url}: a Federal Register result without a document_number")
        bad = next((k for k in FIELDS if not _CHECKS.get(k, _text)(doc.get(k))), None)
        if bad:
            number = doc["document_number"]
            self.log(f"warning: Federal Register: skipped document {number!r:.40}: {bad} has the wrong type")
            return None
        return {key: doc.get(key) for key in FIELDS}

    def full_text_xml(self, url: str) -> bytes:
        """A document's full text (GovInfo XML with ``REGTEXT``/``AMDPAR``), at most 1 download a second.

        A URL off the configured Federal Register host is refused without a request.
        """
        self._on_host(url, "full_text_xml_url")
        self.full_text_throttle.wait("full-text")
        return self.http.get_xml(url)
