"""The commands read the same (issue 16 item 2), on a database of the real files in ../shared: the real 3A pair of
Part 774 (2026-06-25, 2026-09-01), the complete real Part 740 of 2026-09-01 and the real list of 284 BIS rules.

``--config FILE`` after the command name, ``--format text|json`` (``rules``/``parse`` keep ``--json`` as a hidden
alias), ``--part`` repeatable, ``diff --eccn`` for an item typed in any case, ``show`` on the store with
``--on``, and ``history`` of an item with the License Requirements row that applies to it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.support import ECFR_API, PART_740, SHARED, require
from tracker.cli import main

PAIR = {d: ECFR_API / f"excerpt-{d}-title-15-part-774-3A001-3A090-4A090.xml" for d in ("2026-06-25", "2026-09-01")}
RULES = SHARED / "data" / "ccl-history" / "federal-register-documents.json"
RS_B = "3A090 License Requirements RS applies to 3A090.b"


def _invoke(folder: Path, *args: str, db: bool = True) -> Result:
    env = {"TRACKER_CONFIG": None, "TRACKER_DB": str(folder / "tracker.db") if db else None,
           "TRACKER_SNAPSHOTS": str(folder / "snapshots")}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("options")
    for date, path in PAIR.items():
        assert _invoke(folder, "ingest", str(require(path)), "--part", "774", "--date", date).exit_code == 0
    assert _invoke(folder, "ingest", str(require(PART_740)), "--part", "740", "--date", "2026-09-01").exit_code == 0
    assert _invoke(folder, "ingest-rules", str(require(RULES))).exit_code == 0
    return folder


def run(folder: Path, *args: str, code: int = 0) -> Result:
    out = _invoke(folder, *args)
    assert out.exit_code == code, out.output
    return out


def _json(folder: Path, *args: str, code: int = 0) -> object:
    return json.loads(run(folder, *args, code=code).stdout)


def test_config_is_taken_after_the_command_name_too(folder: Path, tmp_path: Path):
    config = tmp_path / "x.toml"
    config.write_text(f'database = "{folder / "tracker.db"}"\n')
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(f'database = "{tmp_path / "none.db"}"\n')
    after = _invoke(folder, "diff", "2026-06-25", "2026-09-01", "--config", str(config), db=False)
    assert after.exit_code == 0 and "3 change(s): 3 modified" in after.output
    before = _invoke(folder, "--config", str(config), "diff", "2026-06-25", "2026-09-01", db=False)
    assert before.output == after.output
    # the file named after the command wins over the one before it
    both = _invoke(folder, "--config", str(wrong), "rules", "--part", "774", "--config", str(config), db=False)
    assert both.exit_code == 0 and "2024-07004" in both.output
    missing = _invoke(folder, "rules", "--config", str(wrong), db=False)
    assert missing.exit_code == 2 and f"no database at {tmp_path / 'none.db'}" in missing.output
    assert "--config FILE" in _invoke(folder, "upcoming", "--help").output  # every command, the lead's too


def test_run_takes_config_after_its_name(folder: Path, tmp_path: Path):
    shutil.copy(folder / "tracker.db", tmp_path / "tracker.db")
    config = tmp_path / "elsewhere" / "x.toml"
    config.parent.mkdir()
    config.write_text(f'database = "{tmp_path / "tracker.db"}"\nreports_dir = "reports"\n')
    out = _invoke(tmp_path, "run", "--no-fetch", "--quiet", "--config", str(config), db=False)
    assert out.exit_code == 0, out.output
    assert (config.parent / "reports" / "2026-09-01.json").is_file()  # relative to the file named after `run`


def test_diff_eccn_takes_an_item_as_people_type_it(folder: Path):
    for typed in ("3A090.b", "3a090.B", "ECCN 3A090.b"):
        data = _json(folder, "diff", "2026-06-25", "2026-09-01", "--eccn", typed, "--format", "json")
        assert data["eccn"] == "3A090.b"  # type: ignore[index]
        assert [c["citation"] for c in data["changes"]] == [RS_B]  # type: ignore[index]
    eccn = _json(folder, "diff", "2026-06-25", "2026-09-01", "--eccn", "3a090", "--format", "json")
    assert [c["citation"] for c in eccn["changes"]] == [RS_B]  # type: ignore[index]
    assert _json(folder, "diff", "2026-06-25", "2026-09-01", "--eccn", "3A090.a", "--format", "json")[  # type: ignore[index]
        "changes"] == []
    text = run(folder, "diff", "2026-06-25", "2026-09-01", "--eccn", "3a090.B").output
    assert f"{RS_B}: modified" in text and "{+the United Arab Emirates or +}" in text
    for bad, said in (("3A090.zz", "ECCN item 3A090.zz is in neither version"), ("3A09", "is not an ECCN")):
        out = run(folder, "diff", "2026-06-25", "2026-09-01", "--eccn", bad, code=2)
        assert said in out.output and len(out.output.strip().splitlines()) == 1


def test_part_is_repeatable_where_it_filters(folder: Path):
    both = _json(folder, "diff", "2026-09-01", "2026-09-01", "--part", "774", "--part", "740", "--format", "json")
    assert both["part"] == "774,740" and both["versions"] == {  # type: ignore[index]
        "774": {"from": "2026-09-01", "to": "2026-09-01"}, "740": {"from": "2026-09-01", "to": "2026-09-01"}}
    once = _json(folder, "diff", "2026-06-25", "2026-09-01", "--part", "774", "--part", "774,774", "--format", "json")
    assert once["part"] == "774" and once["counts"]["modified"] == 3  # type: ignore[index]
    assert run(folder, "diff", "2026-06-25", "2026-09-01", "--part", "774", "--part", "740", code=2).output == (
        "Error: 2026-06-25 is before the first stored version of part 740 (2026-09-01)\n")
    assert run(folder, "diff", "2026-09-01", "2026-09-01", "--part", "740,999", code=2).output.startswith(
        "Error: no stored versions of part 999")
    one = {p: _json(folder, "search", "Country Groups D:1", "--part", p, "--format", "json") for p in ("740", "774")}
    merged = _json(folder, "search", "Country Groups D:1", "--part", "740", "--part", "774", "--format", "json")
    hits = {p: d["hits"] for p, d in one.items()}  # type: ignore[index]
    assert merged["hits"] == hits["740"] + hits["774"] and len(hits["740"]) == 9 and len(hits["774"]) == 3  # type: ignore[index]
    head = {p: run(folder, "check-refs", "--part", p, code=c).output.splitlines()[0]
            for p, c in (("740", 1), ("774", 0), ("740,774", 1))}
    assert head == {"740": "956 ok, 0 reserved, 0 historical, 2 broken, 856 unverifiable of 1814 references",
                    "774": "214 ok, 1 reserved, 0 historical, 0 broken, 59 unverifiable of 274 references",
                    "740,774": "1170 ok, 1 reserved, 0 historical, 2 broken, 915 unverifiable of 2088 references"}
    assert run(folder, "check-refs", "--part", "740", "--part", "774", code=1).output.splitlines()[0] == head["740,774"]
    ruled = run(folder, "rules", "--part", "774", "--part", "740").stdout.splitlines()
    assert ruled == run(folder, "rules", "--part", "740,774").stdout.splitlines() and len(ruled) == 284
    none = run(folder, "rules", "--part", "740")  # the real list holds rules that amend Part 774
    assert none.stdout == "" and none.stderr.startswith("no rules stored amending part 740 (run `tracker fetch`")


def test_format_json_everywhere_and_json_kept_as_a_hidden_alias(folder: Path):
    rules = _json(folder, "rules", "--part", "774", "--format", "json")
    assert rules == _json(folder, "rules", "--part", "774", "--json") and len(rules["rules"]) == 284  # type: ignore[index]
    assert "--json" not in run(folder, "rules", "--help").output
    assert run(folder, "rules", "--json").stderr == "note: --json is deprecated, use --format json\n"
    file = str(PAIR["2026-09-01"])
    records = _json(folder, "parse", file, "--format", "json")
    assert records == _json(folder, "parse", file, "--json") and len(records["records"]) == 372  # type: ignore[index]
    for schema, command in (("diff", ["diff", "2026-06-25", "2026-09-01"]), ("history", ["history", "3A090"]),
                            ("text", ["history", "3A090", "--on", "2026-09-01"]), ("refs", ["refs", "3A090.b"]),
                            ("check-refs", ["check-refs", "--part", "774"]),
                            ("broken-refs", ["check-refs", "--part", "774", "--since", "2026-06-25"]),
                            ("search", ["search", "performance density"]),
                            ("search-dates", ["search", "performance density", "--all-dates"]),
                            ("show", ["show", "3A090.b"]), ("rules", ["rules"]), ("parse", ["parse", file]),
                            ("audits", ["audit", "--since", "2030-01-01"]), ("upcoming", ["upcoming"])):
        assert "--format [text|json]" in run(folder, command[0], "--help").output, command
        data = json.loads(run(folder, *command, "--format", "json").stdout)
        assert list(data)[0] == "schema" and data["schema"] == f"tracker.{schema}/1", command


def test_show_prints_references_from_the_store_on_a_date(folder: Path):
    out = run(folder, "show", RS_B).output
    assert out.startswith(f"{RS_B}\n  RS applies to 3A090.b | To or within the United Arab Emirates or destinations")
    assert "  → Country Group D:1   (written: Country Groups D:1, D:4, and D:5)\n" in out
    assert "  → 742.6(a)(6)(iii)(B)   (written: § 742.6(a)(6)(iii)(B))\n" in out
    old = run(folder, "show", RS_B, "--on", "2026-07-31").output
    assert "To or within destinations specified" in old and "United Arab Emirates" not in old
    item = _json(folder, "show", "3a090.B", "--format", "json")
    assert item["version"] == "2026-09-01"  # type: ignore[index]
    assert [p["citation"] for p in item["paragraphs"]] == ["3A090.b", "3A090.b.1", "3A090.b.2"]  # type: ignore[index]
    from_file = run(folder, "show", "3a090.B", "--file", str(PAIR["2026-09-01"])).output
    assert from_file == run(folder, "show", "3A090.b").output
    assert "before the first stored version" in run(folder, "show", "3A090.b", "--on", "2020-01-01", code=2).output
    assert "nearest known: 3A090" in run(folder, "show", "3A999", code=2).output
    section = run(folder, "show", "§ 740.2(a)(8)(i)").output
    assert "  → 740.10(a)(3)(v)   (written: § 740.10(a)(3)(v))\n" in section
    assert "  → Country Group E:1" in section


def test_history_of_an_item_shows_the_license_requirements_row_that_applies_to_it(folder: Path):
    out = run(folder, "history", "3a090.B").output
    assert out.startswith("History of 3A090.b (Part 774): 1 change date(s), newest first\n")
    assert "applies to 3A090.b (RS applies to 3A090.b):" in out and f"{RS_B}: modified" in out
    data = _json(folder, "history", "3A090.b", "--format", "json")
    [entry] = data["entries"]  # type: ignore[index]
    assert entry["date"] == "2026-09-01" and entry["changes"] == []
    assert [(a["applies_by"], a["citation"]) for a in entry["applying"]] == [("RS applies to 3A090.b", RS_B)]


def test_show_on_the_store_never_creates_a_database(tmp_path: Path):
    out = _invoke(tmp_path, "show", "3A090.b")
    assert out.exit_code == 2 and out.output.startswith("Error: no database at ") and not list(tmp_path.iterdir())
    out = _invoke(tmp_path, "show", "3A090.b", "--file", str(PAIR["2026-09-01"]), "--on", "2026-09-01")
    assert out.exit_code == 2 and "--on reads the database" in out.output


def test_diff_of_an_item_is_what_its_history_lists_on_the_real_9a012_pair(tmp_path: Path):
    for date in ("2026-06-25", "2026-09-01"):
        path = require(ECFR_API / f"excerpt-{date}-title-15-part-774-9A010-to-9A018.xml")
        assert _invoke(tmp_path, "ingest", str(path), "--part", "774", "--date", date).exit_code == 0
    diff = _json(tmp_path, "diff", "2026-06-25", "2026-09-01", "--eccn", "9a012.A", "--format", "json")
    [entry] = _json(tmp_path, "history", "9A012.a", "--format", "json")["entries"]  # type: ignore[index]
    own = ["9A012.a.1", "9A012.a.1.a", "9A012.a.1.b", "9A012.a.2", "9A012.a.3", "9A012.a.4", "9A012.a.5",
           "9A012.a Technical Notes"]
    assert [c["citation"] for c in entry["changes"]] == own
    assert [(a["citation"], a["applies_by"]) for a in entry["applying"]] == [
        ("9A012 License Requirements NS applies to 9A012.a.1", "NS applies to 9A012.a.1")]
    assert [c["citation"] for c in diff["changes"]] == [  # type: ignore[index]
        "9A012 License Requirements NS applies to 9A012.a.1", *own]
    whole = _json(tmp_path, "diff", "2026-06-25", "2026-09-01", "--eccn", "9A012", "--format", "json")
    assert whole["counts"] == {**whole["counts"], "added": 5, "removed": 3, "modified": 5}  # type: ignore[index]
