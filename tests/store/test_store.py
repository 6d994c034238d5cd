"""The temporal store: exact read-back, atomic and idempotent ingest, backfill, growth with changes, migrations."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tracker.store.connection as connection_module
import tracker.store.schema as schema_module
import tracker.store.versions as versions_module
from tests.diff.samples import EXCERPT_3A, ccl_history, numbered, para, parsed
from tests.diff.test_store_delta import _ingest as ingest_versions
from tests.diff.test_store_delta import _small_versions, _versions
from tests.support import ECFR_API, PART_740, SHARED
from tracker.ingest import find_snapshots, infer_part_date, ingest_file
from tracker.model import Paragraph, Rule
from tracker.parse.refs import with_refs
from tracker.store import (
    MIGRATIONS,
    MIN_JUDGED,
    ChangedUnit,
    Store,
    StoreError,
    SuspectVersionError,
    describe,
)
from tracker.xmltext import MAX_XML_BYTES


def _ingest(store: Store, paragraphs: list[Paragraph], day: str, part: str = "740") -> bool:
    return store.ingest(paragraphs, part=part, date=day, source=f"test {day}", sha256=f"sha {day}", size=1)


def _dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table (FTS index included): two equal dumps mean an unchanged database."""
    tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(map(tuple, store.db.execute(f"SELECT * FROM [{t}]")), key=repr) for t in tables}


def _canonical_spans(store: Store) -> set[tuple]:
    """The spans as histories: a row over consecutive ranges (a span split only to give it a new document-order
    key, tracker.store.ords) reads as one range."""
    columns = "part, citation, unit, parent, prev, gap, hash, valid_from, valid_to"
    merged: list[list] = []
    for row in store.db.execute(f"SELECT {columns} FROM spans ORDER BY part, citation, valid_from"):
        if merged and tuple(merged[-1][:7]) == tuple(row[:7]) and merged[-1][8] == row[7]:
            merged[-1][8] = row[8]
        else:
            merged.append(list(row))
    return {tuple(r) for r in merged}


def _edit(paragraphs: list[Paragraph], index: int, words: str) -> list[Paragraph]:
    out = list(paragraphs)
    out[index] = replace(out[index], text=f"{out[index].text} {words}")
    return out


@pytest.fixture
def part_740() -> list[Paragraph]:
    return list(parsed(PART_740))


def test_paragraphs_on_returns_exactly_what_was_ingested(part_740):
    store = Store(":memory:")
    ccl = list(parsed(ECFR_API / EXCERPT_3A.format("2026-09-01")))
    _ingest(store, part_740, "2026-09-01")
    _ingest(store, ccl, "2026-09-01", part="774")
    assert store.paragraphs_on("740", "2026-09-01") == part_740
    assert store.paragraphs_on("774", "2026-09-01") == ccl
    assert store.paragraphs_on("740", "2030-01-01") == part_740  # the version in force


def test_every_ccl_history_date_reads_back_exactly_after_ingest_in_shuffled_order():
    history = ccl_history()
    days = list(history)
    store = Store(":memory:")
    for day in days[1::2] + days[::2]:  # every other date first: the rest are backfills between them
        _ingest(store, list(history[day]), day, part="774")
    assert all(store.paragraphs_on("774", day) == with_refs(history[day]) for day in days)  # given without refs


def test_reingesting_same_snapshot_is_a_noop(part_740):
    store = Store(":memory:")
    assert _ingest(store, part_740, "2026-09-01") is True
    before = _dump(store)
    assert _ingest(store, part_740, "2026-09-01") is False
    assert _dump(store) == before


def test_reingesting_a_stored_date_from_other_bytes_is_refused_and_changes_nothing(part_740):
    store = Store(":memory:")
    _ingest(store, part_740, "2026-09-01")
    before = _dump(store)
    with pytest.raises(StoreError, match="already stored"):
        store.ingest(_edit(part_740, 5, "x"), part="740", date="2026-09-01", source="other", sha256="other", size=1)
    assert _dump(store) == before


