"""The launcher's stored texts and options are what the click commands say: regenerate them with
``python -m tracker.launch.generate`` when this fails."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.launch import spec
from tracker.launch.generate import SPEC, spec_text


def test_the_stored_spec_is_current():
    assert SPEC.read_text(encoding="utf-8") == spec_text()


@pytest.mark.parametrize("args", [["--help"], ["-h"]])
def test_the_stored_help_is_clicks(args):
    result = CliRunner().invoke(main, args, prog_name="tracker")
    assert (result.exit_code, result.stdout) == (0, spec.HELP)


def test_a_bare_tracker_prints_the_stored_help_on_stderr_with_exit_2():
    result = CliRunner().invoke(main, [], prog_name="tracker")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", spec.HELP)


def test_the_stored_version_is_clicks():
    assert CliRunner().invoke(main, ["--version"], prog_name="tracker").stdout == spec.VERSION


def test_the_help_does_not_depend_on_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    assert CliRunner().invoke(main, ["--help"], prog_name="tracker").stdout == spec.HELP


def test_an_option_the_launcher_cannot_parse_is_refused(monkeypatch):
    """A new ``run`` option with a callback, or one taking several values, stops the generator (the launcher would
    parse it differently from click)."""
    from tracker.launch import generate

    run = main.commands["run"]
    for option in (click.Option(["--since"], callback=lambda c, p, v: v), click.Option(["--part"], multiple=True)):
        monkeypatch.setattr(run, "params", [*run.params, option])
        with pytest.raises(ValueError, match="launcher"):
            generate.spec_text()
