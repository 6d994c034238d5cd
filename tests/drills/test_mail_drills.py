"""Mail drills in real processes against aiosmtpd on 127.0.0.1: one database, one sender; one bad field,
recipient or server never stops the rest.

Each drill runs ``tracker run`` (or a second sender) as a child on a copy of a database holding three
real versions of the Part 774 excerpt (two reports) with three recipients, so six messages, and checks
what a user would see: the deliveries rows, the messages the server received, the run's stderr.
Processes are cut or held at named checkpoints (``tracker/checkpoint.py``), never by a timer.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fetch.conftest import PART_774_NEW, PART_774_OLD
from tests.mail.smtp import SilentServer, SmtpServer
from tests.run.conftest import write_toml
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.store import Store

TRACKER = str(Path(sys.executable).with_name("tracker"))
VERSIONS = {"2026-06-25": PART_774_OLD, "2026-09-01": PART_774_NEW, "2026-10-01": PART_774_OLD}
REPORT_DATES = sorted(VERSIONS)[1:]
RECIPIENTS = [f"officer{n}@example.com" for n in range(3)]
MESSAGES = len(REPORT_DATES) * len(RECIPIENTS)
HANG_GUARD = 120  # seconds: only stops a hung child; every outcome is asserted by content

#: A second sender that ignores the run lock: straight to the deliveries of the database its config names.
BYPASSING_SENDER = """
import sys
from tracker.config import load_config
from tracker.mail import MailSettings, SmtpTransport, send_pending, unsent
from tracker.build import build_report
from tracker.store import Store

config = load_config(sys.argv[1])
settings = MailSettings.from_config(config.mail)
store = Store(config.database)
transport = SmtpTransport(settings)
outcome = send_pending(store, settings, unsent(store), lambda d: build_report(config, store, d), transport, print)
transport.close()
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("template") / "tracker.db"
    store = Store(db)
    for date, path in VERSIONS.items():
        ingest_file(store, path, part="774", date=date)
    store.close()
    return db


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def set_up(template: Path, folder: Path, mail: dict) -> Config:
    """A tracker in ``folder`` (a copy of the template database, ``folder/tracker.toml``) mailing with ``mail``."""
    (folder / "db").mkdir(parents=True)
    shutil.copy(template, folder / "db" / "tracker.db")
    config = Config(
        database=folder / "db" / "tracker.db", reports_dir=folder / "reports", snapshots_dir=folder / "snapshots",
        parts=("774",), mail=mail,
    )
    write_toml(folder / "tracker.toml", config)
    return config


def toml(config: Config) -> Path:
    return config.reports_dir.parent / "tracker.toml"


def start(config_file: Path, script: str | None = None, **env: str) -> subprocess.Popen:
    """``tracker run --no-fetch`` (or ``script`` with the config path) as a child with ``env`` added."""
    head = [sys.executable, "-c", script, str(config_file)] if script else [TRACKER, "--config", str(config_file),
                                                                             "run", "--no-fetch"]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")} | env
    return subprocess.Popen(head, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=HANG_GUARD)
    return proc.returncode, out + err


def deliveries(config: Config) -> dict[tuple[str, str], dict]:
    conn = sqlite3.connect(config.database)
    conn.row_factory = sqlite3.Row
    rows = {(r["version_date"], r["recipient"]): dict(r) for r in conn.execute("SELECT * FROM deliveries")}
    conn.close()
    return rows


def copies(server: SmtpServer) -> Counter:
    return Counter(m["Message-ID"] for m in server.messages)


def assert_each_sent_once(config: Config, server: SmtpServer, *, extra: str | None = None) -> None:
    """Every (report, recipient) is 'sent' and was received once under its Message-ID (``extra`` twice)."""
    rows = deliveries(config)
    assert set(rows) == {(d, a) for d in REPORT_DATES for a in RECIPIENTS}
    assert {r["status"] for r in rows.values()} == {"sent"}
    expected = {r["message_id"]: 1 for r in rows.values()}
    if extra:
        expected[extra] = 2
    assert copies(server) == Counter(expected)


def wait_for(path: Path, proc: subprocess.Popen) -> None:
    """Until ``path`` exists (the child reached its pause point); fails if the child ends first."""
    deadline = time.monotonic() + HANG_GUARD
    while not path.exists():
        assert proc.poll() is None, finish(proc)[1]
        assert time.monotonic() < deadline, "the child never reached its pause point"
        time.sleep(0.02)