def test_an_exception_mid_ingest_leaves_no_trace(part_740, tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    store = Store(path)
    _ingest(store, part_740, "2026-09-01")
    before = _dump(store)

    def fail() -> str:  # called for the snapshot row, after texts and spans were written
        raise RuntimeError("disk gone")

    monkeypatch.setattr(versions_module, "now", fail)
    with pytest.raises(RuntimeError, match="disk gone"):
        _ingest(store, _edit(_edit(part_740, 3, "new words"), 9, "more"), "2026-10-01")
    with pytest.raises(RuntimeError, match="disk gone"):  # a backfill that would split spans
        store.ingest(part_740[:100], part="740", date="2026-08-01", source="t", sha256="t", size=1, accept_suspect=True)
    assert _dump(store) == before
    store.close()
    assert _dump(Store(path)) == before  # nothing half-written on disk either


@pytest.mark.parametrize(
    ("paragraphs", "message"),
    [
        ([], "no paragraphs"),
        ([para("1.1(a)", "(a) x.", part="741")], "holds part 741, not part 740"),
        ([para("740.1(a)", "(a) x.", part="740")] * 2, "duplicate citation"),
    ],
)
def test_unusable_versions_are_refused_and_nothing_is_stored(paragraphs, message):
    store = Store(":memory:")
    before = _dump(store)
    with pytest.raises(StoreError, match=message):
        _ingest(store, paragraphs, "2024-01-01")
    assert _dump(store) == before


@pytest.mark.parametrize("day", ["2024-02-30", "04/04/2024", "2024-4-4"])
def test_a_version_date_that_is_not_a_calendar_date_is_refused(day, part_740):
    with pytest.raises(StoreError, match="not a date"):
        _ingest(Store(":memory:"), part_740, day)


def test_storage_grows_with_changes_not_versions(part_740):
    store = Store(":memory:")
    _ingest(store, part_740, "2024-01-01")
    first = store.counts()
    version = part_740
    for n in range(1, 20):  # 19 more versions, each changing one paragraph
        version = _edit(version, n * 80, f"amended {n}")
        _ingest(store, version, f"2024-01-{n + 1:02d}")
    assert store.counts() == {**first, "snapshots": 20, "texts": first["texts"] + 19, "spans": first["spans"] + 19}
    assert store.paragraphs_on("740", "2024-01-20") == version
    assert store.paragraphs_on("740", "2024-01-10") == _edit_chain(part_740, 9)


def _edit_chain(paragraphs: list[Paragraph], upto: int) -> list[Paragraph]:
    for n in range(1, upto + 1):
        paragraphs = _edit(paragraphs, n * 80, f"amended {n}")
    return paragraphs


def test_an_unchanged_version_costs_one_snapshot_row_only(part_740):
    store = Store(":memory:")
    _ingest(store, part_740, "2024-01-01")
    first = store.counts()
    _ingest(store, part_740, "2024-02-01")
    assert store.counts() == {**first, "snapshots": 2}


def test_inserting_one_paragraph_touches_only_its_successors_span(part_740):
    store = Store(":memory:")
    _ingest(store, part_740, "2024-01-01")
    first = store.counts()
    new = replace(part_740[100], citation="740.99(z)", text="(z) An inserted paragraph.")
    _ingest(store, numbered(part_740[:100] + [new] + part_740[100:]), "2024-02-01")
    assert store.counts()["spans"] == first["spans"] + 2  # the new paragraph, and its successor's new `prev`


_SMALL = [
    numbered([para("1.1(a)", "(a) A."), para("1.1(b)", "(b) B."), para("1.1(c)", "(c) C.")]),
    numbered([para("1.1(a)", "(a) A."), para("1.1(c)", "(c) C.")]),
    numbered([para("1.1(a)", "(a) A2."), para("1.1(c)", "(c) C."), para("1.1(d)", "(d) D.")]),
    numbered([para("1.1(a)", "(a) A2."), para("1.1(b)", "(b) B."), para("1.1(c)", "(c) C."), para("1.1(d)", "(d) D.")]),
]
_DAYS = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_out_of_order_ingest_gives_the_same_history_as_in_order(order):
    def history(sequence) -> Store:
        store = Store(":memory:")
        for i in sequence:
            _ingest(store, [replace(p, part="1") for p in _SMALL[i]], _DAYS[i], part="1")
        return store

    backfilled, in_order = history(order), history(range(4))
    assert _canonical_spans(backfilled) == _canonical_spans(in_order)
    assert [backfilled.paragraphs_on("1", d) for d in _DAYS] == [[replace(p, part="1") for p in v] for v in _SMALL]


def test_version_on_picks_the_latest_version_on_or_before_a_date(part_740):
    store = Store(":memory:")
    _ingest(store, part_740, "2024-01-01")
    _ingest(store, _edit(part_740, 50, "amended"), "2024-03-01")
    assert [store.version_on("740", d) for d in ("2023-12-31", "2024-01-01", "2024-02-15", "2024-09-09")] == [
        None,
        "2024-01-01",
        "2024-01-01",
        "2024-03-01",
    ]
    with pytest.raises(StoreError, match="no stored version of part 740 on or before 2023-12-31"):
        store.paragraphs_on("740", "2023-12-31")
    assert store.parts() == ["740"] and store.dates("740") == ["2024-01-01", "2024-03-01"]


def test_earlier_texts_names_citations_seen_before_a_date_with_their_last_text():
    store = Store(":memory:")
    a, b = para("1.1(a)", "(a) A."), para("1.1(b)", "(b) B.")
    _ingest(store, numbered([a, b]), "2024-01-01", part="1")
    _ingest(store, numbered([a, replace(b, text="(b) B2.")]), "2024-02-01", part="1")
    _ingest(store, numbered([a]), "2024-03-01", part="1")
    assert store.earlier_texts("1", "2024-03-01") == {"1.1(a)": "(a) A.", "1.1(b)": "(b) B2."}
    assert store.earlier_texts("1", "2024-01-01") == {}


def test_migrations_are_versioned_and_each_runs_once(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:1])
    old = Store(path)
    old.db.execute("INSERT INTO texts VALUES ('h', 'paragraph', '(a)', '', '(a) Exports of semiconductors.', '[]')")
    assert old.schema_version == 1
    old.close()
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS)
    upgraded = Store(path)
    assert upgraded.schema_version == len(MIGRATIONS) >= 4
    hits = upgraded.db.execute("SELECT count(*) FROM texts_fts WHERE texts_fts MATCH 'semiconductors'").fetchone()
    assert hits == (1,)  # migration 2 indexed the text stored before it
    applied = list(upgraded.db.execute("SELECT version FROM migrations ORDER BY version"))
    upgraded.close()
    again = Store(path)
    versions = list(again.db.execute("SELECT version FROM migrations ORDER BY version"))
    assert versions == applied == [(v,) for v in range(1, len(MIGRATIONS) + 1)]


