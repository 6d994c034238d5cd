"""Tables in a section or supplement body → a record for the caption and header, one per row and footnote.

Rows are keyed by what they name, never by position: a Country Group row by its country (footnote marks
stripped), a row of a grouped table — the Entity List, where the country is written only in the first row of
its block — by its group and the party it names (:func:`tracker.parse.lists.party_name`), under a record of the
group's own name (``Supplement No. 4 to Part 744 Table 1 [AFGHANISTAN]``). Footnotes are keyed by
their own number; a footnote's continuation rows ((a), (b)) sit under it as its ``¶1``, ``¶2``.
"""

from __future__ import annotations

import re

from lxml import etree

from tracker.citations import footnote, row
from tracker.model import ParagraphKind
from tracker.parse.keytext import short, short_heading, without_marks
from tracker.parse.lists import party_name
from tracker.parse.records import Records
from tracker.xmltext import children, first_child, inline_text, normalise_ws, plain

#: The elements of a table row that are its cells.
_CELLS = frozenset({"TD", "TH", "ENT", "CHED"})
_FOOTNOTE_MARK = re.compile(r"^\^([^^\s]{1,4})\^")
#: A spanning row that is a group's only content, not a new group (Supplement No. 5 to Part 774 under 0B521).
_RESERVED = re.compile(r"\[Reserved\]\.?")
#: A group heading's designation: ``0A521. Systems, Equipment and Components`` → ``0A521``.
_GROUP_DESIGNATION = re.compile(r"^(\S*\d\S*?)\.?(?:\s|$)")
#: A numbered row: ``No. 1 XBS Epoxy system …`` → ``No. 1``.
_ROW_NUMBER = re.compile(r"^(No\.\s*\d+[A-Za-z]?)\b")


def key_tables(b: Records, el: etree._Element, *, part: str, unit: str, context: str) -> bool:
    """Key each table of a ``TABLE``, ``GPOTABLE`` or ``DIV`` under ``context``; False if ``el`` holds none."""
    tables = [el] if el.tag in ("TABLE", "GPOTABLE") else list(el.iter("TABLE", "GPOTABLE"))
    for table in tables:
        _Table(b, part, unit).key(table, context)
    return bool(tables)


def _path(table: etree._Element, section: str, tag: str) -> list[etree._Element]:
    """``table.findall(f"{section}/{tag}")`` without ElementPath."""
    return [el for part in children(table, section) for el in children(part, tag)]


def _cells(tr: etree._Element) -> list[str]:
    return [inline_text(c) for c in tr if isinstance(tag := c.tag, str) and tag in _CELLS]


def row_labels(rows: list[list[str]]) -> list[tuple[str, ...]]:
    """What each body row names: its first cell, or — in a grouped table, where some row leaves the first cell
    blank under the group a row above it named — the group and the party its second cell names.

    >>> row_labels([["ARMENIA", "Aram Kocharyan, Aram Khachatrian 12"], [" ", "ARM-BEKAR LLC, Yerevan"]])
    [('ARMENIA', 'Aram Kocharyan'), ('ARMENIA', 'ARM-BEKAR LLC')]
    >>> row_labels([["Albania", "", "X"], ["Ukraine^4^", "X", ""]])
    [('Albania',), ('Ukraine',)]
    """
    firsts = [short(without_marks(cells[0])) if cells else "" for cells in rows]
    if not _grouped(firsts, rows):
        return [(f or "—",) for f in firsts]
    labels: list[tuple[str, ...]] = []
    group = "—"
    for first, cells in zip(firsts, rows, strict=True):
        group = first or group
        labels.append((group, party_name(cells[1]) if len(cells) > 1 and cells[1] else "—"))
    return labels


def _grouped(firsts: list[str], rows: list[list[str]]) -> bool:
    """True if a row leaves its first cell blank (and has more) after a row that named a group there."""
    named = False
    for first, cells in zip(firsts, rows, strict=True):
        if not first and named and len(cells) > 1:
            return True
        named = named or bool(first)
    return False


class _Table:
    """Keys one table's records (the caption and header, rows, footnotes) into ``b``."""

    def __init__(self, b: Records, part: str, unit: str) -> None:
        self.b, self.part, self.unit = b, part, unit

    def add(self, key: str, parent: str, kind: ParagraphKind, text: str, heading: str = "") -> str:
        return self.b.add(key, self.part, self.unit, parent, kind, text, "", heading)  # by position: keywords cost more

    def key(self, table: etree._Element, context: str) -> None:
        html = table.tag == "TABLE"
        caption_el = first_child(table, "CAPTION" if html else "TTITLE")
        caption = inline_text(caption_el) if caption_el is not None else ""
        heads = _path(table, "THEAD", "TR") if html else children(table, "BOXHD")
        header = " | ".join(" | ".join(_cells(r)) for r in heads)
        name = short_heading(without_marks(caption)) if caption else ""
        key = f"{self.unit}, {name}" if name else f"{context} Table {self.b.next_number(f'table:{context}')}"
        table_key = self.add(key, context, "table", normalise_ws(f"{caption} {header}"), plain(caption))
        trs = _path(table, "TBODY", "TR") + children(table, "TR") if html else children(table, "ROW")
        self.rows(table_key, [_cells(tr) for tr in trs])
        self.footnotes(table_key, [" | ".join(_cells(tr)) for tr in _path(table, "TFOOT", "TR")])

    def rows(self, table_key: str, body: list[list[str]]) -> None:
        """One record per row; in a grouped table, one more for each group's name (the cell that opens its block),
        with the group's rows under it — so a row that comes to open the block changes nothing but itself."""
        if len(body) > 1 and any(len(cells) == 1 for cells in body) and max(map(len, body)) > 1:
            self.spanned_rows(table_key, body)
            return
        group = table_key
        for cells, labels in zip(body, row_labels(body), strict=True):
            if len(labels) == 1:
                self.add(row(table_key, *labels), table_key, "row", " | ".join(cells))
                continue
            if cells[0].strip():
                group = self.add(row(table_key, labels[0]), table_key, "heading", cells[0], labels[0])
            self.add(row(table_key, *labels), group, "row", " | ".join(cells[1:]))

    def spanned_rows(self, table_key: str, body: list[list[str]]) -> None:
        """A table whose one-cell rows span it as group headings (``0A521. Systems, Equipment and Components``):
        each heading keyed by its designation, the rows after it by their number under it (``[0A521] [No. 1]``)."""
        group, group_key = "", table_key
        for cells in body:
            words = without_marks(cells[0]) if cells else ""
            if len(cells) == 1 and not _RESERVED.fullmatch(words):
                designation = _GROUP_DESIGNATION.match(words)
                group = designation.group(1) if designation else short(cells[0])
                group_key = self.add(row(table_key, group), table_key, "heading", cells[0], words)
                continue
            number = _ROW_NUMBER.match(words)
            label = number.group(1) if number else short(cells[0]) if words else "—"
            self.add(row(table_key, *([group] if group else []), label), group_key, "row", " | ".join(cells))

    def footnotes(self, table_key: str, texts: list[str]) -> None:
        """Each footnote row by its own number; a row without one continues the footnote above it."""
        current = ""
        for text in texts:
            number = _FOOTNOTE_MARK.match(text)
            if number or not current:
                current = self.add(footnote(table_key, number.group(1) if number else "").rstrip(), table_key,
                                   "note", text)
                continue
            self.add(f"{current} ¶{self.b.next_number(f'text:{current}')}", current, "note", text)
