"""The bytes-split parse (tracker.parse.split, tracker.parse.pieces) gives exactly the records of the whole-tree
parse: on every real file, cold and with a warm cache, on versions derived from real Parts 740 and 774 (entries
and sections edited, added, removed, moved, renumbered), and on the shapes the scanner must read right or leave to
the whole-tree parse; bad input is refused with the very ParseError the whole-tree parse raises."""

from __future__ import annotations

import bisect
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.parse.test_records_identical import FILES, canonical, real_bytes
from tracker.parse import ParseError, SectionCache, parse_bytes, parse_tree
from tracker.parse import split as split_module
from tracker.parse.ecfr import _split_records
from tracker.parse.split import split
from tracker.xmltext import load_xml

PART_740 = "data/ecfr-api/full-2026-09-01-title-15-part-740.xml"
PART_774 = "data/ecfr-api/full-2026-09-01-title-15-part-774.xml"


def whole(data: bytes) -> bytes:
    """The records of the whole-tree parse (load_xml, then parse_tree), as canonical JSON. References are left out
    here and below: they are a function of each record's text, unit and Part, added after either path
    (test_records_identical checks them on every real file)."""
    return canonical(parse_tree(load_xml(data), refs=False))


@pytest.mark.parametrize("name", FILES)
def test_every_real_file_is_split_and_gives_the_whole_tree_records(name: str) -> None:
    data = real_bytes(name)
    assert split(data) is not None and _split_records(data, None) is not None  # the split path, no fallback
    assert canonical(parse_bytes(data, refs=False)) == whole(data)


# --- derived versions of the real Parts -------------------------------------------------------------------------

_ECCN_START = re.compile(rb"<FP-2><B>\d[A-E]\d{3} ")
_SECTION = re.compile(rb'<DIV8 N="(\d+\.\d+)"')


def _entries(data: bytes) -> list[int]:
    """Where each bold FP-2 ECCN heading of the CCL starts."""
    return [m.start() for m in _ECCN_START.finditer(data)]


def _edit_entries(data: bytes, step: int) -> bytes:
    """Every ``step``-th entry's heading reworded (about 1% of the entries at step 100)."""
    out, at = [], 0
    for i, pos in enumerate(_entries(data)):
        if i % step == 0:
            end = data.index(b"</B>", pos)
            out += [data[at:end], b" (edited)"]
            at = end
    return b"".join([*out, data[at:]])


def _entry_span(data: bytes, index: int) -> tuple[int, int]:
    starts = _entries(data)
    return starts[index], starts[index + 1]


def _removed(data: bytes, index: int) -> bytes:
    a, b = _entry_span(data, index)
    return data[:a] + data[b:]


def _added(data: bytes, index: int) -> bytes:
    a, b = _entry_span(data, index)
    entry = data[a:b]
    new = re.sub(rb"<B>(\d[A-E])(\d{3})", rb"<B>\g<1>999", entry, count=1)
    return data[:b] + new + data[b:]


def _moved(data: bytes, index: int, to: int) -> bytes:
    a, b = _entry_span(data, index)
    rest = data[:a] + data[b:]
    c = _entries(rest)[to]
    return rest[:c] + data[a:b] + rest[c:]


def _renumbered(data: bytes) -> bytes:
    m = list(_SECTION.finditer(data))[3]
    old = m[1]
    new = old + b"0"
    head = data.index(b"</HEAD>", m.end())
    return data[: m.start(1)] + new + data[m.end(1) : head].replace(old, new) + data[head:]


def _edit_sections(data: bytes, step: int) -> bytes:
    out, at = [], 0
    for i, m in enumerate(_SECTION.finditer(data)):
        if i % step == 0:
            end = data.index(b"</P>", m.end())
            out += [data[at:end], b" (edited)"]
            at = end
    return b"".join([*out, data[at:]])


def _wrapped(data: bytes, index: int, before: bytes, after: bytes) -> bytes:
    a, b = _entry_span(data, index)
    return data[:a] + before + data[a:b] + after + data[b:]


_774_VERSIONS = {
    "an entry inside a NOTE": lambda d: _wrapped(d, 50, b"<NOTE>", b"</NOTE>"),
    "an entry commented out": lambda d: _wrapped(d, 50, b"<!-- ", b" -->"),
    "an entry inside CDATA": lambda d: _wrapped(d, 50, b"<P><![CDATA[", b"]]></P>"),
    "1% of entries edited": lambda d: _edit_entries(d, 100),
    "an entry removed": lambda d: _removed(d, 40),
    "an entry added": lambda d: _added(d, 40),
    "an entry moved": lambda d: _moved(d, 10, 200),
    "every 9th entry edited": lambda d: _edit_entries(d, 9),
}
_740_VERSIONS = {
    "a section renumbered": _renumbered,
    "every 7th section edited": lambda d: _edit_sections(d, 7),
}


