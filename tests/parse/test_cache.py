"""The section cache gives exactly the records of a cold parse: on every real file, on a second parse with the
cache full, and on versions derived from real Parts 740 and 774 with about 1% of their units edited."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from functools import cache, partial

import pytest
from lxml import etree

from tests.parse.test_records_identical import FILES, canonical, real_bytes, recorded, records_digest
from tracker.parse import parse_bytes
from tracker.parse.body import key_body
from tracker.parse.cache import SectionCache, WatchedKeys, parse_unit, serialised
from tracker.parse.ccl import parse_ccl_runs
from tracker.parse.ccl_entries import MAY_OPEN, Run, opens_entry
from tracker.parse.records import Records
from tracker.xmltext import load_xml

PART_740 = "data/ecfr-api/full-2026-09-01-title-15-part-740.xml"
PART_774 = "data/ecfr-api/full-2026-09-01-title-15-part-774.xml"


@cache
def _warm(name: str) -> tuple[SectionCache, str]:
    """A cache that has parsed the real file (once per session), and the digest of that parse's records."""
    cache = SectionCache()
    return cache, records_digest(parse_bytes(real_bytes(name), cache=cache))


@pytest.mark.parametrize("name", FILES)
def test_a_cached_parse_is_a_cold_parse(name: str) -> None:
    cache, first = _warm(name)
    assert first == recorded()[name]  # every unit parsed on its own
    parsed, in_place = cache.parsed, cache.in_place
    assert records_digest(parse_bytes(real_bytes(name), cache=cache)) == first  # every unit from the cache …
    assert cache.parsed - parsed == cache.in_place - in_place  # … but one that reads all keys, parsed in place


def _units(root: etree._Element) -> list[etree._Element]:
    """The cacheable units of a document: sections, supplements other than the CCL, and CCL entry headings."""
    out: list[etree._Element] = []
    for el in root.iter("DIV8", "DIV9"):
        entries = [c for c in el if opens_entry(c)] if el.tag == "DIV9" else []
        out += entries or [el]
    return out


def _paragraph(unit: etree._Element) -> etree._Element | None:
    """The first paragraph of a section or supplement; of a CCL entry, the first after its heading."""
    scope = [unit] if unit.tag in ("DIV8", "DIV9") else list(unit.itersiblings())
    for el in scope:
        if unit.tag not in ("DIV8", "DIV9") and opens_entry(el):
            return None
        found = next(el.iter(*_PARAGRAPHS), None)
        if found is not None:
            return found
    return None


_PARAGRAPHS = ("P", "FP", "FP-1", "FP-2")


def _edit(unit: etree._Element, how: int) -> None:
    """One edit of a unit: repeat the whole unit (or an entry's heading) before it (every key it asks for is then
    taken), reword its first paragraph, repeat that (a new record whose key is taken), drop it, or add one."""
    if how == 4:
        unit.addprevious(copy.deepcopy(unit))
        return
    paragraph = _paragraph(unit)
    if paragraph is None:
        return
    if how == 0:
        paragraph.text = f"{paragraph.text or ''} (edited)"
    elif how == 1:
        paragraph.addnext(copy.deepcopy(paragraph))
    elif how == 2:
        paragraph.getparent().remove(paragraph)
    else:
        new = etree.Element("P")
        new.text = "(z) A new paragraph." if unit.tag == "DIV8" else "z.1. A new item."
        paragraph.addnext(new)


def _derived(name: str, step: int) -> bytes:
    """The real file with every ``step``-th unit edited, the edits taking turns."""
    root = etree.fromstring(real_bytes(name))
    for i, unit in enumerate(_units(root)[::step]):
        _edit(unit, i % 5)
    return etree.tostring(root)


@cache
def _warm_serialised(name: str) -> SectionCache:
    """A cache that has parsed the real file as lxml writes it (the derived versions are written so too, and the
    cache knows units by their bytes)."""
    cache = SectionCache()
    parse_bytes(etree.tostring(etree.fromstring(real_bytes(name))), cache=cache)
    return cache


