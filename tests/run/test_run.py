"""``tracker run`` end to end on real Part 774 text, with a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import tracker.report.render as render_module
from tests.run.conftest import NEW, OLD, ingest, with_mail, write_toml
from tracker.cli import main
from tracker.run import run
from tracker.runlock import RunLock
from tracker.store import Store

CHANGED = (
    "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b",
    "3A090 License Requirements RS applies to 3A090.b",
    "4A090 License Requirements RS applies to 4A090.b",
)


def deliveries(config) -> list[dict]:
    store = Store(config.database)
    rows = list(store.db.query("SELECT * FROM deliveries ORDER BY version_date, recipient"))
    store.db.conn.close()
    return rows


def cli(config, *args: str, tmp: Path | None = None, env: dict | None = None):
    toml = write_toml((tmp or config.database.parent.parent) / "tracker.toml", config)
    return CliRunner().invoke(main, ["--config", str(toml), "run", "--no-fetch", *args], env=env)


def test_one_run_mails_each_recipient_once_with_text_html_and_changed_citations(pair, smtp):
    outcome = run(pair, fetch=False, log=lambda line: None)

    assert outcome.exit_code == 0 and outcome.reports == [NEW]
    [msg] = smtp.messages
    assert msg["To"] == "officer@example.com"
    assert msg["Subject"] == f"EAR changes {NEW}: 3 paragraphs in 774"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for citation in CHANGED:
        assert citation in text and citation in html
    assert "{+the United Arab Emirates or +}" in text
    assert "<ins" in html and "United Arab Emirates" in html
    [row] = deliveries(pair)
    assert (row["status"], row["attempts"], row["message_id"]) == ("sent", 1, msg["Message-ID"])
    assert {p.name for p in pair.reports_dir.iterdir()} == {
        f"{NEW}.html", f"{NEW}.txt", f"{NEW}.json", "index.html", "history.html", "eccn"
    }


def test_second_run_sends_nothing_and_rewrites_nothing(pair, smtp):
    run(pair, fetch=False, log=lambda line: None)
    stamps = {p: p.stat().st_mtime_ns for p in pair.reports_dir.iterdir()}
    lines: list[str] = []

    outcome = run(pair, fetch=False, log=lines.append)

    assert outcome.exit_code == 0 and outcome.reports == [] and outcome.mail.sent == 0
    assert len(smtp.messages) == 1
    assert {p: p.stat().st_mtime_ns for p in pair.reports_dir.iterdir()} == stamps
    assert lines == ["done: 0 new report(s), 0 message(s) sent, 0 not sent"]


def test_first_version_of_a_part_is_a_baseline_without_report_or_mail(config, smtp):
    ingest(config, OLD)

    outcome = run(config, fetch=False, log=lambda line: None)

    assert outcome.reports == [] and smtp.messages == []
    assert not config.reports_dir.exists() or not any(config.reports_dir.iterdir())


def test_stopped_smtp_server_fails_the_run_keeps_the_report_and_the_next_run_sends_once(pair, smtp, tmp_path):
    smtp.stop()

    failed = cli(pair)

    assert failed.exit_code == 1
    assert "officer@example.com" in failed.stderr and "not sent" in failed.stderr
    assert (pair.reports_dir / f"{NEW}.html").exists()
    [row] = deliveries(pair)
    assert row["status"] == "failed" and row["attempts"] == 1 and row["last_error"]

    smtp.start()
    assert cli(pair).exit_code == 0
    assert cli(pair).exit_code == 0
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Message-ID"] == row["message_id"]
    [row] = deliveries(pair)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)


@pytest.mark.parametrize(("mode", "error"), [("refuse", "550"), ("drop", "SMTP 127.0.0.1")])
def test_refused_or_dropped_message_is_recorded_and_retried(pair, smtp, mode, error):
    smtp.handler.mode = mode

    outcome = run(pair, fetch=False, log=lambda line: None)

    assert outcome.exit_code == 1 and outcome.mail.sent == 0
    assert error in outcome.problems[0]
    assert deliveries(pair)[0]["status"] == "failed"
    smtp.handler.mode = "accept"
    assert run(pair, fetch=False, log=lambda line: None).mail.sent == 1
    assert run(pair, fetch=False, log=lambda line: None).mail.sent == 0
    assert len(smtp.messages) == 1


def test_one_refused_recipient_does_not_hold_back_the_others(pair, smtp):
    config = with_mail(pair, recipients=["officer@example.com", "second@example.com"])
    accept = smtp.handler.handle_RCPT

    async def refuse_second(server, session, envelope, address, options):
        if address == "second@example.com":
            return "550 5.1.1 no such user"
        return await accept(server, session, envelope, address, options)

    smtp.handler.handle_RCPT = refuse_second
    outcome = run(config, fetch=False, log=lambda line: None)

    assert outcome.mail.sent == 1 and len(outcome.mail.errors) == 1
    assert [m["To"] for m in smtp.messages] == ["officer@example.com"]
    assert {r["recipient"]: r["status"] for r in deliveries(config)} == {
        "officer@example.com": "sent",
        "second@example.com": "failed",
    }


def test_watchlist_recipient_gets_only_the_changes_on_their_list(pair, smtp):
    config = with_mail(
        pair,
        recipients=[],
        recipient=[
            {"address": "chips@example.com", "watch": ["3A090"]},
            {"address": "aero@example.com", "watch": ["9A012", "740.10"]},
        ],
    )

    run(config, fetch=False, log=lambda line: None)

    [msg] = smtp.messages
    assert msg["To"] == "chips@example.com"
    assert msg["Subject"] == f"EAR changes {NEW}: 1 paragraph in 774"
    text = msg.get_body(("plain",)).get_content()
    assert "3A090 License Requirements RS applies to 3A090.b" in text
    assert "3A001 License" not in text and "4A090 License" not in text
    assert "Filtered to your watchlist: 3A090." in text
    assert [r["recipient"] for r in deliveries(config)] == ["chips@example.com"]


def test_3A090_watcher_gets_no_mail_when_only_9A012_changed(config, smtp):
    ingest(config, OLD, NEW, span="9A010-to-9A018")
    config = with_mail(
        config,
        recipients=[],
        recipient=[
            {"address": "chips@example.com", "watch": ["3A090"]},
            {"address": "aero@example.com", "watch": ["9A012"]},
        ],
    )

    outcome = run(config, fetch=False, log=lambda line: None)

    assert outcome.reports == [NEW]
    assert [m["To"] for m in smtp.messages] == ["aero@example.com"]
    assert "9A012" in smtp.messages[0].get_body(("plain",)).get_content()


def test_dry_run_writes_eml_to_the_outbox_and_a_later_real_run_sends_it(pair, smtp):
    result = cli(pair, "--dry-run")

    assert result.exit_code == 0, result.output
    assert smtp.messages == []
    [eml] = (pair.reports_dir / "outbox").glob("*.eml")
    assert eml.name == f"{NEW}--officer@example.com.eml"
    text = eml.read_text(encoding="utf-8")
    assert "multipart/alternative" in text and "Subject: EAR changes 2026-09-01: 3 paragraphs in 774" in text
    assert deliveries(pair)[0]["status"] == "pending"

    assert cli(pair).exit_code == 0
    assert len(smtp.messages) == 1 and smtp.messages[0]["Message-ID"] in text


def test_crash_before_the_report_is_written_is_completed_by_the_next_run(pair, smtp, monkeypatch):
    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(render_module, "write_report", crash)  # the run imports it when it writes a report
    with pytest.raises(KeyboardInterrupt):
        run(pair, fetch=False, log=lambda line: None)
    assert [r["status"] for r in deliveries(pair)] == ["pending"]
    assert not (pair.reports_dir / f"{NEW}.json").exists()
    monkeypatch.undo()

    outcome = run(pair, fetch=False, log=lambda line: None)

    assert outcome.reports == [NEW] and outcome.mail.sent == 1 and len(smtp.messages) == 1


def test_crash_after_the_server_accepted_resends_with_the_same_message_id(pair, smtp, monkeypatch):
    def crash_on_sent(store, row_id):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "mark_delivery_sent", crash_on_sent)
    with pytest.raises(KeyboardInterrupt):
        run(pair, fetch=False, log=lambda line: None)
    monkeypatch.undo()

    run(pair, fetch=False, log=lambda line: None)
    run(pair, fetch=False, log=lambda line: None)

    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert deliveries(pair)[0]["status"] == "sent"


def test_a_second_concurrent_run_exits_0_with_one_line_naming_the_holder(pair, smtp):
    with RunLock(pair.database):
        result = cli(pair)

    assert result.exit_code == 0
    assert result.stderr.strip().count("\n") == 0 and "another tracker run" in result.stderr
    assert f"pid {os.getpid()} on {socket.gethostname()}" in result.stderr
    assert smtp.messages == [] and not pair.reports_dir.exists()


def test_a_run_reaching_the_database_through_a_symlink_meets_the_same_lock(pair, smtp, tmp_path):
    link = tmp_path / "elsewhere"
    link.symlink_to(pair.database.parent, target_is_directory=True)
    with RunLock(pair.database):
        outcome = run(replace(pair, database=link / pair.database.name), fetch=False, log=lambda line: None)

    assert outcome.busy and outcome.exit_code == 0 and smtp.messages == []


def test_a_lock_held_longer_than_the_limit_is_reported_as_a_hung_run_with_exit_1(pair, smtp):
    with RunLock(pair.database) as lock:
        started = (datetime.now(UTC) - timedelta(hours=7)).isoformat(timespec="seconds")
        lock.path.write_text(json.dumps({"pid": 4242, "host": "cron-host", "started": started}))
        result = cli(pair)
        shorter = run(replace(pair, stale_lock_hours=8), fetch=False, log=lambda line: None)

    assert result.exit_code == 1
    assert "pid 4242 on cron-host" in result.stderr and "over 6 h: it may be hung" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert shorter.busy and shorter.exit_code == 0  # under its own 8 h limit it is just busy
    assert smtp.messages == [] and not pair.reports_dir.exists()


def test_quiet_run_prints_nothing_when_all_is_well(pair, smtp):
    result = cli(pair, "--quiet")

    assert result.exit_code == 0 and result.output == "" and result.stderr == ""
    assert len(smtp.messages) == 1


def test_each_step_logs_one_line(pair, smtp):
    result = cli(pair)

    steps = [line.split(" ", 1)[0] for line in result.stderr.splitlines()]
    assert steps == ["diff", "history:", "report", "index:", "mail", "done:"]


def test_unencrypted_smtp_to_a_remote_host_is_a_usage_error(pair, smtp):
    result = cli(with_mail(pair, smtp_host="smtp.example.com"))

    assert result.exit_code == 2
    assert "localhost" in result.stderr and smtp.messages == []


def test_credentials_come_from_the_environment_and_are_never_logged_or_stored(pair, tmp_path):
    from tests.mail.smtp import SmtpServer

    server = SmtpServer(auth=True).start()
    try:
        config = replace(pair, mail=server.mail_config())
        secret = "s3cret-Pa55word"
        result = cli(config, env={"TRACKER_SMTP_USER": "tracker", "TRACKER_SMTP_PASSWORD": secret})
    finally:
        server.stop()

    assert result.exit_code == 0, result.stderr
    assert server.handler.logins == [("tracker", secret)]
    assert secret not in result.stderr + result.output
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_adding_a_recipient_later_does_not_mail_them_old_reports(pair, smtp):
    run(pair, fetch=False, log=lambda line: None)
    later = with_mail(pair, recipients=["officer@example.com", "newcomer@example.com"])

    outcome = run(later, fetch=False, log=lambda line: None)

    assert outcome.mail.sent == 0 and len(smtp.messages) == 1


def test_json_report_lists_every_change_with_its_links(pair, smtp):
    run(pair, fetch=False, log=lambda line: None)

    data = json.loads((pair.reports_dir / f"{NEW}.json").read_text(encoding="utf-8"))
    assert (data["version_date"], data["previous_date"], data["summary"]["total"]) == (NEW, OLD, 3)
    assert [c["citation"] for c in data["changes"]] == list(CHANGED)
    assert data["changes"][1]["history"] == "eccn/3A090.html"
    index = (pair.reports_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="{NEW}.html"' in index


def test_the_rule_in_force_between_the_versions_is_named_in_report_and_subject(pair, smtp):
    # A stand-in record: no real BIS rule took effect between these two 2026 versions in the shared data.
    store = Store(pair.database)
    store.add_rules([{
        "document_number": "2026-99999", "citation": "91 FR 99999", "title": "Stand-in rule for this test",
        "action": "Final rule.", "publication_date": "2026-08-01", "effective_on": "2026-08-01", "parts": ["774"],
    }])
    store.db.conn.close()

    run(pair, fetch=False, log=lambda line: None)

    assert smtp.messages[0]["Subject"] == f"EAR changes {NEW}: 3 paragraphs in 774 (91 FR 99999)"
    data = json.loads((pair.reports_dir / f"{NEW}.json").read_text(encoding="utf-8"))
    assert {r["document_number"] for c in data["changes"] for r in c["rules"]} == {"2026-99999"}
    assert "Stand-in rule for this test" in (pair.reports_dir / f"{NEW}.html").read_text(encoding="utf-8")
