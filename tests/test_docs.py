"""Docs that cannot rot: the command lines of README.md and docs/*.md run as written, and datasette-metadata.json
labels every table and column of a fresh tracker database.

A command line is checked against the click command objects themselves (``tracker.cli.main.commands``; datasette's
own ``serve`` where datasette is installed), not against help text: the command exists, every option it uses is an
option of that command (or of the group, before the command name), an option that takes a value is given one (not
the next option), a choice is one of its choices, and — for whole command lines (fenced blocks and the README's
command table, whose ``[…]`` marks what is optional and ``…`` what repeats) — the positional arguments count as
the command takes them and every required option is there. A ``tracker …`` mention in prose is checked for its
command and options. The table shows every option of every command (``--help`` and ``--config`` said once above
it), and the datasette line, where datasette is installed, runs as written on a fresh database.
"""

from __future__ import annotations

import json
import math
import re
import shlex
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import click
import pytest

from tracker.cli import main
from tracker.config import Config
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
METADATA = ROOT / "datasette-metadata.json"

_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.M | re.S)
_NOT_COMMANDS = {"python", "py", "pycon", "toml", "json"}  # fenced blocks of these languages hold no command lines
_TABLE_CELL = re.compile(r"^\| `(tracker [^`]*)` \|", re.M)
_INLINE = re.compile(r"`(tracker [^`]*)`")
_PROGRAM = re.compile(r"(?:^|/)(tracker|datasette)$")
_ASSIGNMENT = re.compile(r"^\w+=")


class Line(NamedTuple):
    """One command line of the docs: where it is, its words (the program first), and whether it is whole."""

    where: str
    words: list[str]
    whole: bool

    def __str__(self) -> str:
        return f"{self.where}: {shlex.join(self.words)}"


