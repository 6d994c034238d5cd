"""``tracker ingest`` and ``tracker diff`` as a user runs them: messages, exit codes, nothing half-done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from tests.diff.samples import EXCERPT_3A, EXCERPT_9A
from tests.support import ECFR_API, PART_740
from tracker.cli import main
from tracker.ingest import find_snapshots
from tracker.snapshots import ecfr_path
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
    assert result.stdout.startswith("ingested part 740 on 2026-09-01: 1766 paragraphs, 1747 new texts")
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
    assert Store(db).snapshots()[0].paragraphs == 1766


def test_diff_text_has_counts_on_top_then_part_eccn_paragraph(ccl_db):
    result = run(ccl_db, "diff", "2026-06-25", "2026-09-01")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Changes from 2026-06-25 to 2026-09-01"
    assert lines[1] == "18 change(s): 5 added, 3 removed, 8 modified, 1 editorial, 1 heading"
    assert lines[3] == "Part 774"
    rs_z_b = "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b"
    assert lines[4:6] == ["  3A001", f"    {rs_z_b}: modified"]
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
    assert change["citation"] == "3A090 License Requirements RS applies to 3A090.b" and change["kind"] == "modified"
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


SECTION_740_10 = ECFR_API / "excerpt-2026-09-01-title-15-section-740.10.xml"


def test_ingest_of_a_single_section_as_a_part_is_refused_unless_marked_an_excerpt(db):
    refused = run(db, "ingest", str(SECTION_740_10), "--part", "740", "--date", "2026-09-01")
    assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "holds only 740.10 of part 740, not the whole Part" in refused.stderr and "--excerpt" in refused.stderr
    assert not db.exists() or Store(db).snapshots() == []
    taken = run(db, "ingest", str(SECTION_740_10), "--part", "740", "--date", "2026-09-01", "--excerpt")
    assert taken.exit_code == 0 and taken.stdout.startswith("ingested part 740 on 2026-09-01 as an excerpt: 61")
    assert Store(db).snapshot("740", "2026-09-01").excerpt is True


def test_ingest_of_a_stub_after_a_whole_part_is_held_back_until_accepted(db):
    assert run(db, "ingest", str(PART_740), "--part", "740", "--date", "2026-09-01").exit_code == 0
    stub = ECFR_API / EXCERPT_9A.format("2026-09-01")  # a Part 774 file: the gate needs a Part 740 stub
    held = run(db, "ingest", str(stub), "--part", "774", "--date", "2026-09-01")
    assert held.exit_code == 0  # another Part: nothing to compare with
    tree = etree.parse(str(PART_740))
    for div in [*tree.iter("DIV8"), *tree.iter("DIV9")][2:]:  # Part 740 with its first two sections only
        div.getparent().remove(div)
    small = db.parent / "740-stub.xml"
    tree.write(str(small), encoding="utf-8")
    held = run(db, "ingest", str(small), "--part", "740", "--date", "2026-10-01")
    assert held.exit_code == 2 and len(held.stderr.strip().splitlines()) == 1
    assert "against 1,766" in held.stderr and "it would lose most of the Part; nothing stored" in held.stderr
    assert f"tracker ingest {small} --part 740 --date 2026-10-01 --accept-suspect" in held.stderr
    assert Store(db).dates("740") == ["2026-09-01"]
    taken = run(db, "ingest", str(small), "--part", "740", "--date", "2026-10-01", "--accept-suspect")
    assert taken.exit_code == 0 and Store(db).dates("740") == ["2026-09-01", "2026-10-01"]


def test_ingest_refuses_a_file_over_the_size_limit_in_one_line(db, tmp_path):
    big = tmp_path / "big.xml"
    with big.open("wb") as f:
        f.truncate(64_000_001)
    result = run(db, "ingest", str(big), "--part", "740", "--date", "2026-09-01")
    assert result.exit_code == 2 and "over the 64,000,000-byte limit" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [["diff", "2026-06-25", "2026-09-01"], ["history", "3A090"], ["refs", "3A090"], ["check-refs"],
     ["search", "semiconductor"], ["pages"], ["rules"], ["remove-version", "--part", "774", "--date", "2026-09-01"]],
    ids=lambda a: a[0],
)
def test_commands_that_need_a_database_do_not_create_one(db, args):
    result = run(db, *args)
    assert result.exit_code == 2 and "no database at" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists() and not db.parent.exists()


@pytest.fixture
def reported(ccl_db: Path) -> Path:
    """``ccl_db`` with the report of 2026-09-01 written, as `tracker run` writes it."""
    reports = ccl_db.parent.parent / "reports"
    result = CliRunner().invoke(main, ["run", "--no-fetch", "--quiet"], env={
        "TRACKER_DB": str(ccl_db), "TRACKER_CONFIG": None})
    assert result.exit_code == 0, result.output
    assert (reports / "2026-09-01.json").exists()
    return ccl_db


def test_remove_version_asks_first_and_no_answer_changes_nothing(reported):
    before = reported.read_bytes()
    result = CliRunner().invoke(main, ["remove-version", "--part", "774", "--date", "2026-09-01"], input="n\n",
                                env={"TRACKER_DB": str(reported), "TRACKER_CONFIG": None})
    assert result.exit_code == 1 and "Remove part 774 on 2026-09-01 (" in result.output
    assert "withdraw the report(s) of 2026-09-01?" in result.output
    assert Store(reported).dates("774") == ["2026-06-25", "2026-09-01"]
    assert (reported.parent.parent / "reports" / "2026-09-01.json").exists()
    assert reported.read_bytes() == before


def test_remove_version_takes_the_version_out_and_withdraws_the_reports_built_from_it(reported):
    reports = reported.parent.parent / "reports"
    result = CliRunner().invoke(main, ["remove-version", "--part", "774", "--date", "2026-09-01"], input="y\n",
                                env={"TRACKER_DB": str(reported), "TRACKER_CONFIG": None})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("removed part 774 on 2026-09-01 (")
    assert lines[2] == f"the file it was stored from is left as it is: {reported.parent.parent / '774-2026-09-01.xml'}"
    assert "withdrew the report(s) of 2026-09-01 to " in lines[3] and "`tracker run` rebuilds them" in lines[3]
    assert lines[-1].startswith("rewrote ") and lines[-1].endswith(" history page(s) without it")
    assert Store(reported).dates("774") == ["2026-06-25"]
    withdrawn = reports / "withdrawn" / "part-774-2026-09-01"
    assert sorted(p.name for p in withdrawn.iterdir()) == ["2026-09-01.html", "2026-09-01.json", "2026-09-01.txt"]
    assert not (reports / "2026-09-01.json").exists()
    assert "2026-09-01" not in (reports / "index.html").read_text("utf-8")
    again = run(reported, "remove-version", "--part", "774", "--date", "2026-09-01", "--yes")
    assert again.exit_code == 2 and "no stored version on 2026-09-01 (stored: 2026-06-25)" in again.stderr


def test_remove_version_waits_for_no_run(reported):
    from tracker.runlock import RunLock

    with RunLock(reported):
        result = run(reported, "remove-version", "--part", "774", "--date", "2026-09-01", "--yes")
    assert result.exit_code == 1 and "another tracker run" in result.stderr
    assert Store(reported).dates("774") == ["2026-06-25", "2026-09-01"]


def test_remove_version_explains_itself():
    result = CliRunner().invoke(main, ["remove-version", "--help"])
    assert result.exit_code == 0 and "withdrawn" in result.stdout and "--yes" in result.stdout


def test_remove_version_sets_the_fetchers_snapshot_aside_so_no_run_ingests_it_again(ccl_db, tmp_path):
    snapshots = tmp_path / "snapshots"
    wrong = ecfr_path(snapshots, "774", "2026-09-01")
    wrong.parent.mkdir(parents=True)
    wrong.write_bytes((ccl_db.parent.parent / "774-2026-09-01.xml").read_bytes())
    env = {"TRACKER_DB": str(ccl_db), "TRACKER_SNAPSHOTS": str(snapshots), "TRACKER_CONFIG": None}

    result = CliRunner().invoke(main, ["remove-version", "--part", "774", "--date", "2026-09-01", "--yes"], env=env)

    assert result.exit_code == 0, result.output
    assert not wrong.exists() and find_snapshots(snapshots) == []
    [aside] = (snapshots / "quarantine").rglob("2026-09-01.*.xml")
    assert f"its snapshot is set aside as {aside}" in result.stdout
    assert "removed from the database by tracker remove-version" in aside.with_suffix(".why.txt").read_text()
