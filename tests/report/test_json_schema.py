"""JSON you can build on (issue 16 item 5): every JSON document tracker prints or writes names its schema first,
docs/json.md shows each with an example that is what the commands print on the real 3A pair, and a change has one
shape in ``tracker diff --format json`` and in the report (the report adds its links).

The doc is run as written: its ``sh`` blocks, one after the other in a fresh folder (``../shared`` read as the
shared data folder); each ``json`` block is the output of the command line just before it (``cat FILE``: that
file), shortened as the doc says (:func:`shorten`), the shared folder's path in it written ``../shared``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any, NamedTuple

import click
import pytest
from click.testing import CliRunner

from tests.support import ECFR_API, SHARED, require
from tracker.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "json.md"
_BLOCK = re.compile(r"^```(sh|json)\n(.*?)^```", re.M | re.S)
_HEADING = re.compile(r"^### `(tracker\.[a-z-]+/\d+)`", re.M)
_LIMIT, _ITEMS = 80, 2


def shorten(value: Any) -> Any:
    """``value`` as the doc shows it: strings over 80 characters cut to 79 and "…", lists to their first two items
    and "… N more"."""
    if isinstance(value, str):
        return value if len(value) <= _LIMIT else value[: _LIMIT - 1] + "…"
    if isinstance(value, list):
        more = [f"… {len(value) - _ITEMS} more"] if len(value) > _ITEMS else []
        return [shorten(v) for v in value[:_ITEMS]] + more
    if isinstance(value, dict):
        return {k: shorten(v) for k, v in value.items()}
    return value


class Example(NamedTuple):
    """A ``json`` block of the doc: its line, the schema its section names, the command before it, its data."""

    line: int
    schema: str
    command: str
    shown: Any

    def __str__(self) -> str:
        return f"docs/json.md:{self.line}: {self.command}"


def _doc_blocks() -> tuple[list[tuple[int, str]], list[Example]]:
    """The doc's command lines (line, command) in order, and its examples."""
    text = DOC.read_text(encoding="utf-8")
    commands: list[tuple[int, str]] = []
    examples: list[Example] = []
    for block in _BLOCK.finditer(text):
        line = text.count("\n", 0, block.start()) + 1
        if block.group(1) == "sh":
            commands += [(line, c) for c in block.group(2).splitlines() if c.strip()]
            continue
        headings = _HEADING.findall(text, 0, block.start())
        examples.append(Example(line, headings[-1] if headings else "", commands[-1][1],
                                json.loads(block.group(2))))
    return commands, examples


COMMANDS, EXAMPLES = _doc_blocks()


def _run(folder: Path, command: str) -> str:
    words = [w.replace("../shared", str(SHARED), 1) for w in shlex.split(command)]
    if words[0] == "cat":
        return (folder / words[1]).read_text(encoding="utf-8")
    assert words[0] == "tracker", command
    env = {"TRACKER_DB": str(folder / "tracker.db"), "TRACKER_SNAPSHOTS": str(folder / "snapshots"),
           "TRACKER_CONFIG": None}
    result = CliRunner().invoke(main, words[1:], env=env, catch_exceptions=False)
    assert result.exit_code == 0, f"{command}: {result.output}"
    return result.stdout.replace(json.dumps(str(SHARED))[1:-1], "../shared")  # a path as the command line wrote it


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Any]:
    """Every command line of the doc run in order in a fresh folder: its output by command line (JSON read)."""
    require(ECFR_API / "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml")
    folder = tmp_path_factory.mktemp("json-doc")
    cwd = Path.cwd()
    os.chdir(folder)  # reports/ goes into the folder (the default reports_dir is relative)
    try:
        outputs = {command: _run(folder, command) for _, command in COMMANDS}
    finally:
        os.chdir(cwd)
    wanted = {e.command for e in EXAMPLES}
    return {command: json.loads(out) for command, out in outputs.items() if command in wanted}


def _today_free(example: Example, data: Any) -> Any:
    """``data`` with ``as_of`` (the day the command ran: today) read as the day the example shows."""
    if isinstance(data, dict) and "as_of" in data:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["as_of"])
        return {**data, "as_of": example.shown["as_of"]}
    return data


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_each_example_of_the_doc_is_what_its_command_prints(printed, example):
    assert shorten(_today_free(example, printed[example.command])) == example.shown, str(example)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_each_document_names_its_schema_first_and_its_section_says_which(printed, example):
    data = printed[example.command]
    assert isinstance(data, dict) and next(iter(data)) == "schema", str(example)
    assert data["schema"] == example.schema, str(example)


def test_every_command_that_prints_json_has_an_example():
    documented = {shlex.split(e.command)[1] for e in EXAMPLES if e.command.startswith("tracker ")}
    printing = {name for name, command in main.commands.items()
                if any(isinstance(p, click.Option) and isinstance(p.type, click.Choice) and "json" in p.type.choices
                       or p.name == "as_json" for p in command.params)}
    # run writes the report (its example: reports/DATE.json); fetch needs the eCFR: tests/cli/test_formats.py
    assert printing <= documented | {"run", "fetch"}
    assert any(e.schema == "tracker.report/1" for e in EXAMPLES)


def _by_citation(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["citation"]: c for c in data["changes"]}


def test_diff_json_and_the_report_share_one_shape_of_change_the_report_adds_its_links(printed):
    diff = next(d for d in printed.values() if d["schema"] == "tracker.diff/1")
    report = next(d for d in printed.values() if d["schema"] == "tracker.report/1")
    in_diff, in_report = _by_citation(diff), _by_citation(report)
    assert set(in_diff) == set(in_report) and len(in_diff) == 3
    for citation, change in in_report.items():
        links = {k: change.pop(k) for k in ("ecfr_url", "history")}
        assert change == in_diff[citation]
        assert links["ecfr_url"].startswith("https://www.ecfr.gov/on/2026-09-01/title-15/part-774/")
        assert links["history"] == f"eccn/{change['unit']}.html"


def test_a_history_entry_holds_changes_of_the_same_shape(printed):
    diff = next(d for d in printed.values() if d["schema"] == "tracker.diff/1")
    entries = [e for d in printed.values() if d["schema"] == "tracker.history/1" for e in d["entries"]]
    shapes = {tuple(c) for e in entries for c in e["changes"]}
    applying = {tuple(c) for e in entries for c in e.get("applying", [])}
    assert shapes == {tuple(c) for c in diff["changes"]}
    assert applying == {("applies_by", *diff["changes"][0])}