def _cached_equals_whole(original: bytes, version: bytes) -> SectionCache:
    cache = SectionCache()
    parse_bytes(original, cache=cache, refs=False)  # the original's own records: test_every_real_file_is_split…
    reused = cache.reused
    cached = canonical(parse_bytes(version, cache=cache, refs=False))
    assert cached == canonical(parse_bytes(version, refs=False)) == whole(version)
    assert cache.reused > reused  # the units that did not change came from the cache
    return cache


_DERIVED = [(PART_774, how, make) for how, make in _774_VERSIONS.items()]
_DERIVED += [(PART_740, how, make) for how, make in _740_VERSIONS.items()]


@pytest.mark.parametrize(("name", "how", "make"), _DERIVED, ids=[f"{n.split('-')[-1]} {h}" for n, h, _ in _DERIVED])
def test_a_derived_part_parsed_with_a_warm_cache_is_the_whole_tree_parse(name: str, how: str, make) -> None:
    """Parts 774 (the CCL) and 740 edited each way: with a warm cache, the records of a parse without one."""
    data = real_bytes(name)
    version = make(data)
    assert version != data
    _cached_equals_whole(data, version)


def test_only_the_changed_units_are_parsed_again() -> None:
    data = real_bytes(PART_740)
    cache = SectionCache()
    parse_bytes(data, cache=cache)
    parsed = cache.parsed
    parse_bytes(_edit_sections(data, 100), cache=cache)  # one section changed
    assert cache.parsed - parsed == 1


# --- shapes the scanner must read right, or leave to the whole-tree parse -----------------------------------------

_PART = (
    b'<DIV5 N="9" TYPE="PART"><HEAD>PART 9</HEAD>%s'
    b'<DIV8 N="9.1" TYPE="SECTION"><HEAD>\xc2\xa7 9.1 One.</HEAD><P>(a) Alpha.</P>%s</DIV8>'
    b'<DIV9 N="Supplement No. 1 to Part 774" TYPE="APPENDIX"><HEAD>Supplement No. 1</HEAD>'
    b'<FP-2><B>3A090 Chips.</B></FP-2><P>a. Fast.</P>%s<FP-2><B>3A091 More.</B></FP-2><P>a. Slow.</P></DIV9>'
    b"</DIV5>"
)


def _part(before: bytes = b"", in_section: bytes = b"", in_ccl: bytes = b"") -> bytes:
    return _PART % (before, in_section, in_ccl)


SHAPES = {
    "comment holding tags": _part(b"<!-- <DIV8 N='x'> </DIV9> -->", b"<!-- </DIV8> -->", b"<!-- <FP-2><B>3A999 -->"),
    "CDATA holding tags": _part(in_section=b"<P><![CDATA[</DIV8> <DIV8>]]></P>", in_ccl=b"<P><![CDATA[<FP-2>]]></P>"),
    "processing instructions": _part(b"<?pi </DIV8>?>", b"<?x <DIV9>?>", b"<?y?>"),
    "entities and character references": _part(in_section=b"<P>(b) A &amp; B &#x2014; &lt;DIV8&gt;</P>"),
    "attribute holding >": _part(b'<DIV8 N="9.0" X="a>b"><P>(a) Zero.</P></DIV8>'),
    "self-closing section": _part(b'<DIV8 N="9.0" TYPE="SECTION"/>'),
    "XML declaration": b'<?xml version="1.0" encoding="UTF-8"?>\n' + _part(),
    "byte-order mark": b"\xef\xbb\xbf" + _part(),
    "loose text and zero-width spaces": _part(b"Loose\xe2\x80\x8b words.", b"Loose (b).", b"Loose in the CCL."),
    "heading inside a note": _part(in_ccl=b"<NOTE><FP-2><B>3A095 Not an entry.</B></FP-2></NOTE>"),
    "namespaced part": _part().replace(b'<DIV5 N="9"', b'<DIV5 xmlns:x="urn:x" N="9"'),
    "DOCTYPE": b"<!DOCTYPE DIV5>" + _part(),
    "XML 1.1": b'<?xml version="1.1"?>' + _part(),
    "ASCII declared": b'<?xml version="1.0" encoding="US-ASCII"?>' + _part().replace(b"\xc2\xa7", b"&#xA7;"),
    "Part inside a section": _part(in_section=b'<DIV5 N="8"><DIV8 N="8.1"><P>(a) x</P></DIV8></DIV5>'),
    "section inside a paragraph": _part(b'<P>(a) <DIV8 N="9.5"><P>(1) In.</P></DIV8></P>'),
    "section root": b'<DIV8 N="9.1"><HEAD>\xc2\xa7 9.1 One.</HEAD><P>(a) Alpha.</P></DIV8>',
    "bulk wrapper": b"<DLPSTEXTCLASS><TEXT><DIV1 N='9'>" + _part() + b"</DIV1></TEXT></DLPSTEXTCLASS>",
    "supplement root named CCL": _part()[_part().index(b"<DIV9") : _part().index(b"</DIV5>")],
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_gives_the_whole_tree_records(shape: str) -> None:
    data = SHAPES[shape]
    cache = SectionCache()
    assert canonical(parse_bytes(data, refs=False)) == whole(data)
    assert canonical(parse_bytes(data, cache=cache, refs=False)) == canonical(
        parse_bytes(data, cache=cache, refs=False)) == whole(data)


@pytest.mark.parametrize(
    "shape", ["namespaced part", "DOCTYPE", "XML 1.1", "ASCII declared", "Part inside a section"]
)
def test_the_scanner_leaves_what_it_cannot_be_sure_of_to_the_whole_tree_parse(shape: str) -> None:
    assert split(SHAPES[shape]) is None


def test_a_section_inside_a_paragraph_is_read_by_the_whole_tree_parse() -> None:
    data = SHAPES["section inside a paragraph"]
    assert split(data) is not None and _split_records(data, None) is None


# --- bad input ------------------------------------------------------------------------------------------------------


def _error(data: bytes, cache: SectionCache | None = None) -> str:
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, "x.xml", cache=cache)
    return str(caught.value)