@pytest.mark.parametrize(("name", "step"), [(PART_740, 7), (PART_740, 3), (PART_774, 100), (PART_774, 9)])
def test_a_version_with_some_units_edited_is_parsed_as_cold(name: str, step: int) -> None:
    cache = _warm_serialised(name)
    parsed, reused, in_place = cache.parsed, cache.reused, cache.in_place
    edited = _derived(name, step)
    assert canonical(parse_bytes(edited, cache=cache)) == canonical(parse_bytes(edited))
    assert 0 < cache.parsed - parsed < cache.reused - reused
    assert cache.in_place > in_place  # the repeated units


@pytest.mark.parametrize("name", [n for n in FILES if "part-774" in n])
def test_every_eccn_heading_passes_the_bytes_prefilter(name: str) -> None:
    """The CCL splits its entries with a prefilter on each child's XML: it must let every real heading through."""
    root = etree.fromstring(real_bytes(name))
    headings = [c for d in root.iter("DIV9") for c in d if opens_entry(c)]
    assert headings and all(MAY_OPEN.match(serialised(c)) for c in headings)


def test_a_cache_keeps_the_units_of_the_last_two_documents() -> None:
    cache = SectionCache()

    def part(*texts: str) -> bytes:
        sections = "".join(f'<DIV8 N="1.{i}"><P>(a) {t}</P></DIV8>' for i, t in enumerate(texts))
        return f'<DIV5 N="1">{sections}</DIV5>'.encode()

    parse_bytes(part("a", "b"), cache=cache)
    parse_bytes(part("a", "c"), cache=cache)
    parse_bytes(part("a", "d"), cache=cache)  # the units of the two documents before: 1.1 "b" still kept
    assert len(cache) == 4 and cache.reused == 2
    parse_bytes(part("a", "b"), cache=cache)  # 1.1 "b" (first document) dropped when this one starts: parsed again
    assert len(cache) == 4 and (cache.reused, cache.parsed) == (3, 5)


def test_a_units_digest_is_its_sha256_found_by_its_bytes_for_the_last_two_documents() -> None:
    cache = SectionCache()
    unit = b"<DIV8 N='1.1'><P>(a) One.</P></DIV8>"
    same_start = unit.replace(b"One", b"Uno")  # the same length and first bytes, other bytes
    data = b"<DIV5>" + unit + same_start + b"</DIV5>"
    a, b = (6, 6 + len(unit)), (6 + len(unit), 6 + 2 * len(unit))
    cache.start_document()
    assert cache.digest(data, *a) == hashlib.sha256(unit).digest()
    assert cache.digest(data, *b) == hashlib.sha256(same_start).digest()
    cache.start_document()
    assert cache.digest(data, *a) == hashlib.sha256(unit).digest()  # met again: kept
    cache.start_document()
    cache.start_document()  # three documents on, the bytes met only in the first are dropped
    assert [blob for found in cache._blobs.values() for blob, _ in found] == [unit]


def test_a_unit_inside_a_unit_notes_what_the_inner_one_asks() -> None:
    """A unit parsed on its own that takes an inner unit from the cache asks, through it, about the inner keys."""

    def inner(r: Records) -> None:
        r.add("k1", part="1", unit="1", parent=None, kind="text", text="")

    def outer(cache: SectionCache | None) -> Callable[[Records], None]:
        def parse(r: Records) -> None:
            r.add("outer", part="1", unit="1", parent=None, kind="text", text="")
            parse_unit(r, ("inner", b"", ()), inner, cache)
        return parse

    def document(cache: SectionCache | None, first: str) -> list[str]:
        b = Records(cache=cache)
        b.add(first, part="1", unit="1", parent=None, kind="text", text="")
        parse_unit(b, ("outer", b"", ()), outer(cache), cache)
        return [p.citation for p in b.records]

    cache = SectionCache()
    assert document(cache, "k0") == document(None, "k0") == ["k0", "outer", "k1"]
    assert document(cache, "k0") == ["k0", "outer", "k1"] and cache.reused == 1  # the outer unit, whole
    assert document(cache, "k1") == document(None, "k1") == ["k1", "outer", "k1 2"]  # in place: k1 is taken


