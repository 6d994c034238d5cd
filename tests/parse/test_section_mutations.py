"""Mutations of real section and supplement text: one paragraph or note inserted → exactly one added record.

Keys that hold still: inserting a designated paragraph, a note or a Sensitive List item somewhere in the real
Parts 734, 740 and 774 moves no other key, so the differ reports the insertion and nothing else.
"""

from __future__ import annotations

import pytest

from tests.support import ECFR_API, require
from tracker.diff import compare
from tracker.parse import parse_bytes

PART = "full-2026-09-01-title-15-part-{}.xml"


def _insert(data: bytes, before: str, xml: str) -> bytes:
    anchor = before.encode()
    assert data.count(anchor) == 1, before
    return data.replace(anchor, xml.encode() + anchor)


@pytest.mark.parametrize(
    ("part", "before", "xml", "key"),
    [
        # the plain-numbered level under 740.20(b)(2)(viii)(B): a third item, then the list goes on at (C)
        ("740", "<P>(C) License Exception STA may not be used for 9D001", "<P>(3) Fuel controls of 9A001.</P>",
         "740.20(b)(2)(viii)(B)(3)"),
        # a last roman item of 740.20(b)(2), right before (3) opens with its own italic heading
        ("740", "<P>(3) <I>Limitations on the Use of STA that are Specific",
         "<P>(xii) License Exception STA may not be used for 3A090.</P>", "740.20(b)(2)(xii)"),
        # a note after the notes to (d)(2), before (d)(3)
        ("740", "<P>(3) <I>Notification to consignee of STA shipment.",
         "<NOTE><HED>Note 3 to paragraph (<E T=\"01\">d</E>)(2):</HED><P>A new note.</P></NOTE>",
         "740.20(d)(2) Note 3"),
        # a third note to the listed note 2 of 740.17(b)(2)(i)(A)
        ("740", "<P>(B) <I>Certain &#x201C;encryption source code.&#x201D;</I>",
         "<NOTE><HED>Note 3 to paragraph 2:</HED><P>Also network infrastructure.</P></NOTE>",
         "740.17(b)(2)(i)(A) Note 2 Note 3"),
        # a new rule in 734.9 between (f) and (g)
        ("734", "<P>(g) <I>Russia/Belarus-Military End User",
         "<P>(3) <I>End-user scope.</I> A new scope of the Russia/Belarus FDP rule.</P>", "734.9(f)(3)"),
        # the Sensitive and Very Sensitive Lists: an item under a category heading
        ("774", "<P>(iii) 2E002&#x2014;", "<P>(D) &#x201C;Software&#x201D; specified by 2D002.</P>",
         "Supplement No. 6 to Part 774 (2)(ii)(D)"),
        ("774", "<HD2>(2) Category 5&#x2014;Part 1", "<P>(v) 1E002.e.</P>", "Supplement No. 7 to Part 774 (1)(v)"),
    ],
)
def test_one_insertion_in_real_text_is_one_added_record(part, before, xml, key):
    path = require(ECFR_API / PART.format(part))
    data = path.read_bytes()
    old, new = parse_bytes(data, path.name), parse_bytes(_insert(data, before, xml), path.name)
    assert [(c.kind, c.citation) for c in compare(old, new)] == [("added", key)]
