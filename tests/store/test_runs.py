"""A re-ingest of a parse that carries its unit runs (:class:`tracker.parse.parsed.Parsed`) leaves the units that
only moved alone (:mod:`tracker.store.runs`) and writes exactly the rows a store given the same paragraphs as a plain
list writes: on real Part 740, with units reworded, gaining a paragraph, removed, moved and restored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import tracker.store.runs as runs_module
from tests.store.test_reingest import _rows
from tests.support import PART_740, require
from tracker.parse import SectionCache, parse_bytes
from tracker.parse.parsed import Parsed
from tracker.store import Store, StoreError


def _units(root: etree._Element) -> list[etree._Element]:
    return list(root.iter("DIV8"))


def _reworded(root: etree._Element, at: int) -> None:
    p = next(_units(root)[at].iter("P"))
    p.text = f"{p.text or ''} (amended)"


def _gains_paragraph(root: etree._Element, at: int) -> None:
    p = next(_units(root)[at].iter("P"))
    extra = etree.Element("P")
    extra.text = "An unmarked paragraph added by the amendment."
    p.addnext(extra)


def _removed(root: etree._Element, at: int) -> None:
    unit = _units(root)[at]
    unit.getparent().remove(unit)


def _moved(root: etree._Element, at: int) -> None:
    unit = _units(root)[at]
    unit.getparent().remove(unit)
    _units(root)[-1].addnext(unit)


def _versions() -> list[bytes]:
    require(PART_740)
    root = etree.fromstring(PART_740.read_bytes())
    out = [etree.tostring(root)]
    for edit, at in ((_reworded, 3), (_gains_paragraph, 2), (_reworded, 20), (_removed, 5), (_moved, 8),
                     (_gains_paragraph, 0), (_reworded, -1)):
        edit(root, at)
        out.append(etree.tostring(root))
    return [*out, out[1]]  # and back to an earlier text


def _ingest(store: Store, paragraphs: list[Any], n: int) -> None:
    day = f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}"
    assert store.ingest(paragraphs, part="740", date=day, source=f"v{n}", sha256=f"v{n}", size=1)


def test_a_store_leaving_unmoved_units_alone_writes_the_rows_of_a_store_given_plain_paragraphs(tmp_path, monkeypatch):
    placed: list[int] = []
    place = runs_module.place

    def counted(*args: Any, **kwargs: Any) -> Any:
        if kwargs["stored"] is not None:  # the latest version's segments: only the kept store has them
            placed.append(1)
        return place(*args, **kwargs)

    monkeypatch.setattr(runs_module, "place", counted)
    cache, kept = SectionCache(), Store(tmp_path / "kept.db")
    versions = _versions()
    for n, data in enumerate(versions):
        paragraphs = parse_bytes(data, cache=cache, refs=False)
        assert isinstance(paragraphs, Parsed) and paragraphs.units
        _ingest(kept, paragraphs, n)
        with Store(tmp_path / "plain.db") as plain:
            _ingest(plain, list(parse_bytes(data, refs=False)), n)
    kept.close()
    assert _rows(tmp_path / "kept.db") == _rows(tmp_path / "plain.db")
    assert len(placed) == len(versions) - 2  # from the third version on (the store keeps spans from its second)


def test_a_repeated_citation_in_a_parse_with_runs_is_refused_as_in_plain_paragraphs(tmp_path):
    require(PART_740)
    data = PART_740.read_bytes()
    cache, store = SectionCache(), Store(tmp_path / "t.db")
    for n in range(2):
        _ingest(store, parse_bytes(data, cache=cache, refs=False), n)
    again = parse_bytes(data, cache=cache, refs=False)
    again.append(again[len(again) // 2])  # appending keeps the runs
    assert again.units
    with pytest.raises(StoreError, match="duplicate citation"):
        _ingest(store, again, 2)
    assert store.counts() == Store(tmp_path / "t.db", readonly=True).counts()


def test_a_parse_that_is_changed_in_place_forgets_its_runs():
    require(PART_740)
    paragraphs = parse_bytes(PART_740.read_bytes(), cache=SectionCache(), refs=False)
    assert isinstance(paragraphs, Parsed) and paragraphs.units
    paragraphs[0] = paragraphs[0]
    assert paragraphs.units == []


def test_runs_are_noted_for_the_units_taken_whole_from_the_cache_and_nothing_else(tmp_path: Path):
    require(PART_740)
    paragraphs = parse_bytes(PART_740.read_bytes(), cache=SectionCache(), refs=False)
    assert isinstance(paragraphs, Parsed)
    ends = [(start, end) for _, start, end in paragraphs.units]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))
    assert all(len({p.unit for p in paragraphs[start:end]}) == 1 for start, end in ends)
    assert parse_bytes(PART_740.read_bytes(), refs=False).units == []  # type: ignore[attr-defined]
