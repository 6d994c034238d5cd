"""The text of a table in the Commerce Control List, read in one pass: its header, its rows' cells and the notes
under it (:func:`read_table`; :mod:`tracker.parse.ccl` keys the rows).

>>> from lxml import etree
>>> t = read_table(etree.fromstring(
...     "<GPOTABLE><TTITLE>Reasons</TTITLE><BOXHD><CHED>Control</CHED><CHED>Country chart</CHED></BOXHD>"
...     "<ROW><ENT>NS applies to entire entry</ENT><ENT>NS Column 1</ENT></ROW><TNOTE>A note.</TNOTE></GPOTABLE>"))
>>> t.header, t.rows, t.extra
(['Reasons', 'Control', 'Country chart'], [['NS applies to entire entry', 'NS Column 1']], ['A note.'])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from lxml import etree

from tracker.xmltext import inline_text

#: The elements of a table that hold its text.
_TABLE_PARTS = ("TTITLE", "CAPTION", "caption", "BOXHD", "TR", "ROW", "TNOTE", "TDESC", "SOURCE")


class Table(NamedTuple):
    """A table's header texts (title, caption, column heads), the cells of each row, and the texts under it."""

    header: list[str]
    rows: list[list[str]]
    extra: list[str]


def _cells(children: Iterable[etree._Element], tags: frozenset[str]) -> list[str]:
    """The inline text of each of ``children`` with one of ``tags``, in order."""
    return [inline_text(c) for c in children if c.tag in tags]


_CHED, _ENT = frozenset({"CHED"}), frozenset({"ENT"})


def read_table(el: etree._Element) -> Table:
    """The text of a ``GPOTABLE`` (``BOXHD``/``ROW``/``ENT``) or HTML-shaped ``TABLE`` (``TR``/``TH``/``TD``)."""
    t = Table([], [], [])
    for node in el.iter(*_TABLE_PARTS):
        tag = node.tag
        if tag in ("TTITLE", "CAPTION", "caption"):
            t.header.append(inline_text(node))
        elif tag == "BOXHD":
            t.header.extend(_cells(node, _CHED))
        elif tag == "TR":  # a row when it holds a TD, else header cells: its children read in one pass
            cells, data = [], False
            for child in node:
                kind = child.tag
                if kind == "TD":
                    data = True
                    cells.append(inline_text(child))
                elif kind == "TH":
                    cells.append(inline_text(child))
            if data:
                t.rows.append(cells)
            else:
                t.header.extend(cells)
        elif tag == "ROW":
            t.rows.append(_cells(node, _ENT))
        else:  # TNOTE, TDESC, SOURCE
            t.extra.append(inline_text(node))
    return t