def test_a_database_from_a_newer_tracker_is_refused(tmp_path):
    path = tmp_path / "t.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO migrations VALUES (99, 'future')")
    with pytest.raises(StoreError, match="schema version 99"):
        Store(path)


def test_ingest_file_takes_part_and_date_from_the_snapshot_layout(tmp_path):
    folder = tmp_path / "snapshots" / "ecfr" / "title-15" / "part-740"
    folder.mkdir(parents=True)
    (folder / "2026-09-01.xml").symlink_to(PART_740)
    store = Store(":memory:")
    assert ingest_file(store, folder / "2026-09-01.xml") is True
    (row,) = store.snapshots()
    assert (row.part, row.date, row.size, row.paragraphs) == ("740", "2026-09-01", 404157, 1766)
    assert (row.source, row.url, row.issue_date, row.fetched_at, row.excerpt) == (
        str(folder / "2026-09-01.xml"), None, None, None, False
    )
    assert store.snapshot("740", "2026-09-01") == row and store.snapshot("740", "2026-09-02") is None
    assert store.snapshots("774") == [] and store.snapshots("740") == [row]
    assert infer_part_date("elsewhere/file.xml") == (None, None)
    with pytest.raises(StoreError, match="cannot tell the Part and date"):
        ingest_file(store, PART_740)


