"""Plural, list and range references (issue 13 item 1): every target of "paragraphs (a)(8) and (11) of this
section", "§ 740.9(a)(1), (a)(3) through (8), …", "3A001.b.2 and b.3", "§§ 734.2 through 734.5 and 734.9".

The real ones are from the whole real Parts 734 and 740 of 2026-09-01 in ../shared, each read in the XML; each
pass of the extractor is also pinned on short strings, and ranges are read against sets of keys.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from tests.support import ECFR_API, require
from tracker.citations import is_under, range_members
from tracker.model import Paragraph, Reference
from tracker.parse import parse_file
from tracker.parse.ref_lists import carry_designations, carry_item
from tracker.parse.ref_passes import PASSES, Found
from tracker.parse.refs import expand, extract_refs
from tracker.store import Store
from tracker.store.rows import refs_json, refs_load
from tracker.xref import broken_and_repaired

DATE = "2026-09-01"


@cache
def _records(part: str) -> dict[str, Paragraph]:
    return {p.citation: p for p in parse_file(require(ECFR_API / f"full-{DATE}-title-15-part-{part}.xml"))}


def _named(part: str, citation: str, written: str) -> list[tuple[str, str | None]]:
    return [(r.target, r.through) for r in _records(part)[citation].refs if r.text == written]


#: (Part, citing paragraph, the words as written, every (target, range end) they name), read in the real XML.
REAL = [
    ("740", "740.9(a)(14)", "paragraphs (a)(8) and (11) of this section",
     [("740.9(a)(8)", None), ("740.9(a)(11)", None)]),
    ("740", "740.2(a)(5)(i)(A)", "§ 740.9(a)(1), (a)(3) through (8), and (a)(10), (b)(1) through (b)(3)",
     [("740.9(a)(1)", None), ("740.9(a)(3)", "740.9(a)(8)"), ("740.9(a)(8)", None), ("740.9(a)(10)", None),
      ("740.9(b)(1)", "740.9(b)(3)"), ("740.9(b)(3)", None)]),
    ("740", "740.2(a)(5)(i)(D)", "§ 740.13(a) through (c), and (g)",
     [("740.13(a)", "740.13(c)"), ("740.13(c)", None), ("740.13(g)", None)]),
    ("740", "740.2(a)(5)(i)(E)", "§ 740.15(b)(1) through (b)(4), (c)(1), (2), (e), and (f)",
     [("740.15(b)(1)", "740.15(b)(4)"), ("740.15(b)(4)", None), ("740.15(c)(1)", None), ("740.15(c)(2)", None),
      ("740.15(e)", None), ("740.15(f)", None)]),
    ("740", "740.2(a)(5)(ii)", "paragraphs (a)(5)(ii)(A) and (B) of this section",
     [("740.2(a)(5)(ii)(A)", None), ("740.2(a)(5)(ii)(B)", None)]),
    ("740", "740.9(c)(8)", "paragraphs (a) through (d) of supplement No. 6 to part 742",
     [("Supplement No. 6 to Part 742 (a)", "Supplement No. 6 to Part 742 (d)"),
      ("Supplement No. 6 to Part 742 (d)", None)]),
    ("740", "740.11(b)(1)", "paragraphs (b)(2)(ii), (b)(2)(iii)(B) and (C) of this section",
     [("740.11(b)(2)(ii)", None), ("740.11(b)(2)(iii)(B)", None), ("740.11(b)(2)(iii)(C)", None)]),
    ("740", "740.17 ¶1", "paragraphs (b)(1) and (b)(3)(i), (b)(3)(ii) or (b)(3)(iv) of this section",
     [("740.17(b)(1)", None), ("740.17(b)(3)(i)", None), ("740.17(b)(3)(ii)", None), ("740.17(b)(3)(iv)", None)]),
    ("740", "740.17(a)", "paragraphs (a)(1) through (3) of this section",
     [("740.17(a)(1)", "740.17(a)(3)"), ("740.17(a)(3)", None)]),
    ("740", "740.11(a)(1)(iii)", "paragraphs (a)(1)(i) and (a)(1)(ii) of this section",
     [("740.11(a)(1)(i)", None), ("740.11(a)(1)(ii)", None)]),
    ("740", "740.9(b)", "paragraph (b)(3), (4), or (5)", [("740.9(b)(3)", None), ("740.9(b)(4)", None),
                                                          ("740.9(b)(5)", None)]),
    ("740", "740.2(a)(13)(iv)", "§ 740.13(a), (b), (f) and (g)",
     [("740.13(a)", None), ("740.13(b)", None), ("740.13(f)", None), ("740.13(g)", None)]),
    ("740", "740.9(a)", "§ 758.1(b)(9) and (g)(4)", [("758.1(b)(9)", None), ("758.1(g)(4)", None)]),
    ("740", "740.7(b)(5)", "§§ 744.2, 744.3, 744.4, and 744.5",
     [("744.2", None), ("744.3", None), ("744.4", None), ("744.5", None)]),
    ("740", "740.10(c)(2)", "§§ 743.4 and 762.2(b)", [("743.4", None), ("762.2(b)", None)]),
    ("740", "740.16(a)(2)", "3A001.b.2, b.3", [("3A001.b.2", None), ("3A001.b.3", None)]),
    ("740", "740.7(b)(1)", "4A003.g, z.2, or z.4", [("4A003.g", None), ("4A003.z.2", None), ("4A003.z.4", None)]),
    ("740", "740.9(a)(2)", "0A505.a, .b, and .c", [("0A505.a", None), ("0A505.b", None), ("0A505.c", None)]),
    ("740", "740.15(b)(2)(ii)", "7A101 through 7A103", [("7A101", "7A103"), ("7A103", None)]),
    ("734", "734.2(a)(1)", "§§ 734.2 through 734.5 and 734.9",
     [("734.2", "734.5"), ("734.5", None), ("734.9", None)]),
    ("734", "734.4(a)(4)", "9E003.a.1 through a.6, a.8, .h, .i, and .l",
     [("9E003.a.1", "9E003.a.6"), ("9E003.a.6", None), ("9E003.a.8", None), ("9E003.h", None), ("9E003.i", None),
      ("9E003.l", None)]),
    ("734", "734.4(a)(8)", "3B001.a.4, c, d, f.1, f.5, f.6, k to n, p.2, p.4, r",
     [("3B001.a.4", None), ("3B001.c", None), ("3B001.d", None), ("3B001.f.1", None), ("3B001.f.5", None),
      ("3B001.f.6", None), ("3B001.k", "3B001.n"), ("3B001.n", None), ("3B001.p.2", None), ("3B001.p.4", None),
      ("3B001.r", None)]),
    ("734", "734.9(e)(3)(i)", "3B991.b.2.a through 3B991.b.2.b",
     [("3B991.b.2.a", "3B991.b.2.b"), ("3B991.b.2.b", None)]),
    ("734", "734.20(c)(5)", "paragraphs (c)(5)(i), (ii), (iii), (iv), (v), or (vi) of this section",
     [(f"734.20(c)(5)({n})", None) for n in ("i", "ii", "iii", "iv", "v", "vi")]),
    ("734", "734.3(a)(3)(ii)", "§ 734.4(c) or § 734.4(d)", [("734.4(c)", None), ("734.4(d)", None)]),
    ("734", "Supplement No. 1 to Part 734 (b)(2)(iv)", "§ 734.9(e)(1)(ii) or (e)(2)(ii)",
     [("734.9(e)(1)(ii)", None), ("734.9(e)(2)(ii)", None)]),
    ("734", "Supplement No. 2 to Part 734 (b)", "paragraphs (c) and (d) of § 734.4", [("734.4(c)", None),
                                                                                      ("734.4(d)", None)]),
    ("734", "734.9(f)(2)", "supplement no. 6 or 7 to part 746",
     [("Supplement No. 6 to Part 746", None), ("Supplement No. 7 to Part 746", None)]),
]


@pytest.mark.parametrize(("part", "citation", "written", "expected"), REAL, ids=[r[2][:40] for r in REAL])
def test_every_target_of_a_real_list_or_range_is_extracted(part, citation, written, expected):
    assert _named(part, citation, written) == expected


def test_the_country_groups_of_a_real_list_are_each_a_target():
    text = _records("740")["740.2(a)(5)(ii)"].text
    refs = extract_refs(text, unit="740.2", part="740")
    assert [r.target for r in refs if r.kind == "country-group"] == ["Country Group D:4", "Country Group D:5"]


@pytest.mark.parametrize(("part", "ranges", "lists"), [("734", 7, 54), ("740", 20, 190)])
def test_counts_of_ranges_and_lists_in_the_real_parts(part, ranges, lists):
    """Ranges (a reference naming its end) and written lists naming two targets or more, over the whole Part."""
    refs = [(p.citation, r) for p in _records(part).values() for r in p.refs]
    written = Counter((citation, r.text) for citation, r in refs)
    assert sum(r.through is not None for _, r in refs) == ranges
    assert sum(n > 1 for n in written.values()) == lists


def test_every_range_in_the_real_parts_bounds_one_run_of_siblings():
    for part in ("734", "740"):
        for p in _records(part).values():
            for r in p.refs:
                if r.through is not None:
                    members = range_members(r.target, r.through)
                    assert members is not None and members[0] == r.target and members[-1] == r.through


# --- ranges against what exists ------------------------------------------------------------------------------


def test_a_real_range_expands_over_the_real_designations_that_exist():
    keys = set(_records("740"))
    ref = next(r for r in _records("740")["740.2(a)(5)(i)(A)"].refs if r.through == "740.9(a)(8)")
    assert expand(ref, keys) == (tuple(f"740.9(a)({n})" for n in range(3, 9)), ())


def test_a_range_whose_end_point_disappears_is_flagged():
    keys = set(_records("740")) - {"740.9(a)(8)"}
    ref = next(r for r in _records("740")["740.2(a)(5)(i)(A)"].refs if r.through == "740.9(a)(8)")
    assert expand(ref, keys) == (tuple(f"740.9(a)({n})" for n in range(3, 8)), ("740.9(a)(8)",))


def test_a_list_item_removed_from_the_real_text_is_missing_and_back_when_restored():
    ref = next(r for r in _records("740")["740.9(a)(14)"].refs if r.target == "740.9(a)(11)")
    keys = set(_records("740"))
    assert expand(ref, keys - {"740.9(a)(11)"}).missing == ("740.9(a)(11)",)
    assert expand(ref, keys) == (("740.9(a)(11)",), ())


def test_a_range_names_only_the_siblings_between_its_end_points():
    ref = Reference("3B001.k", "eccn", "k to n", "3B001.n")
    assert expand(ref, {"3B001.k", "3B001.l", "3B001.m", "3B001.m.1", "3B001.n", "3B001.o"}).targets == (
        "3B001.k", "3B001.l", "3B001.m", "3B001.n")


@pytest.mark.parametrize(
    ("first", "last", "members"),
    [
        ("740.19(b)(9)", "740.19(b)(12)", ("740.19(b)(9)", "740.19(b)(10)", "740.19(b)(11)", "740.19(b)(12)")),
        ("740.17(b)(2)(i)(B)", "740.17(b)(2)(i)(D)",
         ("740.17(b)(2)(i)(B)", "740.17(b)(2)(i)(C)", "740.17(b)(2)(i)(D)")),
        ("740.2(a)(1)(iii)", "740.2(a)(1)(v)", ("740.2(a)(1)(iii)", "740.2(a)(1)(iv)", "740.2(a)(1)(v)")),
        ("734.2", "734.4", ("734.2", "734.3", "734.4")),
        ("2B119", "2B122", ("2B119", "2B120", "2B121", "2B122")),
        ("Supplement No. 6 to Part 742 (a)", "Supplement No. 6 to Part 742 (c)",
         ("Supplement No. 6 to Part 742 (a)", "Supplement No. 6 to Part 742 (b)", "Supplement No. 6 to Part 742 (c)")),
        ("740.9(b)", "740.9(a)", None),  # backwards
        ("740.9(a)(1)", "740.9(b)(2)", None),  # another parent
        ("5A002", "5A992", None),  # too far apart to be one range
        ("3A001", "4A001", None),
    ],
)
def test_range_members_by_the_grammar(first, last, members):
    assert range_members(first, last) == members


# --- each pass on short strings ------------------------------------------------------------------------------


def _pass(name: str, text: str, unit: str | None = "740.9", part: str = "740") -> list[tuple[str, str, str | None]]:
    found = Found(unit, part)
    next(run for run, _ in PASSES if run.__name__ == name)(text, found)
    return [(r.target, r.text, r.through) for _, r in found.refs]


def test_cfr_pass_reads_lists_after_a_15_cfr_section():
    assert _pass("cfr", "License Exception APR (15 CFR 740.16(a) or (b))") == [
        ("740.16(a)", "15 CFR 740.16(a) or (b)", None), ("740.16(b)", "15 CFR 740.16(a) or (b)", None)]
    assert _pass("cfr", "see 22 CFR 121.1 and 15 CFR part 744") == [
        ("22 CFR 121.1", "22 CFR 121.1", None), ("Part 744", "15 CFR part 744", None)]


def test_relative_pass_carries_the_shared_prefix_and_finds_where_the_paragraphs_are():
    assert [t for t, _, _ in _pass("relative", "paragraphs (a)(8) and (11) of this section")] == [
        "740.9(a)(8)", "740.9(a)(11)"]
    assert _pass("relative", "paragraphs (b)(1) through (8) of § 740.19") == [
        ("740.19(b)(1)", "paragraphs (b)(1) through (8) of § 740.19", "740.19(b)(8)"),
        ("740.19(b)(8)", "paragraphs (b)(1) through (8) of § 740.19", None)]
    assert [t for t, _, _ in _pass("relative", "paragraph (b) of supplement no. 2 to this part")] == [
        "Supplement No. 2 to Part 740 (b)"]
    assert [t for t, _, _ in _pass("relative", "under paragraph (e)(1) or (2)")] == ["740.9(e)(1)", "740.9(e)(2)"]


def test_relative_pass_leaves_paragraphs_of_something_else_alone():
    assert _pass("relative", "paragraphs (a) or (b) of License Exception APR") == []
    assert _pass("relative", "see supplement no. 2 to part 748, paragraph (w)") == []  # that supplement's (w)
    assert _pass("relative", "under § 740.15(b) (excluding paragraph (b)(2)(ii))") == []
    assert _pass("relative", "paragraph (viii)") == []  # a bare deep designation: which (viii) is not said
    assert _pass("relative", "paragraph (b) of this section", unit="3A001") == []


def test_section_sign_pass_reads_lists_ranges_and_several_sections():
    assert [(t, th) for t, _, th in _pass("section_sign", "§ 740.13(a) through (c), and (g)")] == [
        ("740.13(a)", "740.13(c)"), ("740.13(c)", None), ("740.13(g)", None)]
    assert [t for t, _, _ in _pass("section_sign", "§§ 740.2(a)(26) and 740.20.")] == ["740.2(a)(26)", "740.20"]
    assert [t for t, _, _ in _pass("section_sign", "§ 740.9(a)(1), tools of trade")] == ["740.9(a)(1)"]


def test_country_group_supplement_and_part_passes():
    assert [t for t, _, _ in _pass("country_groups", "Country Groups D:1, D:4, and D:5")] == [
        "Country Group D:1", "Country Group D:4", "Country Group D:5"]
    assert [t for t, _, _ in _pass("supplements", "supplement no. 6 or 7 to part 746")] == [
        "Supplement No. 6 to Part 746", "Supplement No. 7 to Part 746"]
    assert [t for t, _, _ in _pass("supplements", "supplement no. 1 to this part", part="774")] == [
        "Supplement No. 1 to Part 774"]
    assert [t for t, _, _ in _pass("parts", "part 744 and 15 CFR part 746")] == ["Part 744"]
    assert _pass("parts", "parts 740 and 746 as applicable") == [
        ("Part 740", "parts 740 and 746", None), ("Part 746", "parts 740 and 746", None)]
    assert [(t, th) for t, _, th in _pass("parts", "parts 730 through 774 of the EAR")] == [
        ("Part 730", "Part 774"), ("Part 774", None)]


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("ECCNs 3A090, 4A090 and 5A992.z", ["3A090", "4A090", "5A992.z"]),
        ("3A001.b.2 and b.3", ["3A001.b.2", "3A001.b.3"]),
        ("3A001.z.1.a, z.2.a", ["3A001.z.1.a", "3A001.z.2.a"]),
        ("5A001.d.15 and .16", ["5A001.d.15", "5A001.d.16"]),
        ("1C608.l and m", ["1C608.l", "1C608.m"]),
        ("3C007\u20133C009", ["3C007", "3C009"]),
        ("3A001.b and a license", ["3A001.b"]),  # "a" is a word
        ("3A090.a, to", ["3A090.a"]),
        ("3A001.b, e.g. amplifiers", ["3A001.b"]),
        ("0A501 or 0A502", ["0A501", "0A502"]),
    ],
)
def test_eccn_pass_reads_item_lists_written_without_their_eccn(text, targets):
    assert [t for t, _, _ in _pass("eccns", text, unit="3A001", part="774")] == targets


def test_eccn_pass_keeps_the_written_form_of_a_list_and_of_a_lone_eccn():
    assert _pass("eccns", "2B119 to 2B122; see 3A001", unit=None, part="774") == [
        ("2B119", "2B119 to 2B122", "2B122"), ("2B122", "2B119 to 2B122", None), ("3A001", "3A001", None)]


def test_this_eccn_pass_only_inside_an_eccn():
    assert _pass("this_eccn", "items in this ECCN", unit="3A001", part="774") == [("3A001", "this ECCN", None)]
    assert _pass("this_eccn", "items in this ECCN", unit="740.9") == []


@pytest.mark.parametrize(
    ("prev", "item", "carried"),
    [
        (("a", "8"), ("11",), ("a", "11")),
        (("a", "5", "ii", "A"), ("B",), ("a", "5", "ii", "B")),
        (("a", "1", "i"), ("ii",), ("a", "1", "ii")),
        (("h",), ("i",), ("i",)),  # after (h), (i) is a letter
        (("b", "2", "ii"), ("b", "2", "iii", "B"), ("b", "2", "iii", "B")),
        (("c", "1"), ("2",), ("c", "2")),
    ],
)
def test_designations_carry_the_levels_above_them(prev, item, carried):
    assert carry_designations(prev, item) == carried


def test_item_paths_carry_their_eccn_levels():
    assert carry_item(("a", "1"), ("c",), dotted=False) == ("c",)
    assert carry_item(("b", "2", "a"), ("b",), dotted=False) == ("b", "2", "b")
    assert carry_item(("b", "2", "a"), ("b",), dotted=True) == ("b",)  # ".b": from the ECCN
    assert carry_item((), ("b",), dotted=False) is None


def test_a_stored_range_reads_back_and_old_rows_read_alike():
    refs = (Reference("740.9(a)(3)", "section", "(a)(3) through (8)", "740.9(a)(8)"),
            Reference("740.9(a)(8)", "section", "(a)(3) through (8)"))
    assert refs_load(refs_json(refs)) == refs
    assert refs_json(refs[1:]) == '[["740.9(a)(8)", "section", "(a)(3) through (8)"]]'
    assert refs[0].to_dict()["through"] == "740.9(a)(8)" and "through" not in refs[1].to_dict()


# --- mutations of the real Part 740, stored and checked --------------------------------------------------------


def _without(records: dict[str, Paragraph], key: str) -> list[Paragraph]:
    return [p for c, p in records.items() if not is_under(c, key)]


def test_a_real_list_item_removed_is_broken_by_that_change_and_repaired_when_restored():
    whole = _records("740")
    store = Store(":memory:")
    for date, paragraphs in [("2026-09-01", list(whole.values())), ("2026-09-02", _without(whole, "740.9(a)(11)")),
                             ("2026-09-03", list(whole.values()))]:
        store.ingest(paragraphs, part="740", date=date, source="test", sha256=date, size=1)
    broken, _ = broken_and_repaired(store, "740", "2026-09-01", "2026-09-02")
    assert {(c.from_citation, c.target, c.written) for c in broken} == {
        ("740.9(a)(14)", "740.9(a)(11)", "paragraphs (a)(8) and (11) of this section"),  # the list's second item
        ("740.2(a)(12)(ii)", "740.9(a)(11)", "§ 740.9(a)(11)"),  # found before lists were read too
    }
    _, repaired = broken_and_repaired(store, "740", "2026-09-02", "2026-09-03")
    assert {(c.from_citation, c.target) for c in repaired} == {("740.9(a)(14)", "740.9(a)(11)"),
                                                                ("740.2(a)(12)(ii)", "740.9(a)(11)")}


def test_a_real_range_whose_end_point_is_removed_is_broken_at_that_end():
    whole = _records("740")
    store = Store(":memory:")
    store.ingest(list(whole.values()), part="740", date="2026-09-01", source="test", sha256="a", size=1)
    store.ingest(_without(whole, "740.19(b)(18)"), part="740", date="2026-09-02", source="test", sha256="b", size=1)
    broken, _ = broken_and_repaired(store, "740", "2026-09-01", "2026-09-02")
    assert {(c.from_citation, c.target, c.written) for c in broken} == {
        ("740.19(b)", "740.19(b)(18)", "paragraphs (b)(9) through (18) of this section")}


@pytest.mark.parametrize(
    ("text", "unit", "targets"),
    [
        ("paragraph .y of this ECCN", "0A501", [("0A501.y", None)]),
        ("paragraphs .a through .c of this entry", "0A501", [("0A501.a", "0A501.c"), ("0A501.c", None)]),
        ("paragraphs a. through c. of this entry", "9A610", [("9A610.a", "9A610.c"), ("9A610.c", None)]),
        ("paragraph a.1 of ECCN 0A501 and", "0B501", [("0A501.a.1", None)]),
        ("paragraph .g, .h, .y.15 or .y.16 of this entry", "3A611",
         [("3A611.g", None), ("3A611.h", None), ("3A611.y.15", None), ("3A611.y.16", None)]),
        ("paragraph a. of Note 1", "3A001", []),  # a paragraph of the note, not an item
        ("paragraph .a or .b", "740.9", []),  # outside an ECCN, which ECCN is not said
    ],
)
def test_item_paragraph_pass_reads_the_ccls_paragraph_references(text, unit, targets):
    assert [(t, th) for t, _, th in _pass("item_paragraphs", text, unit=unit, part="774")] == targets


def test_real_ccl_paragraph_lists_name_every_item():
    ccl = {p.citation: p for p in parse_file(require(ECFR_API / f"full-{DATE}-title-15-part-774.xml"))}
    written = "paragraphs .a, .b, .c, .d, .e, .g, and .i of this entry"
    (citing,) = {p.citation for p in ccl.values() if p.unit == "0A504" and any(r.text == written for r in p.refs)}
    assert [(r.target, r.through) for r in ccl[citing].refs if r.text == written] == [
        (f"0A504.{x}", None) for x in "abcdegi"]
