"""Texts by content (tracker.store.texts): the hash covers a paragraph's own fields, unit and Part, not its
references; the store finds the references of each text new to it once; a database stored under the former hash
(kind, marker, heading, text and references) is re-keyed by migration 7, in one transaction, and reads alike."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import tracker.parse.refs as refs_module
import tracker.store.schema as schema_module
from tests.diff.samples import EXCERPT_3A, parsed, xml_pair
from tests.diff.test_store_delta import _ingest as ingest_versions
from tests.diff.test_store_delta import _versions
from tests.support import PART_740, require
from tracker.diff import diff_dates
from tracker.history import history
from tracker.model import Paragraph, Reference, sha256_text
from tracker.parse import parse_bytes
from tracker.parse.refs import with_refs
from tracker.search import search, search_all_dates
from tracker.store import MIGRATIONS, Store, text_hash
from tracker.xref import check_refs, refs_to

BEFORE = 6  # the schema before the re-keying (migration 7)


def _ingest(store: Store, paragraphs: list[Paragraph], day: str, part: str = "740") -> bool:
    return store.ingest(paragraphs, part=part, date=day, source=day, sha256=day, size=1)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts whose references the store looks for, in the order it does."""
    seen: list[str] = []
    extract = refs_module.extract_refs

    def counting(text: str, *, unit: str | None, part: str) -> tuple[Reference, ...]:
        seen.append(text)
        return extract(text, unit=unit, part=part)

    monkeypatch.setattr(refs_module, "extract_refs", counting)
    return seen


def test_the_store_finds_the_references_of_each_new_text_once_and_reads_back_what_the_parser_finds(counted):
    data = require(PART_740).read_bytes()
    bare, whole = parse_bytes(data, refs=False), parse_bytes(data)
    counted.clear()  # the parse's own (with_refs) are not the store's
    store = Store(":memory:")
    assert _ingest(store, bare, "2026-09-01")
    assert store.paragraphs_on("740", "2026-09-01") == whole
    assert len(counted) == len({text_hash(p) for p in bare}) == store.counts()["texts"]
    counted.clear()
    edited = [replace(p, text=p.text + " Amended.") if p.citation == "740.10(a)(3)(v)" else p for p in bare]
    assert _ingest(store, edited, "2026-10-01")
    assert counted == [next(p.text for p in edited if p.citation == "740.10(a)(3)(v)")]
    assert _ingest(store, bare, "2026-11-01") and counted[1:] == []  # back to a text already stored


def test_references_handed_to_the_store_are_ignored_and_leave_the_hash_alone():
    p = Paragraph("740.2(a)", "740", "740.2", "740.2", "(a)", "paragraph", "", "(a) See paragraph (b) of this section.",
                  1, (Reference("999.9", "section", "made up"),))
    assert text_hash(p) == text_hash(replace(p, refs=()))
    store = Store(":memory:")
    _ingest(store, [p], "2026-09-01")
    assert store.paragraphs_on("740", "2026-09-01")[0].refs == (
        Reference("740.2(b)", "section", "paragraph (b) of this section"),)


def test_one_text_in_two_units_is_two_texts_each_with_its_own_resolved_references():
    text = "(a) See paragraph (b) of this section."
    first = Paragraph("740.2(a)", "740", "740.2", "740.2", "(a)", "paragraph", "", text, 1)
    second = replace(first, citation="740.3(a)", unit="740.3", parent="740.3", order=2)
    assert text_hash(first) != text_hash(second)
    store = Store(":memory:")
    _ingest(store, [first, second], "2026-09-01")
    assert [r.target for p in store.paragraphs_on("740", "2026-09-01") for r in p.refs] == ["740.2(b)", "740.3(b)"]
    assert store.counts()["texts"] == 2


def test_the_hash_is_the_documented_formula():
    p = Paragraph("3A090.a", "774", "3A090", "3A090", "a.", "item", "", "a. “Semiconductor” devices", 3)
    fields = ["item", "a.", "", "a. “Semiconductor” devices", "3A090", "774"]
    assert text_hash(p) == sha256_text(json.dumps(fields, ensure_ascii=False))


# --- migration 7 -------------------------------------------------------------------------------------------------


def _former_hash(kind: str, marker: str, heading: str, text: str, refs: str) -> str:
    """The content hash of HEAD's tracker before migration 7: references in, ranges' ends out, no unit or Part."""
    written = [r[:3] for r in json.loads(refs)]
    return sha256_text(json.dumps([kind, marker, heading, text, written], ensure_ascii=False))