def test_find_snapshots_reads_both_layouts_and_skips_other_files(tmp_path):
    for rel in ("ecfr/title-15/part-774/2026-06-25.xml", "title-15/part-740/2026-09-01.xml",
                "ecfr/title-15/part-740/notes.xml", "ecfr/title-15/part-740/2026-09-01.xml.tmp"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<x/>")
    found = [(p, d, f.relative_to(tmp_path).as_posix()) for p, d, f in find_snapshots(tmp_path)]
    assert found == [
        ("740", "2026-09-01", "title-15/part-740/2026-09-01.xml"),
        ("774", "2026-06-25", "ecfr/title-15/part-774/2026-06-25.xml"),
    ]


# -- the plausibility gate -------------------------------------------------------------------------------


def _store_with(part_740: list[Paragraph], *days: str) -> Store:
    store = Store(":memory:")
    for day in days:
        _ingest(store, part_740, day)
    return store


def _cut_texts(paragraphs: list[Paragraph], keep: float) -> list[Paragraph]:
    return [replace(p, text=p.text[: max(1, int(len(p.text) * keep))]) for p in paragraphs]


@pytest.mark.parametrize(
    ("version", "lost"),
    [
        (lambda ps: ps[: len(ps) // 3], "1,766"),  # two thirds of the paragraphs gone
        (lambda ps: _cut_texts(ps, 0.3), "characters of text"),  # every paragraph there, most of the words gone
    ],
    ids=["paragraphs", "text"],
)
def test_a_version_losing_most_of_the_part_is_refused_in_one_line_and_nothing_is_stored(part_740, version, lost):
    store = _store_with(part_740, "2026-09-01")
    before = _dump(store)
    with pytest.raises(SuspectVersionError) as refused:
        _ingest(store, version(part_740), "2026-10-01")
    message = str(refused.value)
    assert "\n" not in message and lost in message and "on 2026-09-01" in message
    assert message.endswith("--part 740 --date 2026-10-01 --accept-suspect)")
    assert _dump(store) == before
    accepted = store.ingest(version(part_740), part="740", date="2026-10-01", source="t", sha256="t", size=1,
                            accept_suspect=True)
    assert accepted and store.paragraphs_on("740", "2026-10-01") == with_refs(version(part_740))  # of the cut texts


def test_the_gate_lets_through_half_the_part_a_first_version_an_excerpt_and_tiny_parts(part_740):
    store = _store_with(part_740, "2026-09-01")
    half = part_740[: (len(part_740) + 1) // 2]
    assert sum(len(p.text) for p in half) * 2 >= sum(len(p.text) for p in part_740)
    assert _ingest(store, half, "2026-10-01")  # "fewer than half" is the rule: exactly half passes
    assert store.ingest(part_740[:10], part="740", date="2026-11-01", source="x", sha256="x", size=1, excerpt=True)
    assert _ingest(Store(":memory:"), part_740[:10], "2026-01-01")  # a first version: nothing to compare with
    tiny = _store_with(part_740[: MIN_JUDGED - 1], "2026-01-01")
    assert _ingest(tiny, part_740[:3], "2026-02-01")  # too small a Part to judge by proportion


def test_the_gate_compares_with_the_nearest_earlier_whole_version_or_for_the_oldest_the_next(part_740):
    store = _store_with(part_740, "2026-06-01", "2026-09-01")
    store.ingest(part_740[:10], part="740", date="2026-07-01", source="e", sha256="e", size=1, excerpt=True)
    with pytest.raises(SuspectVersionError, match="against 1,766 .* on 2026-06-01"):  # not the excerpt between
        _ingest(store, part_740[:100], "2026-08-01")
    with pytest.raises(SuspectVersionError, match="against 1,766 .* on 2026-06-01"):  # a backfill: the next one
        _ingest(store, part_740[:100], "2026-01-01")
    assert store.dates("740") == ["2026-06-01", "2026-07-01", "2026-09-01"]


# -- removing a version ----------------------------------------------------------------------------------


def _assert_same_store(store: Store, never: Store, part: str) -> None:
    """``store`` (a version removed) reads exactly as ``never`` (that version never ingested)."""
    assert store.dates(part) == never.dates(part)
    assert _canonical_spans(store) == _canonical_spans(never)
    days = never.dates(part)
    for day in days:
        assert store.paragraphs_on(part, day) == never.paragraphs_on(part, day)
    for a, b in zip(days, days[1:], strict=False):
        assert store.delta(part, a, b) == never.delta(part, a, b)
        assert store.earlier_texts(part, b) == never.earlier_texts(part, b)


@settings(max_examples=80, deadline=None)
@given(_small_versions(), st.data())
def test_removing_any_version_leaves_exactly_the_store_that_never_had_it(drawn, data):
    versions, order = drawn
    gone = data.draw(st.sampled_from(sorted(versions)))
    store, never = Store(":memory:"), Store(":memory:")
    ingest_versions(store, versions, order)
    ingest_versions(never, versions, [d for d in order if d != gone])
    removal = store.remove_version("1", gone)
    assert removal.snapshot.date == gone
    assert removal.next_date == next((d for d in sorted(versions) if d > gone), None)
    _assert_same_store(store, never, "1")


@pytest.mark.parametrize("gone", [0, 2, 4])
def test_removing_a_version_of_real_part_740_leaves_the_others_exactly(gone):
    versions = _versions(list(parsed(PART_740)), 5, 25, seed=7400 + gone)
    days = list(versions)
    store, never = Store(":memory:"), Store(":memory:")
    ingest_versions(store, versions)
    ingest_versions(never, versions, [d for d in days if d != days[gone]])
    texts = store.counts()["texts"]
    store.remove_version("740", days[gone])
    _assert_same_store(store, never, "740")
    assert store.counts()["texts"] == texts  # texts may stay; nothing points at the removed ones
    assert _ingest(store, versions[days[gone]], days[gone])  # the version can be stored again


def test_removing_the_only_version_empties_the_part_and_an_unknown_version_is_refused(part_740):
    store = _store_with(part_740, "2026-09-01")
    with pytest.raises(StoreError, match="no stored version on 2026-10-01; nothing removed"):
        store.remove_version("740", "2026-10-01")
    store.remove_version("740", "2026-09-01")
    assert store.parts() == [] and store.counts()["spans"] == 0


def test_removing_a_version_drops_the_unsent_deliveries_of_its_reports_and_keeps_the_sent(part_740):
    store = _store_with(part_740, "2026-06-01")
    for day in ("2026-09-01", "2026-10-01"):
        _ingest(store, _edit(part_740, 7, day), day)
    rows = [(day, who, status) for day in ("2026-06-01", "2026-09-01", "2026-10-01")
            for who, status in (("a@x", "sent"), ("b@x", "pending"), ("c@x", "failed"))]
    store.db.conn.executemany(
        "INSERT INTO deliveries (version_date, recipient, message_id, subject, status, updated_at)"
        " VALUES (?, ?, 'id', 's', ?, 'now')", rows)
    removal = store.remove_version("740", "2026-09-01")
    assert (removal.next_date, removal.deliveries_deleted, removal.deliveries_kept) == ("2026-10-01", 4, 2)
    left = sorted(store.db.execute("SELECT version_date, recipient FROM deliveries"))
    assert left == [("2026-06-01", "a@x"), ("2026-06-01", "b@x"), ("2026-06-01", "c@x"),
                    ("2026-09-01", "a@x"), ("2026-10-01", "a@x")]


# -- files that are not a tracker database, read-only opening, full disk --------------------------------


def _tracker_db(path: Path, part_740: list[Paragraph]) -> Path:
    with Store(path) as store:
        _ingest(store, part_740, "2026-09-01")
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _other_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (name TEXT, taken TEXT)")
        conn.execute("INSERT INTO photos VALUES ('x.jpg', '2020-01-01')")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p, _: p.write_text("hello, this is a note\n" * 20), "not a tracker database (not an SQLite file)"),
        (lambda p, _: p.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8), "not an SQLite file"),
        (lambda p, _: p.write_bytes(b"SQLite format 3\x00\x10\x00"), "not an SQLite file"),  # cut inside the header
        (lambda p, _: _other_sqlite(p), "SQLite database of other tables (photos), not a tracker database"),
        (lambda p, ps: p.write_bytes(_tracker_db(p.with_name("whole.db"), ps).read_bytes()[:20_000]), "is truncated"),
    ],
    ids=["text", "jpeg", "short", "other-sqlite", "truncated"],
)
@pytest.mark.parametrize("readonly", [False, True], ids=["read-write", "read-only"])
def test_a_file_that_is_not_a_tracker_database_is_refused_in_one_line_and_left_as_it_is(
    tmp_path, part_740, make, message, readonly
):
    path = tmp_path / "db" / "tracker.db"
    path.parent.mkdir()
    make(path, part_740)
    before = _files(path.parent)
    with pytest.raises(StoreError) as refused:
        Store(path, readonly=readonly)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert _files(path.parent) == before  # not even a journal-mode switch or a -wal file