def held_at_first_claim(config: Config, gate: Path) -> subprocess.Popen:
    """A ``tracker run`` paused just after it claimed its first delivery (committed)."""
    proc = start(toml(config), TRACKER_PAUSE_AT="mail.claimed", TRACKER_PAUSE_FILE=str(gate))
    wait_for(Path(f"{gate}.reached"), proc)
    return proc


def linked(config: Config, folder: Path) -> Path:
    """A tracker.toml that reaches the same database through a symlinked folder."""
    (folder / "link").symlink_to(config.database.parent, target_is_directory=True)
    return write_toml(folder / "linked.toml", replace(config, database=folder / "link" / "tracker.db"))


# -- one database, one sender ---------------------------------------------------------------------


def test_a_sender_that_bypasses_the_run_lock_never_sends_a_row_another_process_claimed(template, tmp_path, smtp):
    config = set_up(template, tmp_path, smtp.mail_config(RECIPIENTS))
    first = held_at_first_claim(config, tmp_path / "gate")
    [claimed] = [r for r in deliveries(config).values() if r["status"] == "sending"]
    assert claimed["claimed_by"] == f"{socket.gethostname()}:{first.pid}"

    code, second_log = finish(start(linked(config, tmp_path), BYPASSING_SENDER))
    assert code == 0, second_log
    assert f"being sent by {claimed['claimed_by']}" in second_log and second_log.count("; skipped") == 1
    assert len(smtp.messages) == MESSAGES - 1 and claimed["message_id"] not in copies(smtp)

    (tmp_path / "gate").touch()
    code, first_log = finish(first)
    assert code == 0, first_log
    assert first_log.count("already sent by another process; skipped") == MESSAGES - 1
    assert_each_sent_once(config, smtp)


def test_two_runs_through_a_symlinked_path_send_each_message_once(template, tmp_path, smtp):
    config = set_up(template, tmp_path, smtp.mail_config(RECIPIENTS))
    first = held_at_first_claim(config, tmp_path / "gate")

    code, second_log = finish(start(linked(config, tmp_path)))
    (tmp_path / "gate").touch()
    assert (code, finish(first)[0]) == (0, 0), second_log

    assert_each_sent_once(config, smtp)


@pytest.fixture(scope="module")
def cut_points(template, tmp_path_factory) -> dict[str, list[int]]:
    """The checkpoint numbers of each ``mail.claimed`` and ``mail.accepted`` in a full run, in order."""
    folder = tmp_path_factory.mktemp("points")
    server = SmtpServer().start()
    try:
        config = set_up(template, folder, server.mail_config(RECIPIENTS))
        code, log = finish(start(toml(config), TRACKER_CHECKPOINT_LOG=str(folder / "points")))
    finally:
        server.stop()
    assert code == 0, log
    names = [line.split(" ", 1)[0] for line in (folder / "points").read_text().splitlines()]
    points = {k: [n for n, name in enumerate(names, start=1) if name == k] for k in ("mail.claimed", "mail.accepted")}
    assert all(len(v) == MESSAGES for v in points.values()), names
    return points


@pytest.mark.slow
@pytest.mark.parametrize("message", range(MESSAGES))
@pytest.mark.parametrize("point", ["mail.claimed", "mail.accepted"])
def test_a_run_killed_holding_a_claim_is_completed_by_the_next_which_takes_the_dead_claim(
    template, tmp_path, smtp, cut_points, point, message
):
    config = set_up(template, tmp_path, smtp.mail_config(RECIPIENTS))
    killed = start(toml(config), TRACKER_KILL_AT=str(cut_points[point][message]))
    assert finish(killed)[0] == -signal.SIGKILL
    [held] = [r for r in deliveries(config).values() if r["status"] == "sending"]
    assert held["claimed_by"] == f"{socket.gethostname()}:{killed.pid}"
    assert len(smtp.messages) == message + (point == "mail.accepted")

    code, log = finish(start(toml(config)))

    assert code == 0, log
    # Killed after the claim: the message was never handed over, it goes once. Killed after the server
    # accepted it: the next run cannot know, and resends it once under the same Message-ID.
    assert_each_sent_once(config, smtp, extra=held["message_id"] if point == "mail.accepted" else None)
    assert deliveries(config)[(held["version_date"], held["recipient"])]["attempts"] == 2


# -- one bad server, recipient or field -----------------------------------------------------------


