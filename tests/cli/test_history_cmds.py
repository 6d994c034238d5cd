"""The commands and the static history pages, on a database file built from derived Part 740 versions."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.history.conftest import ingest
from tracker.cli import main
from tracker.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory, derived_versions):
    path = tmp_path_factory.mktemp("db") / "tracker.db"
    store = Store(path)
    for date, paragraphs in derived_versions.items():
        ingest(store, paragraphs, "740", date)
    store.db.conn.close()
    return path


def run(db, *args):
    return CliRunner().invoke(main, list(args), env={"TRACKER_DB": str(db)}, catch_exceptions=False)


def test_history_command_text_and_json(db):
    out = run(db, "history", "740.10(a)(2)")
    assert out.exit_code == 0
    assert out.output.index("2024-06-03") < out.output.index("2024-02-01")
    assert "{+or like-for-like +}" in out.output
    data = json.loads(run(db, "history", "740.10(a)(2)", "--format", "json").output)
    assert [e["date"] for e in data["entries"]] == ["2024-06-03", "2024-04-04", "2024-02-01"]


def test_history_on_prints_the_text_of_that_day(db, derived_versions):
    out = run(db, "history", "740.10(a)(2)(ii)", "--on", "2024-01-15")
    expected = next(p.text for p in derived_versions["2024-01-02"] if p.citation == "740.10(a)(2)(ii)")
    assert out.exit_code == 0 and out.output == expected + "\n"


def test_unknown_key_is_one_line_exit_2(db):
    out = run(db, "history", "740.10(z)")
    assert out.exit_code == 2 and "nearest known" in out.output and "Traceback" not in out.output


def test_bad_date_and_missing_database_are_input_errors(db, tmp_path):
    assert run(db, "history", "740.10", "--on", "2024-13-01").exit_code == 2
    out = run(tmp_path / "none.db", "history", "740.10")
    assert out.exit_code == 2 and "no database" in out.output
    assert not (tmp_path / "none.db").exists()


def test_refs_check_refs_and_search_commands(db):
    assert "740.2(a)(8)(i)" in run(db, "refs", "740.10(a)(3)(v)").output
    out = run(db, "check-refs", "--on", "2024-05-01")
    assert out.exit_code == 1 and "740.11(b)(iii)" in out.output  # broken references found: exit 1
    assert "740.10(a)(2)(ii)  2024-02-01 → still there" in run(db, "search", "like-for-like", "--all-dates").output
    assert "no text contains" in run(db, "search", "like-for-like", "--on", "2024-01-02").output


def test_pages_writes_a_page_per_changed_section_and_an_index(db, tmp_path):
    out = run(db, "pages", "--out", str(tmp_path))
    assert out.exit_code == 0
    pages = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html"))
    assert pages == ["history.html", "section/740.10.html", "section/740.2.html"]
    page = (tmp_path / "section/740.10.html").read_text(encoding="utf-8")
    assert "<ins>or like-for-like </ins>" in page and "2024-06-03" in page
    assert "740.2(a)(8)(i)" in page  # an inbound reference
    index = (tmp_path / "history.html").read_text(encoding="utf-8")
    assert 'href="section/740.10.html"' in index and 'id="filter"' in index
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize(
    "command",
    [["refs", "740.10(a)(2)"], ["check-refs"], ["search", "replacement parts"], ["history", "740.10(a)(2)"]],
    ids=lambda c: c[0],
)
def test_on_before_the_first_stored_version_is_one_line_exit_2(db, derived_versions, command):
    first = min(derived_versions)
    out = CliRunner().invoke(main, [*command, "--on", "2017-01-01"], env={"TRACKER_DB": str(db)})
    assert out.exit_code == 2
    assert out.stderr.strip() == f"Error: --on 2017-01-01 is before the first stored version ({first})"
    assert run(db, *command, "--on", first).exit_code == (1 if command == ["check-refs"] else 0)  # 1: broken found


@pytest.mark.parametrize(
    "typed", ["§ 740.10(a)(3)(v)", "15 CFR 740.10(a)(3)(v)", "740.10(a)(3)(v)", "§740.10 (a)(3)(v)"]
)
def test_refs_reads_a_paragraph_as_people_type_it(db, typed):
    out = run(db, "refs", typed, "--on", "2024-01-15")
    assert out.exit_code == 0 and out.output.startswith("740.2(a)(8)(i)  →  740.10(a)(3)(v)")


@pytest.mark.parametrize("typed", ["country group e:1", "Country Group E:1", "E:1"])
def test_refs_reads_a_country_group_as_people_type_it(db, typed):
    out = run(db, "refs", typed, "--on", "2024-01-15")
    assert out.exit_code == 0 and "→  Country Group E:1" in out.output


def test_refs_reads_a_supplement_as_people_type_it(db):
    out = run(db, "refs", "supplement no. 1 to part 740", "--on", "2024-01-15")
    assert out.exit_code == 0 and "→  Supplement No. 1 to Part 740" in out.output


def test_refs_to_a_paragraph_that_does_not_exist_is_exit_2(db):
    out = CliRunner().invoke(main, ["refs", "740.10(a)(2)(iv)", "--on", "2024-01-15"], env={"TRACKER_DB": str(db)})
    assert out.exit_code == 2
    assert out.stderr.strip() == (
        "Error: no such paragraph on 2024-01-15: 740.10(a)(2)(iv) does not exist in Part 740 as of 2024-01-02")
    on_later = run(db, "refs", "740.10(a)(2)(iv)", "--on", "2024-04-04")  # derived version 3 adds it
    assert on_later.exit_code == 0 and on_later.output.startswith("no references to 740.10(a)(2)(iv)")
    assert CliRunner().invoke(main, ["refs", "hello"], env={"TRACKER_DB": str(db)}).exit_code == 2


def test_refs_into_a_part_not_stored_lists_what_is_there(db):
    out = run(db, "refs", "3a090.A", "--on", "2024-01-15")
    assert out.exit_code == 0 and "→  3A090.a" in out.output
    assert run(db, "refs", "3Z999", "--on", "2024-01-15").exit_code == 2  # not a citation at all


def test_check_refs_json_counts_every_status_and_lists_the_broken(db):
    out = run(db, "check-refs", "--on", "2024-05-01", "--format", "json")
    data = json.loads(out.output)
    assert out.exit_code == 1 and set(data["counts"]) == {"ok", "reserved", "historical", "broken", "unverifiable"}
    assert {r["status"] for r in data["references"]} == {"broken"}
    assert len(data["references"]) == data["counts"]["broken"]
    shown = json.loads(run(db, "check-refs", "--on", "2024-05-01", "--format", "json", "--show", "unverifiable").output)
    assert {r["status"] for r in shown["references"]} == {"broken", "unverifiable"}


def test_check_refs_since_lists_only_what_became_broken_after_the_date(db):
    # derived version 2024-04-04 adds 740.10(a)(2)(iv), made by 740.2(a)(8)(i)'s edit; nothing new breaks after it
    out = run(db, "check-refs", "--since", "2024-01-02", "--format", "json")
    data = json.loads(out.output)
    assert data["since"] == "2024-01-02"
    assert all(r["broken_since"] > "2024-01-02" for r in data["broken"])
    assert out.exit_code == (1 if data["broken"] else 0)
    latest = run(db, "check-refs", "--since", "2030-01-01")
    assert latest.exit_code == 0 and latest.output == "0 reference(s) became broken after 2030-01-01\n"
    assert run(db, "check-refs", "--since", "2024-13-01").exit_code == 2
