"""What reads several things of the database reads them as one snapshot (``Store.reading``): a version another
process stores meanwhile (a daily run ingesting while someone runs ``tracker diff`` or ``tracker history``)
changes nothing it reports.

A diff asks SQLite several questions (the Part's dates, the spans that changed, how many spans stand before each,
…); a version committed between two of them would, read half, move where the changes stand (it did: the first
change of the test below came out at ``order`` 4, not 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.support import PART_740, require
from tracker.citations import is_under
from tracker.diff import diff_dates
from tracker.history import history
from tracker.model import Paragraph
from tracker.parse import parse_bytes
from tracker.store import Store

V1, V2, V3 = "2026-09-01", "2026-09-02", "2026-09-03"


@pytest.fixture(scope="module")
def versions() -> tuple[list[Paragraph], list[Paragraph], list[Paragraph]]:
    require(PART_740)
    v1 = parse_bytes(PART_740.read_bytes(), refs=False)
    v2 = [replace(p, text=f"{p.text} amended") if i % 97 == 0 else p for i, p in enumerate(v1)]
    v3 = [p for i, p in enumerate(v2) if i % 3]  # a third of the paragraphs gone: their spans end on v3
    return v1, v2, v3


@pytest.fixture
def stores(tmp_path, versions) -> Iterator[tuple[Store, Callable[[Callable[[], Any]], Any]]]:
    """A store holding v1 and v2, and ``during(read)``: ``read()`` with v3 stored by another connection right after
    the read's first SELECT (checked to have asked more after it)."""
    db = tmp_path / "tracker.db"
    store, writer = Store(db), Store(db)
    for day, version in ((V1, versions[0]), (V2, versions[1])):
        store.ingest(version, part="740", date=day, source=day, sha256=day, size=1)

    def during(read: Callable[[], Any]) -> Any:
        selects: list[str] = []

        def store_v3_after_the_first_select(sql: str) -> None:
            if sql.lstrip().upper().startswith("SELECT"):
                selects.append(sql)
                if len(selects) == 2:
                    writer.ingest(versions[2], part="740", date=V3, source="v3", sha256="v3", size=1)

        store.db.conn.set_trace_callback(store_v3_after_the_first_select)
        try:
            found = read()
        finally:
            store.db.conn.set_trace_callback(None)
        assert writer.dates("740")[-1] == V3 and len(selects) > 2
        return found

    yield store, during
    store.close()
    writer.close()


def test_a_version_stored_while_a_diff_runs_changes_nothing_the_diff_reports(stores):
    store, during = stores
    expected = diff_dates(store, V1, V2, part="740").changes
    assert expected
    assert during(lambda: diff_dates(store, V1, V2, part="740")).changes == expected
    assert diff_dates(store, V1, V2, part="740").changes == expected


def test_a_version_stored_while_a_history_is_read_is_in_none_of_it(stores, versions):
    store, during = stores
    kept = [p.citation for p in versions[2]]
    gone = next(p.citation for p in versions[0][3::3] if not any(is_under(c, p.citation) for c in kept))
    expected = history(store, gone)  # v3 removes it and all under it
    assert expected.removed is None
    assert during(lambda: history(store, gone)) == expected
    assert history(store, gone).removed == V3
