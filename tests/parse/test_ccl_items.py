"""CCL item keys as a lawyer cites them, on the whole real Part 774 and the real excerpts.

The eCFR writes items below the top level with their full path ("b.5.b. A corrosion rate …") and top-level
items bare ("c. Metal alloy powder …"); ranges as "i. through w." or "b.-d."; now and then a marker runs
into its words ("a.1.a.1.c.'Sounding resolution'") or doubles its dot ("b.2.a.. Automatically").
"""

from __future__ import annotations

import re
import sys

import pytest

from tests.support import ECFR_API, require
from tracker.diff import compare
from tracker.model import Paragraph
from tracker.parse import parse_bytes
from tracker.parse.ccl_shapes import item_key, item_marker

FULL_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"
EXCERPT = ECFR_API / "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml"
ITEMS = "Supplement No. 1 to Part 774"

#: The 28 top-level items in 15 ECCNs written bare right after a deep sub-item (keyed under it until now).
BARE_AFTER_DEEP = {
    "0A606": ("c", "d", "e", "f", "g-w"),
    "1C002": ("c",),
    "1C006": ("d",),
    "1C607": ("d",),
    "2B001": ("c", "d", "e"),
    "2B991": ("d",),
    "3A991": ("c",),
    "3B001": ("d",),
    "3B993": ("d",),
    "6A002": ("c",),
    "6A005": ("c",),
    "7E004": ("c",),
    "8A001": ("c", "d", "e"),
    "9D004": ("c", "d", "e", "f", "g"),
    "9E003": ("d", "e"),
}
#: A repeat suffix (" 2") after a designation, followed by nothing or by further designations.
REPEATED = re.compile(r"(?:\)|\d[A-E]\d{3}(?:\.[a-z0-9-]+)*) \d+(?:[(.].*)?$")


@pytest.fixture(scope="module")
def part_774() -> tuple[bytes, dict[str, Paragraph]]:
    data = require(FULL_774).read_bytes()
    return data, {r.citation: r for r in parse_bytes(data, FULL_774.name)}


# --- the marker and path readers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("b.5.b. A corrosion rate", "b.5.b."),
        ("c. Metal alloy powder", "c."),
        ("a.1.a.1.c.'Sounding resolution' less than 2; and", "a.1.a.1.c."),
        ("b.2.a.. Automatically predicting", "b.2.a.."),
        ("b.-d. [Reserved]", "b.-d."),
        ("c.-d. [Reserved]", "c.-d."),
        ("i. through w. [Reserved]", "i. through w."),
        ("z.1.a “Monolithic Microwave", "z.1.a"),
        ("*a.* Chips;", "a."),
    ],
)
def test_item_markers_as_the_ecfr_writes_them(text, marker):
    found = item_marker(text)
    assert found is not None and found[0] == marker


@pytest.mark.parametrize("text", ["e.g., temperature", "i.e., the", "a.m. local time", "*b.”Data-Based*", "2.5 GHz"])
def test_words_that_only_look_like_markers_are_not_markers(text):
    assert item_marker(text) is None


@pytest.mark.parametrize(
    ("marker", "current", "written", "path"),
    [
        ("c.", "1C002.b.5.b", "b.5.b.", ["c"]),  # bare letter after a sub-item written with its path
        ("d.", "2B001.c.2.c", "c.2.c.", ["d"]),
        ("e.", "2B001.d", "d.", ["e"]),
        ("b.", "7A101.a.2", "2.", ["b"]),  # an entry written with relative markers (real 7A101)
        ("2.", "7A101.a.1", "1.", ["a", "2"]),
        ("a.", "3A001.a.1", "1.", ["a", "1", "a"]),
        ("b.", "3A001.a.1.a", "a.", ["a", "1", "b"]),
        ("b.-d.", "3A611.a", "a.", ["b-d"]),
        ("c.-d.", "9A610.b", "b.", ["c-d"]),
        ("g. through w.", "0A606.f", "f.", ["g-w"]),
        ("y.2 through y.5.", "0A501.y.1", "y.1.", ["y", "2-y.5"]),
        ("b.2.a..", "5A001.b.2", "b.2.", ["b", "2", "a"]),
    ],
)
def test_item_key_follows_how_the_ecfr_writes_paths(marker, current, written, path):
    assert item_key(marker, current, written) == path


# --- the whole real Part 774 ----------------------------------------------------------------------