def test_an_empty_file_becomes_a_tracker_database(tmp_path):
    path = tmp_path / "tracker.db"
    path.touch()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)


def test_read_only_opening_reads_and_writes_nothing(tmp_path, part_740):
    path = _tracker_db(tmp_path / "tracker.db", part_740)
    with sqlite3.connect(path) as conn:  # a rollback-journal database: a read-write open would switch it to WAL
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = path.read_bytes()
    with Store(path, readonly=True) as store:
        assert store.paragraphs_on("740", "2026-09-01") == part_740
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            _ingest(store, _edit(part_740, 1, "x"), "2026-10-01")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.db"]


def test_read_only_opening_of_a_missing_or_old_database_is_one_line_and_creates_nothing(tmp_path, monkeypatch):
    with pytest.raises(StoreError, match="no database at"):
        Store(tmp_path / "none.db", readonly=True)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:3])
    Store(tmp_path / "old.db").close()
    monkeypatch.setattr(schema_module, "MIGRATIONS", MIGRATIONS)
    older = f"schema version 3, older than this tracker's {len(MIGRATIONS)}; a writing command"
    with pytest.raises(StoreError, match=older):
        Store(tmp_path / "old.db", readonly=True)


def test_read_only_opening_in_a_folder_it_cannot_write_uses_sqlites_immutable_mode(tmp_path, part_740, monkeypatch):
    """Where SQLite could not create its -shm file, ``immutable=1`` lets it read a WAL database anyway (the
    folder's write permission is simulated: root can write everywhere)."""
    path = _tracker_db(tmp_path / "tracker.db", part_740)
    real_access = os.access
    monkeypatch.setattr(connection_module.os, "access", lambda p, mode: Path(p) != tmp_path and real_access(p, mode))
    with Store(path, readonly=True) as store:
        assert store.paragraphs_on("740", "2026-09-01") == part_740
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.db"]  # no -shm, no -wal


