"""A local eCFR + Federal Register stand-in serving the real sample responses from ../shared."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.support import ECFR_API, SHARED, require
from tracker.config import Config
from tracker.store import Store

FR_API = SHARED / "data" / "federal-register-api"
FR_XML = SHARED / "data" / "federal-register-xml" / "FR-2024-02-12.xml"
CCL_RULES = SHARED / "data" / "ccl-history" / "federal-register-documents.json"
PART_774_OLD = ECFR_API / "excerpt-2026-06-25-title-15-part-774-3A001-3A090-4A090.xml"
PART_774_NEW = ECFR_API / "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml"
PART_740_FULL = ECFR_API / "full-2026-09-01-title-15-part-740.xml"
CONTACT = "compliance-tests@example.org"


def real_json(path: Path) -> dict:
    return json.loads(require(path).read_text(encoding="utf-8"))


class Sources:
    """What the fake services hold; handlers read it on every request, so tests may change it."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.base = server.url_for("/").rstrip("/")
        self.titles = real_json(ECFR_API / "titles.json")
        template = real_json(ECFR_API / "versions-title-1-part-2-issue_date-gte-2020-01-01.json")
        self.version_entry = template["content_versions"][0]
        self.versions_meta = template["meta"]
        self.xml: dict[str, dict[str, bytes]] = {}
        self.issue: dict[tuple[str, str], str] = {}
        self.rules: dict[str, list[dict]] = {}
        self.full_text: dict[str, bytes] = {}
        self.inspection: list[dict] = []  # public-inspection-documents/current.json results
        server.expect_request("/api/versioner/v1/titles.json").respond_with_handler(self._titles)
        server.expect_request("/api/versioner/v1/versions/title-15.json").respond_with_handler(self._versions)
        server.expect_request(re.compile(r"/api/versioner/v1/full/.+")).respond_with_handler(self._full)
        server.expect_request("/api/v1/documents.json").respond_with_handler(self._documents)
        server.expect_request(re.compile(r"/full-text/.+")).respond_with_handler(self._full_text)
        server.expect_request("/api/v1/public-inspection-documents/current.json").respond_with_handler(
            self._inspection)

    # -- what the services hold -------------------------------------------------------------------

    def set_latest_issue(self, date: str) -> None:
        for t in self.titles["titles"]:
            if t["number"] == 15:
                t["latest_issue_date"] = t["latest_amended_on"] = date

    def add_version(self, part: str, date: str, xml: bytes, issue_date: str | None = None) -> None:
        self.xml.setdefault(part, {})[date] = xml
        self.issue[(part, date)] = issue_date or date
        self.set_latest_issue(max(self.issue.values()))

    def add_rule(self, part: str, record: dict, full_text: bytes | None = None) -> None:
        self.rules.setdefault(part, []).append(record)
        if full_text is not None:
            self.full_text[record["document_number"]] = full_text

    def rule(self, document_number: str, **override) -> dict:
        """A real BIS rule (from the CCL history's FR list) as a documents.json result record."""
        doc = next(d for d in real_json(CCL_RULES)["documents"] if d["documentNumber"] == document_number)
        record = {
            "document_number": doc["documentNumber"],
            "citation": doc["citation"],
            "title": doc["title"],
            "type": doc["type"],
            "action": doc["action"],
            "publication_date": doc["publicationDate"],
            "effective_on": doc["effectiveOn"],
            "cfr_references": [{"title": 15, "part": "774", "chapter": "VII", "citation_url": None}],
            "docket_ids": doc["docketIds"],
            "regulation_id_numbers": [],
            "html_url": doc["htmlUrl"],
            "full_text_xml_url": f"{self.base}/full-text/{doc['documentNumber']}.xml",
        }
        return {**record, **override}

    def requests_to(self, fragment: str) -> list[Request]:
        return [req for req, _ in self.server.log if fragment in req.path]

    # -- handlers ---------------------------------------------------------------------------------

    def _titles(self, request: Request) -> Response:
        return Response(json.dumps(self.titles), content_type="application/json")

    def _versions(self, request: Request) -> Response:
        args = request.args
        if not any(k.startswith("issue_date[") for k in args):
            body = {"error": "Bad parameters: An issue_date parameter must be provided."}
            return Response(json.dumps(body), status=400, content_type="application/json")
        if any(k.startswith("conditions[") for k in args):
            return Response('{"error": "Found unpermitted parameter"}', status=400, content_type="application/json")
        part, gte = args.get("part", ""), args.get("issue_date[gte]", "0000")
        entries = []
        for date in sorted(self.xml.get(part, {})):
            issue = self.issue[(part, date)]
            if issue >= gte:
                entry = copy.deepcopy(self.version_entry)
                entry.update(date=date, amendment_date=date, issue_date=issue, part=part, title="15")
                entry.update(identifier=f"{part}.1", name=f"§ {part}.1", substantive=True)
                entries.append(entry)
        meta = {**self.versions_meta, "title": "15", "part": part, "issue_date": {"gte": gte}}
        meta["result_count"] = str(len(entries))
        return Response(json.dumps({"content_versions": entries, "meta": meta}), content_type="application/json")

    def _full(self, request: Request) -> Response:
        m = re.fullmatch(r"/api/versioner/v1/full/([^/]+)/title-15\.xml", request.path)
        xml = self.xml.get(request.args.get("part", ""), {}).get(m.group(1)) if m else None
        if xml is None:
            return Response('{"error": "Not found"}', status=404, content_type="application/json")
        return Response(xml, content_type="application/xml")

    def _documents(self, request: Request) -> Response:
        page = real_json(FR_API / "documents-title-40-part-261-rules-since-2019-selected-fields.json")
        results = [r for r in self.rules.get(request.args.get("conditions[cfr][part]", ""), []) if _within(r, request)]
        fields = request.args.getlist("fields[]")
        page["results"] = [{k: r.get(k) for k in fields} for r in results]
        page["count"], page["total_pages"] = len(results), 1
        return Response(json.dumps(page), content_type="application/json")

    def _inspection(self, request: Request) -> Response:
        return Response(json.dumps({"count": len(self.inspection), "results": self.inspection}),
                        content_type="application/json")

    def _full_text(self, request: Request) -> Response:
        number = request.path.rsplit("/", 1)[-1].removesuffix(".xml")
        if number not in self.full_text:
            return Response("not found", status=404)
        return Response(self.full_text[number], content_type="text/xml")


