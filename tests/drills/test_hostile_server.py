"""A hostile server: slowloris answers, redirects and paging off the configured host, endless or huge listings,
deep JSON and badly typed fields. Each ends in one clear line (or a skipped entry), within the deadline, and no
request ever reaches a host that was not configured.

Servers are real and local: the eCFR / Federal Register stand-in of tests/fetch/conftest.py, a second
pytest-httpserver as "another host", and a raw socket server (:class:`Trickle`) for bytes sent one a second.
"""

from __future__ import annotations

import json
import re
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fetch import conftest as fetch_stand_in
from tests.fetch.conftest import FR_API, PART_774_NEW, PART_774_OLD, Sources, make_config, real_json
from tests.support import ECFR_API
from tracker.cli import main
from tracker.config import Config
from tracker.fetch.ecfr import MAX_VERSIONS, PAGE_SIZE, EcfrClient
from tracker.fetch.federal_register import MAX_PAGES, MAX_RESULTS, FederalRegisterClient
from tracker.fetch.http import FetchError, HttpClient
from tracker.store import Store

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server

OLD, NEW = "2026-06-25", "2026-09-01"
DEADLINE = 2
#: How long a trickling server keeps going: far past the deadline, so only the deadline can end the download
#: with its message (without it: a read timeout never fires at one byte a second, and the answer that finally
#: ends is truncated or empty — a different error, after this long).
TRICKLE_SECONDS = 30
#: A bound that only stops a hang; the outcome itself is asserted by the message.
HANG = 20


# -- a raw server that sends one byte a second ----------------------------------------------------


class Trickle(socketserver.ThreadingTCPServer):
    """On 127.0.0.1: a request gets ``at_once``, then ``slowly`` one byte a second (until the client hangs up).

    With ``first``, the first request on each connection gets that whole answer instead and the connection
    stays open for the next one.
    """

    daemon_threads = True

    def __init__(self, at_once: bytes, slowly: bytes, first: bytes = b"") -> None:
        super().__init__(("127.0.0.1", 0), _TrickleHandler)
        self.at_once, self.slowly, self.first = at_once, slowly, first
        self.stop = threading.Event()
        self.requests: list[bytes] = []
        self.connections = 0
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()