def test_a_writer_is_refused_in_one_line_where_it_could_not_write(tmp_path, part_740, monkeypatch):
    """What a read-only file or file system looks like to a writer (simulated: root writes everywhere)."""
    path = _tracker_db(tmp_path / "tracker.db", part_740)
    before = _files(tmp_path)
    real_access = os.access
    monkeypatch.setattr(connection_module.os, "access", lambda p, mode: Path(p) != path and real_access(p, mode))
    with pytest.raises(StoreError, match="read-only here; a writing command needs write access") as refused:
        Store(path)
    assert "\n" not in str(refused.value) and _files(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="chmod cannot stop root")
def test_a_read_only_file_opens_read_only_and_refuses_a_writer_in_one_line(tmp_path, part_740):
    path = _tracker_db(tmp_path / "tracker.db", part_740)
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with Store(path, readonly=True) as store:
            assert store.dates("740") == ["2026-09-01"]
        with pytest.raises(StoreError, match="read-only"):
            Store(path)
    finally:
        tmp_path.chmod(0o755)


def test_a_full_disk_mid_ingest_is_one_error_and_nothing_is_half_stored(tmp_path, part_740):
    path = _tracker_db(tmp_path / "tracker.db", part_740)
    store = Store(path)
    before = _dump(store)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite reports SQLITE_FULL past it
    new = [replace(p, text=f"{p.text} amended") for p in part_740]
    with pytest.raises(sqlite3.OperationalError) as full:
        _ingest(store, new, "2026-10-01")
    assert describe(full.value) == "the disk is full (or the database reached its size limit)"
    assert _dump(store) == before
    store.close()
    with Store(path) as again:  # room again: the next run stores it
        assert _ingest(again, new, "2026-10-01") and again.paragraphs_on("740", "2026-10-01") == new


