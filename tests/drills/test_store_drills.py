"""Drills against the database, through the command line: files that are not a tracker database, a locked,
read-only or full database, versions that would lose most of a Part, excerpts passed off as a whole Part,
oversized files, and a wrong ingest undone with ``remove-version`` while reports and mail stay honest.

Each attack asserts what a user sees: one line on stderr, the exit code, and that nothing was changed or
half applied (the file's bytes, the stored versions, the reports, the messages at the SMTP server).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import tracker.store.connection as connection_module
from tests.mail.smtp import SmtpServer
from tests.run.conftest import write_toml
from tests.support import ECFR_API, PART_740, require
from tracker.cli import main
from tracker.config import Config
from tracker.store import Store

JUNE, SEPT, OCT = "2026-06-25", "2026-09-01", "2026-10-01"
CCL = "excerpt-{}-title-15-part-774-3A001-3A090-4A090.xml"
WRONG = ECFR_API / "excerpt-2026-09-01-title-15-part-774-9A010-to-9A018.xml"  # another stretch of the CCL
SECTION = ECFR_API / "excerpt-2026-09-01-title-15-section-740.10.xml"

#: Every command, as an operator would type it (those that read and those that write).
READERS = [["diff", JUNE, SEPT], ["history", "3A090"], ["refs", "3A090"], ["check-refs"], ["search", "laser"],
           ["pages"], ["rules"]]
WRITERS = [["ingest", str(ECFR_API / CCL.format(JUNE)), "--part", "774", "--date", JUNE], ["run", "--no-fetch"],
           ["remove-version", "--part", "774", "--date", JUNE, "--yes"]]


def cli(db: Path, *args: str, config: Path | None = None, **kwargs) -> Result:
    env = {"TRACKER_DB": str(db), "TRACKER_CONFIG": str(config) if config else None}
    return CliRunner().invoke(main, list(args), env=env, **kwargs)


def one_line_error(result: Result, code: int, phrase: str) -> None:
    assert result.exit_code == code, result.output
    assert phrase in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # reports/ and any stray tracker.toml stay in here
    return tmp_path


@pytest.fixture
def db(home: Path) -> Path:
    """A tracker database holding the real Part 774 excerpt of 2026-06-25 and 2026-09-01."""
    path = home / "tracker.db"
    for day in (JUNE, SEPT):
        result = cli(path, "ingest", str(require(ECFR_API / CCL.format(day))), "--part", "774", "--date", day)
        assert result.exit_code == 0, result.output
    return path


# -- files that are not a tracker database -----------------------------------------------------------------


def _sqlite_of_others(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.commit()
    conn.close()


FOREIGN = {
    "text file": (lambda p, _: p.write_text("meeting notes\n" * 100), "not an SQLite file"),
    "JPEG": (lambda p, _: p.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + os.urandom(4000)), "not an SQLite"),
    "SQLite of other tables": (lambda p, _: _sqlite_of_others(p), "SQLite database of other tables (contacts)"),
    "truncated tracker db": (lambda p, whole: p.write_bytes(whole.read_bytes()[: 3 * 4096 + 10]), "is truncated"),
}


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: a[0])
@pytest.mark.parametrize("kind", list(FOREIGN))
def test_a_file_that_is_not_a_tracker_database_is_refused_in_one_line_and_left_untouched(home, db, kind, args):
    target = home / "foreign" / "tracker.db"
    target.parent.mkdir()
    make, phrase = FOREIGN[kind]
    make(target, db)
    before = files(target.parent)
    one_line_error(cli(target, *args), 1, phrase)
    after = files(target.parent)
    after.pop("tracker.db.lock", None)  # the run lock beside it is tracker's own file
    assert after == before  # no tables created, no journal switched, no -wal left


# -- locked, read-only, full --------------------------------------------------------------------------------

#: Another process in the middle of a write transaction; it holds it until its stdin closes.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO rules (document_number, parts, raw) VALUES ('half-done', '[]', '{}')")
print("holding", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


def test_a_locked_database_makes_writers_fail_in_one_line_while_readers_read(db, monkeypatch):
    monkeypatch.setattr(connection_module, "BUSY_TIMEOUT", 0.2)  # the real wait is 10 s; the outcome is the same
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        new = ["ingest", str(PART_740), "--part", "740", "--date", SEPT]
        one_line_error(cli(db, *new), 1, "the database is locked by another process (waited 0.2 s)")
        one_line_error(cli(db, "remove-version", "--part", "774", "--date", SEPT, "--yes"), 1, "locked")
        one_line_error(cli(db, "run", "--no-fetch"), 1, "locked")
        assert cli(db, "diff", JUNE, SEPT).exit_code == 0  # WAL: reading goes on beside a writer
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert cli(db, *new).exit_code == 0  # nothing was left half done: the next attempt stores it
    assert Store(db, readonly=True).parts() == ["740", "774"]


def test_a_full_disk_mid_ingest_is_one_line_and_nothing_is_half_stored(db, monkeypatch):
    opened = Store.__init__

    def tiny_disk(self, path, **kwargs):
        opened(self, path, **kwargs)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages + 3}")  # SQLite answers SQLITE_FULL past it

    counts = Store(db, readonly=True).counts()
    monkeypatch.setattr(Store, "__init__", tiny_disk)
    new = ["ingest", str(PART_740), "--part", "740", "--date", SEPT]
    one_line_error(cli(db, *new), 1, "the disk is full (or the database reached its size limit)")
    monkeypatch.undo()
    assert Store(db, readonly=True).counts() == counts
    assert cli(db, *new).exit_code == 0  # room again: stored whole


def test_read_only_commands_neither_write_nor_switch_the_journal(db, home):
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    conn.close()
    before = files(home)
    for args in READERS:
        result = cli(db, *args)
        assert result.exit_code == 0, (args, result.output)
    after = files(home)
    assert after["tracker.db"] == before["tracker.db"]
    assert not {"tracker.db-wal", "tracker.db-shm"} & set(after)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


def test_read_only_commands_work_where_the_database_folder_cannot_be_written(db, home, monkeypatch):
    """A read-only file system (simulated: root writes everywhere) leaves SQLite no -shm file: immutable mode."""
    real = os.access
    monkeypatch.setattr(connection_module.os, "access", lambda p, mode: Path(p) != home and real(p, mode))
    before = files(home)
    for args in (["diff", JUNE, SEPT], ["history", "3A090"], ["search", "laser"]):
        assert cli(db, *args).exit_code == 0, args
    assert files(home) == before


def test_writers_are_one_line_where_the_database_cannot_be_written(db, home, monkeypatch):
    """A read-only file (simulated: root writes everywhere): writers refused, readers served, nothing changed."""
    real = os.access
    monkeypatch.setattr(connection_module.os, "access", lambda p, mode: Path(p) != db and real(p, mode))
    before = files(home)
    for args in (["ingest", str(PART_740), "--part", "740", "--date", SEPT], ["run", "--no-fetch"],
                 ["remove-version", "--part", "774", "--date", SEPT, "--yes"]):
        one_line_error(cli(db, *args), 1, "the database is read-only here")
    assert cli(db, "diff", JUNE, SEPT).exit_code == 0
    after = files(home)
    after.pop("tracker.db.lock", None)
    assert after["tracker.db"] == before["tracker.db"] and Store(db, readonly=True).dates("774") == [JUNE, SEPT]


@pytest.mark.skipif(os.geteuid() == 0, reason="chmod cannot stop root from writing")
def test_a_read_only_database_works_for_readers_and_is_one_line_for_writers(db, home):
    db.chmod(0o444)
    home.chmod(0o555)
    try:
        assert cli(db, "diff", JUNE, SEPT).exit_code == 0
        one_line_error(cli(db, "ingest", str(PART_740), "--part", "740", "--date", SEPT), 1, "read-only")
    finally:
        home.chmod(0o755)
        db.chmod(0o644)


# -- what ingest refuses --------------------------------------------------------------------------------------


def test_a_stub_version_is_held_back_from_ingest_and_from_the_next_run(db, home):
    held = cli(db, "ingest", str(WRONG), "--part", "774", "--date", OCT)
    one_line_error(held, 2, "59 paragraphs (6,212 characters of text) against 372")
    assert "--accept-suspect" in held.stderr and Store(db, readonly=True).dates("774") == [JUNE, SEPT]
    run = cli(db, "run", "--no-fetch")
    assert run.exit_code == 0 and not (home / "reports" / f"{OCT}.json").exists()


def test_a_stub_backfilled_before_every_stored_version_is_held_back_too(db):
    backfill = cli(db, "ingest", str(WRONG), "--part", "774", "--date", "2026-01-01")
    one_line_error(backfill, 2, f"against 372 (61,712) on {JUNE}: it would lose most of the Part")


def test_a_section_passed_off_as_its_part_is_refused_unless_said_to_be_an_excerpt(db):
    refused = cli(db, "ingest", str(SECTION), "--part", "740", "--date", SEPT)
    one_line_error(refused, 2, "holds only 740.10 of part 740, not the whole Part")
    assert "740" not in Store(db, readonly=True).parts()
    assert cli(db, "ingest", str(SECTION), "--part", "740", "--date", SEPT, "--excerpt").exit_code == 0


def test_an_oversized_file_is_refused_from_its_size(db, home):
    big = home / "huge.xml"
    with big.open("wb") as f:
        f.truncate(64_000_001)  # sparse: reading it would take 64 MB of memory, stat takes none
    one_line_error(cli(db, "ingest", str(big), "--part", "774", "--date", OCT), 2, "over the 64,000,000-byte")


# -- a wrong ingest undone ----------------------------------------------------------------------------------


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def _sent(smtp: SmtpServer) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"].split("2026-")[1][:5]) for m in smtp.messages)


def test_a_wrong_version_removed_is_rebuilt_reported_and_mailed_once(home, smtp):
    """June, a wrong September (another stretch of the CCL, taken with --accept-suspect by mistake) and October
    are reported and mailed (one recipient refused); removing September withdraws both reports built from it,
    the right September is ingested, and the next run rebuilds both, mails the refused recipient, and never
    mails the other one twice."""
    config = Config(database=home / "tracker.db", reports_dir=home / "reports", snapshots_dir=home / "snapshots",
                    parts=("774",), mail=smtp.mail_config(["a@example.com", "b@example.com"]))
    toml = write_toml(home / "tracker.toml", config)
    db, reports = config.database, config.reports_dir
    assert cli(db, "ingest", str(ECFR_API / CCL.format(JUNE)), "--part", "774", "--date", JUNE).exit_code == 0
    assert cli(db, "ingest", str(WRONG), "--part", "774", "--date", SEPT).exit_code == 2  # the gate holds it
    assert cli(db, "ingest", str(WRONG), "--part", "774", "--date", SEPT, "--accept-suspect").exit_code == 0
    assert cli(db, "ingest", str(ECFR_API / CCL.format(SEPT)), "--part", "774", "--date", OCT).exit_code == 0
    smtp.handler.refuse = {"b@example.com"}
    assert cli(db, "run", "--no-fetch", config=toml).exit_code == 1  # b refused: retried later
    assert _sent(smtp) == [("a@example.com", "09-01"), ("a@example.com", "10-01")]
    wrong_report = (reports / f"{SEPT}.json").read_text("utf-8")

    removed = cli(db, "remove-version", "--part", "774", "--date", SEPT, "--yes", config=toml)
    assert removed.exit_code == 0, removed.output
    out = removed.stdout
    assert out.startswith(f"removed part 774 on {SEPT} (59 paragraphs")
    assert f"left as it is: {WRONG}" in out and f"withdrew the report(s) of {SEPT}, {OCT}" in out
    assert "2 not yet sent dropped" in out and "2 sent kept as the record" in out
    withdrawn = reports / "withdrawn" / f"part-774-{SEPT}"
    assert (withdrawn / f"{SEPT}.json").read_text("utf-8") == wrong_report
    assert not (reports / f"{SEPT}.json").exists() and not (reports / f"{OCT}.json").exists()

    assert cli(db, "ingest", str(ECFR_API / CCL.format(SEPT)), "--part", "774", "--date", SEPT).exit_code == 0
    smtp.handler.refuse = set()
    rerun = cli(db, "run", "--no-fetch", config=toml)
    assert rerun.exit_code == 0, rerun.output
    sept, octo = (json.loads((reports / f"{d}.json").read_text("utf-8")) for d in (SEPT, OCT))
    assert (sept["previous_date"], sept["summary"]["by_kind"]) == (JUNE, {"modified": 3})
    assert (octo["previous_date"], octo["summary"]["total"]) == (SEPT, 0)
    assert _sent(smtp) == [("a@example.com", "09-01"), ("a@example.com", "10-01"), ("b@example.com", "09-01")]
    assert cli(db, "run", "--no-fetch", config=toml).exit_code == 0 and len(smtp.messages) == 3