def _within(record: dict, request: Request) -> bool:
    """Whether a rule record meets the query's effective_date conditions (publication dates are not checked: the
    tests serve the rules a query should find)."""
    value = record.get("effective_on") or "" if isinstance(record.get("effective_on"), str) else ""
    low, high = request.args.get("conditions[effective_date][gte]"), request.args.get("conditions[effective_date][lte]")
    return not ((low and value < low) or (high and value > high))


@pytest.fixture(scope="session")
def _running_server() -> Iterator[HTTPServer]:
    """A threaded HTTP server on 127.0.0.1 (a slow handler must not block the retry after it)."""
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(_running_server: HTTPServer) -> Iterator[HTTPServer]:
    """The server with no handlers and an empty log for each test."""
    _running_server.clear()
    yield _running_server
    _running_server.clear()


@pytest.fixture
def sources(server: HTTPServer) -> Sources:
    return Sources(server)


def make_config(server: HTTPServer, tmp_path: Path, **override) -> Config:
    base = server.url_for("/").rstrip("/")
    settings = dict(
        ecfr_url=base,
        federal_register_url=base,
        parts=("740", "774"),
        snapshots_dir=tmp_path / "snapshots",
        database=tmp_path / "tracker.db",
        user_agent=f"ear-tracker/test (+mailto:{CONTACT})",
        contact=CONTACT,
        rate_limit=1000.0,
        full_text_rate_limit=1000.0,
        timeout=0.5,
        connect_timeout=0.5,
        retries=3,
        backoff_factor=0.001,
        backoff_max=0.01,
    )
    return Config(**{**settings, **override})


@pytest.fixture
def config(server: HTTPServer, tmp_path: Path) -> Config:
    return make_config(server, tmp_path)


@pytest.fixture
def store(config: Config) -> Store:
    return Store(config.database)


def query(request: Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)
