"""What a CCL note names and what a License Requirements row applies to: the words that key them.

A note belongs to what it names, not to the item it happens to follow:

- its label names it: ``Note 2 to 3A090.a and 3A090.b:``, ``Note 1 to paragraph a:``, ``Note to ECCN 0A982.``;
- else, for a note among the items, the subject of its first sentence names it: ``3A001.g. includes:``,
  ``For the purposes of 9A012.a, …``, ``1A002 does not control …`` (the ECCN, or "this entry", names the entry).

Only the note's own entry counts (a note may mention other ECCNs). A note naming several items belongs to their
common parent and records every item it names in its heading (``Note 2 to 3A090.a, 3A090.b``); a note naming
nothing stays where its position puts it (decided by :mod:`tracker.parse.ccl`).

A License Requirements row is keyed by its reason and the items of the entry it applies to, as its first cell
says: ``RS applies to 3A090.a``, ``NS applies to entire entry``, ``FC applies to entire entry except 0A501.y``;
a row naming only other entries by them: ``RS for 3A090`` (in 3E001).

>>> note_targets("Note 2 to 3A090.a and 3A090.b: For the purposes of 3A090.c", "3A090", among_items=True)
('3A090.a', '3A090.b')
>>> note_targets("Technical Notes: 1. For the purposes of 9A012.a, 'operator' is …", "9A012", among_items=True)
('9A012.a',)
>>> common_parent(("3A090.a", "3A090.b")), row_scope("RS applies to 3A001.z.1.b, z.2.b", "3A001")
('3A090', ('RS', 'applies to 3A001.z.1.b, z.2.b'))
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from tracker.citations import ECCN, ITEM
from tracker.parse.ccl_shapes import NOTE_LABEL

_ITEM_RE = re.compile(ITEM)
# A full item (3A001.b.2), "this entry" / "this ECCN", or a candidate path written without its ECCN: ".b",
# "z.2.b", or a bare "b" that ends the list or is followed by another entry of it ("paragraphs a and b:"; in
# "For the purposes of 3A001.g, a 'thyristor module' …" the "a" is a word).
_TOKEN = re.compile(
    rf"(?:(?P<full>{ECCN}{ITEM})|(?P<entry>[Tt]his (?:entry|ECCN))"
    r"|(?P<rel>\.[a-z][a-z0-9.]*|[a-z]{1,2}\.[a-z0-9][a-z0-9.]*|[a-z]{1,2}(?=\.?(?:\s*[,;:)]|\s+(?:and|or)\s|\s*$))))"
    r"\.?(?![\w-])"
)
# A full item ({ECCN}{ITEM}, the whole match) or "this entry" (the group "entry"), not inside a word or a path.
# The first character is matched before the look behind, so that a search skips to the candidates in C (a finditer
# over every note text of Part 774: 6.6 -> 5.1 ms; tests/parse/test_ccl_reading.py).
_NAMED = re.compile(rf"[\dTt](?<![\w.].)(?:(?<=\d)[A-E]\d{{3}}{ITEM}|(?<=[Tt])(?P<entry>his (?:entry|ECCN)))(?![\w-])")
# A pointer elsewhere, not what the note is about: "For waveform digitizers …, see 3A002.h."
_SEE = re.compile(r"\b(?:[Ss]ee|[Ss]ee also|[Cc]f\.)\s+(?:ECCNs?\s+)?$")
#: The longest word of a pointer (``see also``).
_SEE_WORD = len("see also")
# The label names a paragraph of a note, not an item: "Technical Note to paragraph a.2 of Note 2:"
_OF_NOTE = re.compile(r"\s+of\s+(?:the\s+)?Note\b")
_TO_NOTE_PARAGRAPH = re.compile(r"\s*(?P<p>to\s+paragraphs?\s+[^:]{1,20}?\s+of\s+(?:the\s+)?Note\s+\d+)\s*:")
# What joins the targets of a list: "3A090.a and 3A090.b", "0A506.a and .b", "a, c, and d", "paragraphs a and b",
# and the ends of a range: "3A001.b.2.a through 3A001.b.2.h".
_SEP = re.compile(
    r"\s*(?:,\s*(?:and/or\s+|and\s+|or\s+)?|\s+(?:and/or|and|or|through|to)\s+)(?:paragraphs?\s+|ECCNs?\s+)?"
)
# Up to two words before a separator ("1C008.a.2 thermoplastic materials, 1C008.a.4 materials, and 1C008.f").
_GAP = re.compile(r"(?:\s+[^\s,;:.]+){1,2}(?=\s*,|\s+(?:and|or)\s)")
_LABEL_TO = re.compile(r"\s*(?:to|for)\s+(?:the\s+)?(?P<p>paragraphs?\s+)?(?:ECCNs?\s+)?")
_BODY_START = re.compile(r"^[\s:.*]*(?:(?:\d{1,2}|[a-z])\.\s+)?")
#: The abbreviations a dot after which ends no sentence.
_ABBREVIATED = ("e.g", "i.e", "Nos", "No", "etc", "cf", "vs")
_ABBREVIATIONS = re.compile(rf"\b(?:{'|'.join(map(re.escape, _ABBREVIATED))})\.|\d\.\d")
_SENTENCE_END = re.compile(r"[.;:](?=\s|$)")
_ENTIRE = re.compile(r"(?:the\s+)?entire entry(?P<x>,?\s+except\s+(?:for\s+)?)?")
_APPLIES = re.compile(r"(?P<code>[A-Z]{2,4}) appl(?:y|ies)\b(?:\s+to\b)?\s*")
#: A row that applies to the entire entry and names nothing else (most rows): its scope read at once.
_WHOLE_ENTRY = re.compile(rf"{_APPLIES.pattern}(?:the\s+)?entire entry\.?")


def note_label(words: str) -> str:
    """What a note's key calls it: ``Note 2``, ``Technical Notes``, ``N.B.``; ``Note`` when it opens otherwise.

    A note to a paragraph of another note keeps that in its label (real 5A002: three technical notes to
    paragraphs of "Note 2" follow one another).

    >>> note_label("N. B.: See 3A991."), note_label("Technical Note to paragraph a.2 of Note 2: 'For the purposes")
    ('N.B.', 'Technical Note to paragraph a.2 of Note 2')
    """
    m = NOTE_LABEL.match(words)
    if not m:
        return "Note"
    kind = m["kind"].replace(" ", "") if m["kind"].startswith("N.") else m["kind"]
    label = f"{kind} {m['num']}" if m["num"] else kind
    to = _TO_NOTE_PARAGRAPH.match(words, m.end())
    return f"{label} {to['p']}" if to else label


def note_targets(words: str, eccn: str, *, among_items: bool) -> tuple[str, ...]:
    """The items (or the ECCN) of ``eccn`` a note's plain ``words`` name as what it is about, in order; ``()``.

    >>> note_targets("Note 1 to paragraph a: For purposes of paragraph a, …", "0A606", among_items=True)
    ('0A606.a',)
    >>> note_targets("Note: 1C240.b refers to metal formed from the materials in 1C240.a", "1C240", among_items=True)
    ('1C240.b',)
    >>> note_targets("Note: 1A002 does not control …", "1A002", among_items=False)
    ()
    """
    label = NOTE_LABEL.match(words)
    rest = words[label.end() :] if label else words
    if label and (to := _LABEL_TO.match(rest)):
        named, end = _list_at(rest, to.end(), eccn, relative_first=bool(to["p"]), gaps=False)
        if (own := _own(named, eccn)) and not _OF_NOTE.match(rest, end):
            return own
        rest = rest.partition(":")[2] or rest  # the body after a label that names no item of the entry
    return _lead_targets(rest, eccn) if among_items else ()


def common_parent(targets: Sequence[str]) -> str:
    """The deepest item (or ECCN) every target is, or is under.

    >>> common_parent(("1B101.a", "1B101.b")), common_parent(("3A001.g",)), common_parent(("1C008.a.2", "1C008.a.4"))
    ('1B101', '3A001.g', '1C008.a')
    """
    prefix: list[str] = []
    for segments in zip(*(t.split(".") for t in targets), strict=False):
        if len(set(segments)) != 1:
            break
        prefix.append(segments[0])
    return ".".join(prefix)


def nearest(key: str, keys: Container[str]) -> str:
    """``key``, or its nearest ancestor among ``keys`` (an ECCN item named before or without a record)."""
    while key not in keys and "." in key:
        key = key.rsplit(".", 1)[0]
    return key


_FOR = re.compile(r"\bfor\b")
_PARAGRAPHS = re.compile(r"paragraphs?\s+")  # "RS applies to paragraph .i", "paragraphs .a and .x"


def row_scope(cell: str, eccn: str) -> tuple[str, str] | None:
    """(reason, scope) of a License Requirements row's plain first ``cell``, else None.

    The scope is ``applies to entire entry`` (with the entry's items it excepts), ``applies to`` the entry's items
    it names (the first written in full, the others without the ECCN, as the eCFR writes them), else ``for`` the
    other entries it names ("“technology” for commodities controlled by 3A090"), else ``""``.

    >>> row_scope("NS applies to entire entry, except 0A606.b and .y", "0A606"), row_scope(
    ...     "NS applies to entire entry, except .a.1", "9A012")
    (('NS', 'applies to entire entry except 0A606.b, y'), ('NS', 'applies to entire entry except 9A012.a.1'))
    >>> row_scope("RS applies to “technology” for 3A090 and 4A090", "3E001"), row_scope("[Reserved]", "9A012")
    (('RS', 'for 3A090, 4A090'), None)
    >>> row_scope("MT applies to UAVs of a range of at least 300 km and UAVs that meet the requirements of 9A120",
    ...     "9A012")
    ('MT', '')
    >>> row_scope("RS applies to paragraphs .a and .x", "0B505"), row_scope("AT applies to the entire entry", "1E355")
    (('RS', 'applies to 0B505.a, x'), ('AT', 'applies to entire entry'))
    """
    if whole := _WHOLE_ENTRY.fullmatch(cell):
        return whole["code"], "applies to entire entry"
    m = _APPLIES.match(cell)
    if not m:
        return None
    rest = cell[m.end() :]
    if entire := _ENTIRE.match(rest):
        excepted = _list_at(rest, entire.end(), eccn, relative_first=True, gaps=False)[0] if entire["x"] else []
        items = _short([*excepted, *_named_items(rest, eccn)])
        return m["code"], "applies to entire entry" + (f" except {items}" if items else "")
    par = _PARAGRAPHS.match(rest)
    if own := (_list_at(rest, par.end(), eccn, relative_first=True, gaps=False)[0] if par else []):
        return m["code"], f"applies to {_short(own)}"
    if own := _named_items(rest, eccn):
        return m["code"], f"applies to {_short(own)}"
    others = [t for t in dict.fromkeys(_named_items(rest, None)) if _eccn_of(t) != eccn]
    if not others or not _FOR.search(rest, 0, max(rest.find(others[0]), 0)):
        return m["code"], ""  # other entries named, but not as what the row is for ("…the requirements of 9A120")
    return m["code"], f"for {', '.join(others[:4])}"


def _lead_targets(body: str, eccn: str) -> tuple[str, ...]:
    """The entry's items the first sentence of a note's body opens its subject with (the first one named and
    those listed with it)."""
    body = body[_BODY_START.match(body).end() :]  # type: ignore[union-attr]  # the pattern matches everywhere
    lead = body[: _first_sentence_end(body)]
    for m in _NAMED.finditer(lead):
        if (m["entry"] or _eccn_of(m[0]) == eccn) and not _points_elsewhere(lead, m.start()):
            return _own(_list_at(lead, m.start(), eccn, relative_first=False, gaps=True)[0], eccn)
    return ()


def _points_elsewhere(text: str, at: int) -> bool:
    """Whether ``text`` before ``at`` ends in a pointer (``see``, ``see also``, ``cf.`` and spaces, maybe with
    ``ECCN``): searched from where its word can start (the pattern is anchored at ``at``; from 0, each position is
    tried).

    >>> _points_elsewhere("Controls, see also ECCNs  3A001", 26), _points_elsewhere("See 3A001 and 3A002", 14)
    (True, False)
    """
    head = text[:at].rstrip()  # str.rstrip() takes what \s takes
    if head.endswith(("ECCN", "ECCNs")):
        head = head[: head.rindex("ECCN")].rstrip()
    return _SEE.search(text, max(len(head) - _SEE_WORD, 0), at) is not None


def _first_sentence_end(body: str) -> int:
    """Where the first sentence of ``body`` ends (its length when none does): at the first ``.``, ``;`` or ``:``
    before a space that is no part of an item written out (``3A001.b.1``) or an abbreviation (``e.g.``).

    No item ends in a mark before a space, and only a dot after an abbreviation's letters can end one: a mark
    after none is an end at once. Before such an end, the body is masked only up to it (no item or abbreviation
    holds a space after a mark, so none crosses the cut: the prefix masks as the start of the whole body does).

    >>> body = "For 9A012.a.1 and, e.g. this: see the rest."
    >>> body[: _first_sentence_end(body)], _first_sentence_end("No end"), _first_sentence_end("See e.g. 1A002.")
    ('For 9A012.a.1 and, e.g. this', 6, 14)
    """
    maybe = False
    for cand in _SENTENCE_END.finditer(body):
        at = cand.start()
        if body[at] == "." and body.endswith(_ABBREVIATED, 0, at):
            maybe = True  # the dot of an abbreviation, unless masking an item takes its letters
        elif not maybe:
            return at
        else:
            end = _SENTENCE_END.search(_masked(body[: at + 2]))
            return end.start() if end else at
    end = _SENTENCE_END.search(_masked(body)) if maybe else None
    return end.start() if end else len(body)


def _masked(text: str) -> str:
    """``text`` with the items it names and its abbreviations written over with ``x``."""
    return _ABBREVIATIONS.sub(_crossed, _NAMED.sub(_crossed, text))


def _crossed(m: re.Match[str]) -> str:
    return "x" * len(m[0])


def _list_at(text: str, pos: int, eccn: str, *, relative_first: bool, gaps: bool) -> tuple[list[str], int]:
    """The targets of the list that starts at ``pos`` and where its last target ends: full items, "this entry",
    and paths written without their ECCN after a full item (or after "paragraph"), each resolved in the ECCN
    written before it."""
    out: list[str] = []
    base, allow_relative, end = eccn, relative_first, pos
    while (t := _TOKEN.match(text, pos)) and (target := _resolve(t, base, allow_relative, first=not out)):
        out.append(target)
        base, allow_relative, pos = _eccn_of(target), True, t.end()
        end = pos
        if gaps and (g := _GAP.match(text, pos)):
            pos = g.end()
        if not (sep := _SEP.match(text, pos)):
            break
        pos = sep.end()
    return out, end


def _resolve(t: re.Match[str], base: str, allow_relative: bool, *, first: bool) -> str | None:
    """The citation a list token stands for; "this entry" only opens a list ("3A001.b, this entry …" is prose)."""
    if t["full"]:
        return t["full"]
    if t["entry"]:
        return base if first else None
    rel = t["rel"].strip(".")
    if allow_relative and rel and _ITEM_RE.fullmatch(f".{rel}"):
        return f"{base}.{rel}"
    return None


def _named_items(text: str, eccn: str | None) -> list[str]:
    """Every item of ``eccn`` the text names, with the lists they open (``3A001.z.1.b, z.2.b``), in order; with
    ``eccn`` None, every ECCN and item of another entry it names."""
    out: list[str] = []
    pos = 0
    while m := _NAMED.search(text, pos):
        listed, end = _list_at(text, m.start(), eccn or "", relative_first=False, gaps=False)
        out += [t for t in listed if _eccn_of(t) == eccn or (eccn is None and t)]
        pos = max(end, m.end())
    return out


def _own(targets: Sequence[str], eccn: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in targets if _eccn_of(t) == eccn))


def _short(items: Sequence[str]) -> str:
    unique = list(dict.fromkeys(items))
    return ", ".join([*unique[:1], *(i.partition(".")[2] or i for i in unique[1:])])


def _eccn_of(target: str) -> str:
    return target.split(".", 1)[0]
