"""Diffs between stored dates read only what changed (Store.delta) and equal comparing whole versions.

For every pair of stored versions, ``diff_dates`` must give exactly the changes of
``compare(paragraphs_on(a), paragraphs_on(b), earlier=earlier_texts(a))`` (kinds, order, redlines,
reference pairs, redesignations, restored), and ``Store.delta`` exactly the paragraphs whose stored
content differs, with their true ``order``, on real version pairs and on versions made by random
insertions, removals, moves, renumberings, kind changes and edits (stored out of date order).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations_with_replacement

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.diff.samples import EXCERPT_3A, EXCERPT_9A, SECTION_1194, bulk_title_1_pair, ccl_history, parsed, xml_pair
from tests.support import PART_740
from tracker.diff import compare, diff_dates
from tracker.diff.sides import ListSides
from tracker.model import NON_REGULATORY_KINDS, Delta, Paragraph
from tracker.store import Store, text_hash


def _ingest(store: Store, versions: dict[str, list[Paragraph]], order: list[str] | None = None) -> None:
    for day in order or list(versions):
        by_part: dict[str, list[Paragraph]] = defaultdict(list)
        for p in versions[day]:
            by_part[p.part].append(p)
        for part, paragraphs in by_part.items():
            store.ingest(paragraphs, part=part, date=day, source=f"v {day}", sha256=f"sha {day}", size=1)


def _expected_delta(old: list[Paragraph], new: list[Paragraph], ignore=frozenset()) -> Delta:
    old = [p for p in old if p.kind not in ignore]
    new = [p for p in new if p.kind not in ignore]
    old_hash, new_hash = ({p.citation: text_hash(p) for p in side} for side in (old, new))
    return Delta(
        [p for p in old if new_hash.get(p.citation) != old_hash[p.citation]],
        [p for p in new if old_hash.get(p.citation) != new_hash[p.citation]],
        [p.citation for p in old],
        [p.citation for p in new],
    )


def _assert_store_diff_equals_whole_compare(store: Store, part: str, a: str, b: str) -> int:
    old, new = store.paragraphs_on(part, a), store.paragraphs_on(part, b)
    assert store.delta(part, a, b) == _expected_delta(old, new)
    assert store.delta(part, a, b, ignore=NON_REGULATORY_KINDS) == _expected_delta(old, new, NON_REGULATORY_KINDS)
    expected = compare(old, new, earlier=store.earlier_texts(part, a))
    assert diff_dates(store, a, b, part=part).changes == expected
    return len(expected)


def _assert_all_pairs(store: Store, part: str) -> int:
    return sum(
        _assert_store_diff_equals_whole_compare(store, part, a, b)
        for a, b in combinations_with_replacement(store.dates(part), 2)
    )


# -- real versions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair",
    [
        lambda: xml_pair(SECTION_1194, "2016-12-13", "2017-01-18"),
        lambda: xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01"),
        lambda: xml_pair(EXCERPT_9A, "2026-06-25", "2026-09-01"),
        bulk_title_1_pair,
    ],
    ids=["36 CFR 1194.1", "774 3A001-4A090", "774 9A010-9A018", "title 1 bulk"],
)
def test_diff_of_a_real_stored_pair_equals_comparing_the_whole_versions(pair):
    old, new = pair()
    store = Store(":memory:")
    _ingest(store, {"2024-01-01": old, "2024-02-01": new})
    assert sum(_assert_all_pairs(store, part) for part in store.parts()) > 0 or old == new


def test_diff_of_every_ccl_history_pair_stored_out_of_order_equals_comparing_the_whole_versions():
    history = {day: list(v) for day, v in ccl_history().items()}
    days = list(history)
    store = Store(":memory:")
    _ingest(store, history, days[1::2] + days[::2])
    pairs = list(zip(days, days[1:], strict=False)) + [(days[0], days[-1])]
    pairs += sorted(tuple(sorted(random.Random(774).sample(days, 2))) for _ in range(10))
    assert sum(_assert_store_diff_equals_whole_compare(store, "774", a, b) for a, b in pairs) > 0


# -- random edits ------------------------------------------------------------------------------------


def _edit(paragraphs: list[Paragraph], rnd: random.Random, gone: list[Paragraph], n: int) -> list[Paragraph]:
    """``paragraphs`` after ``n`` random edits of the kinds a new version brings (``gone`` collects removals,
    so a later version can bring one back)."""
    out = list(paragraphs)
    for _ in range(n):
        op = rnd.choice(("text", "heading", "punct", "insert", "remove", "move", "renumber", "kind", "unit",
                         "swap", "restore"))
        i = rnd.randrange(len(out))
        p = out[i]
        taken = {q.citation for q in out}
        if op == "text":
            out[i] = replace(p, text=f"{p.text} amended{rnd.randrange(3)}")
        elif op == "heading":
            out[i] = replace(p, heading=f"{p.heading} new", text=p.text.replace(p.heading, f"{p.heading} new", 1))
        elif op == "punct":
            out[i] = replace(p, text=p.text.rstrip(".;") + rnd.choice(".;,"))
        elif op == "insert":
            citation = f"{p.citation} x{rnd.randrange(10**6)}"
            if citation not in taken:
                out.insert(i, replace(p, citation=citation, text=f"{p.marker} New words {rnd.randrange(5)}.",
                                      marker=p.marker))
        elif op == "remove" and len(out) > 1:
            gone.append(out.pop(i))
        elif op == "move" and len(out) > 1:
            out.insert(rnd.randrange(len(out)), out.pop(i))
        elif op == "renumber":
            citation = f"{p.citation} r{rnd.randrange(10**6)}"
            if citation not in taken:
                out[i] = replace(p, citation=citation)
        elif op == "kind":
            out[i] = replace(p, kind="paragraph" if p.kind in NON_REGULATORY_KINDS else "ednote")
        elif op == "unit":
            out[i] = replace(p, unit=f"{p.unit}u", parent=None)
        elif op == "swap" and i + 1 < len(out):
            out[i], out[i + 1] = out[i + 1], out[i]
        elif op == "restore" and gone:
            back = gone.pop(rnd.randrange(len(gone)))
            if back.citation not in taken:
                out.insert(i, replace(back, text=rnd.choice((back.text, f"{back.text} again"))))
    return [replace(p, order=k + rnd.choice((0, 0, 1))) for k, p in enumerate(out)]


def _versions(first: list[Paragraph], count: int, edits: int, seed: int) -> dict[str, list[Paragraph]]:
    rnd, gone = random.Random(seed), []
    versions, current = {}, first
    for n in range(count):
        versions[(date(2024, 1, 1) + timedelta(days=7 * n)).isoformat()] = current
        current = _edit(current, rnd, gone, edits)
    return versions


def test_diff_between_random_versions_of_real_part_740_equals_comparing_the_whole_versions():
    versions = _versions(list(parsed(PART_740)), 5, 25, seed=740)
    days = list(versions)
    store = Store(":memory:")
    _ingest(store, versions, days[::-1])  # newest first: every later ingest is a backfill
    assert _assert_all_pairs(store, "740") > 0


_TEXTS = ("(a) Exports.", "(b) Reexports.", "(1) See § 740.10(a)(3)(v).", "[Reserved]", "(c) Exports.", "Note.")


@st.composite
def _small_versions(draw) -> tuple[dict[str, list[Paragraph]], list[str]]:
    size = draw(st.integers(1, 8))
    first = [
        Paragraph(f"1.1({k})", "1", "1.1", "1.1", "", draw(st.sampled_from(("paragraph", "text", "ednote"))),
                  draw(st.sampled_from(("", "Scope."))), draw(st.sampled_from(_TEXTS)), k)
        for k in range(size)
    ]
    versions = _versions(first, draw(st.integers(2, 5)), draw(st.integers(1, 6)), draw(st.integers(0, 2**32)))
    return versions, draw(st.permutations(list(versions)))


@settings(max_examples=60, deadline=None)
@given(_small_versions())
def test_diff_between_random_small_versions_stored_in_any_order_equals_comparing_the_whole_versions(drawn):
    versions, order = drawn
    store = Store(":memory:")
    _ingest(store, versions, order)
    _assert_all_pairs(store, "1")


def _assert_sides_alike(store: Store, part: str, a: str, b: str) -> None:
    """``Store.changed`` answers every question of the differ as the whole versions' citation lists do."""
    changed = store.changed(part, a, b, ignore=NON_REGULATORY_KINDS)
    whole = ListSides(store.delta(part, a, b, ignore=NON_REGULATORY_KINDS))
    assert (changed.old, changed.new) == (whole.old, whole.new)
    for p in changed.old:
        assert changed.old_rank(p.citation) == whole.old_rank(p.citation)
        assert list(changed.old_before(p.citation)) == list(whole.old_before(p.citation))
    for p in (*changed.old, *changed.new):
        assert changed.new_rank(p.citation) == whole.new_rank(p.citation)
        assert changed.in_old(p.citation) == whole.in_old(p.citation)
        assert changed.old_under(p.citation) == whole.old_under(p.citation)


@settings(max_examples=60, deadline=None)
@given(_small_versions())
def test_the_store_places_what_changed_as_the_whole_versions_do(drawn):
    versions, order = drawn
    store = Store(":memory:")
    _ingest(store, versions, order)
    for a, b in combinations_with_replacement(store.dates("1"), 2):
        _assert_sides_alike(store, "1", a, b)


def test_the_store_places_what_changed_in_random_versions_of_real_part_740_as_the_whole_versions_do():
    versions = _versions(list(parsed(PART_740)), 4, 30, seed=7401)
    store = Store(":memory:")
    days = list(versions)
    _ingest(store, versions, days[2:] + days[:2])
    for a, b in combinations_with_replacement(days, 2):
        _assert_sides_alike(store, "740", a, b)
