"""The pure differ: two paragraph lists (or one Part's :class:`~tracker.model.Delta`) → classified changes."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import replace

from tracker.citations import part_sort_key
from tracker.diff.classify import change, classify, is_reserved
from tracker.diff.redline import redline
from tracker.errors import InputError
from tracker.model import NON_REGULATORY_KINDS, Change, Delta, Paragraph


class DiffError(InputError):
    """A diff that cannot be made as asked (date before the first version, unknown ECCN, repeated keys)."""


def regulatory_by_part(paragraphs: Iterable[Paragraph]) -> dict[str, list[Paragraph]]:
    """The paragraphs that are regulatory text (not :data:`~tracker.model.NON_REGULATORY_KINDS`), by Part."""
    parts: dict[str, list[Paragraph]] = defaultdict(list)
    for p in paragraphs:
        if p.kind not in NON_REGULATORY_KINDS:
            parts[p.part].append(p)
    return parts


def compare(
    old: list[Paragraph], new: list[Paragraph], *, earlier: Mapping[str, str] | None = None
) -> list[Change]:
    """Classified changes from ``old`` to ``new`` (see :mod:`tracker.diff` for the kinds).

    ``earlier`` maps citations present at some date before ``old`` to their text then (as
    :meth:`tracker.store.Store.earlier_texts` gives); it makes re-added citations ``restored``.
    """
    olds, news = regulatory_by_part(old), regulatory_by_part(new)
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


def _gone_by_body(delta: Delta, position: Mapping[str, int]) -> dict[tuple[str, str], deque[Paragraph]]:
    """Old paragraphs whose citation is gone, by (kind, body): the candidates of a redesignation."""
    gone: dict[tuple[str, str], deque[Paragraph]] = defaultdict(deque)
    for p in delta.old:
        if p.citation not in position and p.body and not is_reserved(p):
            gone[(p.kind, p.body)].append(p)
    return gone


def _arrived(p: Paragraph, i: int, gone: dict[tuple[str, str], deque[Paragraph]],
             earlier: Mapping[str, str]) -> Change:
    """The change of a citation only the new version has: redesignated, restored or added."""
    if gone.get((p.kind, p.body)):
        src = gone[(p.kind, p.body)].popleft()
        return change("redesignated", src, p, i, old_citation=src.citation, redline=redline(src.text, p.text))
    if p.citation in earlier:
        was = earlier[p.citation]
        restored = change("restored", None, p, i, redline=redline(was, p.text) if was != p.text else ())
        return replace(restored, old_text=was)
    return change("added", None, p, i)


def _removed_slots(delta: Delta, position: Mapping[str, int], removed: list[Paragraph]) -> dict[str, int]:
    """Where each removed paragraph stands: just after the last paragraph before it that is also in the new
    version."""
    at, wanted, slot = 0, {p.citation for p in removed}, {}
    for citation in delta.old_order if removed else ():
        if citation in position:
            at = position[citation] + 1
        elif citation in wanted:
            slot[citation] = at
            if len(slot) == len(wanted):
                break
    return slot


def compare_delta(delta: Delta, earlier: Mapping[str, str]) -> list[Change]:
    """Classified changes within one Part, in document order, from the paragraphs that differ
    (:meth:`tracker.store.Store.delta` with ``ignore=NON_REGULATORY_KINDS``, or :func:`compare`'s own)."""
    position = {c: i for i, c in enumerate(delta.new_order)}
    old_by = {p.citation: p for p in delta.old}
    gone = _gone_by_body(delta, position)
    ranked: list[tuple[int, int, Change]] = []
    for p in delta.new:
        i = position[p.citation]
        before = old_by.get(p.citation)
        found = classify(before, p, i) if before is not None else _arrived(p, i, gone, earlier)
        if found:
            ranked.append((i, 1, found))
    moved = {c.old_citation for _, _, c in ranked if c.old_citation}
    removed = [p for p in delta.old if p.citation not in position and p.citation not in moved]
    slot = _removed_slots(delta, position, removed)
    ranked.extend((slot[p.citation], 0, change("removed", p, None, slot[p.citation])) for p in removed)
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [c for _, _, c in ranked]
