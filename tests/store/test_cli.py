"""``tracker ingest`` and ``tracker diff`` as a user runs them: messages, exit codes, nothing half-done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.diff.samples import EXCERPT_3A, EXCERPT_9A
from tests.support import ECFR_API, PART_740
from tracker.cli import main
from tracker.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray tracker.toml
    return tmp_path / "data" / "tracker.db"


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"TRACKER_DB": str(db), "TRACKER_CONFIG": None})


def _layout(root: Path, prefix: str, files: dict[str, Path]) -> None:
    for rel, source in files.items():
        target = root / prefix / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(source)


@pytest.fixture
def ccl_db(db: Path, tmp_path: Path) -> Path:
    """Part 774 (3A001–4A090 and 9A010–9A018 excerpts) on 2026-06-25 and 2026-09-01."""
    for day in ("2026-06-25", "2026-09-01"):
        joined = tmp_path / f"774-{day}.xml"
        three_a = (ECFR_API / EXCERPT_3A.format(day)).read_text("utf-8")
        nine_a = (ECFR_API / EXCERPT_9A.format(day)).read_text("utf-8")
        body = nine_a[nine_a.index("\n<FP-2>") : nine_a.rindex("</DIV9>")]
        end = three_a.rindex("</DIV9>")
        joined.write_text(three_a[:end] + body + three_a[end:], "utf-8")
        assert run(db, "ingest", str(joined), "--part", "774", "--date", day).exit_code == 0
    return db


def test_ingest_one_file_with_part_and_date(db):
    result = run(db, "ingest", str(PART_740), "--part", "740", "--date", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested part 740 on 2026-09-01: 1765 paragraphs, 1695 new texts")
    again = run(db, "ingest", str(PART_740), "--part", "740", "--date", "2026-09-01")
    assert (again.exit_code, again.stdout) == (0, f"already stored, nothing to do: {PART_740}\n")
    assert Store(db).dates("740") == ["2026-09-01"]


@pytest.mark.parametrize("prefix", ["ecfr/title-15", "title-15"])
def test_ingest_a_snapshots_folder_in_the_fetchers_layout(db, tmp_path, prefix):
    root = tmp_path / "snapshots"
    _layout(root, prefix, {f"part-774/{d}.xml": ECFR_API / EXCERPT_9A.format(d) for d in ("2026-06-25", "2026-09-01")})
    result = run(db, "ingest", str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2 version(s) ingested, 0 already stored"
    assert Store(db).dates("774") == ["2026-06-25", "2026-09-01"]


def test_ingest_without_a_path_reads_the_configured_snapshots_folder(db, tmp_path):
    _layout(tmp_path / "snapshots", "ecfr/title-15", {"part-740/2026-09-01.xml": PART_740})
    result = run(db, "ingest", "--date", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert "ingested part 740 on 2026-09-01" in result.stdout


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("<DIV5 N='740'><P>unclosed</DIV5>", ("--part", "740", "--date", "2024-01-01"), "bad.xml"),
        ("<html><body>Service Unavailable</body></html>", ("--part", "740", "--date", "2024-01-01"), "an HTML page"),
        ("<ECFR><AMDDATE>Apr. 4, 2024</AMDDATE></ECFR>", ("--part", "740", "--date", "2024-01-01"), "no paragraphs"),
        (None, ("--part", "774", "--date", "2024-01-01"), "holds part 740, not part 774"),
        (None, ("--part", "740"), "cannot tell the Part and date"),
        (None, ("--part", "740", "--date", "2024-13-01"), "is not a date"),
    ],
)
def test_bad_input_to_ingest_is_one_line_exit_2_and_stores_nothing(db, tmp_path, content, args, message):
    path = PART_740
    if content is not None:
        path = tmp_path / "bad.xml"
        path.write_text(content)
    result = run(db, "ingest", str(path), *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not db.exists() or Store(db).snapshots() == []


def test_ingesting_other_bytes_for_a_stored_date_is_refused(db):
    run(db, "ingest", str(PART_740), "--part", "740", "--date", "2026-09-01")
    other = ECFR_API / "excerpt-2026-09-01-title-15-section-740.10.xml"
    result = run(db, "ingest", str(other), "--part", "740", "--date", "2026-09-01", "--excerpt")
    assert result.exit_code == 2 and "already stored" in result.stderr
    assert Store(db).snapshots()[0]["paragraphs"] == 1765


def test_diff_text_has_counts_on_top_then_part_eccn_paragraph(ccl_db):
    result = run(ccl_db, "diff", "2026-06-25", "2026-09-01")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Changes from 2026-06-25 to 2026-09-01"
    assert lines[1] == "19 change(s): 6 added, 4 removed, 7 modified, 1 editorial, 1 heading"
    assert lines[3] == "Part 774"
    assert lines[4:6] == ["  3A001", "    3A001 License Requirements RS 3: modified"]
    assert "      RS applies to 3A001.z.1.b" in lines[6] and "{+the United Arab Emirates or +}" in lines[6]
    assert "  9A012" in lines and "    9A012.a.1.a: removed" in lines and "    9A012.a.3: added" in lines


def test_diff_json_is_the_documented_form_filtered_by_eccn(ccl_db):
    result = run(ccl_db, "diff", "2026-06-25", "2026-09-01", "--eccn", "3a090", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["schema", "from", "to", "part", "eccn", "versions", "notes", "counts", "changes"]
    assert (data["schema"], data["eccn"], data["versions"]) == (
        "tracker.diff/1",
        "3A090",
        {"774": {"from": "2026-06-25", "to": "2026-09-01"}},
    )
    assert data["counts"]["modified"] == 1 and sum(data["counts"].values()) == 1
    (change,) = data["changes"]
    assert change["citation"] == "3A090 License Requirements RS 2" and change["kind"] == "modified"
    assert ["insert", "the United Arab Emirates or "] in change["redline"]


def test_diff_dates_between_versions_resolve_to_the_version_in_force_and_say_so(ccl_db):
    result = run(ccl_db, "diff", "2026-07-04", "2026-12-31", "--part", "774")
    assert result.exit_code == 0, result.output
    assert "  note: part 774: 2026-07-04 resolved to the version of 2026-06-25 (the one in force)" in result.stdout
    assert "  note: part 774: 2026-12-31 resolved to the version of 2026-09-01 (the one in force)" in result.stdout
    same = run(ccl_db, "diff", "2026-07-04", "2026-08-01")
    assert same.exit_code == 0 and "0 change(s): no changes to regulatory text" in same.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2026-01-01", "2026-09-01"), "2026-01-01 is before the first stored version of any part (2026-06-25)"),
        (("2026-01-01", "2026-09-01", "--part", "774"), "before the first stored version of part 774 (2026-06-25)"),
        (("2026-09-01", "2026-06-25"), "give the earlier date first"),
        (("2026-06-31", "2026-09-01"), "'2026-06-31' is not a date"),
        (("2026-06-25", "2026-09-01", "--part", "742"), "no stored versions of part 742"),
        (("2026-06-25", "2026-09-01", "--eccn", "5A002"), "ECCN 5A002 is in neither version"),
        (("2026-06-25", "2026-09-01", "--eccn", "3A09"), "is not an ECCN"),
    ],
)
def test_diff_bad_input_is_one_line_exit_2(ccl_db, args, message):
    result = run(ccl_db, "diff", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_diff_without_a_database_says_to_ingest_first_and_creates_nothing(db):
    result = run(db, "diff", "2026-06-25", "2026-09-01")
    assert result.exit_code == 2 and "run `tracker ingest` first" in result.stderr
    assert not db.exists()


@pytest.mark.parametrize(("command", "phrase"), [("ingest", "snapshots folder"), ("diff", "version in force")])
def test_commands_explain_themselves(command, phrase):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and phrase in result.stdout
