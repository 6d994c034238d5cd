"""tracker.applies on the whole real Part 774: which notes and License Requirements rows apply to an item."""

from __future__ import annotations

import pytest

from tests.support import ECFR_API, require
from tracker.applies import applies_by, item_eccn
from tracker.model import Paragraph
from tracker.parse import parse_file


@pytest.fixture(scope="module")
def part774() -> list[Paragraph]:
    return parse_file(require(ECFR_API / "full-2026-09-01-title-15-part-774.xml"))


def applying(paragraphs: list[Paragraph], item: str) -> list[tuple[str, str]]:
    return [(p.citation, words) for p in paragraphs if (words := applies_by(p, item))]


def test_a_row_naming_the_item_or_the_entire_entry_and_a_note_naming_a_range_holding_it(part774):
    assert applying(part774, "3A001.b.2.c") == [
        ("3A001 License Requirements NS applies to 3A001.b.2, b.3", "NS applies to 3A001.b.2, b.3"),
        ("3A001 License Requirements NS applies to entire entry", "NS applies to entire entry"),
        ("3A001 License Requirements RS applies to 3A001.b.2, b.3", "RS applies to 3A001.b.2, b.3"),
        ("3A001 License Requirements AT applies to entire entry", "AT applies to entire entry"),
        ("3A001.b.2 Note 2", "Note 2 to 3A001.b.2.a, 3A001.b.2.h"),  # "3A001.b.2.a through 3A001.b.2.h"
    ]


def test_a_row_range_takes_in_what_lies_between_and_nothing_else(part774):
    si = ("9E003 License Requirements SI applies to 9E003.a.1, a.8, h, i, l", "SI applies to 9E003.a.1, a.8, h, i, l")
    assert si in applying(part774, "9E003.a.5")  # "SI applies to 9E003.a.1 through a.8, .h, .i, and .l"
    assert si not in applying(part774, "9E003.b")


def test_an_entire_entry_row_does_not_apply_to_the_items_it_excepts(part774):
    assert [w for _, w in applying(part774, "0A501.y")] == ["UN applies to entire entry", "AT applies to entire entry"]
    assert len(applying(part774, "0A501.a")) == 5
    assert len(applying(part774, "0A501.y.1")) == 2  # under an excepted item: excepted too


def test_notes_apply_to_the_items_their_label_names_not_to_the_items_above(part774):
    notes = [c for c, _ in applying(part774, "3A090.b") if " Note" in c]
    assert notes == ["3A090 Note 2", "3A090 Note 3", "3A090 Note 4", "3A090 Technical Note 2"]
    assert [c for c, _ in applying(part774, "3A090.b.1") if " Note" in c] == []
    assert [c for c, _ in applying(part774, "1C010.e")] == [  # the note names 1C010.e.1.b, under 1C010.e
        "1C010 License Requirements NS applies to entire entry",
        "1C010 License Requirements AT applies to entire entry",
        "1C010 Technical Notes",
    ]


def test_a_record_applies_only_within_its_own_entry_and_never_to_what_it_is_under(part774):
    items: dict[str, list[str]] = {}
    for p in part774:
        if p.kind == "item":
            items.setdefault(p.unit, []).append(p.citation)
    records = [p for p in part774 if p.kind in ("note", "row")]
    found = [(p, i) for p in records for i in items.get(p.unit, ()) if applies_by(p, i)]
    assert found
    assert all(item_eccn(i) == p.unit and not p.citation.startswith(i + " ") for p, i in found)
    assert not any(applies_by(p, i) for p in records if p.unit != "3A090" for i in items["3A090"])
    assert applies_by(part774[0], "3A090") is None  # an ECCN is not an item