def test_a_locked_database_is_refused_after_the_busy_timeout_in_one_line(tmp_path, part_740, monkeypatch):
    path = _tracker_db(tmp_path / "tracker.db", part_740)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    monkeypatch.setattr(connection_module, "BUSY_TIMEOUT", 0.05)
    try:
        with pytest.raises(StoreError, match="locked by another process") as locked:
            Store(path)
        assert "\n" not in str(locked.value)
        with Store(path, readonly=True) as reader:  # readers are not blocked by a writer (WAL)
            assert reader.dates("740") == ["2026-09-01"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_changed_units_names_the_three_ccl_entries_the_real_pair_changes():
    store = Store(":memory:")
    for day in ("2026-06-25", "2026-09-01"):
        ingest_file(store, ECFR_API / EXCERPT_3A.format(day), part="774", date=day)
    units = sorted(store.changed_units())
    assert units == [ChangedUnit("774", "3A001"), ChangedUnit("774", "3A090"), ChangedUnit("774", "4A090")]
    assert [(u.part, u.unit) for u in units][0] == ("774", "3A001")


# -- rules ----------------------------------------------------------------------------------------------------


def test_stored_rules_come_back_typed_with_parts_and_the_record_decoded():
    real = json.loads((SHARED / "data" / "federal-register-api" / "document-single.json").read_text())
    bis = {
        "document_number": "2024-07004", "citation": "89 FR 23876", "title": "Export Administration Regulations",
        "publication_date": "2024-04-04", "effective_on": "2024-04-04",
        "cfr_references": [{"title": 15, "part": "774"}, {"title": 48, "part": "52"}, {"title": 15, "part": "740"}],
    }
    store = Store(":memory:")
    assert store.add_rules([real, bis]) == 2
    first, second = store.rules()
    assert (first.document_number, first.parts, first.raw) == ("2024-07004", ("740", "774"), bis)
    assert (first.action, first.html_url) == (None, None)
    assert (second.document_number, second.citation, second.parts) == ("2026-19895", "91 FR 61426", ())
    assert second.raw == real
    assert first.rule() == Rule("2024-07004", "89 FR 23876", "Export Administration Regulations", "", "2024-04-04",
                                "2024-04-04", "")
    assert first.record() == {**bis, "parts": ["740", "774"]}
    assert store.rules("774") == [first] and store.rules("734") == [] and {first, second} == set(store.rules())
    assert store.rules_of_date("2026-09-29") == [second]


# -- ingest_file: excerpts and the size cap ----------------------------------------------------------------


def test_a_file_holding_one_section_is_refused_unless_it_is_said_to_be_an_excerpt():
    section = ECFR_API / "excerpt-2026-09-01-title-15-section-740.10.xml"
    store = Store(":memory:")
    with pytest.raises(StoreError, match="holds only 740.10 of part 740, not the whole Part .*--excerpt$"):
        ingest_file(store, section, part="740", date="2026-09-01")
    assert store.parts() == []
    assert ingest_file(store, section, part="740", date="2026-09-01", excerpt=True)
    assert store.snapshot("740", "2026-09-01").excerpt is True


def test_a_part_root_whose_comments_say_stretches_are_omitted_is_stored_as_an_excerpt():
    store = Store(":memory:")
    assert ingest_file(store, ECFR_API / EXCERPT_3A.format("2026-09-01"), part="774", date="2026-09-01")
    assert store.snapshot("774", "2026-09-01").excerpt is True  # "<!-- EXCERPT: … are omitted here. -->"
    whole = ECFR_API / "full-2026-09-01-title-15-part-734.xml"  # a real response: no comments
    assert ingest_file(store, whole, part="734", date="2026-09-01") and not store.snapshot("734", "2026-09-01").excerpt


def test_a_file_over_the_size_limit_is_refused_from_its_size_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.xml"
    with big.open("wb") as f:
        f.truncate(MAX_XML_BYTES + 1)  # sparse: nothing to read, only its size
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    with pytest.raises(StoreError, match=r"64,000,001 bytes is over the 64,000,000-byte limit .* nothing read"):
        ingest_file(Store(":memory:"), big, part="740", date="2026-09-01")
