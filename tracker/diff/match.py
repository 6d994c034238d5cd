"""Which old paragraph each new one continues: matched by content first, by citation last.

A renumbering moves texts to new citations, so matching by citation alone pairs unrelated texts
(the old (b)(4) with the new (b)(4), which is the old (b)(3)). :func:`match` pairs the paragraphs
of two versions (:class:`~tracker.diff.sides.Sides`) in tiers, the strongest first, each tier greedy in a fixed order:

1. the same body (text without its marker), of the same kind;
2. the same body once the references the parser found are masked (a renumbered paragraph whose
   self-references were updated with it: "paragraph (b)(4)" → "paragraph (b)(5)"), same unit and kind,
   when no other paragraph of either side has that masked body;
3. the same citation, when the texts share :data:`EDITED` or more of their words, in any order (the
   paragraph edited);
4. another citation, when the texts share :data:`SIMILAR` or more of their words (moved and edited) and
   differ in more than their references, same unit and kind, when neither has another such candidate;
5. the same citation, whatever the text.

After tier 1, the one paragraph of a unit and kind left on each side, when both have one citation, are paired
at once: tiers 2–5 could pair them only with each other, and the last would.

Texts of one template told apart only by their references ("Software described in 5D002.a.1 …",
"… in 5D002.b …") are thus never matched across citations by tiers 2 and 4. Within a tier a pair at
the same citation comes first, then one in the same unit, then the nearest in document order
(positions in each version, :class:`~tracker.diff.sides.Sides`). Tiers 1–4 skip bodies that are empty or
"[Reserved]". Word shares are difflib ratios over word tokens, pre-filtered by length bounds and the
quick ratio; tier 4 is skipped for a unit with more than :data:`MAX_PAIRS` candidate pairs, so the
cost stays near-linear in the paragraphs that differ.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from tracker.diff.facts import Facts, facts
from tracker.diff.sides import Sides
from tracker.model import Paragraph

#: The share of words the texts at one citation must have in common to be the same paragraph edited (tier 3).
EDITED = 0.5
#: The share of words two texts at different citations must have in common to be one paragraph moved (tier 4).
SIMILAR = 0.8
#: Tier 4 compares at most this many (old, new) pairs within one unit and kind.
MAX_PAIRS = 2500


@dataclass(frozen=True)
class Pairing:
    """The outcome of :func:`match`: ``pairs`` (old, new) in the new version's document order, and the
    paragraphs left without a partner on each side."""

    pairs: list[tuple[Paragraph, Paragraph]]
    added: list[Paragraph]
    removed: list[Paragraph]


class _Side:
    """One side of a pairing: its paragraphs, their :class:`~tracker.diff.facts.Facts`, which are taken and how
    many matchable ones are not (tiers 1–4 pair only those)."""

    __slots__ = ("paragraphs", "facts", "taken", "left")

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.paragraphs = paragraphs
        self.facts = [facts(p) for p in paragraphs]
        self.taken = [False] * len(paragraphs)
        self.left = sum(f.matchable for f in self.facts)

    def free(self) -> Iterator[int]:
        """The indexes of the matchable paragraphs not taken."""
        return (i for i, f in enumerate(self.facts) if f.matchable and not self.taken[i])


def _by_body(side: _Side, masked: bool) -> dict[tuple[str, ...], list[int]]:
    """Indexes of the matchable paragraphs not taken, by (kind, body) — by (kind, unit, masked body) if
    ``masked``."""
    out: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in side.free():
        p, f = side.paragraphs[i], side.facts[i]
        out[(p.kind, p.unit, f.masked_body()) if masked else (p.kind, f.body)].append(i)
    return out


def _equal_pairs(old: _Side, new: _Side, masked: bool) -> Iterator[tuple[int, int]]:
    """Candidate pairs (old index, new index) of tier 1 (``masked`` False) or tier 2. A masked body that more
    than one paragraph of a side has (texts of one template, told apart only by their references) pairs none."""
    olds = _by_body(old, masked)
    for key, news in _by_body(new, masked).items():
        if masked and (len(news) > 1 or len(olds.get(key, ())) > 1):
            continue
        for j in news:
            for i in olds.get(key, ()):
                yield i, j


def _share(a: tuple[str, ...], b: tuple[str, ...], least: float, *, in_order: bool = True) -> bool:
    """Whether the token lists share ``least`` or more of their words (difflib ratio: in order, else as
    bags of words), cheap bounds first."""
    if min(len(a), len(b)) < least * max(len(a), len(b)) or _bag_ratio(a, b) < least:
        return False
    return not in_order or SequenceMatcher(None, a, b, autojunk=False).ratio() >= least


def _bag_ratio(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """difflib's ``quick_ratio``: the share of words in common as bags, without indexing ``b`` for ``ratio``.
    The words of a common prefix and suffix are common to both bags, so only the middles are counted.

    >>> _bag_ratio(("a", "b", "c", "d"), ("a", "c", "b", "e", "d")), _bag_ratio((), ())
    (0.8888888888888888, 1.0)
    """
    length = len(a) + len(b)
    if not length:
        return 1.0
    head = _common(a, b, min(len(a), len(b)), lambda t, n: t[:n])
    tail = _common(a, b, min(len(a), len(b)) - head, lambda t, n: t[len(t) - n :])
    if head + tail in (len(a), len(b)):  # one middle is empty: nothing more in common
        return 2.0 * (head + tail) / length
    middle = Counter(a[head : len(a) - tail]) & Counter(b[head : len(b) - tail])
    return 2.0 * (head + tail + middle.total()) / length


def _common(a: tuple[str, ...], b: tuple[str, ...], most: int,
            end: Callable[[tuple[str, ...], int], tuple[str, ...]]) -> int:
    """The length (at most ``most``) of the longest common ``end`` (prefix or suffix) of two tuples: a binary
    search over slices, each compared at C speed."""
    low, high = 0, most
    while low < high:
        mid = (low + high + 1) // 2
        if end(a, mid) == end(b, mid):
            low = mid
        else:
            high = mid - 1
    return low


def _edited_pairs(old: _Side, new: _Side) -> Iterator[tuple[int, int]]:
    """Candidate pairs of tier 3 among the paragraphs not yet taken: one citation, :data:`EDITED` or more of the
    words in common (as bags)."""
    olds = {old.paragraphs[i].citation: i for i in old.free()}
    for j in new.free():
        i = olds.get(new.paragraphs[j].citation)
        if i is not None and _share(old.facts[i].tokens(), new.facts[j].tokens(), EDITED, in_order=False):
            yield i, j


def _similar_pairs(old: _Side, new: _Side) -> Iterator[tuple[int, int]]:
    """Candidate pairs of tier 4 among the paragraphs not yet taken: same unit and kind, :data:`SIMILAR`
    or more of the words in common."""
    for olds, news in _groups(old, new):
        if len(olds) * len(news) <= MAX_PAIRS:
            similar = [(i, j) for j in news for i in olds if _moved_and_edited(old.facts[i], new.facts[j])]
            yield from _unique(similar)


def _groups(old: _Side, new: _Side) -> Iterable[tuple[list[int], list[int]]]:
    """The indexes of the matchable paragraphs not taken on each side, by unit and kind (what tiers 2 and 4
    compare within)."""
    groups: dict[tuple[str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for at, side in enumerate((old, new)):
        for i in side.free():
            p = side.paragraphs[i]
            groups[(p.unit, p.kind)][at].append(i)
    return groups.values()


def _alone_pairs(old: _Side, new: _Side) -> Iterator[tuple[int, int]]:
    """The pairs that tiers 2–5 can only make with each other, taken at once: the one paragraph of a unit and
    kind left on each side, at one citation (tiers 2 and 4 pair within a unit and kind, 3 and 5 at one citation,
    so each tier pairs these two or neither, and the last pairs them)."""
    for olds, news in _groups(old, new):
        if len(olds) == len(news) == 1 and old.paragraphs[olds[0]].citation == new.paragraphs[news[0]].citation:
            yield olds[0], news[0]


def _moved_and_edited(a: Facts, b: Facts) -> bool:
    """Similar words, and not only their references told apart (that is tier 2's, which found it ambiguous)."""
    return _share(a.tokens(), b.tokens(), SIMILAR) and a.masked_body() != b.masked_body()


def _unique(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pairs whose old and new paragraph have no other candidate (similar texts of one template are
    ambiguous: none of them is a move)."""
    olds, news = Counter(i for i, _ in pairs), Counter(j for _, j in pairs)
    return [(i, j) for i, j in pairs if olds[i] == 1 and news[j] == 1]


def match(sides: Sides) -> Pairing:
    """Pair the old and new paragraphs of ``sides`` (see the module docstring); deterministic."""
    old, new = _Side(sides.old), _Side(sides.new)
    chosen: list[tuple[int, int]] = []

    def rank(pair: tuple[int, int]) -> tuple[bool, bool, int, int, int]:
        a, b = old.paragraphs[pair[0]], new.paragraphs[pair[1]]
        if a.citation == b.citation:
            return False, False, 0, pair[1], pair[0]
        distance = abs(sides.old_rank(a.citation) - (sides.new_rank(b.citation) or 0))
        return True, a.unit != b.unit, distance, pair[1], pair[0]

    def take(candidates: Iterable[tuple[int, int]]) -> None:
        for i, j in sorted(candidates, key=rank):
            if not old.taken[i] and not new.taken[j]:
                old.taken[i] = new.taken[j] = True
                old.left -= 1
                new.left -= 1
                chosen.append((i, j))

    tiers: tuple[Callable[[_Side, _Side], Iterable[tuple[int, int]]], ...] = (
        lambda a, b: _equal_pairs(a, b, masked=False), _alone_pairs, lambda a, b: _equal_pairs(a, b, masked=True),
        _edited_pairs, _similar_pairs)
    for tier in tiers:
        if old.left and new.left:  # else every later tier but the last scans its side to find nothing
            take(tier(old, new))
    olds = {p.citation: i for i, p in enumerate(old.paragraphs)}
    take((olds[p.citation], j) for j, p in enumerate(new.paragraphs) if p.citation in olds)
    chosen.sort(key=lambda pair: pair[1])
    return Pairing(
        [(old.paragraphs[i], new.paragraphs[j]) for i, j in chosen],
        [p for p, taken in zip(new.paragraphs, new.taken, strict=True) if not taken],
        [p for p, taken in zip(old.paragraphs, old.taken, strict=True) if not taken],
    )
