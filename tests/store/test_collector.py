"""An ingest runs with the garbage collector paused (thousands of rows, no cycles: no pass over a parse cache held
beside it) and leaves it on, stored or refused."""

from __future__ import annotations

import gc

import pytest

import tracker.store.tallies as tallies_module
from tests.support import PART_740
from tracker.parse import parse_bytes
from tracker.store import Store, StoreError


@pytest.mark.usefixtures("collector_on")
def test_an_ingest_pauses_the_collector_and_leaves_it_on(tmp_path, monkeypatch) -> None:
    seen: list[bool] = []
    record = tallies_module.record
    monkeypatch.setattr(tallies_module, "record", lambda *a: (seen.append(gc.isenabled()), record(*a)))
    store = Store(tmp_path / "t.db")
    assert store.ingest(parse_bytes(PART_740.read_bytes()), part="740", date="2026-09-01", source="s", sha256="a",
                        size=1)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(StoreError):
        store.ingest([], part="740", date="2026-09-02", source="s", sha256="b", size=1)
    assert gc.isenabled()