def _former_database(source: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The versions of the database at ``source`` in one stored as the tracker before migration 7 stored them: at
    schema 6, each text once under its former hash (the first stored of those that share it, as INSERT OR IGNORE
    kept it), the spans naming it."""
    with monkeypatch.context() as m:
        m.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:BEFORE])
        Store(path).close()
    c = sqlite3.connect(path)
    c.execute("ATTACH DATABASE ? AS new", (str(source),))
    rows = c.execute("SELECT hash, kind, marker, heading, text, refs FROM new.texts ORDER BY rowid").fetchall()
    former = {h: _former_hash(*row) for h, *row in rows}
    c.executemany("INSERT OR IGNORE INTO texts VALUES (?, ?, ?, ?, ?, ?)", ((former[h], *row) for h, *row in rows))
    c.execute("INSERT INTO snapshots SELECT * FROM new.snapshots")
    spans = c.execute("SELECT * FROM new.spans").fetchall()
    c.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (row[:7] + (former[row[7]],) + row[8:] for row in spans))
    c.commit()
    c.close()


def _reads(store: Store) -> dict[str, Any]:
    """What every reading command sees: versions, deltas and diffs of neighbouring dates, references and their
    checks, histories, searches."""
    out: dict[str, Any] = {}
    for part in store.parts():
        days = store.dates(part)
        for a, b in zip(days, days[1:], strict=False):
            out[f"delta {part} {a} {b}"] = store.delta(part, a, b)
            out[f"diff {part} {a} {b}"] = diff_dates(store, a, b, part=part).changes
        for day in days:
            out[f"on {part} {day}"] = store.paragraphs_on(part, day)
            out[f"refs {part} {day}"] = store.refs_on(part, day)
            out[f"check {day}"] = check_refs(store, day)
            out[f"search {day}"] = search(store, "license exception", on=day)
    for key in ("740.10", "740.2", "3A090", "3A001"):
        out[f"history {key}"] = history(store, key, with_text=True)
        out[f"cited {key}"] = refs_to(store, key)
    out["search all"] = search_all_dates(store, "semiconductor")
    return out


def _units_kept(versions: dict[str, list[Paragraph]]) -> dict[str, list[Paragraph]]:
    """The versions with every paragraph in its own unit: no edit moves one to a unit ``740.2u`` with the same words
    (the eCFR never does, a citation names its unit; the former hash took that for no change of text, this one for
    a change, the references resolving in another unit)."""
    return {day: [replace(p, unit=p.unit.rstrip("u")) for p in version] for day, version in versions.items()}


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A database of this tracker: four versions of real Part 740 (25 edits each), two of a real CCL excerpt."""
    store = Store(tmp_path / "now.db")
    ingest_versions(store, _units_kept(_versions(list(parsed(PART_740)), 4, 25, seed=740)))
    for day, version in zip(("2026-06-25", "2026-09-01"), xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01"),
                            strict=True):
        _ingest(store, version, day, part="774")
    store.close()
    return tmp_path / "now.db"


def test_a_database_under_the_former_hash_is_rekeyed_and_every_read_stays_the_same(stored, tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    _former_database(stored, old, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:BEFORE])
        before = Store(old, readonly=True)
        reads, former_texts = _reads(before), before.counts()["texts"]
        before.close()
    upgraded, now = Store(old), Store(stored, readonly=True)
    assert former_texts < now.counts()["texts"]  # a text of two units was one row
    assert upgraded.schema_version == len(MIGRATIONS)
    assert _reads(upgraded) == reads
    texts = "SELECT hash, kind, marker, heading, text, refs FROM texts"
    assert set(upgraded.db.execute(texts)) == set(now.db.execute(texts))  # keyed as this tracker keys
    assert list(upgraded.db.execute("SELECT * FROM spans ORDER BY id")) == list(now.db.execute(
        "SELECT * FROM spans ORDER BY id"))
    fts = "SELECT count(*) FROM texts_fts WHERE texts_fts MATCH 'semiconductor'"
    assert upgraded.db.execute(fts).fetchone() == now.db.execute(fts).fetchone() != (0,)


def test_after_the_migration_the_next_version_shows_only_its_real_changes(stored, tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    _former_database(stored, old, monkeypatch)
    upgraded = Store(old)
    latest = upgraded.dates("740")[-1]
    current = upgraded.paragraphs_on("740", latest)
    amended = {p.citation for p in current[7::200]}
    edited = [replace(p, text=p.text + " Amended." if p.citation in amended else p.text, refs=()) for p in current]
    assert _ingest(upgraded, edited, "2030-01-01")  # as the parser hands it over: no references
    changed = upgraded.delta("740", latest, "2030-01-01")
    assert {p.citation for p in changed.new} == {p.citation for p in changed.old} == amended
    assert upgraded.paragraphs_on("740", "2030-01-01") == with_refs(edited)


def test_the_texts_no_span_uses_are_left_as_they_were(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    with monkeypatch.context() as m:
        m.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:BEFORE])
        Store(path).close()
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO texts VALUES ('h', 'paragraph', '(a)', '', '(a) Left over.', '[]')")
    assert list(Store(path).db.execute("SELECT hash, text FROM texts")) == [("h", "(a) Left over.")]


def test_a_migration_killed_before_it_commits_leaves_the_former_database_intact(stored, tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    _former_database(stored, old, monkeypatch)

    def rows() -> dict[str, list[tuple[Any, ...]]]:
        with sqlite3.connect(old) as c:
            return {t: sorted(c.execute(f"SELECT * FROM {t}"), key=repr) for t in ("texts", "spans", "migrations")}

    before = rows()
    env = {**os.environ, "TRACKER_KILL_AT": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    code = f"from tracker.store import Store; Store({str(old)!r})"  # the first checkpoint: migrate.commit
    killed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)
    assert killed.returncode == -9, killed.stderr
    assert rows() == before
    with monkeypatch.context() as m:
        m.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:BEFORE])
        assert Store(old, readonly=True).schema_version == BEFORE
    assert Store(old).schema_version == len(MIGRATIONS)


def test_texts_are_stored_as_text_word_for_word_and_found_by_their_words():
    """Headings and texts are bound as UTF-8 cast to TEXT (not as BLOBs): typed, read back and searched alike."""
    bare = parse_bytes(require(PART_740).read_bytes(), refs=False)
    store = Store(":memory:")
    _ingest(store, bare, "2026-09-01")
    assert store.db.execute("SELECT DISTINCT typeof(heading), typeof(text) FROM texts").fetchall() == [("text", "text")]
    assert [p.text for p in store.paragraphs_on("740", "2026-09-01")] == [p.text for p in bare]
    assert any("§" in p.text for p in bare)
    assert search(store, "Supplement")
