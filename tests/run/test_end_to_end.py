"""Acceptance: ``tracker run`` fetching real Part 774 text from a local eCFR server, mailing through aiosmtpd."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from tests.run.conftest import NEW, OLD, excerpt, write_toml
from tracker.cli import main

API = "/api/versioner/v1"


class FakeEcfr:
    """The eCFR versioner and Federal Register endpoints tracker uses, serving the real excerpts."""

    def __init__(self) -> None:
        self.dates = [OLD]
        self.requests: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.path)
        if request.path == f"{API}/titles.json":
            title = {"number": 15, "name": "Commerce and Foreign Trade", "latest_issue_date": self.dates[-1],
                     "latest_amended_on": self.dates[-1], "up_to_date_as_of": self.dates[-1],
                     "processing_in_progress": False}
            return self._json({"titles": [title], "meta": {"import_in_progress": False}})
        if request.path == f"{API}/versions/title-15.json":
            assert request.args["part"] == "774" and request.args["issue_date[gte]"]
            versions = [{"date": d, "amendment_date": d, "issue_date": d, "identifier": "774", "name": "Part 774",
                         "part": "774", "substantive": True, "removed": False, "subpart": None, "title": "15",
                         "type": "appendix"} for d in self.dates if d >= request.args["issue_date[gte]"]]
            return self._json({"content_versions": versions, "meta": {"total_count": len(versions)}})
        for date in self.dates:
            if request.path == f"{API}/full/{date}/title-15.xml":
                return Response(excerpt(date).read_bytes(), content_type="application/xml")
        if request.path == "/api/v1/documents.json":
            return self._json({"count": 0, "total_pages": 0, "results": []})
        return Response("not found", status=404, content_type="text/plain")

    @staticmethod
    def _json(data: object) -> Response:
        return Response(json.dumps(data), content_type="application/json")


@pytest.fixture
def ecfr(httpserver):
    fake = FakeEcfr()
    httpserver.expect_request("").respond_with_handler(fake)
    return fake


def test_run_fetches_a_new_version_reports_and_mails_it_once(config, smtp, ecfr, httpserver, tmp_path):
    url = httpserver.url_for("").rstrip("/")
    toml = write_toml(tmp_path / "tracker.toml", replace(config, ecfr_url=url, federal_register_url=url))

    def run():
        return CliRunner().invoke(main, ["--config", str(toml), "run"])

    first = run()  # the first version is the baseline: stored, nothing to report
    assert first.exit_code == 0, first.stderr
    assert smtp.messages == [] and not (config.reports_dir / f"{OLD}.json").exists()

    ecfr.dates.append(NEW)  # BIS changes Part 774
    second = run()
    assert second.exit_code == 0, second.stderr
    assert f"fetch: 774 {NEW}" in second.stderr
    [msg] = smtp.messages
    assert msg["Subject"] == f"EAR changes {NEW}: 3 paragraphs in 774"
    assert msg.get_content_type() == "multipart/alternative"
    assert "3A090 License Requirements RS 2" in msg.get_body(("plain",)).get_content()
    assert (config.reports_dir / f"{NEW}.html").exists()
    fetched = [p for p in ecfr.requests if "/full/" in p]
    assert fetched == [f"{API}/full/{OLD}/title-15.xml", f"{API}/full/{NEW}/title-15.xml"]

    before = len(ecfr.requests)
    third = run()
    assert third.exit_code == 0, third.stderr
    assert len(smtp.messages) == 1
    assert ecfr.requests[before:] == [f"{API}/titles.json"]  # nothing new: one cheap request


def test_a_fetch_failure_still_sends_what_is_pending_and_exits_1(pair, smtp, tmp_path):
    toml = write_toml(tmp_path / "tracker.toml", replace(pair, ecfr_url="http://127.0.0.1:9"))

    result = CliRunner().invoke(main, ["--config", str(toml), "run"])

    assert result.exit_code == 1
    assert "fetch failed" in result.stderr and "Traceback" not in result.stderr
    assert len(smtp.messages) == 1 and (pair.reports_dir / f"{NEW}.html").exists()
