"""Start-up stays cheap: ``tracker --help`` and importing the command line load none of the heavy libraries, an
idle ``tracker run`` only the store, and the report templates are compiled once per process, on first use. Each
check runs in a fresh interpreter, so nothing the tests themselves loaded counts (no timing here: bench/startup.py
measures the time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support import ECFR_API, require

#: Libraries that only the commands using them may import.
HEAVY = ("requests", "urllib3", "jinja2", "css_inline", "sqlite_utils", "sqlite3", "smtplib", "email", "lxml",
         "diff_match_patch", "tracker.store", "tracker.parse", "tracker.run")
#: What a run with nothing to do needs none of: the network, the parser, the differ, the renderer, mail, the
#: settings file's parser (there is none) and the logging module (its lines go straight to stderr).
IDLE_HEAVY = ("requests", "urllib3", "jinja2", "css_inline", "sqlite_utils", "smtplib", "email", "socket", "lxml",
              "diff_match_patch", "tomllib", "logging", "tracker.parse", "tracker.diff", "tracker.report",
              "tracker.fetch", "tracker.sync", "tracker.build", "tracker.watch", "tracker.upcoming")


def _loaded_after(code: str, cwd: Path, among: tuple[str, ...] = HEAVY) -> list[str]:
    """The modules of ``among`` loaded in a fresh interpreter after running ``code`` (its stdout is discarded)."""
    probe = (
        "import contextlib, io, json, sys\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + f"print(json.dumps(sorted({{m.split('.')[0] if not m.startswith('tracker') else m for m in sys.modules}}"
        f" & set({among!r}))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_CONFIG", "TRACKER_DB", "TRACKER_SNAPSHOTS")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def _launched(*args: str) -> str:
    """The console script (:func:`tracker.launch.main`, named ``tracker``) on ``args``."""
    call = f"sys.argv = ['/venv/bin/tracker', *{list(args)!r}]\nfrom tracker.launch import main\nmain()"
    return f"import sys\ntry:\n    {call.replace(chr(10), chr(10) + '    ')}\nexcept SystemExit:\n    pass"


#: What the console script's fast paths need none of (tracker --help: not even typing).
LAUNCHED_HEAVY = ("click", "typing", "tracker.cli", "tracker.citations.grammar", "hashlib")


def _cli(*args: str) -> str:
    call = f"main({list(args)!r}, prog_name='tracker')"
    return f"from tracker.cli import main\ntry:\n    {call}\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("ingest", "--help"), ("diff", "--help"),
                                  ("--version",)])
def test_help_imports_no_heavy_library(tmp_path, args):
    assert _loaded_after(_cli(*args), tmp_path) == []


def test_an_idle_run_imports_only_the_store(tmp_path, monkeypatch):
    """The two real CCL excerpts stored and reported: the next ``tracker run --no-fetch`` has nothing to do."""
    from tracker.cli import main

    monkeypatch.chdir(tmp_path)
    for env in ("TRACKER_CONFIG", "TRACKER_DB", "TRACKER_SNAPSHOTS"):
        monkeypatch.delenv(env, raising=False)
    for date in ("2026-06-25", "2026-09-01"):
        xml = require(ECFR_API / f"excerpt-{date}-title-15-part-774-3A001-3A090-4A090.xml")
        assert CliRunner().invoke(main, ["ingest", str(xml), "--part", "774", "--date", date]).exit_code == 0
    assert CliRunner().invoke(main, ["run", "--no-fetch"]).exit_code == 0
    idle = CliRunner().invoke(main, ["run", "--no-fetch"])
    assert idle.exit_code == 0 and "done: 0 new report(s), 0 message(s) sent" in idle.output

    assert _loaded_after(_cli("run", "--no-fetch"), tmp_path, IDLE_HEAVY) == []
    assert _loaded_after(_launched("run", "--no-fetch"), tmp_path, IDLE_HEAVY + LAUNCHED_HEAVY[:1]) == []
    assert _loaded_after(_launched("run", "--no-fetch"), tmp_path, LAUNCHED_HEAVY) == []


@pytest.mark.parametrize("args", [("--help",), ("-h",), (), ("--version",)])
def test_the_console_scripts_help_imports_nothing_heavy(tmp_path, args):
    assert _loaded_after(_launched(*args), tmp_path, HEAVY + LAUNCHED_HEAVY) == []


#: What a run that asked the eCFR and found nothing new needs none of: the differ, the audit, the renderer, mail,
#: the parser.
FETCH_IDLE_HEAVY = ("jinja2", "css_inline", "smtplib", "diff_match_patch", "tracker.diff", "tracker.audit",
                    "tracker.report", "tracker.build", "tracker.instructions", "tracker.upcoming.collect",
                    "tracker.parse", "tracker.model")


def test_an_idle_run_with_its_fetch_loads_no_differ_audit_or_renderer(tmp_path, server, sources):
    """Part 740 stored and the day's check of what is coming done: the next ``tracker run`` asks one request."""
    from tests.fetch.conftest import PART_740_FULL
    from tracker.cli import main

    sources.add_version("740", "2026-09-01", PART_740_FULL.read_bytes())
    base = server.url_for("/").rstrip("/")
    (tmp_path / "tracker.toml").write_text(
        f'ecfr_url = "{base}"\nfederal_register_url = "{base}"\nparts = [740]\n'
        'contact = "mailto:compliance@example.org"\nrate_limit = 1000\nfull_text_rate_limit = 1000\n'
        'database = "tracker.db"\nsnapshots_dir = "snapshots"\nreports_dir = "reports"\n')  # beside the file
    first = CliRunner().invoke(main, ["--config", str(tmp_path / "tracker.toml"), "run"])
    assert first.exit_code == 0, first.output
    asked = len(server.log)

    assert _loaded_after(_cli("run"), tmp_path, FETCH_IDLE_HEAVY) == []
    assert len(server.log) - asked == 1  # titles.json only: the probe's run was the idle one


def test_every_command_is_listed_and_its_help_still_names_lazy_choices(tmp_path):
    from tracker.cli import main

    listed = CliRunner().invoke(main, ["--help"]).output
    for name in ("audit", "check-refs", "diff", "fetch", "history", "ingest", "ingest-rules", "pages", "parse",
                 "refs", "remove-version", "rules", "run", "search", "show"):
        assert f"\n  {name} " in listed, name
    shown = CliRunner().invoke(main, ["check-refs", "--help"]).output
    assert "[ok|reserved|historical|unverifiable]" in shown
    bad = CliRunner().invoke(main, ["check-refs", "--show", "broken"])
    assert bad.exit_code == 2 and "'broken' is not one of 'ok', 'reserved', 'historical', 'unverifiable'" in bad.output


def test_a_command_imports_what_it_uses_only_when_it_runs(tmp_path):
    loaded = _loaded_after(_cli("diff", "2024-01-01", "2024-02-01"), tmp_path)  # no database: exit 2, one line
    assert "tracker.store" in loaded
    assert [m for m in loaded if m in ("requests", "jinja2", "css_inline", "smtplib", "sqlite_utils")] == []


def test_importing_the_renderer_compiles_nothing_and_its_templates_are_compiled_once(tmp_path):
    assert [m for m in _loaded_after("import tracker.report.render", tmp_path) if m in ("jinja2", "css_inline")] == []
    from tracker.report.render import environment

    env = environment()
    assert environment() is env  # one environment per process: it keeps each template compiled
    assert env.get_template("report.html") is env.get_template("report.html")
