"""The hand-checked table (``hand_checked.tsv``): every sampled paragraph of the real Parts 734 and 740 is keyed with
the citation a reader of the XML gives it.

Each row names a paragraph by how its text begins (an anchor that holds still when keys move) and the citation
determined by reading the regulation, not the parser; see the file's header for how the sample was drawn.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support import ECFR_API, require
from tracker.model import Paragraph
from tracker.parse import parse_file
from tracker.xmltext import plain

TABLE = Path(__file__).with_name("hand_checked.tsv")


class Row(NamedTuple):
    part: str
    anchor: str
    citation: str
    stratum: str


def _rows() -> list[Row]:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    return [Row(*line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


@cache
def _records(part: str) -> tuple[tuple[str, Paragraph], ...]:
    path = require(ECFR_API / f"full-2026-09-01-title-15-part-{part}.xml")
    return tuple((plain(r.text), r) for r in parse_file(path))


def test_the_sample_is_large_and_stratified() -> None:
    rows = _rows()
    assert len(rows) >= 150
    assert {r.part for r in rows} == {"734", "740"}
    strata = Counter(r.stratum.split("-")[0] for r in rows)
    for stratum in ("deep", "italic", "multi", "note", "supplement", "roman", "plain"):
        assert strata[stratum] >= 10, stratum
    assert len({(r.part, r.anchor) for r in rows}) == len(rows), "an anchor is listed twice"
    assert len({r.citation for r in rows}) == len(rows), "a citation is listed twice"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r.citation)
def test_hand_checked_citation(row: Row) -> None:
    hits = [r for text, r in _records(row.part) if text.startswith(row.anchor)]
    assert len(hits) == 1, f"the anchor must name exactly one paragraph: {[h.citation for h in hits]}"
    assert hits[0].citation == row.citation
