"""The Python API's face (``import tracker``), its quiet logging, and the CLI's one mapping of errors to exit codes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import tracker
from tracker.cli import main
from tracker.config import Config, ConfigError
from tracker.diff import DiffError
from tracker.errors import InputError, SourceError, StateError, TrackerError
from tracker.fetch.http import FetchError
from tracker.history import HistoryError
from tracker.log import library_log
from tracker.mail import MailError
from tracker.parse import ParseError
from tracker.run import run
from tracker.runlock import LockBusyError, StaleLockError
from tracker.search import SearchError
from tracker.snapshots import SnapshotError
from tracker.store import StoreError, SuspectVersionError

API = ["Store", "ingest_file", "parse_file", "parse_bytes", "compare", "diff_dates", "history", "search",
       "Paragraph", "Reference", "Change", "Rule", "Delta", "TrackerError", "InputError", "SourceError", "StateError"]


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_every_name_in_all_resolves_and_the_brief_api_is_there():
    assert set(API) <= set(tracker.__all__)
    assert set(tracker.__all__) == set(tracker._HOMES)
    for name in tracker.__all__:
        assert getattr(tracker, name) is not None, name
    assert callable(tracker.history) and callable(tracker.search)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        tracker.nothing_here  # noqa: B018


def test_history_and_search_stay_the_functions_when_their_modules_are_imported_first():
    out = _python("import tracker, tracker.cli, tracker.history, tracker.search; "
                  "print(tracker.history.__module__, tracker.search.__module__, type(tracker.history).__name__)")
    assert out.split() == ["tracker.history", "tracker.search", "function"]


def test_import_tracker_is_cheap():
    out = _python("import sys, tracker; print(sorted(m for m in ('requests', 'jinja2', 'smtplib', 'lxml', 'sqlite3', "
                  "'click', 'tracker.store') if m in sys.modules))")
    assert out.strip() == "[]"


def test_help_lists_the_api():
    out = _python("import tracker; help(tracker)")
    for name in ["parse_file", "compare", "Store", "ingest_file", "diff_dates", "history", "search", "Paragraph",
                 "TrackerError", "InputError", "docs/python-api.md"]:
        assert name in out, name


def test_library_functions_print_nothing_by_default(tmp_path, capfd):
    config = Config(database=tmp_path / "tracker.db", reports_dir=tmp_path / "reports", snapshots_dir=tmp_path / "s")
    library_log("a line nobody asked for")
    outcome = run(config, fetch=False)
    assert outcome.exit_code == 0
    assert capfd.readouterr() == ("", "")


def test_the_cli_prints_the_library_lines_bare_and_quiet_prints_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # reports/ lands here
    env = {"TRACKER_DB": str(tmp_path / "tracker.db"), "TRACKER_CONFIG": None}
    loud = CliRunner().invoke(main, ["run", "--no-fetch"], env=env)
    quiet = CliRunner().invoke(main, ["run", "--no-fetch", "--quiet"], env=env)
    assert loud.exit_code == 0 and loud.stderr.splitlines()[-1].startswith("done: 0 new report(s)")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.output == ""


@pytest.mark.parametrize(("error", "code"), [
    (InputError("bad input"), 2), (ConfigError("bad setting"), 2), (ParseError("broken.xml: not XML"), 2),
    (SnapshotError("not a date"), 2), (DiffError("give the earlier date first"), 2), (HistoryError("no such key"), 2),
    (SearchError("empty phrase"), 2),
    (TrackerError("failed"), 1), (SourceError("down"), 1), (FetchError("GET x: HTTP 503"), 1),
    (MailError("refused"), 1), (StateError("busy"), 1), (StoreError("conflict"), 1),
    (SuspectVersionError("most of the Part gone"), 1), (LockBusyError("another run"), 1),
    (StaleLockError("hung run"), 1),
    (OSError(28, "No space left on device"), 1), (sqlite3.OperationalError("database is locked"), 1),
    (KeyError("a bug"), 1), (RuntimeError("line one\nline two"), 1),
], ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v))
def test_each_error_maps_to_its_exit_code_in_one_line(monkeypatch, tmp_path, error, code):
    def fail(path):
        raise error

    monkeypatch.setattr("tracker.parse.parse_file", fail)
    file = tmp_path / "x.xml"
    file.write_bytes(b"<DIV5/>")

    result = CliRunner().invoke(main, ["parse", str(file)])

    assert result.exit_code == code, result.output
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output


def test_the_last_resort_names_the_unexpected_exception(monkeypatch, tmp_path: Path):
    monkeypatch.setattr("tracker.parse.parse_file", lambda path: {}["missing"])
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "x.xml")])
    assert result.exit_code == 1 and result.stderr == "Error: unexpected KeyError: 'missing'\n"


def test_usage_errors_stay_clicks_own(tmp_path):
    result = CliRunner().invoke(main, ["diff", "2026-09-01"])
    assert result.exit_code == 2 and "Missing argument" in result.stderr
    bad_date = CliRunner().invoke(main, ["diff", "2026-13-01", "2026-09-01"])
    assert bad_date.exit_code == 2 and len(bad_date.stderr.splitlines()) == 1
