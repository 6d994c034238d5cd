"""The pure differ: two paragraph lists (or one Part's :class:`~tracker.model.Delta`) → classified changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import replace

from tracker.citations import part_sort_key
from tracker.diff.classify import change, classify, reference_pairs
from tracker.diff.match import match
from tracker.diff.redline import Redline
from tracker.diff.sides import ListSides, Sides, under
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
    old: list[Paragraph],
    new: list[Paragraph],
    *,
    earlier: Mapping[str, str] | None = None,
    old_keys: Iterable[str] | None = None,
) -> list[Change]:
    """Classified changes from ``old`` to ``new`` (see :mod:`tracker.diff` for the kinds).

    ``earlier`` maps citations present at some date before ``old`` to their text then (as
    :meth:`tracker.store.Store.earlier_texts` gives); it makes re-added citations ``restored``.
    ``old_keys``: every citation of the old version, when ``old`` holds only some of its paragraphs.
    """
    olds, news = regulatory_by_part(old), regulatory_by_part(new)
    keys = None if old_keys is None else frozenset(old_keys)
    changes: list[Change] = []
    for part in sorted(olds.keys() | news.keys(), key=part_sort_key):
        delta = _delta(olds.get(part, []), news.get(part, []))
        changes.extend(compare_delta(delta, earlier or {}, old_keys=keys))
    return changes


def _delta(old: list[Paragraph], new: list[Paragraph]) -> Delta:
    """Two paragraph lists of one Part as a :class:`~tracker.model.Delta` (paragraphs whose kind, marker,
    heading or text differs — what :meth:`tracker.store.Store.delta` compares, but for the references, which
    one parser derives from those — or whose citation is on one side only, and the citations of each side in
    order)."""
    old_by, new_by = {p.citation: p for p in old}, {p.citation: p for p in new}
    if len(old_by) != len(old) or len(new_by) != len(new):
        raise DiffError("a citation occurs twice in one version; keys must be unique to compare")

    def differs(p: Paragraph, other: Paragraph | None) -> bool:
        return other is None or not (
            other.text == p.text and other.heading == p.heading and other.kind == p.kind and other.marker == p.marker
        )

    return Delta(
        [p for p in old if differs(p, new_by.get(p.citation))],
        [p for p in new if differs(p, old_by.get(p.citation))],
        list(old_by),
        list(new_by),
    )


def _arrived(p: Paragraph, i: int, earlier: Mapping[str, str], sides: Sides) -> Change:
    """The change of a paragraph no old one continues: restored (its citation was not in the old version but
    was there before) or added."""
    if p.citation in earlier and not sides.in_old(p.citation):
        was = earlier[p.citation]
        restored = change("restored", None, p, i, redline=Redline(was, p.text) if was != p.text else ())
        return replace(restored, old_text=was)
    return change("added", None, p, i)


def _paired(old: Paragraph, new: Paragraph, i: int) -> Change | None:
    """The change from ``old`` to the paragraph ``new`` that continues it: classified at the same citation,
    else redesignated (with the reference pairs when only its references changed besides the marker)."""
    if old.citation == new.citation:
        return classify(old, new, i)
    return change("redesignated", old, new, i, old_citation=old.citation, redline=Redline(old.text, new.text),
                  reference_pairs=reference_pairs(old, new) or ())


def _restructured(found: Change, added: dict[str, Change], arrived: list[str], sides: Sides) -> Change:
    """``found`` as one ``restructured`` change when its paragraph had nothing under it and now has new
    sub-paragraphs (taken out of ``added``; ``arrived``: the citations ``added`` had, sorted), else ``found``
    unchanged."""
    if found.old_citation or not added:
        return found
    new_parts = [c for c in under(arrived, found.citation) if c in added and added[c].kind == "added"]
    if not new_parts or sides.old_under(found.citation):
        return found
    parts = [added.pop(c) for c in new_parts]
    parts.sort(key=lambda c: c.order)
    return replace(found, kind="restructured", reference_pairs=(), parts=tuple(parts))


def _removed_slot(sides: Sides, removed: Paragraph, changed: Container[str], continued: Mapping[str, str]) -> int:
    """Where a removed paragraph stands: just after the new place of the last paragraph before it that
    continues in the new version (unchanged, or ``continued`` under the new citation it maps to)."""
    for citation in sides.old_before(removed.citation):
        now = continued.get(citation) if citation in changed else citation
        at = None if now is None else sides.new_rank(now)
        if at is not None:
            return at + 1
    return 0


def compare_delta(delta: Delta, earlier: Mapping[str, str], *, old_keys: Iterable[str] | None = None) -> list[Change]:
    """Classified changes within one Part, in document order, from the paragraphs that differ
    (:meth:`tracker.store.Store.delta` with ``ignore=NON_REGULATORY_KINDS``, or :func:`compare`'s own).

    ``old_keys`` are all citations of the old version when ``delta.old_order`` names only some (a history
    compares the paragraphs under one key): a paragraph split into sub-paragraphs must have had none.
    """
    return compare_sides(ListSides(delta, old_keys), earlier)


def compare_sides(sides: Sides, earlier: Mapping[str, str]) -> list[Change]:
    """Classified changes within one Part, in document order, from the paragraphs that differ and where they
    stand (:class:`~tracker.diff.sides.Sides`: :meth:`tracker.store.Store.changed`, or a ``Delta``'s)."""

    def position(p: Paragraph) -> int:
        at = sides.new_rank(p.citation)
        assert at is not None, p.citation
        return at

    pairing = match(sides)
    added = {p.citation: _arrived(p, position(p), earlier, sides) for p in pairing.added}
    paired = [c for c in (_paired(a, b, position(b)) for a, b in pairing.pairs) if c is not None]
    arrived = sorted(added)
    ranked = [(c.order, 1, _restructured(c, added, arrived, sides)) for c in paired]
    ranked.extend((c.order, 1, c) for c in added.values())
    continued = {a.citation: b.citation for a, b in pairing.pairs}
    changed = {p.citation for p in sides.old}
    for p in pairing.removed:
        slot = _removed_slot(sides, p, changed, continued)
        ranked.append((slot, 0, change("removed", p, None, slot)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [c for _, _, c in ranked]