def _load_error(data: bytes) -> str:
    with pytest.raises(ParseError) as caught:
        load_xml(data, "x.xml")
    return str(caught.value)


def _cuts(data: bytes) -> list[int]:
    """Cut points in a real Part 774: inside a tag, right after a whole entry, after the CCL, before the Part's
    end tag, its last ">" missing."""
    entry = _entries(data)[300]
    ccl_end = data.index(b"</DIV9>", entry) + len(b"</DIV9>")
    return [len(data) // 3 + 1, entry, ccl_end, data.rindex(b"</DIV5>"), data.rindex(b"</DIV5>") + 6]


def test_a_truncated_file_is_refused_even_when_every_unit_is_cached() -> None:
    data = real_bytes(PART_774)
    cache = SectionCache()
    parse_bytes(data, cache=cache, refs=False)
    for cut in _cuts(data):
        truncated = data[:cut]
        assert _error(truncated, cache) == _error(truncated) == _load_error(truncated)
    assert canonical(parse_bytes(data, cache=cache, refs=False)) == whole(data)  # the cache still serves the file


@pytest.mark.parametrize(
    "bad",
    [
        _part(in_section=b"<P>(b) unclosed</DIV8>"),
        _part(in_ccl=b"<P>a. bad & worse</P>"),
        _part(b"<!-- unterminated "),
        _part().replace(b"</DIV5>", b"</DIV6>"),
        _part() + b"<DIV5/>",
        _part(in_section=b"<P>&nbsp;</P>"),
        b'<?xml version="1.0" encoding="US-ASCII"?>' + _part(),
        b"<!DOCTYPE html><html><body>Not found</body></html>",
        b"",
        b"<E>" * 300 + b"x" + b"</E>" * 300,
        _part(in_section=b"<P>" + b"<E>" * 254 + b"x" + b"</E>" * 254 + b"</P>"),
    ],
)
def test_bad_input_is_refused_with_the_whole_tree_parse_error(bad: bytes) -> None:
    assert _error(bad) == _error(bad, SectionCache()) == _load_error(bad)


def test_a_root_check_sees_the_skeleton_on_the_cut_path_and_the_tree_on_the_whole_one() -> None:
    """``check`` (what sync's whole-Part check uses) gets the Part with every section and supplement and their
    attributes, before any unit is parsed; what it raises refuses the document on either path."""
    data = real_bytes("data/ecfr-api/full-2026-09-01-title-15-part-740.xml")
    seen: list[tuple[str, str | None, list[str]]] = []

    def look(root: etree._Element) -> None:
        seen.append((root.tag, root.get("N"), [el.get("N") or "" for el in root.iter("DIV8", "DIV9")]))

    assert _split_records(data, None, look) is not None
    whole = load_xml(data).getroot()
    assert seen == [("DIV5", "740", [el.get("N") or "" for el in whole.iter("DIV8", "DIV9")])]
    assert len(seen[0][2]) > 30

    class Refused(Exception):
        pass

    def refuse(root: etree._Element) -> None:
        raise Refused(root.tag)

    with pytest.raises(Refused):
        parse_bytes(data, check=refuse)
    with pytest.raises(Refused):  # a file the scanner leaves to the whole-tree parse
        parse_bytes(b'<?xml version="1.0"?><!DOCTYPE DIV5><DIV5 N="1"><DIV8 N="1.1"><P>x</P></DIV8></DIV5>',
                    check=refuse)


# --- the openers noted without a cache ------------------------------------------------------------------------------


def _openers(data: bytes, *, every: bool) -> list[list[int]] | None:
    """Each unit's openers as the scanner notes them: every one (with a skip that never skips), or spaced."""
    cut = split(data, (lambda _data, _at: None) if every else None)
    return None if cut is None else [u.openers for u in cut.units]


def _spaced(data: bytes, spacing: int) -> list[list[int]] | None:
    """The plain rule: of every opener, each the first at least ``spacing`` bytes after the one kept before (the
    first, after the unit's content starts)."""
    cut, every = split(data), _openers(data, every=True)
    if cut is None or every is None:
        return None
    out = []
    for unit, openers in zip(cut.units, every, strict=True):
        kept: list[int] = []
        for at in openers:
            if at - (kept[-1] if kept else unit.open_end) >= spacing:
                kept.append(at)
        out.append(kept)
    return out


@pytest.mark.parametrize("spacing", [split_module.SPACING, 300])
@pytest.mark.parametrize("name", [PART_774, PART_740])
def test_without_a_cache_a_real_parts_openers_are_every_opener_spaced(
    name: str, spacing: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split_module, "SPACING", spacing)
    data = real_bytes(name)
    assert _openers(data, every=False) == _spaced(data, spacing)


_FRAGMENTS = st.sampled_from([
    b"<P>", b"</P>", b"<FP-1>", b"</FP-1>", b"<FP-2 X='>'>", b"<P/>", b"<B>", b"</B>", b"<strong>", b'<E T="03">',
    b'<E T="01">', b"</E>", b"<I>", b"</I>", b"words ", b"3A090 ", b"<!-- <P><B> -->", b"<![CDATA[<FP><B>]]>",
    b"<?pi <P><B>?>", b"<DIV>", b"</DIV>", b'<DIV9 N="x">', b"</DIV9>", b"<NOTE>", b"</NOTE>", b"<!--", b"-->",
])


@settings(max_examples=400)
@given(content=st.lists(_FRAGMENTS, max_size=60), spacing=st.integers(min_value=0, max_value=80))
def test_without_a_cache_any_supplements_openers_are_every_opener_spaced(
    content: list[bytes], spacing: int
) -> None:
    shape = b'<DIV5 N="1"><DIV9 N="S">%s</DIV9><DIV8 N="1.1">%s</DIV8></DIV5>'
    data = shape % (b"".join(content), b"".join(content[::-1]))
    saved = split_module.SPACING
    split_module.SPACING = spacing  # not monkeypatch: a Hypothesis test runs many examples in one fixture
    try:
        assert _openers(data, every=False) == _spaced(data, spacing)
    finally:
        split_module.SPACING = saved


# --- where the scanner looks for the next token that is no opener --------------------------------------------------

#: What :class:`tracker.parse.split._Starts` finds, as one regex (the reference it is checked against).
_START = re.compile(rb"<[!?]|</?DIV[0-9]")


def _starts_agree(data: bytes, positions: list[int]) -> None:
    every = [m.start() for m in _START.finditer(data)]  # no two overlap: each is the search's from its start
    starts = split_module._Starts(data)
    for at in sorted(positions):
        i = bisect.bisect_left(every, at)
        assert starts.next(at) == (every[i] if i < len(every) else len(data)), at


@pytest.mark.parametrize("name", [PART_774, PART_740])
def test_the_next_start_is_the_regex_searchs_at_every_tag_of_a_real_part(name: str) -> None:
    data = real_bytes(name)
    _starts_agree(data, [m.start() + d for m in re.finditer(rb"<", data) for d in (0, 1)])


_START_FRAGMENTS = st.sampled_from([
    b"<", b"/", b"!", b"?", b"D", b"DIV", b"DIV8", b"<DIV", b"</DIV", b"<DIV9>", b"</DIV9>", b"<!--", b"-->", b"<?",
    b"?>", b"<P>", b"x", b" ", b"9",
])


@settings(max_examples=400)
@given(data=st.lists(_START_FRAGMENTS, max_size=40).map(b"".join))
def test_the_next_start_is_the_regex_searchs_anywhere(data: bytes) -> None:
    _starts_agree(data, list(range(len(data) + 1)))


@pytest.mark.parametrize("tail", [b"", b"<", b"<D", b"<DIV", b"</DIV", b"<!", b"<?x", b"<P>a", b"<FP-2><B>3A0"])
def test_a_supplement_cut_short_is_left_to_the_whole_tree_parse(tail: bytes) -> None:
    assert split(b'<DIV5 N="1"><DIV9 N="S"><P>a. Fast.</P>' + tail) is None  # not read on past its end
