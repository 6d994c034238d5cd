"""Paragraph markers: ambiguous letters and numerals are settled by sequence, never by a fixed rule.

The property tests build random CFR paragraph trees (every list has at least two members, as the
CFR drafting rules require), write them as flat eCFR ``P`` elements and check the parser recovers
every citation and every word.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.support import ECFR_API, require
from tracker.parse import parse_bytes
from tracker.parse.markers import (
    _HEADED_NEXT,
    _LEAD,
    BEAM_WIDTH,
    CHILD_NOT_FIRST,
    LEVEL_ORDER,
    RESTART,
    SIBLING_BACKWARDS,
    SIBLING_GAP,
    SKIPPED_LEVEL,
    _single_children,
    candidates,
    resolve_levels,
    split_markers,
)
from tracker.xmltext import inline_text, xml_parser


def _labels(raws: list[str]) -> list[str]:
    return [f"{m.label}@{m.depth}" for m in resolve_levels(raws)]


@pytest.mark.parametrize(
    ("raws", "expected"),
    [
        # (i) after (h) is a letter; after (1) it is a numeral.
        (["(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)", "(i)", "(j)"], ["i@0", "j@0"]),
        (["(a)", "(1)", "(i)", "(ii)", "(2)"], ["i@2", "ii@2", "2@1"]),
        # (v) and (x) as numerals of a long list, and as letters of a longer one.
        (["(a)", "(1)", "(i)", "(ii)", "(iii)", "(iv)", "(v)", "(vi)", "(b)"], ["v@2", "vi@2", "b@0"]),
        ([f"({chr(c)})" for c in range(ord("a"), ord("z") + 1)], ["v@0", "w@0", "x@0", "y@0", "z@0"]),
        # (ii) right after (h)'s child: the numeral list continues, not a letter "ii".
        (["(h)", "(1)", "(i)", "(ii)", "(2)", "(i)", "(j)"], ["ii@2", "2@1", "i@0", "j@0"]),
        # (i) after (h)(2) that has numerals of its own: a numeral when (ii) follows.
        (["(h)", "(1)", "(2)", "(i)", "(ii)", "(i)", "(j)"], ["i@2", "ii@2", "i@0", "j@0"]),
        # (l) the letter and (1) the numeral are different characters.
        (["(k)", "(1)", "(2)", "(l)", "(m)"], ["1@1", "2@1", "l@0", "m@0"]),
        # Deep levels: (A) then italic (1) and italic (i).
        (
            ["(a)", "(1)", "(i)", "(A)", "*(1)*", "*(2)*", "(*i*)", "(*ii*)", "(B)"],
            ["A@3", "1@4", "2@4", "i@5", "ii@5", "B@3"],
        ),
        # A plain (1) under (B) is the italic level the eCFR left unitalicised (real 740.20(b)(2)(viii)(B)(1)),
        # not a return to the arabic level: (C) and (ix) then follow where they belong.
        (
            ["(b)", "(1)", "(2)", "(viii)", "(A)", "(B)", "(1)", "(2)", "(C)", "(ix)", "(3)"],
            ["A@3", "B@3", "1@4", "2@4", "C@3", "ix@2", "3@1"],
        ),
        # A plain (i) under an italic (1) is italic too.
        (["(a)", "(1)", "(i)", "(A)", "*(1)*", "(i)", "(ii)", "*(2)*", "(B)"], ["1@4", "i@5", "ii@5", "2@4", "B@3"]),
        # ... but a plain (2) that continues the arabic level stays there.
        (["(a)", "(1)", "(i)", "(A)", "(B)", "(2)", "(b)"], ["A@3", "B@3", "2@1", "b@0"]),
        # A body that opens at (1) has (i) right below it, then (A): no level is skipped twice.
        (
            ["(1)", "(i)", "(A)", "(1)", "(2)", "(B)", "(ii)", "(2)", "(i)"],
            ["A@2", "1@3", "2@3", "B@2", "ii@1", "2@0", "i@1"],
        ),
    ],
)
def test_ambiguous_markers_are_resolved_from_their_sequence(raws, expected):
    assert _labels(raws)[-len(expected) :] == expected


def test_a_heading_then_a_second_marker_gives_two_items():
    assert split_markers("(b) *Eligible items*—(1) *General.* Text (c) stays") == [
        (("(b)",), "(b) *Eligible items*—"),
        (("(1)",), "(1) *General.* Text (c) stays"),
    ]


def test_a_parenthesis_inside_a_sentence_is_not_a_marker():
    assert split_markers("(1) See paragraph (b) of this section (ii) too.") == [
        (("(1)",), "(1) See paragraph (b) of this section (ii) too.")
    ]


def test_consecutive_markers_stay_together():
    assert split_markers("(g)(1)(i) Text") == [(("(g)", "(1)", "(i)"), "(g)(1)(i) Text")]


# -- property: random paragraph trees ------------------------------------------------------------


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


_LABELS = (
    lambda n: chr(96 + n),  # (a)
    str,  # (1)
    _roman,  # (i)
    lambda n: chr(64 + n),  # (A)
)


@st.composite
def paragraph_trees(draw, depth: int = 0, budget: list[int] | None = None) -> list[tuple[str, list]]:
    """A list of ``(label, children)`` at ``depth``; each list has 2..12 members (or is empty)."""
    budget = budget if budget is not None else [60]
    if depth >= len(_LABELS) or budget[0] <= 2:
        return []
    if depth > 0 and not draw(st.booleans()):
        return []
    count = draw(st.integers(min_value=2, max_value=min(12, budget[0])))
    budget[0] -= count
    return [(_LABELS[depth](n), draw(paragraph_trees(depth + 1, budget))) for n in range(1, count + 1)]


def _flatten(tree, prefix: str = "") -> list[str]:
    out = []
    for label, children in tree:
        citation = f"{prefix}({label})"
        out.append(citation)
        out.extend(_flatten(children, citation))
    return out


_WORDS = st.lists(st.sampled_from(["export", "license", "item", "(see", "§ 740.2)", "ECCN", "3A090."]), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=paragraph_trees(budget=None), words=_WORDS)
def test_random_paragraph_trees_are_recovered_key_for_key(tree, words):
    citations = _flatten(tree)
    body = " ".join(words)
    paragraphs = "".join(f"<P>{c[c.rindex('('):]} Text of {c} {body}</P>" for c in citations)
    xml = (
        '<DIV5 N="740" TYPE="PART"><HEAD>PART 740—TEST</HEAD>'
        f'<DIV8 N="740.99" TYPE="SECTION"><HEAD>§ 740.99 Test.</HEAD>{paragraphs}</DIV8></DIV5>'
    ).encode()
    records = parse_bytes(xml, "tree.xml")
    got = [r.citation for r in records if r.kind == "paragraph"]
    assert got == [f"740.99{c}" for c in citations]
    for r in records:
        if r.kind == "paragraph":
            assert r.text.endswith(f"Text of {r.citation[len('740.99'):]} {body}".rstrip())
            assert r.parent == (r.citation[: r.citation.rindex("(")] or "740.99")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="()abivxAB12*—. ", max_size=40))
def test_split_markers_never_loses_text(text):
    items = split_markers(text)
    assert "".join(t for _, t in items).replace(" ", "") == text.replace(" ", "")


# -- the beam only where a marker is ambiguous: same readings as the full beam ------------------------


def _step(stack, level: int, index: int):
    """The step of the beam as it was written on stacks of tuples (before the stack trie): the oracle's."""
    for depth, (lv, idx) in enumerate(stack):
        if lv == level:
            cost = 0.0 if index == idx + 1 else (SIBLING_GAP if index > idx else SIBLING_BACKWARDS)
            cost += _single_children(stack[depth + 1 :])
            return stack[:depth] + ((level, index),), cost, depth
    below = LEVEL_ORDER.index(stack[-1][0]) + 1 if stack else 0
    if level not in LEVEL_ORDER[below:]:
        return None
    cost = (0.0 if level == LEVEL_ORDER[below] else SKIPPED_LEVEL) + (0.0 if index == 1 else CHILD_NOT_FIRST)
    return stack + ((level, index),), cost, len(stack)