def test_bare_top_level_items_after_deep_sub_items_are_the_entrys_items(part_774):
    _, recs = part_774
    keys = [f"{eccn}.{item}" for eccn, items in BARE_AFTER_DEEP.items() for item in items]
    assert len(keys) == 28 and len(BARE_AFTER_DEEP) == 15
    assert [k for k in keys if k not in recs or recs[k].parent != f"{k.split('.')[0]} Items"] == []
    assert recs["1C002.c"].text.startswith("c. Metal alloy powder or particulate material")
    assert recs["2B001.d"].text.startswith("d. Electrical discharge machines (EDM) of the non-wire type")
    assert recs["9D004.d"].text == "d. [Reserved]"
    assert recs["0A606.g-w"].text == "g. through w. [Reserved]"
    wrong = ["1C002.b.5.c", "2B001.b.4.c", "2B001.c.2.d", "2B001.c.2.e", "1C607.c.2.d", "6A002.b.2.c", "9D004.b.2.g"]
    assert [k for k in wrong if k in recs] == []


def test_sub_items_of_those_items_hang_under_them(part_774):
    _, recs = part_774
    expected = {
        "1C002.c.1": "1C002.c",
        "1C002.c.3": "1C002.c",
        "2B001.c.2": "2B001.c",
        "2B001.e.2": "2B001.e",
        "3B001.d.20": "3B001.d",
        "6A002.c.3": "6A002.c",
        "8A001.c.2": "8A001.c",
        "9D004.g.2": "9D004.g",
        "9E003.e.3": "9E003.e",
    }
    assert {k: recs[k].parent for k in expected} == expected


def test_relative_markers_of_7a101_still_nest(part_774):
    _, recs = part_774
    assert [(k, recs[k].parent, recs[k].marker) for k in ("7A101.a.1", "7A101.a.2", "7A101.b")] == [
        ("7A101.a.1", "7A101.a", "1."),
        ("7A101.a.2", "7A101.a", "2."),
        ("7A101.b", "7A101 Items", "b."),
    ]


def test_range_markers_with_a_hyphen_are_one_reserved_item(part_774):
    _, recs = part_774
    for key, text in (("3A611.b-d", "b.-d. [Reserved]"), ("9A610.c-d", "c.-d. [Reserved]")):
        r = recs[key]
        assert (r.kind, r.marker, r.parent, r.text) == ("item", text.split()[0], f"{key[:5]} Items", text)
    assert "3A611.a ¶1" not in recs and "9A610.b ¶1" not in recs
    assert recs["3A611.e"].parent == "3A611 Items" and recs["9A610.e"].parent == "9A610 Items"


def test_a_marker_run_into_its_words_is_still_a_marker(part_774):
    _, recs = part_774
    r = recs["6A001.a.1.a.1.c"]
    assert (r.kind, r.marker, r.parent) == ("item", "a.1.a.1.c.", "6A001.a.1.a.1")
    assert r.text == "a.1.a.1.c.'Sounding resolution' less than 2; and"
    r = recs["5A001.b.2.a"]
    assert (r.kind, r.marker, r.parent) == ("item", "b.2.a..", "5A001.b.2")
    assert "6A001.a.1.a.1.b ¶1" not in recs and "5A001.b.2 ¶1" not in recs


def test_no_key_in_part_774_has_a_repeat_suffix_before_further_designations(part_774):
    _, recs = part_774
    assert [k for k in recs if REPEATED.search(k)] == []
    assert "1A008.a 2" not in recs and recs["1A008.a"].text.startswith("a. 'Shaped charges'")


def _mis_nested(recs: dict[str, Paragraph]) -> list[str]:
    """Item keys that are not their ECCN and a path, whose parent is not the nearest item that path extends (else
    the list), whose full-path marker is not their path, or whose bare letter is not a top-level item."""
    items = {k: r for k, r in recs.items() if r.kind == "item"}
    bad = []
    for key, r in items.items():
        eccn, _, path = key.partition(".")
        segs = path.split(".")
        ancestors = [f"{eccn}.{'.'.join(segs[:i])}" for i in range(len(segs) - 1, 0, -1)]
        nearest = next((a for a in ancestors if a in items), None)
        written = r.marker.split()[0].rstrip(".")
        wrong = (
            " " in key or r.unit != eccn,
            r.parent != (nearest or r.parent) or (nearest is None and r.parent in items),
            "." in written and "-" not in path and path != written,
            re.fullmatch(r"[a-z]", written) and eccn != "7A101" and len(segs) > 1,  # 7A101 writes a.1 as "1."
        )
        if any(wrong):
            bad.append(key)
    return bad


