"""Acceptance: ``tracker run`` fetching real Part 774 text from a local eCFR server, mailing through aiosmtpd."""

from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner

from tests.fetch.conftest import Sources
from tests.run.conftest import NEW, OLD, excerpt, write_toml
from tracker.cli import main

API = "/api/versioner/v1"


def test_run_fetches_a_new_version_reports_and_mails_it_once(config, smtp, ecfr: Sources, tmp_path):
    ecfr.add_version("774", OLD, excerpt(OLD).read_bytes())
    toml = write_toml(tmp_path / "tracker.toml", replace(config, ecfr_url=ecfr.base, federal_register_url=ecfr.base))

    def run():
        return CliRunner().invoke(main, ["--config", str(toml), "run"])

    first = run()  # the first version is the baseline: stored, nothing to report
    assert first.exit_code == 0, first.stderr
    assert smtp.messages == [] and not (config.reports_dir / f"{OLD}.json").exists()

    ecfr.add_version("774", NEW, excerpt(NEW).read_bytes())  # BIS changes Part 774
    second = run()
    assert second.exit_code == 0, second.stderr
    assert f"fetch: 774 {NEW}" in second.stderr
    [msg] = smtp.messages
    assert msg["Subject"] == f"EAR changes {NEW}: 3 paragraphs in 774"
    assert msg.get_content_type() == "multipart/alternative"
    assert "3A090 License Requirements RS applies to 3A090.b" in msg.get_body(("plain",)).get_content()
    assert (config.reports_dir / f"{NEW}.html").exists()
    fetched = [r.path for r in ecfr.requests_to("/full/")]
    assert fetched == [f"{API}/full/{OLD}/title-15.xml", f"{API}/full/{NEW}/title-15.xml"]

    before = len(ecfr.server.log)
    third = run()
    assert third.exit_code == 0, third.stderr
    assert len(smtp.messages) == 1
    assert [r.path for r, _ in ecfr.server.log[before:]] == [f"{API}/titles.json"]  # nothing new: one request


def test_a_fetch_failure_still_sends_what_is_pending_and_exits_1(pair, smtp, tmp_path):
    toml = write_toml(tmp_path / "tracker.toml", replace(pair, ecfr_url="http://127.0.0.1:9"))

    result = CliRunner().invoke(main, ["--config", str(toml), "run"])

    assert result.exit_code == 1
    assert "fetch failed" in result.stderr and "Traceback" not in result.stderr
    assert len(smtp.messages) == 1 and (pair.reports_dir / f"{NEW}.html").exists()
