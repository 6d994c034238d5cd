"""The citation-level differ: what changed between two versions, paragraph by paragraph.

:func:`compare` is pure: it aligns two paragraph lists by ``(part, citation)`` and classifies every
difference as one :class:`tracker.model.Change`. Kinds, in the order they are tested for a
citation present on both sides:

- ``reserved``: the new text is "[Reserved]" and the old was not;
- ``editorial``: only punctuation, whitespace, capitalisation, dash or quote characters or emphasis
  changed, in the text or the heading (numbers such as ``1.5`` → ``15`` are words, not punctuation);
- ``heading``: only the heading changed (the text differs at most by that heading);
- ``reference-only``: the only differences are cross-reference strings (``740.10(a)(3)(v)``,
  ``3B001.j``, ``E:1``, ``part 744``); ``reference_pairs`` holds ``(old, new)``, resolved to the
  paragraph's :class:`~tracker.model.Reference` target where the parser found one;
- ``modified``: anything else, with a word-level ``redline``.

Citations on one side only: an added paragraph whose body (text without marker) equals a removed
paragraph's body, of the same kind, is ``redesignated`` (``old_citation`` → ``citation``; ECCN item
moves .a → .b alike); an added citation present at an earlier date (``earlier``, from the store) is
``restored``; the rest are ``added`` / ``removed``.

Paragraphs of kind ``ednote`` (eCFR editorial notes, :data:`tracker.model.NON_REGULATORY_KINDS`)
are not regulatory text and are never reported. Changes come ordered by Part, then document
order. ``Change.order`` is the 0-based position of the paragraph among the regulatory paragraphs of
its Part in the new version (for ``removed``: the position it would have had). Every change
carries ``old_heading``/``new_heading`` and ``old_text``/``new_text`` for the sides it has, so
the new version can be rebuilt from the old one and the changes.

JSON form (:meth:`DiffResult.to_json`, schema ``tracker.diff/1``; keys are stable, new keys may
be added)::

    {
      "schema": "tracker.diff/1",
      "from": "2023-10-25", "to": "2024-04-04",        # dates as requested
      "part": "740" | null, "eccn": "3A001" | null,      # filters
      "versions": {"740": {"from": "2023-10-20", "to": "2024-04-04"}},  # stored versions used
      "notes": ["part 740: 2023-10-25 resolved to the version of 2023-10-20"],
      "counts": {"added": 0, "removed": 0, "modified": 2, ...},   # every kind in CHANGE_KINDS
      "changes": [                                        # Part, then document order
        {"kind": "modified", "citation": "740.10(a)(2)", "part": "740", "unit": "740.10",
         "order": 12, "old_citation": null, "old_text": "...", "new_text": "...",
         "old_heading": "...", "new_heading": "...",
         "redline": [["equal", "..."], ["delete", "..."], ["insert", "..."]],
         "reference_pairs": [["740.10(a)(3)(v)", "740.10(a)(2)(iv)"]],
         "rules": [{"document_number": "2024-07004", "citation": "89 FR 23876", ...}]}
      ]
    }

>>> from tracker.model import Paragraph
>>> from dataclasses import replace
>>> a = Paragraph("1.1(a)", "1", "1.1", "1.1", "(a)", "paragraph", "", "(a) See § 742.3(b).", 0)
>>> [(c.kind, c.reference_pairs) for c in compare([a], [replace(a, text="(a) See § 742.3(c).")])]
[('reference-only', (('742.3(b)', '742.3(c)'),))]
"""

from __future__ import annotations

import json
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from diff_match_patch import diff_match_patch

from tracker.citations import DASHES, ECCN, ITEM, is_eccn, part_sort_key
from tracker.dates import is_date
from tracker.errors import InputError
from tracker.model import CHANGE_KINDS, NON_REGULATORY_KINDS, Change, ChangeKind, Delta, Paragraph
from tracker.xmltext import plain

if TYPE_CHECKING:
    from tracker.store import Store


class DiffError(InputError):
    """A diff that cannot be made as asked (date before the first version, unknown ECCN, repeated keys)."""


# -- word-level redline ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\\[\\*^_|]|\w+|\s+|[^\w\s]")  # an escaped character (tracker.xmltext.ESCAPED) is one token
_OPS = {0: "equal", -1: "delete", 1: "insert"}


