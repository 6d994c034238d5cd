"""The temporal store: exact read-back, atomic and idempotent ingest, backfill, growth with changes, migrations."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace

import pytest

import tracker.store as store_module
from tests.diff.samples import EXCERPT_3A, ccl_history, numbered, para, parsed
from tests.support import ECFR_API, PART_740
from tracker.model import Paragraph
from tracker.store import MIGRATIONS, Store, StoreError, find_snapshots, infer_part_date, ingest_file


def _ingest(store: Store, paragraphs: list[Paragraph], day: str, part: str = "740") -> bool:
    return store.ingest(paragraphs, part=part, date=day, source=f"test {day}", sha256=f"sha {day}", size=1)


def _dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table (FTS index included): two equal dumps mean an unchanged database."""
    tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(map(tuple, store.db.execute(f"SELECT * FROM [{t}]")), key=repr) for t in tables}


def _canonical_spans(store: Store) -> set[tuple]:
    columns = "part, citation, unit, parent, prev, gap, hash, valid_from, valid_to"
    return set(store.db.execute(f"SELECT {columns} FROM spans"))


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
    assert all(store.paragraphs_on("774", day) == list(history[day]) for day in days)


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

    monkeypatch.setattr(store_module, "_now", fail)
    with pytest.raises(RuntimeError):
        _ingest(store, _edit(_edit(part_740, 3, "new words"), 9, "more"), "2026-10-01")
    with pytest.raises(RuntimeError):
        _ingest(store, part_740[:100], "2026-08-01")  # a backfill that would split spans
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
    _ingest(store, part_740[:50], "2024-03-01")
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
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
    old = Store(path)
    old.db.execute("INSERT INTO texts VALUES ('h', 'paragraph', '(a)', '', '(a) Exports of semiconductors.', '[]')")
    assert old.schema_version == 1
    old.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    upgraded = Store(path)
    assert upgraded.schema_version == len(MIGRATIONS) == 4
    hits = upgraded.db.execute("SELECT count(*) FROM texts_fts WHERE texts_fts MATCH 'semiconductors'").fetchone()
    assert hits == (1,)  # migration 2 indexed the text stored before it
    applied = list(upgraded.db.execute("SELECT version FROM migrations ORDER BY version"))
    upgraded.close()
    again = Store(path)
    assert list(again.db.execute("SELECT version FROM migrations ORDER BY version")) == applied == [(1,), (2,), (3,), (4,)]


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
    assert (row["part"], row["date"], row["size"], row["paragraphs"]) == ("740", "2026-09-01", 404157, 1765)
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