def test_a_server_that_never_answers_stops_being_tried_and_the_next_run_sends_everything(template, tmp_path, smtp):
    with SilentServer() as silent:
        config = set_up(template, tmp_path, {**smtp.mail_config(RECIPIENTS), "smtp_port": silent.port, "timeout": 1})
        code, log = finish(start(toml(config)))

    assert code == 1 and "Traceback" not in log
    statuses = Counter(r["status"] for r in deliveries(config).values())
    assert statuses == {"failed": 2, "pending": MESSAGES - 2}
    assert all("timed out" in r["last_error"] for r in deliveries(config).values() if r["status"] == "failed")
    [line] = [line for line in log.splitlines() if line.startswith("mail: ")]
    assert line == (f"mail: {MESSAGES - 2} message(s) not tried: SMTP 127.0.0.1:{silent.port} timed out 2 times in "
                    "this run (last: Connection unexpectedly closed: timed out); the next run sends them")

    write_toml(toml(config), replace(config, mail=smtp.mail_config(RECIPIENTS)))  # the operator fixes the server
    code, log = finish(start(toml(config)))
    assert code == 0, log
    assert_each_sent_once(config, smtp)


def test_a_refused_recipient_and_a_server_hanging_up_after_each_message_stop_no_one_else(template, tmp_path, smtp):
    smtp.handler.refuse.add(RECIPIENTS[1])
    smtp.handler.hang_up_after = 1
    config = set_up(template, tmp_path, smtp.mail_config(RECIPIENTS))

    code, log = finish(start(toml(config)))

    assert code == 1 and "Traceback" not in log
    rows = deliveries(config)
    assert {k: r["status"] for k, r in rows.items()} == {
        (d, a): "failed" if a == RECIPIENTS[1] else "sent" for d in REPORT_DATES for a in RECIPIENTS
    }
    assert all(r["last_error"].startswith(f"SMTP 127.0.0.1:{smtp.port}: recipient refused: 550")
               for r in rows.values() if r["status"] == "failed")
    assert len(smtp.messages) == MESSAGES - len(REPORT_DATES)

    smtp.handler.refuse.clear()
    assert finish(start(toml(config)))[0] == 0
    assert_each_sent_once(config, smtp)


def test_a_rule_citation_with_crlf_is_mailed_with_a_clean_one_line_subject_and_no_extra_recipient(
    template, tmp_path, smtp
):
    config = set_up(template, tmp_path, smtp.mail_config(RECIPIENTS))
    store = Store(config.database)
    store.add_rules([{
        "document_number": "2026-99999", "citation": "91 FR 1234\r\nBcc: evil@example.com\u2028X-Evil: 1",
        "title": "Hostile\r\nBcc: evil@example.com", "action": "Final rule", "publication_date": "2026-08-28",
        "effective_on": "2026-09-01", "parts": ["774"],
    }])
    store.close()

    code, log = finish(start(toml(config)))

    assert code == 0, log
    assert sorted(rcpt for _, rcpt in smtp.handler.envelopes) == sorted([a] for a in RECIPIENTS * 2)
    hostile = [m for m in smtp.messages if m["X-Tracker-Version-Date"] == "2026-09-01"]
    assert len(hostile) == len(RECIPIENTS)
    for m in hostile:
        assert m["Subject"].endswith("(91 FR 1234 Bcc: evil@example.com X-Evil: 1)")
        assert m["Bcc"] is None and m["X-Evil"] is None
        assert not any(c in m["Subject"] for c in "\r\n\u2028")
    assert_each_sent_once(config, smtp)


@pytest.mark.parametrize("given", ["pässwörd€", "wrōng€"])
def test_a_non_ascii_smtp_password_logs_in_or_fails_in_one_line(template, tmp_path, given):
    server = SmtpServer(auth=True).start()
    server.handler.password = "pässwörd€"
    try:
        config = set_up(template, tmp_path, server.mail_config(RECIPIENTS))
        code, log = finish(start(toml(config), TRACKER_SMTP_USER="tracker", TRACKER_SMTP_PASSWORD=given))
    finally:
        server.stop()

    assert "Traceback" not in log and "UnicodeEncodeError" not in log and given not in log
    if given == server.handler.password:
        assert code == 0, log
        assert len(server.messages) == MESSAGES and set(server.handler.logins) == {("tracker", given)}
    else:
        assert code == 1 and server.messages == []
        assert "535" in log.splitlines()[-1]
        assert Counter(r["status"] for r in deliveries(config).values()) == {"failed": 2, "pending": MESSAGES - 2}
