"""Crash and concurrency drills in real processes: snapshot writes cut off with SIGKILL, two
``tracker run`` started together, and ``tracker run`` killed at random points.

Every drill kills or races real subprocesses and then checks what a user would see on disk, in
the database and at the SMTP server (aiosmtpd on 127.0.0.1). Random points come from seeded
generators, so a failure can be replayed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.fetch import conftest as fetch_stand_in
from tests.fetch.conftest import PART_774_NEW, PART_774_OLD, Sources, make_config
from tests.mail.smtp import Recorder, SmtpServer
from tests.run.conftest import write_toml
from tracker.config import Config
from tracker.fetch.sync import sync
from tracker.parse.xmltext import load_xml
from tracker.store import Store, ingest_file

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server

TRACKER = str(Path(sys.executable).with_name("tracker"))
MB = 1_000_000

# -- power cut on snapshot writes -----------------------------------------------------------------

#: The child: write each (kind, name, source file) through tracker/snapshots.py and record what was
#: written. With KILL_AT = n > 0 it kills itself with SIGKILL at the n-th rename: after the temporary
#: file is written, fsynced and closed, before it gets its final name.
WRITER = """
import json, os, signal, sys
from pathlib import Path
from tracker import snapshots

root, manifest, log_path, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
real_replace, renames = os.replace, 0

def replace(src, dst):
    global renames
    renames += 1
    if renames == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

os.replace = replace
with open(log_path, "a", encoding="utf-8") as log:
    for kind, name, source in json.loads(manifest.read_text()):
        data = Path(source).read_bytes()
        if kind == "ecfr":
            snap = snapshots.write_ecfr(root, "774", name, data)
        elif kind == "fr":
            snap = snapshots.write_federal_register(root, name, "json", data)
        else:
            snap = snapshots.write_atomic(snapshots.state_path(root), data, snapshots.check_json)
        log.write(f"{snap.path.relative_to(root)} {snap.sha256}\\n")
        log.flush()
"""
ROUNDS = 6
XML_PADDING = 6 * MB  # big enough that a kill often lands inside the check, the write or the fsync
TEMP_NAME = re.compile(r"\.(?P<final>.+)\.[A-Za-z0-9_]+\.part")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def writes(tmp_path_factory) -> tuple[Path, dict[str, list[str]], int]:
    """The manifest of ROUNDS x (a 6 MB eCFR XML from the real 774 excerpts, an FR record, state.json),
    each path's sha256 in the order written, and the number of writes."""
    src = tmp_path_factory.mktemp("payloads")
    plan: list[tuple[str, str, str]] = []
    expected: dict[str, list[str]] = {}
    for n in range(ROUNDS):
        date = f"2026-{n + 3:02d}-01"
        base = (PART_774_NEW if n % 2 else PART_774_OLD).read_bytes()
        payloads = [
            ("ecfr", date, f"ecfr/title-15/part-774/{date}.xml",
             base + f"\n<!-- version {n} -->\n<!--".encode() + b" " * XML_PADDING + b"-->\n"),
            ("fr", f"2026-{10000 + n}", f"federal-register/2026-{10000 + n}.json",
             json.dumps({"document_number": f"2026-{10000 + n}", "effective_on": date}).encode()),
            ("state", "", "ecfr/title-15/state.json",
             json.dumps({"latest_issue_date": date, "parts": ["774"], "federal_register_until": None}).encode()),
        ]
        for kind, name, rel, data in payloads:
            source = src / f"{len(plan):03d}"
            source.write_bytes(data)
            plan.append((kind, name, str(source)))
            expected.setdefault(rel, []).append(_sha(data))
    manifest = src / "manifest.json"
    manifest.write_text(json.dumps(plan))
    return manifest, expected, len(plan)