class _TrickleHandler(socketserver.BaseRequestHandler):
    server: Trickle

    def handle(self) -> None:
        self.server.connections += 1
        try:
            self.request.settimeout(HANG)
            if self.server.first:
                self._read_request()
                self.request.sendall(self.server.first)
            self._read_request()
            self.request.sendall(self.server.at_once)
            for byte in self.server.slowly:
                if self.server.stop.wait(1.0):
                    return
                self.request.sendall(bytes([byte]))
        except OSError:
            return  # the client cut the connection: what the deadline is for

    def _read_request(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                raise ConnectionResetError("the client left")
            head += chunk
        self.server.requests.append(head)


@pytest.fixture
def trickle() -> Iterator[Callable[..., Trickle]]:
    started: list[Trickle] = []

    def start(at_once: bytes, slowly: bytes, first: bytes = b"") -> Trickle:
        started.append(Trickle(at_once, slowly, first))
        return started[-1]

    yield start
    for srv in started:
        srv.close()


SLOW = b"x" * TRICKLE_SECONDS
XML_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
SLOWLORIS = {
    "body with a length": (XML_HEAD + b"Content-Length: 100000\r\n\r\n<DIV5>", SLOW),
    "body until close": (XML_HEAD + b"Connection: close\r\n\r\n<DIV5>", SLOW),
    "chunked body": (XML_HEAD + b"Transfer-Encoding: chunked\r\n\r\n1000\r\n<DIV5>", SLOW),
    "status line": (b"", b"HTTP/1.1 200 OK\r\n" + SLOW),
    "headers": (b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + SLOW),
}


def _config(server: HTTPServer, tmp_path: Path, **override) -> Config:
    """The stand-in's settings with one retry and a read timeout longer than a trickle's second; the deadline
    is the drill's where it is what is tested, and roomy elsewhere (a big answer is not a slow one)."""
    return make_config(server, tmp_path, **{"deadline": 120, "timeout": 5.0, "retries": 1, **override})


@pytest.mark.parametrize("kind", list(SLOWLORIS))
def test_a_trickled_answer_fails_at_the_deadline_with_one_line(server, tmp_path, trickle, kind):
    slow = trickle(*SLOWLORIS[kind])
    client = HttpClient(_config(server, tmp_path, deadline=DEADLINE))

    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        client.get_xml(f"{slow.url}/api/versioner/v1/full/{NEW}/title-15.xml", {"part": "774"})
    elapsed = time.monotonic() - started

    assert str(err.value) == (
        f"GET {slow.url}/api/versioner/v1/full/{NEW}/title-15.xml?part=774: no complete answer within {DEADLINE} s"
    )
    assert elapsed < HANG
    assert slow.requests, "the request reached the server"


def test_a_kept_alive_connection_used_again_is_cut_at_the_next_downloads_deadline(server, tmp_path, trickle):
    quick = XML_HEAD + b"Content-Length: 7\r\n\r\n<DIV5/>"
    slow = trickle(*SLOWLORIS["body with a length"], first=quick)
    client = HttpClient(_config(server, tmp_path, deadline=DEADLINE))

    assert client.get_xml(f"{slow.url}/a.xml") == b"<DIV5/>"
    started = time.monotonic()
    with pytest.raises(FetchError, match=f"/b.xml: no complete answer within {DEADLINE} s$"):
        client.get_xml(f"{slow.url}/b.xml")
    assert time.monotonic() - started < HANG  # cut, not left to end with the trickle
    assert slow.connections == 1 and len(slow.requests) == 2  # the second download went over the same socket


def test_a_trickle_through_an_http_proxy_is_cut_too(server, tmp_path, trickle, monkeypatch):
    proxy = trickle(b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + SLOW)
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(FetchError, match=f"no complete answer within {DEADLINE} s$"):
        HttpClient(_config(server, tmp_path, deadline=DEADLINE)).get_json("http://ecfr.invalid/api/versioner/v1/titles.json")
    assert proxy.requests[0].startswith(b"GET http://ecfr.invalid/api/versioner/v1/titles.json HTTP/1.1")


PATHS = ("database", "snapshots_dir", "reports_dir")


def _toml(path: Path, config: Config) -> Path:
    """``config``'s network settings and paths as a tracker.toml for the CLI."""
    keys = ("ecfr_url", "federal_register_url", "rate_limit", "full_text_rate_limit", "timeout", "connect_timeout",
            "deadline", "retries", "backoff_factor", "backoff_max")
    lines = [f"{key} = {json.dumps(getattr(config, key))}" for key in keys]
    lines += [f"parts = {json.dumps(list(config.parts))}"]
    lines += [f"{key} = {json.dumps(str(getattr(config, key)))}" for key in PATHS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fetch(config: Config, tmp_path: Path) -> Result:
    return CliRunner().invoke(main, ["--config", str(_toml(tmp_path / "tracker.toml", config)), "fetch"])


def _one_line_failure(result: Result) -> str:
    """The command failed with exit 1 and one ``Error:`` line, no traceback; returns that line."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ")
    return last


def test_tracker_fetch_against_a_slowloris_server_exits_1_in_one_line_within_the_deadline(server, tmp_path, trickle):
    slow = trickle(*SLOWLORIS["headers"])
    config = _config(server, tmp_path, ecfr_url=slow.url, reports_dir=tmp_path / "reports", deadline=DEADLINE)

    started = time.monotonic()
    result = fetch(config, tmp_path)

    assert _one_line_failure(result) == (
        f"Error: GET {slow.url}/api/versioner/v1/titles.json: no complete answer within {DEADLINE} s"
    )
    assert time.monotonic() - started < HANG


def test_retries_never_wait_past_the_deadline(server, tmp_path):
    server.expect_request("/doc.xml").respond_with_data("busy", status=503, headers={"Retry-After": "120"})
    client = HttpClient(_config(server, tmp_path, retries=5, deadline=DEADLINE))

    started = time.monotonic()
    with pytest.raises(FetchError, match=f"no complete answer within {DEADLINE} s$"):
        client.get_xml(server.url_for("/doc.xml"))

    assert time.monotonic() - started < HANG  # a 120 s Retry-After honoured would hang here
    assert len(server.log) == 1  # the retry that could not finish in time was not made


# -- only the configured hosts ----------------------------------------------------------------------


@pytest.fixture
def other_host() -> Iterator[HTTPServer]:
    """A second server on 127.0.0.1 (another origin): it must never receive a request."""
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.expect_request(re.compile("/.*")).respond_with_data("<DIV5/>", content_type="application/xml")  # if asked
    srv.start()
    yield srv
    srv.stop()


def test_a_redirect_to_another_host_is_refused_and_that_host_never_asked(server, tmp_path, other_host):
    target = other_host.url_for("/api/versioner/v1/titles.json")
    server.expect_request("/api/versioner/v1/titles.json").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    config = _config(server, tmp_path, reports_dir=tmp_path / "reports")

    line = _one_line_failure(fetch(config, tmp_path))

    assert f"refused a redirect to '{target}'" in line
    assert other_host.log == []


def test_a_redirect_to_another_name_of_the_same_machine_is_refused_too(server, tmp_path):
    port = server.port
    elsewhere = f"http://localhost:{port}/elsewhere.xml"
    server.expect_request("/doc.xml").respond_with_data("", status=301, headers={"Location": elsewhere})
    server.expect_request("/elsewhere.xml").respond_with_data("<DIV5/>", content_type="application/xml")

    with pytest.raises(FetchError, match="refused a redirect to 'http://localhost:"):
        HttpClient(_config(server, tmp_path)).get_xml(server.url_for("/doc.xml"))
    assert [r.path for r, _ in server.log] == ["/doc.xml"]


def _documents_page(next_page_url: object) -> dict:
    page = real_json(FR_API / "documents-agency-fmcsa-2026-10-01-to-10-10.json")
    page["next_page_url"] = next_page_url
    return page


def test_an_off_host_next_page_url_is_refused_without_a_request(server, tmp_path, other_host):
    nxt = other_host.url_for("/api/v1/documents") + "?page=2&per_page=1000"
    server.expect_request("/api/v1/documents.json").respond_with_json(_documents_page(nxt))
    config = _config(server, tmp_path)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)

    with pytest.raises(FetchError) as err:
        list(client.documents("774", "2026-01-01", "2026-10-10"))

    assert str(err.value) == f"Federal Register: refused next_page_url {nxt!r} (not on http://127.0.0.1:{server.port})"
    assert other_host.log == []


def test_an_off_host_full_text_xml_url_is_refused_without_a_request(server, tmp_path, other_host):
    sources = Sources(server)
    sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    config = _config(server, tmp_path, parts=("774",), reports_dir=tmp_path / "reports")
    assert fetch(config, tmp_path).exit_code == 0  # the baseline
    sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    hostile = other_host.url_for("/full-text/2024-07004.xml")
    # two rules in one interval: their full texts are read to tell them apart
    sources.add_rule("774", sources.rule("2024-07004", effective_on="2026-08-01", full_text_xml_url=hostile))
    sources.add_rule("774", sources.rule("2025-18992", effective_on="2026-08-02"), b"<FEDREG/>")

    result = fetch(config, tmp_path)

    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert f"Federal Register: refused full_text_xml_url {hostile!r}" in result.stderr
    assert other_host.log == []


# -- bounded listings --------------------------------------------------------------------------------


def test_an_endless_chain_of_next_page_urls_stops_at_the_cap(server, tmp_path):
    def page(request: Request) -> Response:
        n = int(request.args.get("page", "1"))
        body = _documents_page(server.url_for("/api/v1/documents") + f"?page={n + 1}")
        return Response(json.dumps(body), content_type="application/json")

    server.expect_request("/api/v1/documents.json").respond_with_handler(page)
    server.expect_request("/api/v1/documents").respond_with_handler(page)
    config = _config(server, tmp_path)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)

    with pytest.raises(FetchError, match=rf"paging does not end \(over {MAX_PAGES} pages\)$"):
        list(client.documents("774", "2026-10-01", "2026-10-10"))
    assert len(server.log) == MAX_PAGES


def test_a_query_answering_more_results_than_the_api_ever_does_stops_at_the_cap(server, tmp_path):
    page = {"count": MAX_RESULTS + 1, "results": [{"document_number": "2026-20734"}] * (MAX_RESULTS + 1)}
    server.expect_request("/api/v1/documents.json").respond_with_json(page)
    config = _config(server, tmp_path)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)

    with pytest.raises(FetchError, match=f"more than {MAX_RESULTS:,} Federal Register results for one query$"):
        list(client.documents("774", "2026-10-01", "2026-10-10"))


@pytest.mark.parametrize(("per_page", "pages"), [(MAX_VERSIONS + 5_000, 1), (PAGE_SIZE, MAX_VERSIONS // PAGE_SIZE + 1)])
def test_a_huge_or_endless_versions_listing_stops_at_the_cap(server, tmp_path, per_page, pages):
    entry = real_json(ECFR_API / "versions-title-1.json")["content_versions"][0]
    body = json.dumps({"content_versions": [entry] * per_page})
    server.expect_request("/api/versioner/v1/versions/title-15.json").respond_with_data(
        body, content_type="application/json"
    )
    config = _config(server, tmp_path)

    with pytest.raises(FetchError, match=f"more than {MAX_VERSIONS:,} versions listed for part 774$"):
        EcfrClient(HttpClient(config), config.ecfr_url).versions("774", "2017-01-01")
    assert len(server.log) == pages  # an endless listing: pages of 1,000 until the cap, then no more


# -- deep JSON and badly typed fields -------------------------------------------------------------


@pytest.mark.parametrize("deep", ["[" * 100_000, '{"titles": ' * 100_000])
def test_deeply_nested_json_is_one_line(server, tmp_path, deep):
    server.expect_request("/api/versioner/v1/titles.json").respond_with_data(deep, content_type="application/json")
    config = _config(server, tmp_path, reports_dir=tmp_path / "reports")

    line = _one_line_failure(fetch(config, tmp_path))

    assert line.endswith("/api/versioner/v1/titles.json: JSON nested too deeply to read")


class HostileListing(Sources):
    """The stand-in, its versions listing carrying badly typed entries before the real ones."""

    def _versions(self, request: Request) -> Response:
        answer = super()._versions(request)
        body = json.loads(answer.get_data())
        hostile = [
            "2026-09-01",
            ["2026-09-01"],
            {**body["content_versions"][0], "amendment_date": {"$gt": ""}, "date": None},
            {**body["content_versions"][0], "issue_date": ["2026-09-01", "x"]},
            {**body["content_versions"][0], "issue_date": {"on": "2026-09-01"}},
        ]
        body["content_versions"] = hostile + body["content_versions"]
        return Response(json.dumps(body), content_type="application/json")


def test_badly_typed_version_entries_are_skipped_with_a_warning_and_the_real_ones_stored(server, tmp_path):
    sources = HostileListing(server)
    sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    config = _config(server, tmp_path, parts=("774",), reports_dir=tmp_path / "reports")

    result = fetch(config, tmp_path)

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: part 774: skipped")]
    assert warnings == [
        "warning: part 774: skipped a listed version that is a str, not an object",
        "warning: part 774: skipped a listed version that is a list, not an object",
        "warning: part 774: skipped a listed version whose amendment_date is a dict",
        "warning: part 774: skipped a listed version whose issue_date is a list",
        "warning: part 774: skipped a listed version whose issue_date is a dict",
    ]
    assert Store(config.database).dates("774") == [NEW]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"content_versions": {"0": {"date": NEW}}}, "no 'content_versions' list for part 774"),
        ({"titles": {"15": {}}}, "no 'titles' list in the answer"),
    ],
)
def test_an_object_where_a_list_should_be_is_one_line(server, tmp_path, answer, message):
    titles = answer if "titles" in answer else real_json(ECFR_API / "titles.json")
    server.expect_request("/api/versioner/v1/titles.json").respond_with_json(titles)
    server.expect_request("/api/versioner/v1/versions/title-15.json").respond_with_json(answer)
    config = _config(server, tmp_path, parts=("774",), reports_dir=tmp_path / "reports")

    assert _one_line_failure(fetch(config, tmp_path)).endswith(message)


def test_a_latest_issue_date_that_is_an_object_is_one_line(server, tmp_path):
    sources = Sources(server)
    for title in sources.titles["titles"]:
        if title["number"] == 15:
            title["latest_issue_date"] = {"$ne": None}
    config = _config(server, tmp_path, parts=("774",), reports_dir=tmp_path / "reports")

    assert _one_line_failure(fetch(config, tmp_path)).endswith("title 15 has no latest_issue_date")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cfr_references", "15 CFR 774"),
        ("cfr_references", [{"title": 15, "part": {"$in": [774]}}]),
        ("effective_on", {"date": "2026-08-01"}),
        ("document_number", {"number": "2024-07004"}),
        ("docket_ids", "Docket No. 1"),
        ("full_text_xml_url", 42),
    ],
)
def test_a_badly_typed_rule_record_is_skipped_with_a_warning_and_the_versions_are_stored(
    server, tmp_path, field, value
):
    sources = Sources(server)
    sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    config = _config(server, tmp_path, parts=("774",), reports_dir=tmp_path / "reports")
    assert fetch(config, tmp_path).exit_code == 0
    sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    sources.add_rule("774", {**sources.rule("2024-07004", effective_on="2026-08-01"), field: value})
    sources.add_rule("774", sources.rule("2025-18992", effective_on="2026-08-02"))

    result = fetch(config, tmp_path)

    assert result.exit_code == 0, result.output
    assert f": {field} has the wrong type" in result.stderr
    store = Store(config.database)
    assert store.dates("774") == [OLD, NEW]
    assert [r.document_number for r in store.rules()] == ["2025-18992"]


def test_a_next_page_url_that_is_an_object_is_one_line(server, tmp_path):
    server.expect_request("/api/v1/documents.json").respond_with_json(_documents_page({"href": "/x"}))
    config = _config(server, tmp_path)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)

    with pytest.raises(FetchError, match="^Federal Register: next_page_url is a dict, not a URL$"):
        list(client.documents("774", "2026-10-01", "2026-10-10"))

