"""The console script (:func:`tracker.launch.main`) prints what the click commands print and exits with the same
code, as whole processes on an idle database (the two real CCL excerpts, stored and reported), and its fast paths
import no click."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.support import ECFR_API, require

#: The launcher as the console script calls it (named ``tracker``), then whether click was imported.
LAUNCHER = ("import sys\nsys.argv = ['/venv/bin/tracker', *sys.argv[1:]]\nfrom tracker.launch import main\n"
            "try:\n    code = main()\nfinally:\n    print('click' in sys.modules, file=sys.stderr)\nsys.exit(code)")
CLICK = "import sys\nfrom tracker.cli import main\nmain(prog_name='tracker')"


def _call(code: str, args: list[str], cwd, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def idle(tmp_path_factory):
    """A folder with an idle database (nothing new to report), a bad settings file and a database that is not one."""
    from tracker.cli import main

    folder = tmp_path_factory.mktemp("idle")
    env = dict.fromkeys(("TRACKER_DB", "TRACKER_CONFIG", "TRACKER_SNAPSHOTS"))
    with contextlib.chdir(folder):
        for date in ("2026-06-25", "2026-09-01"):
            xml = require(ECFR_API / f"excerpt-{date}-title-15-part-774-3A001-3A090-4A090.xml")
            done = CliRunner().invoke(main, ["ingest", str(xml), "--part", "774", "--date", date], env=env)
            assert done.exit_code == 0, done.output
        done = CliRunner().invoke(main, ["run", "--no-fetch", "--quiet"], env=env)
        assert done.exit_code == 0, done.output
    folder.joinpath("bad.toml").write_text("parts = [", encoding="utf-8")
    folder.joinpath("other.db").write_bytes(b"not a database" * 100)
    folder.joinpath("other.toml").write_text('database = "other.db"\n', encoding="utf-8")
    return folder


CASES = {  # argv → whether the launcher runs it without click
    ("run", "--no-fetch"): True,
    ("run", "--no-fetch", "-q"): True,
    ("--config", "missing.toml", "run", "--no-fetch"): True,
    ("--config", "bad.toml", "run"): True,
    ("run", "--no-fetch", "--config=other.toml"): True,
    ("--help",): True,
    ("-h",): True,
    (): True,
    ("--version",): True,
    ("run", "--bogus"): False,
    ("--config", ".", "run", "--no-fetch"): False,
    ("run", "--help"): False,
    ("rules",): False,
}


@pytest.mark.parametrize("args", sorted(CASES))
def test_the_launcher_prints_and_exits_as_click(idle, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    launched, clicked = (_call(code, list(args), idle, env) for code in (LAUNCHER, CLICK))
    stderr, _, used_click = launched.stderr.rstrip("\n").rpartition("\n")
    assert (launched.returncode, launched.stdout, stderr + "\n" if stderr else "") == (
        clicked.returncode, clicked.stdout, clicked.stderr)
    assert used_click == str(not CASES[args])


@pytest.mark.parametrize("args", [("--help",), ("rules", "--help")])
def test_a_reader_that_went_away_is_exit_1_without_a_traceback(tmp_path, args):
    """As click's main: a closed pipe on stdout is exit 1, nothing on stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    done = []
    for code in (LAUNCHER, CLICK):
        read, write = os.pipe()
        os.close(read)
        with subprocess.Popen([sys.executable, "-c", code, *args], cwd=tmp_path, env=env, stdout=write,
                              stderr=subprocess.PIPE, text=True) as proc:
            os.close(write)
            done.append((proc.wait(), proc.stderr.read().splitlines()[:1] if proc.stderr else []))
    assert done[0][0] == done[1][0] == 1
    assert "Traceback" not in str(done)


#: What an idle ``tracker run --no-fetch`` must not import: the ingest and the model it needs, the parser, the
#: command line, and the standard modules that cost most of a start-up.
NOT_ON_THE_IDLE_PATH = ("dataclasses", "inspect", "typing", "tracker.model", "tracker.store.versions",
                        "tracker.store.rows", "tracker.parse", "lxml", "click")


def test_the_idle_run_imports_only_what_it_uses(idle):
    """The idle run does its whole job (the launcher's run: settings, lock, store, nothing to report) without
    importing the heavy modules; what it did is the same as before (the cases above and tests/run check it)."""
    code = LAUNCHER.replace("print('click' in sys.modules, file=sys.stderr)",
                            f"print([m for m in {NOT_ON_THE_IDLE_PATH!r} if m in sys.modules], file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    done = _call(code, ["run", "--no-fetch"], idle, env)
    assert done.returncode == 0, done.stderr
    *lines, imported = done.stderr.splitlines()
    assert lines == ["done: 0 new report(s), 0 message(s) sent, 0 not sent"]
    assert imported == "[]"
