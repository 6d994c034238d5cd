"""The citations grammar on real EAR text from ../shared, and a construct → str → parse round trip."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support import ECFR_API, require
from tracker.citations import (
    Citation,
    appendix_name,
    country_group,
    eccn_item,
    is_eccn,
    is_under,
    normalise_key,
    part_of,
    part_sort_key,
    section_number,
    section_paragraph,
    supplement,
    under_range,
    unique_key,
)
from tracker.model import Paragraph
from tracker.parse import parse_file

PART_740 = ECFR_API / "full-2026-09-01-title-15-part-740.xml"
CCL_EXCERPT = ECFR_API / "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml"
SECTION_742_6 = ECFR_API / "excerpt-2026-09-01-title-15-section-742.6.xml"


@cache
def _records(name: str) -> tuple[Paragraph, ...]:
    return tuple(parse_file(require(ECFR_API / name)))


@pytest.mark.parametrize(
    ("text", "kind", "part", "unit"),
    [
        ("740.10(a)(2)(iv)", "section", "740", "740.10"),  # the reference the April 2024 rule corrected
        ("740.10(a)(3)(v)", "section", "740", "740.10"),
        ("3A001.z", "eccn", "774", "3A001"),
        ("3B001.j", "eccn", "774", "3B001"),
        ("3A001.b.2", "eccn", "774", "3A001"),
        ("0A501", "eccn", "774", "0A501"),  # 600 series
        ("9A515", "eccn", "774", "9A515"),  # the 9x515 entries
        ("Country Group E:1", "country-group", "740", "Country Group E:1"),
        ("Supplement No. 1 to Part 740", "supplement", "740", "Supplement No. 1 to Part 740"),
        ("Part 744", "part", "744", "Part 744"),
    ],
)
def test_the_citations_of_the_ear_notes_parse_and_print_back(text, kind, part, unit):
    c = Citation.parse(text)
    assert c is not None and (c.kind, c.part, c.unit, str(c)) == (kind, part, unit, text)


@pytest.mark.parametrize("text", ["9x515", "3A001 License Requirements", "3a001", "E:1", "740.10 Source", ""])
def test_what_is_not_one_canonical_citation_parses_to_none(text):
    assert Citation.parse(text) is None


def test_every_reference_target_in_real_part_740_and_742_6_reads_back_as_written():
    records = _records(PART_740.name) + _records(SECTION_742_6.name)
    kinds = ("section", "eccn", "supplement", "country-group")
    targets = {r.target for p in records for r in p.refs if r.kind in kinds}
    assert {"740.10(a)(3)(v)", "3A090", "Country Group E:1", "Supplement No. 1 to Part 740"} <= targets
    series = {t for t in targets if re.search(r"\dx|[A-E]x", t)}  # 9x515, 0x5zz: a series, not one citation
    outside = {t for t in targets if re.match(r"\d{1,2}\.", t)}  # 15 CFR 30.37(o): the FTR, not an EAR Part
    assert series and outside == {"30.37(o)"}
    unread = sorted(t for t in targets - series - outside if Citation.parse(t) is None or str(Citation.parse(t)) != t)
    assert unread == []


def test_real_ccl_keys_follow_the_grammar():
    records = _records(CCL_EXCERPT.name)
    eccns = [p.citation for p in records if p.kind == "eccn"]
    assert eccns == ["3A001", "3A090", "4A090"] and all(map(is_eccn, eccns))
    items = [p for p in records if p.kind == "item" and "-" not in p.citation]  # "9A610.k-s" ranges aside
    assert "3A001.z" in {p.citation for p in items}
    for p in items:
        c = Citation.parse(p.citation)
        assert c is not None and c.kind == "eccn" and c.unit == p.unit, p.citation


def test_repeated_keys_in_real_files_follow_the_one_rule():
    keys = [p.citation for p in _records(PART_740.name)]
    assert len(keys) == len(set(keys))
    # The real 740.21 (2026-09-01) prints paragraph (b)(2) twice, word for word: the second is "(b)(2) 2".
    assert "740.21(b)(2) 2" in keys
    assert not [k for k in keys if re.search(r" \(\d+\)$", k)], "a repeated key reads like a designation"
    ccl = [p.citation for p in _records(CCL_EXCERPT.name)]
    assert "3A001.a.14.b.2 N.B. 2" in ccl  # the CCL's own form, unchanged


def test_unique_key_counts_past_keys_already_taken():
    assert unique_key("X", {"X", "X 2", "X 3"}) == "X 4"


def test_loose_keys_normalise_and_name_their_part():
    assert [normalise_key(k) for k in ("ECCN 3a090.A.1", "§§ 740.10(a)", " 9a515 ")] == [
        "3A090.a.1", "740.10(a)", "9A515"]
    assert [part_of(k) for k in ("3a090", "742.6(b)", "Supplement No. 4 to Part 744", "Category 3")] == [
        "774", "742", "744", None]


_LOWER = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=2)
_NUMBER = st.integers(1, 99).map(str)
_ECCN = st.builds(lambda d, g, n: f"{d}{g}{n:03d}", st.integers(0, 9), st.sampled_from("ABCDE"), st.integers(0, 999))
_SECTION = st.builds(
    lambda p, s, x: f"{p}.{s}{x}", st.integers(100, 999), st.integers(1, 999), st.sampled_from(["", "a"])
)
_LABEL = st.one_of(_LOWER, st.integers(1, 999).map(str), st.sampled_from(["i", "iv", "xiii", "A", "Z", "AA"]))
_CITATIONS = st.one_of(
    st.builds(lambda e, p: Citation("eccn", e, tuple(p)), _ECCN, st.lists(st.one_of(_LOWER, _NUMBER), max_size=5)),
    st.builds(lambda s, path: Citation("section", s, tuple(path)), _SECTION, st.lists(_LABEL, max_size=6)),
    st.builds(lambda p, n: Citation("supplement", str(p), (n,)), st.integers(100, 999), _NUMBER),
    st.builds(lambda g, n: Citation("country-group", g, (str(n),)), st.sampled_from("ABCDE"), st.integers(0, 9)),
    st.builds(lambda p: Citation("part", str(p)), st.integers(1, 9999)),
)


@given(_CITATIONS)
def test_construct_print_parse_round_trips(c):
    text = str(c)
    assert Citation.parse(text) == c
    if c.kind in ("eccn", "section", "supplement"):  # a Country Group or a bare Part: xref resolves those itself
        assert part_of(text) == c.part
    assert is_under(text, c.unit)


@given(st.builds(lambda e, path: (e, tuple(path)), _ECCN, st.lists(_NUMBER, max_size=3)),
       st.builds(lambda s, path: (s, tuple(path)), _SECTION, st.lists(_LABEL, max_size=3)))
def test_constructors_agree_with_the_value_type(eccn, section):
    assert eccn_item(eccn[0], *eccn[1]) == str(Citation("eccn", *eccn))
    assert section_paragraph(section[0], *section[1]) == str(Citation("section", *section))
    assert supplement(2, "744") == str(Citation("supplement", "744", ("2",)))
    assert country_group("D", 5) == str(Citation("country-group", "D", ("5",)))


@given(st.lists(st.integers(1, 9999).map(str), unique=True))
def test_part_order_is_len_then_text_for_part_numbers(parts):
    assert sorted(parts, key=part_sort_key) == sorted(parts, key=lambda p: (len(p), p))


@given(_CITATIONS, st.text(" .(,aA1-[]¶", max_size=6))
def test_the_under_range_holds_everything_under_a_key(c, tail):
    key = str(c)
    lo, hi = under_range(key)
    if is_under(key + tail, key):
        assert lo <= key + tail < hi


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        ("740.10", "740.10"),
        ("744.21a", "744.21a"),
        ("52.219-9", "52.219-9"),  # FAR: the hyphen is part of the number
        ("252.204-7012", "252.204-7012"),  # DFARS
        ("1.469-5T", "1.469-5T"),  # a temporary regulation's suffix
        ("1.401(a)(9)-6", "1.401(a)(9)-6"),  # 26 CFR: designations inside the number
        ("1.401(a)", "1.401"),  # ... but a paragraph of 1.401 is not a section
        ("102.104-102.109", "102.104"),  # a range of sections (real Title 1 bulk), not a number
        ("§§ 457.104-457.109", None),
        ("Supplement No. 1 to Part 740", None),
    ],
)
def test_section_numbers_keep_hyphens_and_suffixes(n, expected):
    assert section_number(n) == expected


def test_every_real_section_n_opens_with_its_section_number():
    for path in sorted(require(ECFR_API).glob("*.xml")):
        for n in re.findall(r'<DIV8 N="([^"]+)"', path.read_text(encoding="utf-8")):
            number = section_number(n.replace("§", "").strip())
            assert number and n.replace("§", "").strip().startswith(number), (path.name, n)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        ("Supplement No. 3 to Part 742 -", "Supplement No. 3 to Part 742"),  # real Part 742
        ("Supplement No. 1 to Part 774", "Supplement No. 1 to Part 774"),
        ("Supplement No.2 to Part 740 —", "Supplement No. 2 to Part 740"),
        ("Appendix I to Part 261", "Appendix I to Part 261"),
        ("Appendix A to Part 101 -", "Appendix A to Part 101"),
    ],
)
def test_appendix_names_are_normalised(n, expected):
    assert appendix_name(n) == expected


def test_the_package_names_are_its_modules_and_the_store_needs_no_grammar():
    """tracker.citations imports each name from its module on first use; the store's names (order.py) compile no
    pattern, so an idle ``tracker run`` never imports the grammar."""
    import importlib
    import subprocess
    import sys

    import tracker.citations as citations

    assert sorted(citations.__all__) == sorted(citations._HOMES)
    for name, home in citations._HOMES.items():
        assert getattr(citations, name) is getattr(importlib.import_module(f"tracker.citations.{home}"), name)
    code = "import sys, tracker.store\nprint(sorted(m for m in sys.modules if m.startswith('tracker.citations')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['tracker.citations', 'tracker.citations.order']"
