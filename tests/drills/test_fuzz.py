"""Fuzzing the marker parser and the reference extractor: invariants hold for any input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.parse import ParseError, parse_bytes
from tracker.parse.markers import resolve_levels
from tracker.parse.refs import extract_refs
from tracker.xmltext import plain

_MARKERS = st.sampled_from(
    ["(a)", "(b)", "(h)", "(i)", "(j)", "(v)", "(x)", "(l)", "(aa)", "(1)", "(2)", "(10)", "(ii)", "(iv)",
     "(A)", "(B)", "*(1)*", "(*i*)", "(*2*)"]
)
_FRAGMENTS = st.sampled_from(
    ["§ 740.10(a)(3)(v)", "§§ 743.4 and 762.2(b)", "15 CFR 740.2", "22 CFR 121.1", "paragraph (b)(3) of this section",
     "ECCN 3A001.z", "3B001.j", "0A501", "9x515", "Country Groups D:1, E:1 and E:2", "supplement no. 1 to part 740",
     "supplement No. 4 to this part", "part 744", "this ECCN", "(i)", "§", "CFR", " and ", ", ", "—", "*", "^",
     "license", " ", "."]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKERS, max_size=40))
def test_any_marker_sequence_resolves_one_marker_each_without_error(raws):
    markers = resolve_levels(raws)
    assert [m.raw for m in markers] == raws
    assert all(0 <= m.depth <= 5 for m in markers)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_MARKERS, st.lists(_FRAGMENTS, max_size=5)), min_size=1, max_size=25))
def test_any_section_of_marked_paragraphs_keeps_text_and_sound_keys(paragraphs):
    body = "".join(f"<P>{m} {''.join(words)}</P>" for m, words in paragraphs)
    xml = f'<DIV8 N="740.99" TYPE="SECTION"><HEAD>§ 740.99 Test.</HEAD>{body}</DIV8>'
    try:
        records = parse_bytes(xml.encode(), "fuzz.xml")
    except ParseError:
        return
    keys = [r.citation for r in records]
    assert len(keys) == len(set(keys))
    assert all(r.parent is None or r.parent in set(keys) for r in records)
    squash = re.compile(r"[\s*^]")
    expected = squash.sub("", "Test." + "".join(f"{m}{''.join(w)}" for m, w in paragraphs))
    got = "".join(plain(r.heading if r.kind == "section" else r.text) for r in records)  # literal * are escaped
    assert squash.sub("", got) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=15), st.sampled_from([None, "740.10", "3A001"]))
def test_reference_extraction_never_fails_and_quotes_the_text(fragments, unit):
    text = "".join(fragments)
    refs = extract_refs(text, unit=unit, part="740")
    for ref in refs:
        assert ref.text in plain(text)
        assert ref.kind in {"section", "part", "external", "eccn", "country-group", "supplement"}
        assert ref.target.strip() == ref.target and ref.target
