"""Watchlists: which changes touch a recipient's ECCNs, sections and Parts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.diff.samples import EXCERPT_3A, merged_3a001_z
from tests.history import conftest as history_set_up
from tests.report.sample import april_2024_changes
from tests.support import ECFR_API, require
from tracker.diff import compare, diff_dates
from tracker.model import Change
from tracker.parse import parse_bytes
from tracker.watch import filter_changes, matches, normalise_entry

excerpt_store = history_set_up.excerpt_store


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


def test_an_item_watch_matches_the_rows_and_notes_that_apply_to_it(excerpt_store):
    """The real 3A pair: the one changed cell of 3A090 is the RS row for 3A090.b; 3A001's names z.1.b-z.4.b."""
    changes = diff_dates(excerpt_store, "2026-06-25", "2026-09-01").changes
    assert [c.citation for c in filter_changes(changes, ["3A090.b"])] == [
        "3A090 License Requirements RS applies to 3A090.b"]
    assert [c.citation for c in filter_changes(changes, ["3A001.z.3"])] == [
        "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b"]
    for other in ("3A090.a", "3A090.c", "3A001.z.3.a", "4A090.a", "3A001.b"):
        assert filter_changes(changes, [other]) == [], other


@pytest.mark.parametrize(("watched", "hit"), [
    ("9E003.a.5", True), ("9E003.a.8.b", True), ("9E003.h", True), ("9E003.b", False), ("9E004.a", False)])
def test_a_row_naming_a_range_matches_the_items_inside_it(watched, hit):
    """The real 9E003 SI row ("9E003.a.1 through a.8, .h, .i, and .l"): its range read from its text."""
    row = Change("modified", "9E003 License Requirements SI applies to 9E003.a.1, a.8, h, i, l", "774", "9E003", 1,
                 new_text="SI applies to 9E003.a.1 through a.8, .h, .i, and .l | See § 742.14 of the EAR.")
    assert matches(row, [watched]) is hit


def test_a_note_naming_several_items_matches_each():
    note = Change("modified", "3A090 Note 2", "774", "3A090", 1, new_heading="Note 2 to 3A090.a, 3A090.b",
                  new_text="*Note 2 to 3A090.a and 3A090.b:* words")
    assert [w for w in ("3A090.a", "3A090.b", "3A090.c", "3A090.b.1") if matches(note, [w])] == ["3A090.a", "3A090.b"]