def _start_writer(root: Path, manifest: Path, log: Path, kill_at: int = 0) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-c", WRITER, str(root), str(manifest), str(log), str(kill_at)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _check_snapshots(root: Path, expected: dict[str, list[str]], log: Path) -> tuple[int, int]:
    """Assert every visible file is whole and not older than recorded; returns (visible, hidden temps)."""
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    hidden = [p for p in files if p.name.startswith(".")]
    for p in hidden:
        m = TEMP_NAME.fullmatch(p.name)
        assert m and m["final"] in ("state.json",) + tuple(Path(r).name for r in expected), p.name
    visible = {str(p.relative_to(root)): p.read_bytes() for p in files if p not in hidden}
    for rel, data in visible.items():
        assert _sha(data) in expected.get(rel, []), f"{rel}: {len(data):,} bytes that were never written whole"
        load_xml(data, rel) if rel.endswith(".xml") else json.loads(data)
    recorded = dict(line.split() for line in log.read_text().splitlines()) if log.exists() else {}
    for rel, digest in recorded.items():  # what the writer was told is stored is there (or a later version)
        assert rel in visible, f"{rel} was recorded as written but is gone"
        order = expected[rel]
        assert order.index(_sha(visible[rel])) >= order.index(digest), f"{rel} went back to an older version"
    return len(visible), len(hidden)


def _next_sync_cleans_up(sources: Sources, folder: Path, hidden: int) -> None:
    """A real `sync` against the stand-in removes the temporary files and says how many."""
    lines: list[str] = []
    config = make_config(sources.server, folder, parts=("774",))
    store = Store(config.database)
    sync(config, store, log=lines.append)
    store.db.conn.close()
    if hidden:
        assert f"removed {hidden} unfinished download(s) left by an interrupted run" in lines
    assert not [p for p in config.snapshots_dir.rglob(".*") if p.is_file()]


def test_snapshot_writes_cut_off_at_random_points_leave_only_whole_files(server, tmp_path, writes):
    manifest, expected, total = writes
    sources = Sources(server)
    rng = random.Random(774)
    full = tmp_path / "full"
    started = time.monotonic()
    writer = _start_writer(full / "snapshots", manifest, full / "log")
    assert writer.wait() == 0, writer.stderr.read().decode()
    duration = time.monotonic() - started
    assert _check_snapshots(full / "snapshots", expected, full / "log") == (len(expected), 0)

    outcomes = []
    trials = [("timer", 0)] * 20 + [("rename", rng.randint(1, total)) for _ in range(8)]
    for n, (how, kill_at) in enumerate(trials):
        folder = tmp_path / f"cut-{n}"
        proc = _start_writer(folder / "snapshots", manifest, folder / "log", kill_at)
        if how == "timer":
            time.sleep(rng.uniform(0.0, duration))
            proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL or how == "timer", proc.stderr.read().decode()
        visible, hidden = _check_snapshots(folder / "snapshots", expected, folder / "log")
        if how == "rename":
            assert hidden == 1, "the rename cut must leave exactly its one temporary file"
        outcomes.append((how, visible, hidden))
        _next_sync_cleans_up(sources, folder, hidden)
    print(f"snapshot power cuts: full write {duration:.2f} s; (how, visible files, temp files) {Counter(outcomes)}")
    assert len({(v, h) for how, v, h in outcomes if how == "timer"}) > 3, outcomes  # many different points
    assert any(h for how, v, h in outcomes if how == "timer"), "no timer kill landed inside a write"


# -- tracker run: two at once, and killed at random points ----------------------------------------

#: Four versions of the real Part 774 excerpt: the 2026-06-25 → 2026-09-01 change, then that change
#: reverted and re-applied, so each run has three reports to write and mail.
VERSIONS = {
    "2026-06-25": PART_774_OLD, "2026-09-01": PART_774_NEW, "2026-10-01": PART_774_OLD, "2026-11-02": PART_774_NEW
}
REPORT_DATES = sorted(VERSIONS)[1:]
RECIPIENTS = [f"officer{n}@example.com" for n in range(4)]
MESSAGES = len(REPORT_DATES) * len(RECIPIENTS)
DONE_LINE = f"done: {len(REPORT_DATES)} new report(s), {MESSAGES} message(s) sent, 0 not sent"

#: ``tracker`` in a child that SIGKILLs itself at the KILL_AT-th call of its TARGET: "report-rename" kills
#: at the rename of a report file (reports/DATE.html, .txt or .json written and fsynced, not yet renamed),
#: "send_message" just after the SMTP server accepted a message.
RUN_KILLED_AT = """
import os, re, signal, smtplib, sys
target, kill_at = sys.argv.pop(1), int(sys.argv.pop(1))
before = target == "report-rename"
owner, name = (os, "replace") if before else (smtplib.SMTP, "send_message")
report = re.compile(r"\\d{4}-\\d{2}-\\d{2}\\.(html|txt|json)")
real, calls = getattr(owner, name), 0

def hooked(*args, **kwargs):
    global calls
    counted = not before or bool(report.fullmatch(os.path.basename(str(args[1]))))
    calls += counted
    if counted and calls == kill_at and before:
        os.kill(os.getpid(), signal.SIGKILL)
    result = real(*args, **kwargs)
    if counted and calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(owner, name, hooked)
from tracker.cli import main
main()
"""


