"""Hostile API answers end to end through ``tracker fetch``, and regulation markup in reports.

The eCFR / Federal Register stand-in (tests/fetch/conftest.py, serving the real files) is made to
answer with path-like identifiers, impossible dates and a 300 MB body. Each must end in one clear
line (or the entry skipped), with no file written outside ``snapshots/`` and bounded memory.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html import escape
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from tests.fetch import conftest as fetch_stand_in
from tests.fetch.conftest import PART_774_NEW, PART_774_OLD, Sources, make_config
from tests.mail import conftest as mail_stand_in
from tests.run.conftest import NEW, OLD, write_toml
from tracker.cli import main
from tracker.config import Config
from tracker.fetch.http import MAX_RESPONSE_BYTES
from tracker.ingest import ingest_file
from tracker.store import Store

TRACKER = str(Path(sys.executable).with_name("tracker"))
MB = 1_000_000

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server
smtp = mail_stand_in.smtp


def _all_files(top: Path) -> set[Path]:
    return {p for p in top.rglob("*") if p.is_file()}


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    """A working folder two levels below ``tmp_path``: a ``../../`` escape from snapshots/ still lands in tmp_path."""
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def setup(server, home: Path) -> tuple[Sources, Path]:
    """The stand-in serving the real Part 774 excerpt pair, and a tracker.toml in ``home`` pointing at it."""
    sources = Sources(server)
    config = make_config(server, home, parts=("774",), reports_dir=home / "reports")
    toml = write_toml(home / "tracker.toml", config)
    return sources, toml


def fetch(toml: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(toml), "fetch", *args])


def _written_outside_snapshots(tmp_path: Path, before: set[Path]) -> list[Path]:
    """Files that appeared under ``tmp_path`` other than snapshots/ and the database's own files."""
    allowed = re.compile(r"tracker\.db(-wal|-shm|-journal)?$")
    new = _all_files(tmp_path) - before
    return sorted(p for p in new if "snapshots" not in p.relative_to(tmp_path).parts and not allowed.match(p.name))


def _one_line_or_clean(result) -> str:
    """The outcome of a command fed hostile input: exit 0, or exit 1 with one line and no traceback."""
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    return result.stderr


# -- path-like identifiers and impossible dates ---------------------------------------------------


LATEST = "2099-01-01/../../../../../etc/passwd"  # sorts after every real date: on a first run it is "the latest"


@pytest.mark.parametrize(
    ("date", "since"),
    [
        ("../../etc/passwd", None),
        ("../../etc/passwd", "2017-01-01"),
        (LATEST, None),
        (LATEST, "2017-01-01"),
        ("2024-13-45", None),
        ("2024-13-45", "2017-01-01"),
        ("2099-13-45", None),
        ("2099-13-45", "2017-01-01"),
        ("2099-09-01\x00.xml", None),
        ("2099-09-01\x00.xml", "2017-01-01"),
    ],
)
def test_a_version_date_that_is_a_path_or_no_date_is_skipped_with_a_warning_and_nothing_lands_outside(
    setup, tmp_path, date, since
):
    sources, toml = setup
    sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    sources.add_version("774", date, PART_774_NEW.read_bytes(), issue_date=NEW)
    before = _all_files(tmp_path)

    result = fetch(toml, *(["--since", since] if since else []))

    err = _one_line_or_clean(result)
    assert _written_outside_snapshots(tmp_path, before) == []
    assert not any(date in r.path for r in sources.requests_to("/full/")), "the hostile date was requested"
    assert result.exit_code == 0
    assert "skipped a listed version" in err and "is not a date (YYYY-MM-DD)" in err
    stored = Store(tmp_path / "a" / "b" / "tracker.db").dates("774")
    assert date not in stored


def test_an_impossible_version_date_after_a_stored_one_is_skipped_and_the_real_ones_are_stored(setup, tmp_path):
    sources, toml = setup
    sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    assert fetch(toml).exit_code == 0  # the baseline is stored
    sources.add_version("774", "2026-13-45", PART_774_NEW.read_bytes(), issue_date=NEW)
    sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    before = _all_files(tmp_path)

    result = fetch(toml)

    err = _one_line_or_clean(result)
    assert _written_outside_snapshots(tmp_path, before) == []
    assert result.exit_code == 0 and "'2026-13-45' is not a date" in err
    assert Store(tmp_path / "a" / "b" / "tracker.db").dates("774") == [OLD, NEW]


def test_a_part_given_as_a_path_is_refused_on_the_command_line(setup):
    _, toml = setup

    result = fetch(toml, "--part", "../x")

    assert result.exit_code == 2 and "not a CFR part number" in result.stderr


def test_a_part_given_as_a_path_by_the_apis_writes_nothing_outside(setup, tmp_path):
    sources, toml = setup
    sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    assert fetch(toml).exit_code == 0
    sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    sources.version_entry = {**sources.version_entry, "part": "../x", "identifier": "../x"}
    refs = [{"title": 15, "part": "../x", "chapter": "VII"}, {"title": 15, "part": "774", "chapter": "VII"}]
    sources.add_rule("774", sources.rule("2024-07004", cfr_references=refs, effective_on="2026-08-01"))
    before = _all_files(tmp_path)

    result = fetch(toml)

    _one_line_or_clean(result)
    assert result.exit_code == 0  # the rule is kept (it names Part 774 too); "../x" is only ever a label
    assert _written_outside_snapshots(tmp_path, before) == []
    assert not [p for p in _all_files(tmp_path) if p.parent.name == "x" or p.name.startswith("part-..")]


