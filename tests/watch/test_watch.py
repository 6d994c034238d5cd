"""Watchlists: which changes touch a recipient's ECCNs, sections and Parts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.diff.samples import EXCERPT_3A, merged_3a001_z
from tests.report.sample import april_2024_changes
from tests.support import ECFR_API, require
from tracker.diff import compare
from tracker.model import Change
from tracker.parse import parse_bytes
from tracker.watch import filter_changes, matches, normalise_entry


def cited(watch: list[str]) -> list[str]:
    return [c.citation for c in filter_changes(april_2024_changes(), watch)]


def test_an_eccn_matches_its_items_notes_and_blocks():
    assert cited(["4A090"]) == ["4A090.a", "4A090.a Technical Note 1"]
    assert matches(Change("modified", "3A090 License Requirements RS 2", "774", "3A090", 3), ["3A090"])


def test_an_eccn_item_matches_itself_and_sub_items_only():
    assert cited(["3A001.z"]) == ["3A001.z", "3A001.z.1"]
    assert cited(["3A001.z.1"]) == ["3A001.z.1"]


def test_a_section_matches_its_paragraphs_but_not_a_longer_section_number():
    assert cited(["740.2"]) == ["740.2(a)(8)(i)"]
    assert cited(["740.20"]) == []
    assert cited(["§ 740.2(a)(8)"]) == ["740.2(a)(8)(i)"]


def test_a_redesignated_paragraph_matches_its_old_key_too():
    assert cited(["742.6(a)(6)(ii)"]) == ["742.6(a)(6)(iii)"]


def test_a_part_matches_every_change_in_it():
    assert cited(["part 742"]) == ["742.6(a)(6)(iii)"]
    assert len(cited(["774"])) == 5


def test_an_empty_watchlist_means_every_change_and_no_match_means_none():
    assert len(cited([])) == 7
    assert cited(["5A992", "744.23"]) == []


@pytest.mark.parametrize("entry", ["3A09", "ECCN", "3F001", "Supplement No. 1"])
def test_entries_that_are_neither_eccn_section_nor_part_are_refused(entry):
    with pytest.raises(ValueError, match="is not an ECCN"):
        normalise_entry(entry)


def _real_split() -> Change:
    """3A001.z as one paragraph (merged from the real text) against the real 2026-09-01 3A001: z.1-z.4 split off."""
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    (change,) = compare(parse_bytes(merged_3a001_z(xml).encode()), parse_bytes(xml.encode()))
    return change


def test_a_sub_paragraph_watch_matches_the_restructuring_that_creates_it():
    split = _real_split()
    assert (split.kind, split.citation) == ("restructured", "3A001.z")
    parts = [p.citation for p in split.parts]
    assert parts == [f"3A001.z.{n}.{x}" for n in range(1, 5) for x in "ab"]
    for watched in ("3A001.z.1", "3A001.z.4", *parts, "3A001.z", "3A001", "part 774"):
        assert matches(split, [watched]), watched
    for other in ("3A001.z.5", "3A001.y", "3A001.a", "3A090"):
        assert not matches(split, [other]), other
    assert filter_changes([split], ["3A001.z.1"]) == [split]
    assert not matches(replace(split, parts=()), ["3A001.z.1"])  # the parts are what it matches by
