"""Document-order keys (tracker.store.ords): new keys fit between the kept ones, and a database stored before
the keys existed gets them from its migration and reads back exactly as before."""

from __future__ import annotations

import random
import sqlite3
from itertools import combinations_with_replacement

from hypothesis import given
from hypothesis import strategies as st

import tracker.store.schema as schema_module
from tests.diff.samples import ccl_history, parsed
from tests.diff.test_store_delta import _ingest as ingest_versions
from tests.diff.test_store_delta import _versions
from tests.support import PART_740
from tracker.diff import diff_dates
from tracker.store import MIGRATIONS, Store
from tracker.store.ords import BASE, STEP, keys, run_keys

_FIXED = st.lists(st.one_of(st.none(), st.integers(BASE + 1, BASE + 2**40)), max_size=40)


@given(_FIXED)
def test_keys_are_positive_and_strictly_increase_whatever_keys_are_given(fixed):
    out = keys(fixed)
    assert len(out) == len(fixed)
    assert all(a < b for a, b in zip([BASE, *out], out, strict=False))
    assert all(len(str(k)) == 19 for k in out)


_PARTS = st.lists(st.tuples(st.booleans(), st.lists(st.one_of(st.none(), st.integers(BASE + 1, BASE + 64)),
                                                    min_size=1, max_size=6)), max_size=12)


@given(_PARTS)
def test_keys_of_runs_are_the_keys_of_the_parts_end_to_end_and_a_whole_part_that_keeps_them_is_itself(drawn):
    parts = [sorted({k or BASE + 1 for k in part}) if whole else part for whole, part in drawn]  # whole: all given,
    whole = [w for w, _ in drawn]  # strictly increasing (close together, so some lack room or fall out of order)
    out = run_keys(parts, whole)
    flat = keys([k for part in parts for k in part])
    assert [k for part in out for k in part] == flat
    assert [len(k) for k in out] == [len(part) for part in parts]
    assert all(k is part for k, part, w in zip(out, parts, whole, strict=True) if w and list(k) == part)


def _keys(fixed: list[int | None]) -> list[int]:
    """:func:`keys` counted from :data:`BASE`."""
    return [k - BASE for k in keys([None if k is None else BASE + k for k in fixed])]


def test_keys_in_order_and_far_apart_are_all_kept_and_new_ones_fall_between():
    out = _keys([None, 10 * STEP, None, None, 20 * STEP, None])
    assert [out[1], out[4]] == [10 * STEP, 20 * STEP]
    assert out[0] < out[1] < out[2] < out[3] < out[4] < out[5]


def test_a_key_out_of_order_or_without_room_is_replaced():
    assert _keys([3, 1, 2]) == [STEP, 2 * STEP, 3 * STEP]  # 3 is out of order; 1 and 2 leave no room before
    assert _keys([None, None, 2, 100]) == [25, 50, 75, 100]  # no room for two keys below 2: it gets one too


def _old_database(source, path) -> None:
    """The versions of the database at ``source`` in one at the schema before the keys (migration 5), as a
    database stored then holds them."""
    schema_module.MIGRATIONS = MIGRATIONS[:5]
    try:
        Store(path).close()
    finally:
        schema_module.MIGRATIONS = MIGRATIONS
    c = sqlite3.connect(path)
    c.execute("ATTACH DATABASE ? AS new", (str(source),))
    c.execute("INSERT INTO snapshots SELECT * FROM new.snapshots")
    c.execute("INSERT INTO texts SELECT * FROM new.texts")
    columns = "id, part, citation, unit, parent, prev, gap, hash, valid_from, valid_to"
    c.execute(f"INSERT INTO spans ({columns}) SELECT {columns} FROM new.spans")
    c.commit()
    c.close()


def _assert_reads_alike(upgraded: Store, store: Store, part: str) -> None:
    days = store.dates(part)
    for day in days:
        assert upgraded.paragraphs_on(part, day) == store.paragraphs_on(part, day)
    pairs = list(combinations_with_replacement(days, 2))
    if len(days) > 5:  # the 56 CCL dates: each with the next, and the first with the last
        pairs = [*zip(days, days[1:], strict=False), (days[0], days[-1])]
    for a, b in pairs:
        assert upgraded.delta(part, a, b) == store.delta(part, a, b)
        assert diff_dates(upgraded, a, b, part=part).changes == diff_dates(store, a, b, part=part).changes
    assert upgraded.db.execute("SELECT count(*) FROM spans WHERE ord IS NULL").fetchone() == (0,)


def test_the_migration_gives_a_stored_database_its_keys_and_every_read_stays_the_same(tmp_path):
    versions = _versions(list(parsed(PART_740)), 4, 25, seed=740)
    days = list(versions)
    store = Store(tmp_path / "now.db")
    ingest_versions(store, versions, days[1:] + days[:1])
    history = dict(ccl_history())
    ingest_versions(store, history, random.Random(774).sample(list(history), len(history)))
    store.close()
    store = Store(tmp_path / "now.db")
    _old_database(tmp_path / "now.db", tmp_path / "old.db")
    upgraded = Store(tmp_path / "old.db")
    assert upgraded.schema_version == len(MIGRATIONS)
    for part in ("740", "774"):
        _assert_reads_alike(upgraded, store, part)
