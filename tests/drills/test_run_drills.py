"""Crash and concurrency drills in real processes: snapshot writes cut off with SIGKILL, two
``tracker run`` started together, and ``tracker run`` killed at random points.

Every drill kills or races real subprocesses and then checks what a user would see on disk, in
the database and at the SMTP server (aiosmtpd on 127.0.0.1). Random points come from seeded
generators, so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import json
import os
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
from click.testing import CliRunner

from tests.fetch import conftest as fetch_stand_in
from tests.fetch.conftest import PART_774_NEW, PART_774_OLD, Sources, make_config
from tests.mail.smtp import SmtpServer
from tests.run.conftest import write_toml
from tracker.cli import main
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.sync import sync
from tracker.xmltext import load_xml

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server

TRACKER = str(Path(sys.executable).with_name("tracker"))

# -- power cut on snapshot writes -----------------------------------------------------------------

#: The child: write each (kind, name, source file) through tracker/snapshots.py and record what was
#: written (``TRACKER_KILL_AT`` kills it at a chosen checkpoint: before or after a rename).
WRITER = """
import json, sys
from pathlib import Path
from tracker import snapshots

root, manifest, log_path = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
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
ROUNDS = 3
TEMP_NAME = re.compile(r"\.(?P<final>.+)\.[A-Za-z0-9_]+\.part")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def writes(tmp_path_factory) -> tuple[Path, dict[str, list[str]], int]:
    """The manifest of ROUNDS x (an eCFR XML from the real 774 excerpts, an FR record, state.json),
    each path's sha256 in the order written, and the number of writes."""
    src = tmp_path_factory.mktemp("payloads")
    plan: list[tuple[str, str, str]] = []
    expected: dict[str, list[str]] = {}
    for n in range(ROUNDS):
        date = f"2026-{n + 3:02d}-01"
        base = (PART_774_NEW if n % 2 else PART_774_OLD).read_bytes()
        payloads = [
            ("ecfr", date, f"ecfr/title-15/part-774/{date}.xml", base + f"\n<!-- version {n} -->\n".encode()),
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


def _write(root: Path, manifest: Path, log: Path, **env: str) -> subprocess.CompletedProcess:
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-c", WRITER, str(root), str(manifest), str(log)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env={**os.environ, **env})


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


@pytest.mark.slow
def test_snapshot_writes_cut_off_at_every_checkpoint_leave_only_whole_files(server, tmp_path, writes):
    manifest, expected, total = writes
    sources = Sources(server)
    full, points_log = tmp_path / "full", tmp_path / "checkpoints.log"
    done = _write(full / "snapshots", manifest, full / "log", TRACKER_CHECKPOINT_LOG=str(points_log))
    assert done.returncode == 0, done.stderr
    assert _check_snapshots(full / "snapshots", expected, full / "log") == (len(expected), 0)
    points = points_log.read_text().splitlines()
    assert len(points) == 2 * total and {p.split()[0] for p in points} == {"file.rename", "file.renamed"}

    for k, point in enumerate(points, start=1):
        folder = tmp_path / f"cut-{k}"
        cut = _write(folder / "snapshots", manifest, folder / "log", TRACKER_KILL_AT=str(k))
        assert cut.returncode == -signal.SIGKILL, (k, point, cut.stderr)
        visible, hidden = _check_snapshots(folder / "snapshots", expected, folder / "log")
        renamed = {p.split()[1] for p in points[:k] if p.startswith("file.renamed")}
        assert (visible, hidden) == (len(renamed), int(point.startswith("file.rename "))), (k, point)
        _next_sync_cleans_up(sources, folder, hidden)


# -- tracker run: two at once, and killed at every checkpoint ------------------------------------

#: Three versions of the real Part 774 excerpt: the 2026-06-25 → 2026-09-01 change, then that change
#: reverted, so each run has two reports to write and mail.
VERSIONS = {"2026-06-25": PART_774_OLD, "2026-09-01": PART_774_NEW, "2026-10-01": PART_774_OLD}
REPORT_DATES = sorted(VERSIONS)[1:]
RECIPIENTS = [f"officer{n}@example.com" for n in range(2)]
MESSAGES = len(REPORT_DATES) * len(RECIPIENTS)
DONE_LINE = f"done: {len(REPORT_DATES)} new report(s), {MESSAGES} message(s) sent, 0 not sent"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database holding VERSIONS (ingested once, copied for each drill)."""
    db = tmp_path_factory.mktemp("template") / "tracker.db"
    with Store(db) as store:
        for date, path in VERSIONS.items():
            ingest_file(store, path, part="774", date=date)
    return db


@pytest.fixture
def mail_server():
    srv = SmtpServer()
    yield srv.start()
    srv.stop()


def _fresh(template: Path, folder: Path, smtp: SmtpServer, database: Path | None = None) -> Path:
    """A tracker set-up in ``folder``: a copy of the template database, mail to RECIPIENTS; its tracker.toml.

    ``database`` names the same database by another path (through a symlink).
    """
    if not (folder / "db").exists():
        (folder / "db").mkdir(parents=True)
        shutil.copy(template, folder / "db" / "tracker.db")
    config = Config(
        database=database or folder / "db" / "tracker.db", reports_dir=folder / "reports",
        snapshots_dir=folder / "snapshots", parts=("774",), mail=smtp.mail_config(RECIPIENTS),
    )
    return write_toml(folder / f"tracker-{len(list(folder.glob('tracker*.toml')))}.toml", config)


def _run(toml: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [TRACKER, "--config", str(toml), "run", "--no-fetch"], stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONHASHSEED": "0", **env},
    )


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


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


def _check_mail_once(toml: Path, smtp: SmtpServer) -> Counter:
    """After a completed run: every (report, recipient) planned, sent and received under its recorded
    Message-ID; returns how often each Message-ID was received."""
    rows = _deliveries(toml)
    assert {(r["version_date"], r["recipient"]) for r in rows} == {(d, a) for d in REPORT_DATES for a in RECIPIENTS}
    assert {r["status"] for r in rows} == {"sent"}
    received = Counter(m["Message-ID"] for m in smtp.messages)
    assert set(received) == {r["message_id"] for r in rows}
    return received


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    """Until ``path`` exists (the run reached its pause point); fails if the run ends first."""
    while not path.exists():
        assert proc.poll() is None, f"the run ended before its pause point: {proc.stderr.read() if proc.stderr else ''}"
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("pause_at", ["run.locked", "mail.accepted"])
@pytest.mark.parametrize("path", ["same path", "symlinked folder"])
def test_a_run_started_while_another_works_exits_0_with_one_line_and_each_message_is_sent_once(
    template, tmp_path, mail_server, pause_at, path
):
    toml = _fresh(template, tmp_path, mail_server)
    if path == "symlinked folder":
        (tmp_path / "link").symlink_to(tmp_path / "db", target_is_directory=True)
    other = _fresh(template, tmp_path, mail_server, tmp_path / "link" / "tracker.db" if path != "same path" else None)
    gate = tmp_path / "gate"
    first = _run(toml, TRACKER_PAUSE_AT=pause_at, TRACKER_PAUSE_FILE=str(gate))
    _wait_for(Path(f"{gate}.reached"), first)

    code, err = _finish(_run(other))
    gate.touch()
    first_code, first_err = _finish(first)

    assert code == 0 and err.count("\n") == 1 and "another tracker run" in err, err
    assert f"pid {first.pid} " in err
    assert first_code == 0 and DONE_LINE in first_err, first_err
    assert set(_check_mail_once(toml, mail_server).values()) == {1}
    assert _check_reports(tmp_path) == (len(REPORT_DATES), 0)


@pytest.mark.slow
def test_a_run_killed_at_every_checkpoint_is_completed_by_the_next_with_each_message_sent_once(
    template, tmp_path, mail_server
):
    """Each cut point by number: reports done and messages sent at the kill are exactly those whose
    checkpoint passed; the next run completes everything; only a kill between the server's acceptance
    and the row turning 'sent' resends, once, under the same Message-ID (SMTP has no two-phase commit)."""
    log = tmp_path / "checkpoints.log"
    full = _fresh(template, tmp_path / "full", mail_server)
    code, err = _finish(_run(full, TRACKER_CHECKPOINT_LOG=str(log)))
    assert code == 0 and DONE_LINE in err, err
    points = log.read_text().splitlines()
    print(f"tracker run: {len(points)} checkpoints, each cut once: {Counter(p.split()[0] for p in points)}")
    assert points.count("mail.accepted") == MESSAGES
    assert sum(p.startswith("file.renamed") and p.endswith(".json") for p in points) == len(REPORT_DATES)

    for k, point in enumerate(points, start=1):
        mail_server.handler.messages.clear()
        toml = _fresh(template, tmp_path / f"kill-{k}", mail_server)
        code, err = _finish(_run(toml, TRACKER_KILL_AT=str(k)))
        assert code == -signal.SIGKILL, (k, point, err)
        done = sum(re.fullmatch(r"file\.renamed \d{4}-\d{2}-\d{2}\.json", p) is not None for p in points[:k])
        assert _check_reports(toml.parent) == (done, int(point.startswith("file.rename "))), (k, point)
        accepted = points[:k].count("mail.accepted")
        assert len(mail_server.messages) == accepted, (k, point)
        assert sum(r["status"] == "sent" for r in _deliveries(toml)) == accepted - (point == "mail.accepted")

        after = CliRunner().invoke(main, ["--config", str(toml), "run", "--no-fetch"])  # the next run, in-process
        assert after.exit_code == 0, (k, point, after.output)
        assert _check_reports(toml.parent) == (len(REPORT_DATES), 0)
        received = _check_mail_once(toml, mail_server)
        if point == "mail.accepted":  # the one message accepted at the kill comes twice, same Message-ID
            assert sorted(received.values()) == [1] * (MESSAGES - 1) + [2], (k, point)
            assert received[mail_server.messages[accepted - 1]["Message-ID"]] == 2
        else:
            assert set(received.values()) == {1}, (k, point)