def test_units_after_one_that_gained_a_record_are_renumbered_into_new_records_leaving_those_handed_out_before():
    """Every unit after the first section moves one place (the section gains an unmarked paragraph): the cached
    units' records are renumbered as new ``Paragraph`` objects, equal to a cold parse's, and the records of the
    document parsed before keep their own order."""
    data = real_bytes(PART_740)
    head_end = data.index(b"</HEAD>", data.index(b"<DIV8")) + len(b"</HEAD>")
    grown = data[:head_end] + b"<P>An added paragraph.</P>" + data[head_end:]
    cache = SectionCache()
    before = parse_bytes(data, cache=cache, refs=False)
    kept = [(p.citation, p.order) for p in before]
    after = parse_bytes(grown, cache=cache, refs=False)
    assert cache.reused > 0 and len(after) == len(before) + 1
    assert after == parse_bytes(grown, refs=False) and all(type(p) is type(before[0]) for p in after)
    assert [(p.citation, p.order) for p in before] == kept


@pytest.mark.parametrize("name", [PART_740, PART_774])
def test_units_no_one_else_holds_are_renumbered_in_place_as_a_cold_parse_numbers_them(name: str) -> None:
    """The document parsed before dropped (as an ingest drops it once stored), the moved units' records are the
    same objects with their ``order`` moved, equal to a cold parse's; a record the caller still holds keeps its
    order, and its unit is renumbered into new records."""
    data = real_bytes(name)
    head_end = data.index(b"</HEAD>", data.index(b"<DIV8")) + len(b"</HEAD>")
    grown = data[:head_end] + b"<P>An added paragraph.</P>" + data[head_end:]
    cache = SectionCache()
    before = parse_bytes(data, cache=cache, refs=False)
    held = before[-1]
    ids = {p.citation: id(p) for p in before}
    del before
    after = parse_bytes(grown, cache=cache, refs=False)
    assert after == parse_bytes(grown, refs=False)
    assert held.order == after[-1].order - 1 and after[-1] is not held
    assert sum(ids.get(p.citation) == id(p) for p in after) > 0.9 * len(after)


def test_a_unit_parsed_alone_notes_every_key_its_walk_asks_about_compiled_or_not() -> None:
    """The keys a unit's walk looks up, as a record's own key, a designated paragraph's outer marker or an item's
    parent, reach the :class:`WatchedKeys` it is parsed into (a compiled walk that read a ``set`` through its C
    lookup would not tell the cache, which would then reuse a unit whose surroundings changed)."""
    section = WatchedKeys()
    b = Records(keys=section)
    b.add("740.1", "740", "740.1", None, "section", "")
    body = load_xml(b"<DIV8><P>(a)(1) Two markers on one line.</P></DIV8>").getroot()
    key_body(b, list(body), part="740", unit="740.1", prefix="740.1", parent="740.1")
    ccl = load_xml(b"<DIV9><FP-2><B>3A090 Chips.</B></FP-2><FP><I>Items:</I></FP><P>a.1. Fast.</P></DIV9>").getroot()
    runs = [Run("ccl", b"", False, partial(list, ccl))]
    watched = WatchedKeys()
    parse_ccl_runs(runs, part="774", parent="Supplement No. 1 to Part 774", order=0, keys=watched)
    assert {"740.1", "740.1(a)", "740.1(a)(1)"} <= section.asked
    assert {"3A090", "3A090 Items", "3A090.a.1", "3A090.a"} <= watched.asked