def redline(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff runs ``(op, text)`` (op: equal/insert/delete), semantically cleaned up.

    Words, spaces and punctuation marks are mapped to single characters (diff-match-patch's
    lines-to-chars trick at word granularity), diffed, cleaned up and mapped back.

    >>> redline("exceeds the limit", "meets or exceeds the limits")
    (('insert', 'meets or '), ('equal', 'exceeds the '), ('delete', 'limit'), ('insert', 'limits'))
    """
    vocab: dict[str, str] = {}
    words: list[str] = [""]

    def encode(text: str) -> str:
        out = []
        for tok in _TOKEN.findall(text):
            ch = vocab.get(tok)
            if ch is None:
                n = len(words)
                ch = vocab[tok] = chr(n if n < 0xD800 else n + 0x800)
                words.append(tok)
            out.append(ch)
        return "".join(out)

    def decode(chars: str) -> str:
        return "".join(words[o if o < 0xD800 else o - 0x800] for o in map(ord, chars))

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(encode(old), encode(new), False)
    dmp.diff_cleanupSemantic(diffs)
    runs: list[tuple[str, str]] = []
    for op, chars in diffs:
        text = decode(chars)
        if runs and runs[-1][0] == _OPS[op]:
            runs[-1] = (_OPS[op], runs[-1][1] + text)
        elif text:
            runs.append((_OPS[op], text))
    return tuple(runs)


# -- classification -------------------------------------------------------------------------------

_RESERVED = re.compile(r"(?:§+\s*[\d.]+\s*)?\[?\s*reserved\s*\]?\.?", re.I)
_WORD = re.compile(r"[^\W_]+(?:[.,:/][^\W_]*\d[^\W_]*)*")
_REFERENCE = re.compile(
    r"(?=[\d(A-E])(?:"  # every form starts with a digit, "(" or A-E: other positions are skipped at once
    r"\b\d{3}\.\d+[a-z]?(?:\([a-zA-Z0-9]{1,5}\))*"  # 740.10(a)(3)(v)
    rf"|\b{ECCN}{ITEM}"  # 3A001.z.1
    r"|(?<![\w)])(?:\((?:[a-z]{1,4}|\d{1,3}|[A-Z])\)){1,6}"  # (a)(3)(v)
    r"|\b[A-E]:\d+\b"  # Country Group E:1
    r"|(?<=[Pp]art )\d{3}\b|(?<=[Nn]o\. )\d+\b"  # part 744, supplement no. 1
    r")"
)


def _is_reserved(p: Paragraph) -> bool:
    return bool(_RESERVED.fullmatch(plain(p.body).strip()))


def _words(text: str) -> list[str]:
    """The words of a text with case, punctuation, dashes, quotes and emphasis ignored."""
    return _WORD.findall(plain(text).translate(DASHES).casefold())


def _references(text: str) -> tuple[str, list[str]]:
    """The text with every cross-reference string masked, and those strings in order."""
    found: list[str] = []

    def mask(m: re.Match[str]) -> str:
        found.append(m.group(0))
        return "\x00"

    return _REFERENCE.sub(mask, text), found


def _reference_pairs(old: Paragraph, new: Paragraph) -> tuple[tuple[str, str], ...] | None:
    masked_old, refs_old = _references(old.text)
    masked_new, refs_new = _references(new.text)
    if masked_old != masked_new or old.heading != new.heading:
        return None

    def target(p: Paragraph, written: str) -> str:
        exact = [r.target for r in p.refs if r.text == written]
        inside = [r.target for r in p.refs if written in r.text]
        return (exact or inside or [written])[0]

    pairs: list[tuple[str, str]] = []
    for a, b in zip(refs_old, refs_new, strict=True):
        pair = (target(old, a), target(new, b))
        if a != b and pair not in pairs:
            pairs.append(pair)
    return tuple(pairs) or None


def _change(kind: ChangeKind, old: Paragraph | None, new: Paragraph | None, order: int, **extra: Any) -> Change:
    key = new or old
    assert key is not None
    return Change(
        kind=kind,
        citation=key.citation,
        part=key.part,
        unit=key.unit,
        order=order,
        old_text=old.text if old else None,
        new_text=new.text if new else None,
        old_heading=old.heading if old else None,
        new_heading=new.heading if new else None,
        **extra,
    )


def _classify(old: Paragraph, new: Paragraph, order: int) -> Change | None:
    """The change of one citation present in both versions, or None if its words are the same."""
    if old.text == new.text and old.heading == new.heading:
        return None
    lines = redline(old.text, new.text) if old.text != new.text else ()
    if _is_reserved(new) and not _is_reserved(old):
        return _change("reserved", old, new, order, redline=lines)
    if _words(old.text) == _words(new.text) and _words(old.heading) == _words(new.heading):
        return _change("editorial", old, new, order, redline=lines)
    if old.heading != new.heading and (
        old.text == new.text or (old.heading and old.text.replace(old.heading, new.heading, 1) == new.text)
    ):
        return _change("heading", old, new, order, redline=lines)
    pairs = _reference_pairs(old, new)
    if pairs:
        return _change("reference-only", old, new, order, redline=lines, reference_pairs=pairs)
    return _change("modified", old, new, order, redline=lines)


def _regulatory_by_part(paragraphs: Iterable[Paragraph]) -> dict[str, list[Paragraph]]:
    parts: dict[str, list[Paragraph]] = defaultdict(list)
    for p in paragraphs:
        if p.kind not in NON_REGULATORY_KINDS:
            parts[p.part].append(p)
    return parts


def compare(
    old: list[Paragraph], new: list[Paragraph], *, earlier: Mapping[str, str] | None = None
) -> list[Change]:
    """Classified changes from ``old`` to ``new`` (see the module docstring for the kinds).

    ``earlier`` maps citations present at some date before ``old`` to their text then (as
    :meth:`tracker.store.Store.earlier_texts` gives); it makes re-added citations ``restored``.
    """
    olds, news = _regulatory_by_part(old), _regulatory_by_part(new)
    changes: list[Change] = []
    for part in sorted(olds.keys() | news.keys(), key=part_sort_key):
        changes.extend(compare_delta(_delta(olds.get(part, []), news.get(part, [])), earlier or {}))
    return changes


def _delta(old: list[Paragraph], new: list[Paragraph]) -> Delta:
    """Two paragraph lists of one Part as a :class:`~tracker.model.Delta` (paragraphs whose text or heading
    differ, or whose citation is on one side only, and the citations of each side in order)."""
    old_by, new_by = {p.citation: p for p in old}, {p.citation: p for p in new}
    if len(old_by) != len(old) or len(new_by) != len(new):
        raise DiffError("a citation occurs twice in one version; keys must be unique to compare")

    def differs(p: Paragraph, other: Paragraph | None) -> bool:
        return other is None or other.text != p.text or other.heading != p.heading

    return Delta(
        [p for p in old if differs(p, new_by.get(p.citation))],
        [p for p in new if differs(p, old_by.get(p.citation))],
        list(old_by),
        list(new_by),
    )


def compare_delta(delta: Delta, earlier: Mapping[str, str]) -> list[Change]:
    """Classified changes within one Part, in document order, from the paragraphs that differ
    (:meth:`tracker.store.Store.delta` with ``ignore=NON_REGULATORY_KINDS``, or :func:`compare`'s own)."""
    position = {c: i for i, c in enumerate(delta.new_order)}
    old_by = {p.citation: p for p in delta.old}
    ranked: list[tuple[int, int, Change]] = []

    gone: dict[tuple[str, str], deque[Paragraph]] = defaultdict(deque)
    for p in delta.old:
        if p.citation not in position and p.body and not _is_reserved(p):
            gone[(p.kind, p.body)].append(p)
    moved: set[str] = set()
    for p in delta.new:
        i = position[p.citation]
        before = old_by.get(p.citation)
        if before is not None:
            change = _classify(before, p, i)
        elif gone.get((p.kind, p.body)):
            src = gone[(p.kind, p.body)].popleft()
            moved.add(src.citation)
            change = _change(
                "redesignated", src, p, i, old_citation=src.citation, redline=redline(src.text, p.text)
            )
        elif p.citation in earlier:
            was = earlier[p.citation]
            change = replace(
                _change("restored", None, p, i, redline=redline(was, p.text) if was != p.text else ()),
                old_text=was,
            )
        else:
            change = _change("added", None, p, i)
        if change:
            ranked.append((i, 1, change))

    removed = [p for p in delta.old if p.citation not in position and p.citation not in moved]
    # A removed paragraph stands just after the last paragraph before it that is also in the new version.
    at, wanted, slot = 0, {p.citation for p in removed}, {}
    for citation in delta.old_order if removed else ():
        if citation in position:
            at = position[citation] + 1
        elif citation in wanted:
            slot[citation] = at
            if len(slot) == len(wanted):
                break
    ranked.extend((slot[p.citation], 0, _change("removed", p, None, slot[p.citation])) for p in removed)
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [c for _, _, c in ranked]


# -- diffs between stored dates -------------------------------------------------------------------


@dataclass(frozen=True)
class DiffResult:
    """The changes between two requested dates, with the stored versions that were compared.

    Data only: :func:`tracker.report.text.diff_text` renders it as text.
    """

    date_a: str
    date_b: str
    versions: dict[str, tuple[str, str]]
    changes: list[Change]
    part: str | None = None
    eccn: str | None = None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Number of changes of every kind (zeros included), in :data:`CHANGE_KINDS` order."""
        counts: dict[str, int] = dict.fromkeys(CHANGE_KINDS, 0)
        for c in self.changes:
            counts[c.kind] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "tracker.diff/1",
            "from": self.date_a,
            "to": self.date_b,
            "part": self.part,
            "eccn": self.eccn,
            "versions": {p: {"from": a, "to": b} for p, (a, b) in self.versions.items()},
            "notes": list(self.notes),
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_json(self) -> str:
        """The documented JSON form (see the module docstring), indented, keys in a fixed order."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _resolve(store: Store, part: str, date: str, notes: list[str]) -> str:
    version = store.version_on(part, date)
    if version is None:
        raise DiffError(f"{date} is before the first stored version of part {part} ({store.dates(part)[0]})")
    if version != date:
        notes.append(f"part {part}: {date} resolved to the version of {version} (the one in force)")
    return version


def _parts(store: Store, date_a: str, part: str | None, eccn: str | None, notes: list[str]) -> list[str]:
    """The Parts to compare: the one asked for (Part 774 for an ECCN), else every stored Part in force
    on ``date_a`` (the others are named in a note)."""
    stored = store.parts()
    wanted = part or ("774" if eccn else None)
    if wanted is not None:
        if wanted not in stored:
            raise DiffError(f"no stored versions of part {wanted}; run `tracker ingest` first")
        return [wanted]
    if not stored:
        raise DiffError("no stored versions of any part; run `tracker ingest` first")
    ready = [p for p in stored if store.version_on(p, date_a) is not None]
    if not ready:
        first = min(store.dates())
        raise DiffError(f"{date_a} is before the first stored version of any part ({first})")
    for p in stored:
        if p not in ready:
            notes.append(f"part {p}: not compared, its first stored version is {store.dates(p)[0]}")
    return ready


def diff_dates(
    store: Store, date_a: str, date_b: str, *, part: str | None = None, eccn: str | None = None
) -> DiffResult:
    """Compare the versions in force on two dates (optionally one Part, or one ECCN's paragraphs).

    Without ``part``, every stored Part with a version in force on ``date_a`` is compared (Part 774
    alone with ``eccn``). Raises :class:`DiffError` for a date that is not YYYY-MM-DD, ``date_a``
    after ``date_b``, a date before the first stored version, a Part with no stored versions, or
    an ECCN that is in neither version.
    """
    for d in (date_a, date_b):
        if not is_date(d):
            raise DiffError(f"{d!r} is not a date (YYYY-MM-DD)")
    if date_a > date_b:
        raise DiffError(f"{date_a} is after {date_b}: give the earlier date first")
    if eccn is not None:
        eccn = eccn.upper()
        if not is_eccn(eccn):
            raise DiffError(f"{eccn!r} is not an ECCN (digit, letter A-E, three digits: 3A090)")
    notes: list[str] = []
    versions: dict[str, tuple[str, str]] = {}
    changes: list[Change] = []
    seen_eccn = False
    for p in _parts(store, date_a, part, eccn, notes):
        va, vb = _resolve(store, p, date_a, notes), _resolve(store, p, date_b, notes)
        versions[p] = (va, vb)
        delta = store.delta(p, va, vb, ignore=NON_REGULATORY_KINDS)
        olds = {q.citation for q in delta.old}
        arrived = [q.citation for q in delta.new if q.citation not in olds]
        found = compare_delta(delta, store.earlier_texts(p, va, arrived) if arrived else {})
        if eccn is not None:
            seen_eccn = seen_eccn or store.has_unit(p, eccn, va) or store.has_unit(p, eccn, vb)
            found = [c for c in found if c.unit == eccn]
        changes.extend(found)
    if eccn is not None and not seen_eccn:
        raise DiffError(f"ECCN {eccn} is in neither version compared")
    return DiffResult(date_a, date_b, versions, changes, part=part, eccn=eccn, notes=notes)
