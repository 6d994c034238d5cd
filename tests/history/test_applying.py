"""The history of an ECCN item lists the notes and License Requirements rows of its entry that apply to it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.history.conftest import EXCERPT_774
from tests.support import ECFR_API, require
from tracker.cli import main
from tracker.history import history

UAE = ("insert", "the United Arab Emirates or ")


def test_the_rs_row_of_3a090_b_is_in_the_history_of_3a090_b(excerpt_store):
    (entry,) = history(excerpt_store, "3A090.b").entries
    assert (entry.date, entry.previous, entry.changes) == ("2026-09-01", "2026-06-25", ())
    (applying,) = entry.applying
    assert (applying.by, applying.change.kind, applying.change.citation) == (
        "RS applies to 3A090.b", "modified", "3A090 License Requirements RS applies to 3A090.b")
    assert UAE in applying.change.redline
    assert history(excerpt_store, "3A090.b.1").dates == ["2026-09-01"]  # the row covers what is under 3A090.b


@pytest.mark.parametrize(("key", "dates"), [
    ("3A090.a", []), ("3A090.c", []), ("4A090.a", []), ("4A090.b", ["2026-09-01"]),
    ("3A001.z.1", ["2026-09-01"]), ("3A001.z.4.b", ["2026-09-01"]), ("3A001.z.1.a", []), ("3A001.a", []),
])
def test_only_the_items_a_changed_row_names_get_it(excerpt_store, key, dates):
    """Each real table cell that changed names its items: 3A090.b, 4A090.b, 3A001.z.1.b, z.2.b, z.3.b, z.4.b."""
    assert history(excerpt_store, key).dates == dates


def test_an_eccn_history_is_unchanged_its_rows_are_its_own(excerpt_store):
    (entry,) = history(excerpt_store, "3A090").entries
    assert entry.applying == () and [c.citation for c in entry.changes] == [
        "3A090 License Requirements RS applies to 3A090.b"]
    assert "applying" not in history(excerpt_store, "3A090").to_dict()["entries"][0]


def test_json_keeps_changes_and_adds_applying_with_applies_by(excerpt_store):
    (entry,) = json.loads(history(excerpt_store, "3A090.b").to_json())["entries"]
    assert entry["changes"] == []
    (row,) = entry["applying"]
    assert row["applies_by"] == "RS applies to 3A090.b"
    assert (row["kind"], row["citation"]) == ("modified", "3A090 License Requirements RS applies to 3A090.b")
    assert list(UAE) in row["redline"]


@pytest.fixture(scope="module")
def excerpt_db(tmp_path_factory):
    """A database file with the real 3A pair, stored as the README says (``tracker ingest``)."""
    path = tmp_path_factory.mktemp("db") / "tracker.db"
    for date in ("2026-06-25", "2026-09-01"):
        xml = str(require(ECFR_API / EXCERPT_774.format(date)))
        out = _run(path, "ingest", xml, "--part", "774", "--date", date)
        assert out.exit_code == 0, out.output
    return path


def _run(db, *args):
    return CliRunner().invoke(main, list(args), env={"TRACKER_DB": str(db)})


def test_cli_history_of_3a090_b_shows_the_rs_row_change(excerpt_db):
    out = _run(excerpt_db, "history", "3A090.b")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "History of 3A090.b (Part 774): 1 change date(s), newest first"
    i = lines.index("  applies to 3A090.b (RS applies to 3A090.b):")
    assert lines[i + 1] == "  3A090 License Requirements RS applies to 3A090.b: modified"
    assert "{+the United Arab Emirates or +}" in lines[i + 2]
    data = json.loads(_run(excerpt_db, "history", "3A090.b", "--format", "json").output)
    assert [a["applies_by"] for e in data["entries"] for a in e["applying"]] == ["RS applies to 3A090.b"]