class SlowRecorder(Recorder):
    """Takes ``delay`` seconds to accept each message, so a run holds its lock visibly long."""

    delay = 0.1

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database holding VERSIONS (ingested once, copied for each drill)."""
    db = tmp_path_factory.mktemp("template") / "tracker.db"
    store = Store(db)
    for date, path in VERSIONS.items():
        ingest_file(store, path, part="774", date=date)
    store.db.conn.close()
    return db


@pytest.fixture
def mail_server():
    srv = SmtpServer()
    yield srv.start()
    srv.stop()


def _fresh(template: Path, folder: Path, smtp: SmtpServer) -> Path:
    """A tracker set-up in ``folder``: a copy of the template database, mail to RECIPIENTS; its tracker.toml."""
    (folder / "db").mkdir(parents=True)
    shutil.copy(template, folder / "db" / "tracker.db")
    config = Config(
        database=folder / "db" / "tracker.db", reports_dir=folder / "reports", snapshots_dir=folder / "snapshots",
        parts=("774",), mail=smtp.mail_config(RECIPIENTS),
    )
    return write_toml(folder / "tracker.toml", config)


def _run(toml: Path, *hook: str) -> subprocess.Popen:
    head = [sys.executable, "-c", RUN_KILLED_AT, *hook] if hook else [TRACKER]
    return subprocess.Popen([*head, "--config", str(toml), "run", "--no-fetch"], stderr=subprocess.PIPE, text=True)


def _deliveries(toml: Path) -> list[dict]:
    conn = sqlite3.connect(toml.parent / "db" / "tracker.db")
    conn.row_factory = sqlite3.Row
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = [dict(r) for r in conn.execute("SELECT * FROM deliveries ORDER BY version_date, recipient")]
    conn.close()
    return rows


def _check_reports(folder: Path) -> tuple[int, int]:
    """Every visible report file is whole and a ``.json`` (done mark) has its ``.html``/``.txt``;
    returns (reports marked done, hidden temporary files)."""
    reports = folder / "reports"
    files = [p for p in reports.rglob("*") if p.is_file()]
    hidden = [p for p in files if p.name.startswith(".")]
    for p in set(files) - set(hidden):
        text = p.read_text(encoding="utf-8")
        if p.suffix == ".json":
            assert json.loads(text)["version_date"] == p.stem
            assert p.with_suffix(".html").exists() and p.with_suffix(".txt").exists(), p.name
        elif p.suffix == ".html":
            assert text.rstrip().endswith("</html>"), f"{p.name} is cut short"
    done = [p for p in files if p.parent == reports and re.fullmatch(r"\d{4}-\d{2}-\d{2}\.json", p.name)]
    return len(done), len(hidden)


def _check_mail_once(toml: Path, smtp: SmtpServer) -> int:
    """After a completed run: every (report, recipient) planned, sent and received under its recorded
    Message-ID; a message received twice only ever with the same Message-ID and as often as attempted.
    Returns the number of extra copies received."""
    rows = _deliveries(toml)
    assert {(r["version_date"], r["recipient"]) for r in rows} == {(d, a) for d in REPORT_DATES for a in RECIPIENTS}
    assert {r["status"] for r in rows} == {"sent"}
    received = Counter(m["Message-ID"] for m in smtp.messages)
    assert set(received) == {r["message_id"] for r in rows}
    attempts = {r["message_id"]: r["attempts"] for r in rows}
    assert all(copies <= attempts[mid] for mid, copies in received.items()), (received, attempts)
    return sum(received.values()) - len(received)


def test_two_runs_started_together_one_does_the_work_the_other_exits_0_with_one_line(template, tmp_path):
    smtp = SmtpServer()
    smtp.handler = SlowRecorder()  # 12 messages: the working run holds the lock for over a second
    smtp.start()
    try:
        for trial in range(3):
            toml = _fresh(template, tmp_path / f"pair-{trial}", smtp)
            procs = [_run(toml), _run(toml)]
            outcomes = [(p.wait(timeout=60), p.stderr.read()) for p in procs]

            assert [code for code, _ in outcomes] == [0, 0], outcomes
            busy = [err for _, err in outcomes if "another tracker run" in err]
            work = [err for _, err in outcomes if DONE_LINE in err]
            assert len(busy) == 1 and len(work) == 1, outcomes
            assert busy[0].count("\n") == 1, busy[0]  # one line
            assert Counter(tuple(rcpts) for _, rcpts in smtp.handler.envelopes) == {(a,): 3 for a in RECIPIENTS}
            assert _check_mail_once(toml, smtp) == 0
            smtp.handler.messages.clear()
            smtp.handler.envelopes.clear()
    finally:
        smtp.stop()


def test_a_run_killed_at_random_points_is_completed_by_the_next_with_each_message_sent_once(
    template, tmp_path, mail_server
):
    rng = random.Random(1125)
    full = _fresh(template, tmp_path / "full", mail_server)
    started = time.monotonic()
    proc = _run(full)
    assert proc.wait(timeout=60) == 0 and DONE_LINE in proc.stderr.read()
    duration = time.monotonic() - started
    assert _check_mail_once(full, mail_server) == 0

    points, extra = [], 0
    for trial in range(20):
        mail_server.handler.messages.clear()
        toml = _fresh(template, tmp_path / f"kill-{trial}", mail_server)
        proc = _run(toml)
        time.sleep(rng.uniform(0.45, 0.95) * duration)  # the first ~half is starting Python
        proc.kill()
        proc.wait()
        done, _ = _check_reports(toml.parent)
        sent = sum(r["status"] == "sent" for r in _deliveries(toml))
        points.append((done, sent))

        after = _run(toml)
        assert after.wait(timeout=60) == 0, after.stderr.read()
        assert _check_reports(toml.parent)[0] == len(REPORT_DATES)
        extra += _check_mail_once(toml, mail_server)
    print(f"tracker run killed 20 times (full run {duration:.2f} s): (reports done, messages sent) at the kill "
          f"{sorted(Counter(points).items())}; extra copies received: {extra}")
    assert len(set(points)) > 3, points  # the kills landed at many different points


@pytest.mark.parametrize("kill_at", [1, 5, 12])
def test_a_run_killed_right_after_the_server_accepted_resends_once_under_the_same_message_id(
    template, tmp_path, mail_server, kill_at
):
    # SMTP has no two-phase commit: a run killed between the server's "250 accepted" and the
    # deliveries row turning 'sent' cannot know the message arrived. The next run sends it again
    # under the recorded Message-ID (mail clients show one message); nothing else is repeated.
    toml = _fresh(template, tmp_path, mail_server)
    assert _run(toml, "send_message", str(kill_at)).wait(timeout=60) == -signal.SIGKILL
    assert len(mail_server.messages) == kill_at

    assert _run(toml).wait(timeout=60) == 0
    assert _check_mail_once(toml, mail_server) == 1
    [(twice, _)] = [(m, n) for m, n in Counter(m["Message-ID"] for m in mail_server.messages).items() if n == 2]
    assert twice == mail_server.messages[kill_at - 1]["Message-ID"]


@pytest.mark.parametrize("kill_at", [1, 3, 9])
def test_a_run_killed_between_writing_a_report_file_and_renaming_it_is_completed_by_the_next(
    template, tmp_path, mail_server, kill_at
):
    toml = _fresh(template, tmp_path, mail_server)
    assert _run(toml, "report-rename", str(kill_at)).wait(timeout=60) == -signal.SIGKILL
    done, hidden = _check_reports(tmp_path)
    assert (done, hidden) == ((kill_at - 1) // 3, 1) and mail_server.messages == []

    assert _run(toml).wait(timeout=60) == 0
    assert _check_reports(tmp_path)[0] == len(REPORT_DATES)
    assert _check_mail_once(toml, mail_server) == 0


def test_the_next_run_removes_the_temporary_report_file_a_killed_run_left(template, tmp_path, mail_server):
    toml = _fresh(template, tmp_path, mail_server)
    assert _run(toml, "report-rename", "1").wait(timeout=60) == -signal.SIGKILL
    assert _check_reports(tmp_path) == (0, 1)

    assert _run(toml).wait(timeout=60) == 0

    assert _check_reports(tmp_path) == (len(REPORT_DATES), 0)
