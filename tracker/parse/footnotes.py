"""Footnotes of a section or supplement body (``FTNT``): found among the body's elements and keyed by number."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from lxml import etree

from tracker.citations import footnote
from tracker.parse.records import Records
from tracker.xmltext import inline_text, plain

_MARKS = ("SU", "sup")


def unwrap_footnotes(
    elements: Iterable[etree._Element], skip: Collection[str] = ()
) -> Iterator[tuple[etree._Element, str, bool]]:
    """Each element with its tag, each FTNT replaced by its paragraphs (elements tagged ``skip``, comments and
    processing instructions left out), and whether it is footnote text (a generator: the body walk takes them as
    they come, so no list of them is built).

    The eCFR sometimes leaves a footnote open so that it swallows the rest of the section
    (§ 740.12 on 2026-09-01): only paragraphs opening with the footnote number are footnote text.
    """
    for el in elements:
        tag = el.tag
        if not isinstance(tag, str) or tag in skip:
            continue
        if tag != "FTNT":
            yield el, tag, False
            continue
        for child in el:
            if isinstance(tag := child.tag, str):
                yield child, tag, _number(child) is not None


def _number(el: etree._Element) -> str | None:
    """The footnote number ``el`` opens with (``<P><SU>3</SU> …``), else None."""
    first = next(iter(el), None)
    if (el.text or "").strip() or first is None or first.tag not in _MARKS:
        return None
    return plain(inline_text(first))


def key_footnote(b: Records, el: etree._Element, *, part: str, unit: str) -> None:
    """One footnote paragraph, keyed by its own number: ``<SU>3</SU>`` is ``<unit> Footnote 3``."""
    number = _number(el) or str(b.next_number(f"footnote:{unit}"))
    b.add(footnote(unit, number), part=part, unit=unit, parent=unit, kind="note", text=inline_text(el))