def _full_beam(raws: list[str], beam: int = BEAM_WIDTH) -> list[tuple[str, int, int]]:
    """The full beam as it was before readings were kept as back-pointers (every state and reading, each path
    copied): the oracle the lean :func:`resolve_levels` must match, ties and sums included."""
    states: list[tuple[tuple[tuple[int, int], ...], float, tuple[tuple[int, int, int], ...]]] = [((), 0.0, ())]
    for raw in raws:
        nxt: dict = {}
        for stack, cost, path in states:
            for level, index, reading in candidates(raw):
                placed = _step(stack, level, index)
                if placed is None:
                    depth = LEVEL_ORDER.index(level)
                    placed = (stack[:depth] + ((level, index),), RESTART, min(depth, len(stack)))
                new_stack, step, depth = placed
                new = (new_stack, cost + reading + step, (*path, (level, index, depth)))
                if new_stack not in nxt or new[1] < nxt[new_stack][1]:
                    nxt[new_stack] = new
        states = sorted(nxt.values(), key=lambda s: s[1])[:beam]
    best = min(states, key=lambda s: s[1] + _single_children(s[0][1:]))
    return [(raw, level, depth) for raw, (level, _, depth) in zip(raws, best[2], strict=True)]


def _lean(raws: list[str]) -> list[tuple[str, int, int]]:
    return [(m.raw, m.level, m.depth) for m in resolve_levels(raws)]


