"""The per-version tallies of spans by stretch of keys (tracker.store.tallies): exact under every store operation,
filled by their migration, and Store.changed counting with them as it counts without."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import combinations_with_replacement
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.diff.samples import parsed
from tests.diff.test_store_delta import _small_versions, _versions
from tests.support import PART_740
from tracker.model import NON_REGULATORY_KINDS, Paragraph
from tracker.store import MIGRATIONS, Store, tallies
from tracker.store import schema as schema_module


@contextmanager
def _shift(shift: int) -> Iterator[None]:
    """Stretches of ``2**shift`` keys (33: two spans keyed afresh), so that a small Part has many."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(tallies, "SHIFT", shift)
        yield


def _ingest(store: Store, version: list[Paragraph], day: str, part: str = "1") -> bool:
    return store.ingest(version, part=part, date=day, source=day, sha256=day, size=1)


def _assert_exact(store: Store, part: str) -> None:
    """Every stored version has its tally, and it is the one its spans give."""
    c = store.db.conn
    stored = dict(c.execute("SELECT date, counts FROM tallies WHERE part = ?", (part,)).fetchall())
    assert sorted(stored) == store.dates(part)
    for day, blob in stored.items():
        assert tallies.unpack(blob) == tallies.counted(c, part, day)


def _sides(store: Store, part: str, a: str, b: str) -> tuple[object, ...]:
    """What the differ reads of ``Store.changed``: its paragraphs (with their orders) and every rank."""
    changed = store.changed(part, a, b, ignore=NON_REGULATORY_KINDS)
    cited = sorted({p.citation for p in (*changed.old, *changed.new)})
    return (changed.old, changed.new, [changed.old_rank(p.citation) for p in changed.old],
            [changed.new_rank(c) for c in cited])


def _assert_counts_alike(store: Store, part: str) -> None:
    """For every pair of stored dates, Store.changed gives what it gives counting the Part from its start (no
    tally), and its paragraphs are those of the whole versions, in their order."""
    days = store.dates(part)
    pairs = list(combinations_with_replacement(days, 2))
    with_tallies = [_sides(store, part, a, b) for a, b in pairs]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(tallies, "prefix", lambda *_: None)
        assert [_sides(store, part, a, b) for a, b in pairs] == with_tallies
    for (a, b), (old, new, *_) in zip(pairs, with_tallies, strict=True):
        whole_a, whole_b = store.paragraphs_on(part, a), store.paragraphs_on(part, b)
        assert all(p in whole_a for p in old) and all(p in whole_b for p in new)


_OPS = st.lists(st.tuples(st.sampled_from(("ingest", "remove", "again")), st.integers(0, 4)), max_size=8)


@settings(max_examples=60, deadline=None)
@given(_small_versions(), _OPS)
def test_tallies_stay_exact_under_any_ingest_backfill_removal_and_repeat(drawn, ops):
    versions, order = drawn
    with _shift(33):
        store = Store(":memory:")
        for day in order[: len(order) // 2 + 1]:
            assert _ingest(store, versions[day], day)
        days = sorted(versions)
        for op, at in ops:
            day = days[at % len(days)]
            stored = store.has_snapshot("1", day)
            if op == "remove" and stored and len(store.dates("1")) > 1:
                store.remove_version("1", day)
            elif op in ("ingest", "again"):
                assert _ingest(store, versions[day], day) is not stored
            _assert_exact(store, "1")
        _assert_counts_alike(store, "1")


def test_tallies_of_real_part_740_stay_exact_through_backfill_and_removal():
    versions = _versions(list(parsed(PART_740)), 5, 25, seed=7402)
    days = list(versions)
    store = Store(":memory:")
    for day in (days[1], days[3], days[0], days[4], days[2]):
        _ingest(store, versions[day], day, part="740")
        _assert_exact(store, "740")
    store.remove_version("740", days[2])
    _assert_exact(store, "740")
    assert len(tallies.unpack(store.db.execute("SELECT counts FROM tallies").fetchone()[0]).stretches) > 50
    _assert_counts_alike(store, "740")


def test_the_migration_fills_the_tallies_of_a_stored_database(tmp_path: Path, monkeypatch):
    now = Store(tmp_path / "now.db")
    for day, version in _versions(list(parsed(PART_740)), 3, 20, seed=7403).items():
        _ingest(now, version, day, part="740")
    with monkeypatch.context() as m:
        m.setattr(schema_module, "MIGRATIONS", MIGRATIONS[:-1])
        Store(tmp_path / "old.db").close()
    c = sqlite3.connect(tmp_path / "old.db")
    c.execute("ATTACH DATABASE ? AS now", (str(tmp_path / "now.db"),))
    for table in ("snapshots", "texts", "spans"):
        c.execute(f"INSERT INTO {table} SELECT * FROM now.{table}")
    c.commit()
    c.close()
    upgraded = Store(tmp_path / "old.db")
    assert upgraded.schema_version == len(MIGRATIONS)
    query = "SELECT part, date, counts FROM tallies ORDER BY part, date"
    assert upgraded.db.execute(query).fetchall() == now.db.execute(query).fetchall()
    _assert_exact(upgraded, "740")