def test_a_federal_register_document_number_given_as_a_path_is_skipped_and_writes_nothing_outside(setup, tmp_path):
    sources, toml = setup
    sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    assert fetch(toml).exit_code == 0
    sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    sources.add_rule("774", {**sources.rule("2024-07004", effective_on="2026-08-01"), "document_number": "../../x"})
    before = _all_files(tmp_path)

    result = fetch(toml)

    err = _one_line_or_clean(result)
    assert _written_outside_snapshots(tmp_path, before) == []
    assert result.exit_code == 0 and "'../../x' is not a Federal Register document number" in err
    assert Store(tmp_path / "a" / "b" / "tracker.db").dates("774") == [OLD, NEW]  # one bad record blocks nothing


# -- a body far larger than any real answer -------------------------------------------------------


#: Run argv[1:] and print its peak RSS. Measured in a grandchild of pytest: Linux folds the RSS of the
#: process image a child replaces at exec into the child's ru_maxrss, so a direct child of a large
#: pytest process would report pytest's size.
PEAK_RSS = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


class HugeFullText(Sources):
    """The stand-in, but every full XML is a well-formed 300 MB document streamed 1 MB at a time."""

    size = 300 * MB
    declare_length = False

    def _full(self, request: Request) -> Response:
        chunk = b"<P>" + b"x" * (MB - 7) + b"</P>"

        def body():
            yield b"<DIV5>"
            for _ in range(self.size // MB):
                yield chunk
            yield b"</DIV5>"

        headers = {"Content-Length": str(self.size // MB * MB + 13)} if self.declare_length else {}
        return Response(body(), headers=headers, content_type="application/xml")


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "content-length"])
def test_a_300_mb_answer_is_refused_after_the_cap_without_being_held_whole(server, home, tmp_path, declare_length):
    sources = HugeFullText(server)
    sources.declare_length = declare_length
    sources.add_version("774", NEW, b"unused")
    toml = write_toml(home / "tracker.toml", make_config(server, home, parts=("774",), reports_dir=home / "reports"))
    before = _all_files(tmp_path)

    proc = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, TRACKER, "--config", str(toml), "fetch"],
        cwd=home, capture_output=True, text=True, timeout=120,
    )
    err, peak = proc.stderr, int(proc.stdout.split()[-1]) * 1024  # ru_maxrss is in KiB on Linux

    assert proc.returncode == 1, err
    assert err.strip().splitlines()[-1].endswith(f"response over the {MAX_RESPONSE_BYTES:,}-byte limit")
    assert "Traceback" not in err
    assert peak < MAX_RESPONSE_BYTES + 150 * MB, f"peak {peak / MB:.0f} MB"  # reading it whole: ≥ 300 MB
    assert _written_outside_snapshots(tmp_path, before) == []
    assert not list((home / "snapshots").rglob("*.xml"))
    print(f"300 MB {'declared' if declare_length else 'streamed'} answer: refused, peak RSS {peak / MB:.0f} MB")


# -- markup in the regulation text and in rule records ---------------------------------------------

SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"
RULE_CITATION, RULE_TITLE = "<script>alert(3)</script>", '<img src=x onerror="alert(4)"> Stand-in rule'


@pytest.fixture
def hostile_reports(home: Path, smtp) -> tuple[Path, str]:
    """`tracker run --no-fetch` over the real 774 pair whose new text carries markup, with a rule whose
    citation and title carry markup too; returns the reports folder and the email's HTML part."""
    new = PART_774_NEW.read_bytes().replace(
        b"To or within the United Arab Emirates",
        b"To or within the United Arab Emirates " + escape(SCRIPT).encode() + b" " + escape(IMG).encode(),
        1,
    )
    (home / "new.xml").write_bytes(new)
    config = Config(
        database=home / "tracker.db", reports_dir=home / "reports", snapshots_dir=home / "snapshots",
        parts=("774",), mail=smtp.mail_config(),
    )
    store = Store(config.database)
    ingest_file(store, PART_774_OLD, part="774", date=OLD)
    ingest_file(store, home / "new.xml", part="774", date=NEW)
    store.add_rules([{
        "document_number": "2026-99999", "citation": RULE_CITATION, "title": RULE_TITLE, "action": "Final rule.",
        "publication_date": "2026-08-01", "effective_on": "2026-08-01", "parts": ["774"],
        "html_url": "javascript:alert(5)",
    }])
    store.db.conn.close()
    result = CliRunner().invoke(main, ["--config", str(write_toml(home / "tracker.toml", config)), "run", "--no-fetch"])
    assert result.exit_code == 0, result.stderr
    [msg] = smtp.messages
    return config.reports_dir, msg.get_body(("html",)).get_content()


def _pages(reports: Path, email_html: str) -> dict[str, str]:
    return {
        "report": (reports / f"{NEW}.html").read_text(encoding="utf-8"),
        "email": email_html,
        "index": (reports / "index.html").read_text(encoding="utf-8"),
    }


def test_markup_in_regulation_text_and_rules_is_shown_as_text_in_report_email_and_index(hostile_reports):
    pages = _pages(*hostile_reports)
    for name, page in pages.items():
        doc = lxml.html.fromstring(page)
        assert doc.xpath("//script | //img | //iframe | //object") == [], name
        assert doc.xpath("//@*[starts-with(name(), 'on')]") == [], name
        text = doc.text_content()
        assert RULE_CITATION in text, name  # shown literally, in every page
    for name in ("report", "email"):
        text = lxml.html.fromstring(pages[name]).text_content()
        assert SCRIPT in text and IMG in text and RULE_TITLE in text, name


def test_a_rule_link_that_is_not_http_is_never_a_live_link(hostile_reports):
    for name, page in _pages(*hostile_reports).items():
        hrefs = lxml.html.fromstring(page).xpath("//a/@href")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], name
