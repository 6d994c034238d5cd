"""Issue 16 item 1, the first run: the baseline it stores said in one line, ``--report-latest`` for a report at once,
and no network: one attempt, no back-off, the error once with the offline path, exit 1, no empty database left."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fetch.conftest import PART_740_FULL, Sources
from tests.run.conftest import NEW, OLD, excerpt, ingest, write_toml
from tests.support import ECFR_API, require
from tracker import parse_bytes
from tracker.cli import main
from tracker.config import Config
from tracker.fetch.deadline import Deadline
from tracker.fetch.http import FetchError, HttpClient, Unreachable
from tracker.store import Store
from tracker.sync_plan import pick_dates, version_issue_dates

CHANGED = {
    "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b",
    "3A090 License Requirements RS applies to 3A090.b",
    "4A090 License Requirements RS applies to 4A090.b",
}


@pytest.fixture
def attempts(monkeypatch) -> list[tuple[str, int]]:
    """Every TCP connection urllib3 tries to make, (host, port), in order (made as usual)."""
    import urllib3.util.connection as conn

    made: list[tuple[str, int]] = []
    real = conn.create_connection

    def counted(address, *args, **kwargs):
        made.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(conn, "create_connection", counted)
    return made


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """Every back-off a download would sleep (recorded, not slept)."""
    slept: list[float] = []
    monkeypatch.setattr(Deadline, "pause", lambda self, seconds: slept.append(seconds))
    return slept


def _invoke(toml: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(toml), "run", *args])


# -- no network ------------------------------------------------------------------------------------------


def _offline_toml(tmp_path: Path, url: str) -> Path:
    """Settings as a new user has them (the default retries = 5 and back-off), every service at ``url``."""
    lines = [f"{k} = {json.dumps(v)}" for k, v in {
        "database": str(tmp_path / "tracker.db"), "snapshots_dir": str(tmp_path / "snapshots"),
        "reports_dir": str(tmp_path / "reports"), "ecfr_url": url, "federal_register_url": url}.items()]
    path = tmp_path / "tracker.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _refuse_dns(_: object) -> None:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def _time_out(_: object) -> None:
    raise TimeoutError("timed out")


@pytest.mark.parametrize("cause, fake, said", [
    ("connection refused", None, "Connection refused"),
    ("DNS failure", _refuse_dns, "Failed to resolve '127.0.0.1' ([Errno -2] Name or service not known)"),
    ("unroutable (connect timeout)", _time_out, "connection timed out"),
])
def test_no_network_fails_at_once_says_so_once_and_leaves_no_database(
    tmp_path, monkeypatch, attempts, pauses, cause, fake, said
):
    if fake is not None:  # records the attempt, then fails as that network would
        import urllib3.util.connection as conn

        monkeypatch.setattr(conn, "create_connection", lambda a, *x, **k: fake(attempts.append(a)))
    toml = _offline_toml(tmp_path, "http://127.0.0.1:9")

    result = _invoke(toml)

    assert result.exit_code == 1
    assert attempts == [("127.0.0.1", 9)] and pauses == []  # titles.json once; no retry, no back-off
    [error] = [line for line in result.stderr.splitlines() if said in line]
    assert error.startswith("Error: fetch failed: GET http://127.0.0.1:9/api/versioner/v1/titles.json: ")
    for named in ("`tracker ingest FILE.xml", "`tracker ingest-rules FILE`", "HTTPS_PROXY", "HTTP_PROXY",
                  "NO_PROXY"):
        assert named in error
    assert "upcoming" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "tracker.db").exists()
    assert not (tmp_path / "snapshots" / "state.json").exists()


def test_a_proxy_that_refuses_is_named_and_not_retried(tmp_path, monkeypatch, attempts, pauses, ecfr):
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # requests honours it; the stand-in is never reached

    result = _invoke(_offline_toml(tmp_path, ecfr.base))

    assert result.exit_code == 1 and attempts == [("127.0.0.1", 9)] and pauses == [] and ecfr.server.log == []
    assert "Connection refused (cannot connect to the proxy for 127.0.0.1; not retried" in result.stderr
    assert not (tmp_path / "tracker.db").exists()


def test_an_existing_database_is_kept_when_there_is_no_network(tmp_path, attempts, pauses):
    Store(tmp_path / "tracker.db").close()  # made by an earlier command, empty: not this run's to remove

    assert _invoke(_offline_toml(tmp_path, "http://127.0.0.1:9")).exit_code == 1
    assert (tmp_path / "tracker.db").exists()


class _Once(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_host_that_answered_and_then_refuses_is_retried_with_back_off(tmp_path, attempts, pauses):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Once)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.handle_request)
    thread.start()
    client = HttpClient(Config(retries=3, rate_limit=1000.0))
    assert client.get_json(f"http://127.0.0.1:{port}/a") == {"ok": True}
    thread.join()
    httpd.server_close()  # the port now refuses
    client.session.close()  # no kept-alive connection: the next GET connects

    with pytest.raises(FetchError) as err:
        client.get_json(f"http://127.0.0.1:{port}/b")

    assert not isinstance(err.value, Unreachable) and "gave up after 3 retries" in str(err.value)
    assert len(attempts) == 1 + 4 and len(pauses) == 3


# -- the first run, and --report-latest -------------------------------------------------------------------


@pytest.fixture
def served(config: Config, ecfr: Sources, tmp_path: Path) -> Path:
    """The stand-in eCFR with real Part 740 (2026-09-01) and two real Part 774 versions; its tracker.toml."""
    ecfr.add_version("740", NEW, PART_740_FULL.read_bytes())
    ecfr.add_version("774", OLD, excerpt(OLD).read_bytes())
    ecfr.add_version("774", NEW, excerpt(NEW).read_bytes())
    settings = replace(config, parts=("740", "774"), ecfr_url=ecfr.base, federal_register_url=ecfr.base)
    return write_toml(tmp_path / "tracker.toml", settings)


def _report(config: Config, date: str) -> dict:
    return json.loads((config.reports_dir / f"{date}.json").read_text(encoding="utf-8"))


def test_the_first_run_says_it_stored_a_baseline_and_how_to_report_now(served, config, ecfr, smtp):
    result = _invoke(served)

    assert result.exit_code == 0, result.stderr
    total = len(parse_bytes(PART_740_FULL.read_bytes())) + len(parse_bytes(excerpt(NEW).read_bytes()))
    assert (f"baseline stored: Parts 740 and 774 as of {NEW} ({total:,} paragraphs); changes will be reported "
            "from the next version on (`tracker run --report-latest` fetches the version before it and reports "
            "that change now)") in result.stderr.splitlines()
    assert [r.path.split("/")[-2] for r in ecfr.requests_to("/full/")] == [NEW, NEW]
    assert not (config.reports_dir / f"{NEW}.json").exists() and smtp.messages == []


def test_report_latest_the_next_morning_fetches_the_version_before_and_reports_its_changes(
    served, config, ecfr, smtp
):
    assert _invoke(served).exit_code == 0
    before = len(ecfr.requests_to("/full/"))

    result = _invoke(served, "--report-latest")

    assert result.exit_code == 0, result.stderr
    assert [r.path for r in ecfr.requests_to("/full/")[before:]] == [f"/api/versioner/v1/full/{OLD}/title-15.xml"]
    assert "baseline stored" not in result.stderr
    assert f"part 740: only one version stored ({NEW}), nothing to compare it with" in result.stderr
    report = _report(config, NEW)
    assert report["previous_date"] == OLD
    assert {c["citation"] for c in report["changes"]} == CHANGED
    [msg] = smtp.messages
    assert msg["Subject"] == f"EAR changes {NEW}: 3 paragraphs in 774"
    again = _invoke(served, "--report-latest")  # the pair is stored and reported: nothing more to do
    assert again.exit_code == 0 and len(ecfr.requests_to("/full/")) == before + 1 and len(smtp.messages) == 1


def test_report_latest_on_the_very_first_run_reports_at_once(served, config, ecfr):
    result = _invoke(served, "--report-latest")

    assert result.exit_code == 0, result.stderr
    assert "baseline stored" not in result.stderr  # said per Part instead: the eCFR lists no Part 740 before it
    assert f"part 740: only one version stored ({NEW}), nothing to compare it with" in result.stderr
    assert {c["citation"] for c in _report(config, NEW)["changes"]} == CHANGED
    store = Store(config.database, readonly=True)
    assert store.dates("774") == [OLD, NEW] and store.dates("740") == [NEW]
    store.close()


def test_no_fetch_on_nothing_stored_says_how_to_start_and_creates_no_database(tmp_path):
    result = _invoke(_offline_toml(tmp_path, "http://127.0.0.1:9"), "--no-fetch")

    assert result.exit_code == 0, result.stderr
    assert "nothing stored yet: `tracker run` fetches the tracked Parts" in result.stderr
    assert not (tmp_path / "tracker.db").exists()


@pytest.mark.parametrize("listing, dates", [
    ("versions-title-1-part-2-issue_date-gte-2020-01-01.json", ["2015-12-18", "2022-12-29"]),
    ("versions-title-1.json", ["2022-05-04", "2022-12-29"]),
])
def test_report_latest_picks_the_newest_version_and_the_one_before_in_real_listings(listing, dates):
    listed = list(version_issue_dates(json.loads(require(ECFR_API / listing).read_text())["content_versions"]))

    assert pick_dates(listed, [], None, previous=True) == dates  # a first run
    assert pick_dates(listed, dates[1:], None, previous=True) == dates[:1]  # the newest already stored
    assert pick_dates(listed, dates, None, previous=True) == []  # the pair stored: nothing to add


def test_report_latest_with_no_fetch_names_the_parts_it_cannot_compare(config, tmp_path):
    ingest(config, NEW)
    toml = write_toml(tmp_path / "tracker.toml", config)

    result = _invoke(toml, "--no-fetch", "--report-latest")

    assert result.exit_code == 0, result.stderr
    assert (f"part 774: only one version stored ({NEW}), nothing to compare it with (--no-fetch: `tracker ingest` "
            "the version before it, or run without it)") in result.stderr.splitlines()
    assert not (config.reports_dir / f"{NEW}.json").exists()


def test_tracker_fetch_with_no_network_leaves_no_database_either(tmp_path, attempts, pauses):
    toml = _offline_toml(tmp_path, "http://127.0.0.1:9")

    result = CliRunner().invoke(main, ["--config", str(toml), "fetch"])

    assert result.exit_code == 1 and "Connection refused" in result.stderr and "HTTPS_PROXY" in result.stderr
    assert attempts == [("127.0.0.1", 9)] and pauses == []
    assert not (tmp_path / "tracker.db").exists()