def _line_no(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _commands(shell_line: str) -> Iterator[list[str]]:
    """The simple commands of one shell line (split at ``&&``, ``||``, ``;``, ``|``), comments dropped."""
    lexer = shlex.shlex(shell_line, posix=True, punctuation_chars="&|;")
    lexer.whitespace_split = True
    words: list[str] = []
    for token in lexer:
        if set(token) <= set("&|;"):
            yield words
            words = []
        else:
            words.append(token)
    yield words


def _program_words(words: list[str]) -> list[str] | None:
    """``words`` from the tracker or datasette program on (``ExecStart=…/tracker``, ``X=1 tracker``), else None."""
    for i, word in enumerate(words):
        program = _PROGRAM.search(_ASSIGNMENT.sub("", word))
        if program:
            return [program.group(1), *words[i + 1 :]]
        if not _ASSIGNMENT.match(word):
            return None
    return None


def _block_lines(name: str, text: str) -> Iterator[Line]:
    for block in _FENCE.finditer(text):
        if block.group(1).strip() in _NOT_COMMANDS:
            continue
        start = _line_no(text, block.start(2))
        joined = block.group(2).replace("\\\n", "  \n")  # a continued line is one line, numbered by its start
        for offset, shell_line in enumerate(joined.split("\n")):
            if not re.search(r"(?:^|[\s=/])(tracker|datasette)\s", shell_line + " "):
                continue
            for words in _commands(shell_line):
                found = _program_words(words)
                if found:
                    yield Line(f"{name}:{start + offset}", found, True)


def _table_lines(name: str, text: str) -> Iterator[Line]:
    for cell in _TABLE_CELL.finditer(text):
        written = re.sub(r"[\[\]]| …(?=[ \]]|$)", "", cell.group(1).replace("\\|", "|"))  # "…": repeatable
        yield Line(f"{name}:{_line_no(text, cell.start())}", shlex.split(written), True)


def _prose_lines(name: str, text: str) -> Iterator[Line]:
    prose = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    table = {m.start(1) for m in _TABLE_CELL.finditer(prose)}
    for span in _INLINE.finditer(prose):
        if span.start(1) not in table:
            yield Line(f"{name}:{_line_no(prose, span.start())}", shlex.split(span.group(1)), False)


def doc_lines() -> list[Line]:
    """Every command line shown in README.md and docs/*.md."""
    lines: list[Line] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        lines += [*_block_lines(name, text), *_table_lines(name, text), *_prose_lines(name, text)]
    return lines


LINES = doc_lines()
TRACKER_LINES = [line for line in LINES if line.words[0] == "tracker"]
DATASETTE_LINES = [line for line in LINES if line.words[0] == "datasette"]


# -- checking words against a click command -----------------------------------------------------------------


def _options(command: click.Command) -> dict[str, click.Option]:
    return {o: p for p in command.params if isinstance(p, click.Option) for o in (*p.opts, *p.secondary_opts)}


def _read_options(
    command: click.Command, words: list[str], *, stop_at_argument: bool
) -> tuple[list[str], set[str], list[str]]:
    """(problems, names of the options used, positional words) of ``words`` given to ``command``."""
    options, helps = _options(command), set(command.context_settings.get("help_option_names", ["--help"]))
    problems: list[str] = []
    used: set[str] = set()
    positional: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("-") or word == "-":
            positional.append(word)
            if stop_at_argument:
                return problems, used, positional + words[i:]
            continue
        name, equals, value = word.partition("=")
        if name in helps:
            continue
        option = options.get(name)
        if option is None:
            problems.append(f"{name} is not an option of {command.name!r}")
            continue
        used.add(option.name or name)
        if option.is_flag or option.count:
            continue
        values = [value] if equals else words[i : i + option.nargs]
        i += 0 if equals else option.nargs
        problems += _value_problems(name, option, values)
    return problems, used, positional


def _value_problems(name: str, option: click.Option, values: list[str]) -> list[str]:
    if len(values) < option.nargs or any(v.startswith("-") and v != "-" for v in values):
        return [f"{name} takes a value but is given {' '.join(values) or 'none'}"]
    if isinstance(option.type, click.Choice):
        return [f"{name} {v}: not one of {list(option.type.choices)}"
                for alternatives in values for v in alternatives.split("|") if v not in option.type.choices]
    return []


def command_problems(command: click.Command, words: list[str], *, whole: bool) -> list[str]:
    """What is wrong with ``words`` (after the command name) as arguments of ``command``."""
    problems, used, positional = _read_options(command, words, stop_at_argument=False)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    most = math.inf if any(p.nargs < 0 for p in arguments) else sum(p.nargs for p in arguments)
    least = sum(max(p.nargs, 1) for p in arguments if p.required)
    if len(positional) > most or (whole and len(positional) < least):
        problems.append(f"{command.name!r} takes {least}..{most} arguments, given {len(positional)}: {positional}")
    if whole:
        problems += [f"{p.opts[-1]} is required" for p in command.params
                     if isinstance(p, click.Option) and p.required and p.name not in used]
    return problems


def group_problems(group: click.Group, words: list[str], *, whole: bool) -> list[str]:
    """What is wrong with ``words`` (after the program name) as a command line of ``group``."""
    default = getattr(group, "default_cmd_name", None)  # datasette FILE … means datasette serve FILE …
    if default and words and words[0] not in group.commands and words[0] not in _options(group):
        return command_problems(group.commands[default], words, whole=whole)
    problems, used, rest = _read_options(group, words, stop_at_argument=True)
    if "version" in used or not rest:  # tracker --version, tracker --help
        return problems
    if rest[0] in group.commands:
        return problems + command_problems(group.commands[rest[0]], rest[1:], whole=whole)
    return [*problems, f"{rest[0]!r} is not a command"]


def datasette_static_problems(words: list[str]) -> list[str]:
    """Without datasette installed: ``--immutable`` is followed by the database, ``--metadata`` by our file."""
    problems = []
    after = dict(zip(words, words[1:], strict=False))
    if after.get("--immutable") != Config().database.name:
        problems.append(f"--immutable must be followed by the database file, not {after.get('--immutable')!r}")
    if after.get("--metadata") != METADATA.name:
        problems.append(f"--metadata must name {METADATA.name}, not {after.get('--metadata')!r}")
    return problems


# -- the command lines ----------------------------------------------------------------------------------------


def test_the_docs_show_command_lines_and_the_table_lists_every_command():
    table = {line.words[1] for line in TRACKER_LINES if line.where.startswith("README.md") and line.whole}
    assert set(main.commands) <= table
    assert len([line for line in TRACKER_LINES if line.whole]) >= 20 and DATASETTE_LINES


@pytest.mark.parametrize("line", TRACKER_LINES, ids=str)
def test_every_tracker_command_line_is_valid_as_written(line):
    assert group_problems(main, line.words[1:], whole=line.whole) == [], str(line)


@pytest.mark.parametrize("line", DATASETTE_LINES, ids=str)
def test_the_datasette_line_opens_the_database_immutable_with_the_metadata(line):
    assert datasette_static_problems(line.words) == [], str(line)


@pytest.mark.parametrize("line", DATASETTE_LINES, ids=str)
def test_the_datasette_line_is_valid_for_datasette_itself(line):
    cli = pytest.importorskip("datasette.cli", reason="datasette is an optional extra (pip install -e '.[datasette]')")
    assert group_problems(cli.cli, line.words[1:], whole=True) == [], str(line)


def test_metadata_description_shows_the_same_datasette_line():
    description = json.loads(METADATA.read_text(encoding="utf-8"))["description"]
    (words,) = [w for w in (_program_words(c) for c in _commands(description.split(": ", 1)[1])) if w]
    assert datasette_static_problems(words) == []


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        (["diff", "2024-01-01", "2024-02-01", "--bogus"], "--bogus is not an option"),
        (["diff", "2024-01-01"], "takes 2..2 arguments"),
        (["history", "3A090", "--format", "xml"], "not one of"),
        (["remove-version", "--part", "774"], "--date is required"),
        (["history", "--on", "--text", "3A090"], "--on takes a value"),
        (["--config", "x.toml", "no-such"], "is not a command"),
    ],
)
def test_the_checker_finds_what_is_wrong(words, problem):
    assert any(problem in p for p in group_problems(main, words, whole=True))


