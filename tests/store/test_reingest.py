"""A store ingesting version after version keeps what the last one left in force, instead of reading it back: the
database it writes is exactly the one a store reading everything afresh writes, whatever comes between (another
Part, a backfill, a removal, another process writing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tracker.store.versions as versions_module
from tests.diff.samples import EXCERPT_3A, parsed, xml_pair
from tests.diff.test_store_delta import _versions
from tests.support import PART_740
from tracker.model import Paragraph
from tracker.store import Store


def _rows(path: Path) -> dict[str, list[Any]]:
    """Every span and text, and the snapshots but for when they were ingested."""
    with Store(path, readonly=True) as s:
        return {
            "spans": list(s.db.execute("SELECT * FROM spans ORDER BY id")),
            "texts": list(s.db.execute("SELECT rowid, * FROM texts ORDER BY rowid")),
            "snapshots": list(s.db.execute("SELECT part, date, source, paragraphs, excerpt FROM snapshots"
                                           " ORDER BY id")),
        }


Step = tuple[str, str, str, list[Paragraph]]  # ("ingest" or "remove", part, date, paragraphs)


def _steps() -> list[Step]:
    versions = _versions(list(parsed(PART_740)), 6, 25, seed=7)
    days = list(versions)
    ccl = xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01")
    steps: list[Step] = [("ingest", "740", day, versions[day]) for day in days[:3]]
    steps += [("ingest", "774", "2026-06-25", ccl[0]), ("ingest", "740", days[3], versions[days[3]])]
    steps += [("remove", "740", days[3], []), ("ingest", "740", days[4], versions[days[4]])]
    steps += [("ingest", "740", "2023-12-01", versions[days[5]]), ("ingest", "740", days[5], versions[days[5]])]
    return [*steps, ("ingest", "774", "2026-09-01", ccl[1]), ("ingest", "740", "2025-01-01", versions[days[0]])]


def _apply(store: Store, step: Step) -> None:
    op, part, day, paragraphs = step
    if op == "remove":
        store.remove_version(part, day)
    else:
        assert store.ingest(paragraphs, part=part, date=day, source=day, sha256=f"{part} {day}", size=1)


def test_one_store_writing_every_version_writes_what_a_store_opened_afresh_for_each_writes(tmp_path, monkeypatch):
    steps = _steps()
    read_back: list[str] = []
    neighbours = versions_module._neighbours

    def counted(c: Any, part: str, date: str, nxt: str | None) -> Any:
        read_back.append(date)
        return neighbours(c, part, date, nxt)

    monkeypatch.setattr(versions_module, "_neighbours", counted)
    kept = Store(tmp_path / "kept.db")
    for step in steps:
        _apply(kept, step)
        with Store(tmp_path / "afresh.db") as afresh:
            _apply(afresh, step)
    kept.close()
    assert _rows(tmp_path / "kept.db") == _rows(tmp_path / "afresh.db")
    ingests = sum(op == "ingest" for op, *_ in steps)
    # only the 3rd version follows one this store kept (a store keeps a version's spans from its second ingest on)
    assert len(read_back) == 2 * ingests - 1


def test_a_version_another_process_stored_or_removed_meanwhile_is_read_back(tmp_path):
    steps = [s for s in _steps() if s[1] == "740" and s[0] == "ingest"]
    one, other = Store(tmp_path / "t.db"), Store(tmp_path / "t.db")
    for i, step in enumerate(steps):
        _apply(one if i % 3 else other, step)  # the other connection writes every third version
        if i == 4:
            other.remove_version("740", step[2])  # the version one stored last, removed behind its back
    one.close()
    other.close()
    with Store(tmp_path / "afresh.db") as afresh:
        for i, step in enumerate(steps):
            _apply(afresh, step)
            if i == 4:
                afresh.remove_version("740", step[2])
    assert _rows(tmp_path / "t.db") == _rows(tmp_path / "afresh.db")


def test_a_store_keeps_what_speeds_a_re_ingest_only_from_its_second_ingest_on_and_its_page_cache_as_it_was():
    """One ``tracker ingest FILE`` holds no memo of hashes or spans (issue 15's memory goal); a store that
    ingests again keeps them; the page cache is small only while a version is written."""
    versions = _versions(list(parsed(PART_740)), 2, 25, seed=3)
    store = Store(":memory:")
    cache = store.db.execute("PRAGMA cache_size").fetchone()[0]
    (first, one), (second, two) = versions.items()
    assert store.ingest(one, part="740", date=first, source=first, sha256=first, size=1)
    assert (store._hash_memo, store._latest) == ({}, None)
    assert store.ingest(two, part="740", date=second, source=second, sha256=second, size=1)
    assert len(store._hash_memo) > 1000 and store._latest is not None
    assert store.db.execute("PRAGMA cache_size").fetchone()[0] == cache