_MARKERS = st.sampled_from(
    ["(a)", "(b)", "(c)", "(h)", "(i)", "(j)", "(v)", "(w)", "(x)", "(y)", "(ii)", "(iii)", "(iv)", "(1)", "(2)",
     "(3)", "(9)", "(10)", "(A)", "(B)", "(C)", "(I)", "*(1)*", "*(2)*", "(*i*)", "(*ii*)", "(aa)"]
)


@pytest.mark.parametrize(
    "raws",
    [
        ["(a)", "(b)", "(c)"],  # one reading each after the first: no beam at all
        ["(A)", "(B)", "(C)", "(D)"],
        ["(h)", "(i)", "(j)", "(i)", "(ii)", "(iii)"],  # letter, then numeral: the beam decides twice
        ["(a)", "(1)", "(i)", "(A)", "*(1)*", "(i)", "(ii)", "*(2)*", "(B)", "(v)", "(x)", "(b)"],
        ["(c)", "(a)", "(1)", "(1)", "(i)", "(i)"],  # restarts and repeats
        ["(x)", "(v)", "(i)"],
        ["(iii)", "(1)", "(A)", "(i)"],  # a restart whose level's chain top lies below the whole stack
        ["(*i*)", "(A)", "(j)", "(1)", "(I)", "(1)", "(9)", "(C)", "(1)"],  # costs that tie only in exact sums
    ],
)
def test_the_lean_beam_reads_ambiguous_markers_as_the_full_beam(raws):
    assert _lean(raws) == _full_beam(raws)


@settings(max_examples=300, deadline=None)
@given(raws=st.lists(_MARKERS, max_size=40))
def test_the_lean_beam_reads_any_marker_sequence_as_the_full_beam(raws):
    assert _lean(raws) == _full_beam(raws)


@settings(max_examples=2000, deadline=None)
@given(raws=st.lists(_MARKERS, min_size=8, max_size=60))
def test_long_marker_sequences_are_read_as_the_full_beam_reads_them(raws):
    assert _lean(raws) == _full_beam(raws)


def test_every_sections_markers_in_part_740_are_read_as_the_full_beam_reads_them():
    """The markers of each section of real Part 740, in order, as its records give them (read from the records: the
    compiled parser calls resolve_levels directly, past any patch)."""
    from tests.support import PART_740, require

    by_unit: dict[str, list[str]] = {}
    for r in parse_bytes(require(PART_740).read_bytes(), PART_740.name, refs=False):
        if r.kind == "paragraph" and r.marker:
            by_unit.setdefault(r.unit, []).append(r.marker)
    runs = list(by_unit.values())
    assert sum(map(len, runs)) > 1000 and len(runs) > 20
    for raws in runs:
        assert _lean(raws) == _full_beam(raws)