def test_the_former_datasette_line_is_found_wrong():
    words = shlex.split("datasette tracker.db --immutable --metadata datasette-metadata.json")
    assert any("--immutable must be followed by the database" in p for p in datasette_static_problems(words))


# -- the datasette metadata -----------------------------------------------------------------------------------


def _schema(path: Path) -> dict[str, set[str]]:
    """Every table and view of the database at ``path`` → its columns (FTS shadow tables left out)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        named = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        virtual = [name for name, sql in named if sql.upper().startswith("CREATE VIRTUAL TABLE")]
        return {
            name: {c for (c,) in conn.execute("SELECT name FROM pragma_table_info(?)", (name,))}
            for name, _ in named
            if not any(name.startswith(f"{v}_") for v in virtual)
        }
    finally:
        conn.close()


def test_datasette_metadata_labels_every_table_and_column_of_a_fresh_database(tmp_path):
    with Store(tmp_path / "tracker.db"):
        pass
    schema = _schema(tmp_path / "tracker.db")
    tables = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["tracker"]["tables"]
    assert set(tables) == set(schema)
    for name, columns in schema.items():
        assert set(tables[name].get("columns", {})) == columns, name
        assert tables[name].get("description"), name


# -- the README's command table: every option there is ------------------------------------------------------

_GLOBAL = {"--config", "--help", "-h"}  # every command takes them; the text before the table says so


def _listed(cell_words: list[str]) -> set[str]:
    return {w.split("=", 1)[0] for w in cell_words if w.startswith("-")}


def table_rows() -> dict[str, set[str]]:
    """Each command of the README's table → the options its row shows."""
    rows: dict[str, set[str]] = {}
    for line in TRACKER_LINES:
        if line.where.startswith("README.md") and line.whole and len(line.words) > 1 and line.words[1] in main.commands:
            rows.setdefault(line.words[1], set()).update(_listed(line.words[2:]))
    return rows


def unlisted_options(command: click.Command, shown: set[str]) -> list[str]:
    """The options of ``command`` (hidden and global ones left out) none of whose names ``shown`` has."""
    return [p.opts[0] for p in command.params if isinstance(p, click.Option) and not p.hidden
            and not set(p.opts) & _GLOBAL and not set(p.opts + p.secondary_opts) & shown]


@pytest.mark.parametrize("name", sorted(main.commands))
def test_the_readme_table_shows_every_option_of_every_command(name):
    assert unlisted_options(main.commands[name], table_rows().get(name, set())) == [], name


def test_the_readme_says_every_command_takes_the_global_options():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Every command has `--help`" in text and "`--config FILE`" in text
    assert {o for p in main.params for o in p.opts} <= {"--config", "--version", "--help", "-h"}