def test_no_eccn_item_key_is_mis_nested(part_774):
    _, recs = part_774
    assert sum(r.kind == "item" for r in recs.values()) == 4488
    assert _mis_nested(recs) == []


@pytest.mark.parametrize("name", sorted(p.name for p in ECFR_API.glob("excerpt-*-part-774-*.xml")))
def test_no_item_key_of_a_real_excerpt_is_mis_nested(name):
    recs = {r.citation: r for r in parse_bytes(require(ECFR_API / name).read_bytes(), name)}
    assert sum(r.kind == "item" for r in recs.values()) > 20
    assert _mis_nested(recs) == []


# --- inserting an item into real text: one added, nothing else --------------------------------------


def _insert(data: bytes, before: str, paragraph: str) -> bytes:
    anchor = before.encode()
    assert data.count(anchor) == 1, before
    return data.replace(anchor, f"<P>{paragraph}</P>\n".encode() + anchor)


@pytest.mark.parametrize(
    ("before", "paragraph", "key"),
    [
        ("<P>c. Acoustic wave devices", "b.13. Cryogenic low-noise amplifiers;", "3A001.b.13"),
        ("\n<!-- EXCERPT: entries between 3A001 and 3A090", "z.5. Commodities described in 3A001.h;", "3A001.z.5"),
        ("\n<!-- EXCERPT: entries between 3A090 and 4A090", "d. Co-packaged optical engines.", "3A090.d"),
        ("<P>a.1.b. A dose rate upset", "a.1.a.1. Total ionizing dose tested;", "3A001.a.1.a.1"),
    ],
)
def test_inserting_an_item_into_the_real_excerpt_adds_exactly_it(before, paragraph, key):
    data = require(EXCERPT).read_bytes()
    old = parse_bytes(data, EXCERPT.name)
    new = parse_bytes(_insert(data, before, paragraph), EXCERPT.name)
    assert [(c.kind, c.citation) for c in compare(old, new)] == [("added", key)]


@pytest.mark.parametrize(
    ("before", "paragraph", "key"),
    [
        (
            "<P>c. &#x201C;Software&#x201D; &#x201C;specially designed&#x201D; to control directional",
            "b.2.c. Recording of the test conditions;",
            "9D004.b.2.c",
        ),
        ("<FP-2><B>1C003 ", "e. Metal alloy foils;", "1C002.e"),
        ("<P>d. Alloyed materials, having all the following:", "c.4. Made by 'plasma atomization';", "1C002.c.4"),
    ],
)
def test_inserting_an_item_into_the_whole_real_part_adds_exactly_it(part_774, before, paragraph, key):
    data, recs = part_774
    new = parse_bytes(_insert(data, before, paragraph), FULL_774.name)
    assert [(c.kind, c.citation) for c in compare(list(recs.values()), new)] == [("added", key)]


def _without(data: bytes, line_start: str) -> bytes:
    lines = data.split(b"\n")
    hit = [i for i, line in enumerate(lines) if line.startswith(line_start.encode())]
    assert len(hit) == 1 and lines[hit[0]].endswith(b"</P>"), line_start
    return b"\n".join(lines[: hit[0]] + lines[hit[0] + 1 :])


@pytest.mark.parametrize(
    ("path", "line_start", "key"),
    [
        (EXCERPT, "<P>b.2.g. ", "3A001.b.2.g"),
        (EXCERPT, "<P>b.11.c. ", "3A001.b.11.c"),
        (FULL_774, "<P>d. Electrical discharge machines (EDM) of the non-wire type", "2B001.d"),
        (FULL_774, "<P>c. Metal alloy powder or particulate", "1C002.c"),
    ],
)
def test_a_real_item_put_back_into_its_entry_is_exactly_one_added(part_774, path, line_start, key):
    data = part_774[0] if path == FULL_774 else require(path).read_bytes()
    new = list(part_774[1].values()) if path == FULL_774 else parse_bytes(data, path.name)
    old = parse_bytes(_without(data, line_start), path.name)
    assert [(c.kind, c.citation) for c in compare(old, new)] == [("added", key)]


def test_the_marker_prefilter_lets_every_marker_through():
    """item_marker turns text away by its first character before the regex: a marker opens with ``*``, a-z or
    ``\\d``, which matches exactly the characters str.isdecimal calls decimal."""
    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    assert [c for c in chars if re.fullmatch(r"\d", c)] == [c for c in chars if c.isdecimal()]
    assert item_marker("١. Arabic-Indic one") == ("١.", "١. Arabic-Indic one")
    assert item_marker("*a.* Chips") == ("a.", "a. Chips") and item_marker("Reason for Control:") is None