@st.composite
def outline_runs(draw) -> list[str]:
    """The markers of a well-formed paragraph tree (where a reading that costs nothing exists, so
    :func:`resolve_levels` skips the beam), sometimes with one marker dropped, repeated or replaced (where it
    must fall back to the beam from that marker on, and may skip it again further on)."""
    raws = [c[c.rindex("(") :] for c in _flatten(draw(paragraph_trees(budget=None)))]
    if raws and draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(raws) - 1))
        edit = draw(st.sampled_from(["drop", "repeat", "replace"]))
        if edit == "drop":
            del raws[at]
        elif edit == "repeat":
            raws.insert(at, raws[at])
        else:
            raws[at] = draw(_MARKERS)
    return raws


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raws=outline_runs())
def test_outlines_read_without_the_beam_are_read_as_the_full_beam_reads_them(raws):
    assert _lean(raws) == _full_beam(raws)


def _interpreted_markers(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """tracker.parse.markers run from its source, interpreted (the compiled module calls its own functions directly,
    past any patch of them)."""
    import tracker.parse

    name = "tracker.parse._markers_interpreted"
    spec = importlib.util.spec_from_file_location(name, Path(tracker.parse.__file__).with_name("markers.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # a slotted dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_a_well_formed_outline_is_read_without_the_beam(monkeypatch):
    markers = _interpreted_markers(monkeypatch)
    steps: list[str] = []
    advance = markers._advance
    monkeypatch.setattr(markers, "_advance", lambda states, raw, *a: steps.append(raw) or advance(states, raw, *a))

    def lean(raws: list[str]) -> list[tuple[str, int, int]]:
        return [(m.raw, m.level, m.depth) for m in markers.resolve_levels(raws)]

    raws = ["(a)", "(1)", "(2)", "(b)", "(1)", "(i)", "(ii)", "(2)", "(c)"]
    assert lean(raws) == _lean(raws) == _full_beam(raws)
    assert steps == []
    once = ["(a)", "(1)", "(b)", "(c)", "(1)", "(2)"]  # (b) closes a list of one, which costs: the beam reads
    assert lean(once) == _lean(once) == _full_beam(once)  # up to it, and from (c), where it is down to one state,
    assert steps == once[:3]  # no longer


# -- split_markers looks markers up by their text: the same pieces as matching them ----------------------------


def _split_by_matching(text: str, whole: bool = True) -> list[tuple[tuple[str, ...], str]]:
    """:func:`split_markers` as it was written, with a regex match per marker (here recursive, at each italic
    heading): the oracle of the lookup. (What follows a heading without a marker that has a reading is dropped,
    as it was.)"""
    raws: list[str] = []
    pos = 0
    while (m := _LEAD.match(text, pos)) and candidates(m.group(0)):
        raws.append(m.group(0))
        pos = m.end()
    if not raws:
        return [((), text)] if whole else []
    head = _HEADED_NEXT.match(text, pos)
    if head is None:
        return [(tuple(raws), text)]
    return [(tuple(raws), text[: head.end()].rstrip()), *_split_by_matching(text[head.end() :], whole=False)]


def _real_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(ECFR_API.glob("*.xml")):
        root = etree.fromstring(require(path).read_bytes(), xml_parser())
        texts += [inline_text(el) for el in root.iter("P", "FP", "HD1", "HD2", "HD3")]
    return texts


def test_split_markers_of_every_real_paragraph_is_the_matching_one() -> None:
    texts = _real_texts()
    assert len(texts) > 10_000
    for text in texts:
        assert split_markers(text) == _split_by_matching(text), text


@given(
    text=st.text(alphabet=["(", ")", "*", " ", "\n", "\xa0", "—", "-", "a", "i", "v", "x", "z", "A", "1", "٣", "."],
                 max_size=30)
)
def test_split_markers_is_the_matching_one(text: str) -> None:
    assert split_markers(text) == _split_by_matching(text)
    assert split_markers(f"(a) *T.*{text}") == _split_by_matching(f"(a) *T.*{text}")