def test_the_option_check_finds_an_option_missing_from_a_row():
    assert unlisted_options(main.commands["diff"], {"--part", "--format"}) == ["--eccn"]


@pytest.mark.parametrize("line", DATASETTE_LINES, ids=str)
def test_the_datasette_line_runs_as_written_on_a_fresh_database(tmp_path, line):
    """The README's line itself, in a folder holding a fresh tracker.db and the metadata, with ``--get`` (datasette
    answers one request and exits instead of serving)."""
    pytest.importorskip("datasette.cli", reason="datasette is an optional extra (pip install -e '.[datasette]')")
    import shutil
    import subprocess
    import sys

    with Store(tmp_path / Config().database.name):
        pass
    shutil.copy(METADATA, tmp_path / METADATA.name)
    program = Path(sys.executable).with_name("datasette")
    done = subprocess.run([str(program), *line.words[1:], "--get", "/-/metadata.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["databases"]["tracker"]["tables"]["spans"]["description"]


# -- the README's two demo commands, run as written --------------------------------------------------------


def _demo_lines() -> list[Line]:
    """The tracker commands of the README's first two fenced blocks (the demo and the rules from a file)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [m.group(2) for m in _FENCE.finditer(text) if m.group(1).strip() not in _NOT_COMMANDS][:2]
    return [line for block in blocks for line in _block_lines("README.md", f"```sh\n{block}```\n")]


def test_the_readme_demo_runs_as_written_beside_the_shared_folder(tmp_path, monkeypatch):
    """Both README commands, their tracker parts run in order in a fresh folder (``../shared`` being the shared
    data folder): each exits 0, the report files the README names are written and the 284 rules are stored."""
    from click.testing import CliRunner

    from tests.support import SHARED, require

    require(SHARED / "data" / "ccl-history" / "federal-register-documents.json")
    monkeypatch.chdir(tmp_path)
    env = {"TRACKER_DB": None, "TRACKER_SNAPSHOTS": None, "TRACKER_CONFIG": None}
    said = []
    for line in _demo_lines():
        words = [w.replace("../shared", str(SHARED), 1) for w in line.words[1:]]
        result = CliRunner().invoke(main, words, env=env, catch_exceptions=False)
        assert result.exit_code == 0, f"{line}: {result.output}"
        said.append(result.output)
    assert [line.words[1] for line in _demo_lines()] == ["ingest", "ingest", "run", "ingest-rules", "rules"]
    assert {p.name for p in (tmp_path / "reports").iterdir()} >= {
        "2026-09-01.html", "2026-09-01.txt", "2026-09-01.json", "index.html"}
    assert "284 rule(s) stored (284 new)" in said[3] and len(said[4].splitlines()) == 284


# -- the README's Troubleshooting section says what the code does -------------------------------------------


def _troubleshooting() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Troubleshooting\n", 1)[1].split("\n## ", 1)[0]


def test_troubleshooting_covers_no_network_mail_refused_held_back_and_undoing_an_ingest():
    section = " ".join(_troubleshooting().split())
    for topic in ("No network", "An email was refused", "held back as suspect", "Undoing an ingest"):
        assert f"**{topic}" in section or topic in section, topic
    for words in ("HTTPS_PROXY", "NO_PROXY", "tracker ingest-rules FILE", "tracker run --no-fetch", "--accept-suspect",
                  "tracker remove-version --part 774 --date 2026-09-01"):
        assert words in section, words


def test_troubleshooting_quotes_the_code_s_own_words_and_paths(tmp_path):
    """The mail log line, the held-back file's path and the no-network hint are the ones the code writes."""
    import inspect

    from tracker import sync
    from tracker.mail import send, transport
    from tracker.snapshots import hold

    section = " ".join(_troubleshooting().split())
    assert "(FAILED; retried next run)" in section and "(FAILED; retried next run)" in inspect.getsource(send)
    assert "recipient refused: 550" in section and "recipient refused: {code}" in inspect.getsource(transport)
    held = hold(tmp_path / "snapshots", "774", "2026-09-01", b"<x/>").relative_to(tmp_path).as_posix()
    assert f"`{held}`" in section
    assert all(name in inspect.getsource(sync) for name in ("HTTPS_PROXY", "NO_PROXY", "tracker run --no-fetch"))
