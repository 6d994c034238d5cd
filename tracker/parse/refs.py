"""Cross-references in paragraph text, resolved to full citations.

Targets are normalised so they can be looked up among paragraph keys: ``740.10(a)(2)(iv)`` for a
section paragraph, ``3B001.j`` for an ECCN item, ``Country Group E:1``, ``Supplement No. 1 to
Part 740``, ``Part 744``. Relative references ("paragraph (b)(3) of this section", "supplement
no. 1 to this part", "this ECCN") are resolved against the enclosing unit and part. References
into other CFR titles ("22 CFR 121.1") are kept with kind ``external``. Every item of a list is a
target ("§ 740.9(a)(1), (a)(3) through (8)", "3A001.b.2 and b.3"), written as the whole list; a range
names its end (``through``), and :func:`expand` reads it against what exists.

The text is read by a pipeline of passes (:data:`tracker.parse.ref_passes.PASSES`), one shape each.

>>> def targets(text, unit, part):
...     return [r.target for r in extract_refs(text, unit=unit, part=part)]
>>> targets("see § 740.10(a)(2)(iv) and ECCN 3B001.j", "740.2", "740")
['740.10(a)(2)(iv)', '3B001.j']
>>> targets("described in paragraphs (a)(8) and (11) of this section", "740.9", "740")
['740.9(a)(8)', '740.9(a)(11)']
>>> targets("Country Groups D:1, D:4, and D:5 of supplement no. 1 to part 740", None, "774")
['Country Group D:1', 'Country Group D:4', 'Country Group D:5', 'Supplement No. 1 to Part 740']
>>> [(r.target, r.through) for r in extract_refs("§ 740.13(a) through (c)", unit=None, part="740")]
[('740.13(a)', '740.13(c)'), ('740.13(c)', None)]
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import NamedTuple

from tracker.citations import range_members
from tracker.model import Paragraph, Reference
from tracker.parse.ref_passes import PASSES, Found
from tracker.xmltext import plain


def _position(item: tuple[int, Reference]) -> int:
    return item[0]


def extract_refs(text: str, *, unit: str | None, part: str) -> tuple[Reference, ...]:
    """References in ``text`` in the order written, each target once; relative ones resolved against ``unit``
    and ``part``.

    ``unit`` is the enclosing section (``740.10``), supplement or ECCN (``3A001``), or None.
    """
    s = plain(text)
    found = Found(unit, part)
    for run, words in PASSES:
        for word in words:
            if word in s:
                run(s, found)
                break
    if len(found.refs) < 2:
        return tuple(ref for _, ref in found.refs)
    found.refs.sort(key=_position)
    unique: dict[tuple[str, str, str | None], Reference] = {}
    for _, ref in found.refs:
        unique.setdefault((ref.target, ref.kind, ref.through), ref)
    return tuple(unique.values())


def with_refs(paragraphs: Iterable[Paragraph]) -> list[Paragraph]:
    """The paragraphs with their references (:func:`extract_refs` of each text, in its unit and Part), each
    distinct text read once. The parser leaves references out; the store finds them only for texts new to it.

    >>> p = Paragraph("740.2(a)", "740", "740.2", "740.2", "(a)", "paragraph", "", "(a) See § 740.10(b).", 1)
    >>> [r.target for r in with_refs([p])[0].refs]
    ['740.10(b)']
    """
    found: dict[tuple[str, str, str], tuple[Reference, ...]] = {}
    out = []
    for p in paragraphs:
        if not p.text:
            out.append(p)
            continue
        key = (p.text, p.unit, p.part)
        refs = found.get(key)
        if refs is None:
            refs = found[key] = extract_refs(p.text, unit=p.unit, part=p.part)
        out.append(Paragraph(p.citation, p.part, p.unit, p.parent, p.marker, p.kind, p.heading, p.text, p.order,
                             refs))
    return out


class Expansion(NamedTuple):
    """What a reference names among existing keys: ``targets`` in order, and its end points that do not exist."""

    targets: tuple[str, ...]
    missing: tuple[str, ...]


def expand(ref: Reference, keys: Container[str]) -> Expansion:
    """The citations a reference names that exist in ``keys``: its target, or for a range every sibling from its
    target through its end; ``missing`` lists the end points not in ``keys``.

    >>> ref = Reference("740.9(a)(3)", "section", "(a)(3) through (8)", through="740.9(a)(8)")
    >>> expand(ref, {"740.9(a)(3)", "740.9(a)(4)", "740.9(a)(6)", "740.9(a)(8)"})
    Expansion(targets=('740.9(a)(3)', '740.9(a)(4)', '740.9(a)(6)', '740.9(a)(8)'), missing=())
    >>> expand(ref, {"740.9(a)(3)", "740.9(a)(5)"})
    Expansion(targets=('740.9(a)(3)', '740.9(a)(5)'), missing=('740.9(a)(8)',))
    """
    ends = (ref.target,) if ref.through is None else (ref.target, ref.through)
    named = (range_members(*ends) if ref.through is not None else None) or ends
    return Expansion(tuple(t for t in named if t in keys), tuple(t for t in ends if t not in keys))
