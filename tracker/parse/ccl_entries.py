"""The entries of the Commerce Control List: which paragraph is an ECCN heading, and the supplement's children cut
into runs, one per entry, each with its elements' XML (the units of :mod:`tracker.parse.cache`).

>>> from lxml import etree
>>> div9 = etree.fromstring("<DIV9><P>Intro</P><FP-2><B>3A090 Chips.</B></FP-2><P>a. Fast.</P></DIV9>")
>>> [(len(run), headed) for run, _, headed in entries(list(div9), {})]
[(1, False), (2, True)]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from lxml import etree

from tracker.citations import ECCN
from tracker.parse.cache import serialised
from tracker.parse.ccl_shapes import PARAS, bold_lead

if TYPE_CHECKING:
    from tracker.parse.ccl_state import State

#: An ECCN at the start of a bold lead.
ECCN_HEAD = re.compile(rf"({ECCN})(?=\s|$)")


def opens_entry(el: etree._Element) -> bool:
    """An ECCN heading: the element :func:`tracker.parse.ccl` takes for one (a paragraph led by a bold ECCN)."""
    return isinstance(el.tag, str) and el.tag in PARAS and ECCN_HEAD.match(bold_lead(el)) is not None


#: The XML of every element :func:`opens_entry` can take: a paragraph element whose first child is B, strong or E
#: after text without markup (a prefilter: the bytes are at hand for the cache key anyway).
_PARA_TAGS = b"|".join(re.escape(tag.encode()) for tag in sorted(PARAS))
MAY_OPEN = re.compile(rb"<(?:%s)[\s>][^<]*<(?:B|strong|E)[\s>/]" % _PARA_TAGS)


class Run(NamedTuple):
    """One run of the supplement's children as the walk takes it: known by ``kind`` and ``digest`` (with the state
    it starts from) in :mod:`tracker.parse.cache`, an entry when ``headed``, its ``elements`` read when needed."""

    kind: str
    digest: bytes
    headed: bool
    elements: Callable[[], list[etree._Element]]


def entries(
    children: list[etree._Element], headings: dict[bytes, bool]
) -> list[tuple[list[etree._Element], list[bytes], bool]]:
    """The children in runs, each with its elements' XML and whether it is an entry: what precedes the first ECCN
    heading, then each heading with what follows it. ``headings`` remembers :func:`opens_entry` by the XML it
    reads (the element's own, without its tail), across documents."""
    runs: list[tuple[list[etree._Element], list[bytes], bool]] = []
    for child in children:
        blob = serialised(child)
        opens = MAY_OPEN.match(blob) is not None and _opens(child, blob, headings)
        if opens or not runs:
            runs.append(([], [], opens))
        runs[-1][0].append(child)
        runs[-1][1].append(blob)
    return runs


def _opens(el: etree._Element, blob: bytes, headings: dict[bytes, bool]) -> bool:
    opens = headings.get(blob)
    if opens is None:
        opens = headings[blob] = opens_entry(el)
    return opens


#: The fields of the CCL walk's state carried from one element to the next.
CARRIED = ("category", "group", "written", "eccn", "block", "item", "last", "listing")
#: Those an entry reads before it sets them: its ECCN heading sets the ECCN, block, item, last record and listing.
INTO_ENTRY = CARRIED[:3]
Carried = tuple[object, ...]


#: :func:`carried`'s readers, by ``headed`` (each reads its fields in C, into a tuple).
_READ = {True: attrgetter(*INTO_ENTRY), False: attrgetter(*CARRIED)}


def carried(state: object, headed: bool) -> Carried:
    """What the walk carries into a run (an entry when ``headed``)."""
    found: Carried = _READ[headed](state)
    return found


def restore(state: State, values: Carried, headed: bool) -> None:
    """Set what :func:`carried` read (each field by name, :data:`CARRIED` in order: a ``setattr`` loop cost a warm
    parse of Part 774 some 2%; updating the state's ``__dict__`` at once makes CPython keep its attributes in a
    dict, not inline, and every later read of them dearer: 4% of a cold parse).

    >>> from tracker.parse.ccl_state import State
    >>> from tracker.parse.records import Records
    >>> a, b = (State(part="774", appendix="S", out=Records()) for _ in "ab")
    >>> a.category, a.group, a.written, a.eccn = "C", "G", "w", "E"
    >>> a.block, a.item, a.last, a.listing = "B", "I", "L", True
    >>> restore(b, carried(a, True), True); carried(b, False)
    ('C', 'G', 'w', None, None, None, None, False)
    >>> restore(b, carried(a, False), False); carried(b, False) == carried(a, False)
    True
    """
    fields: tuple[Any, ...] = values  # of the types the fields are: carried() read them
    if headed:
        state.category, state.group, state.written = fields
    else:
        (state.category, state.group, state.written, state.eccn, state.block, state.item, state.last,
         state.listing) = fields
