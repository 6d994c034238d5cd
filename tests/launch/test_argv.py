"""The launcher parses every plain ``tracker … run …`` as click does, and leaves the rest to click: for argv built
from the run's options, their values and tokens click refuses, the launcher's settings file and flags are the ones
the click command passes to the job whenever the launcher takes the argv at all."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker.config
import tracker.run
from tracker.cli import main
from tracker.launch.argv import parse_run

FLAGS = ["--quiet", "-q", "--dry-run", "--no-fetch", "--report-latest"]
#: Values of --config: plain names and an empty one; ones click takes although they look like options, a folder.
PLAIN = ["a.toml", "b.toml", ""]
PATHS = [*PLAIN, "-", "--quiet", "run", "DIR"]
JUNK = [["-x"], ["--quiet=1"], ["extra"], ["--"], ["-qq"], ["--help"], ["--config"], ["--version"], ["-"]]


def _config(path: str) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([["--config", path], [f"--config={path}"]])


def _tokens(paths: list[str], junk: bool, root: bool) -> st.SearchStrategy[list[str]]:
    single = st.sampled_from(paths).flatmap(_config)
    if not root:
        single = single | st.sampled_from(FLAGS).map(lambda f: [f])
    if junk:
        single = single | st.sampled_from(JUNK)
    return st.lists(single, max_size=4).map(lambda parts: [t for p in parts for t in p])


def _argv(paths: list[str], junk: bool) -> st.SearchStrategy[list[str]]:
    return st.tuples(_tokens(paths, junk, root=True), _tokens(paths, junk, root=False)).map(
        lambda t: [*t[0], "run", *t[1]])


def _clicks(argv: list[str], environ: dict[str, str], monkeypatch) -> tuple[object, dict[str, bool]] | None:
    """The settings file and flags with which the click command calls the job, None when it does not."""
    calls = []
    monkeypatch.setattr(tracker.config, "load_config", lambda path=None: ("config", path))
    monkeypatch.setattr(tracker.run, "run_job", lambda config, **flags: calls.append((config[1], flags)))
    env = {"TRACKER_CONFIG": environ.get("TRACKER_CONFIG")}
    result = CliRunner().invoke(main, argv, prog_name="tracker", env=env)
    assert (result.exit_code == 0) == bool(calls), result.output
    return calls[0] if calls else None


def _resolved(argv: list[str], folder: str) -> list[str]:
    return [t.replace("DIR", folder) for t in argv]


PLAIN_ENVIRON = [{}, {"TRACKER_CONFIG": ""}, {"TRACKER_CONFIG": "e.toml"}]
ENVIRON = st.sampled_from([*PLAIN_ENVIRON, {"TRACKER_CONFIG": "DIR"}])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(argv=_argv(PATHS, junk=True), environ=ENVIRON)
def test_the_launcher_parses_as_click_or_leaves_it_to_click(argv, environ, tmp_path, monkeypatch):
    argv = _resolved(argv, str(tmp_path))
    environ = {k: v.replace("DIR", str(tmp_path)) for k, v in environ.items()}
    launched = parse_run(argv, environ)
    if launched is not None:
        assert launched == _clicks(argv, environ, monkeypatch)


@SETTINGS
@given(argv=_argv(PLAIN, junk=False), environ=st.sampled_from(PLAIN_ENVIRON))
def test_the_launcher_takes_every_plain_form(argv, environ, monkeypatch):
    """Without junk, folders or values that look like options, the launcher parses every argv (and as click)."""
    launched = parse_run(argv, environ)
    assert launched is not None, argv
    assert launched == _clicks(argv, environ, monkeypatch)


@pytest.mark.parametrize("argv", [["run"], ["run", "--no-fetch"], ["--config", "x.toml", "run", "-q", "--dry-run"],
                                  ["run", "--report-latest", "--config=y.toml"]])
def test_the_usual_forms_are_the_launchers(argv, monkeypatch):
    assert parse_run(argv, {}) is not None
    assert parse_run(argv, {}) == _clicks(argv, {}, monkeypatch)
