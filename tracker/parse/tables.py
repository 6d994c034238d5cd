"""Tables in a section or supplement body → a record for the caption and header, one per row and footnote."""

from __future__ import annotations

from lxml import etree

from tracker.parse.keytext import short, short_heading
from tracker.parse.records import Records
from tracker.xmltext import inline_text, normalise_ws, plain


def key_tables(b: Records, el: etree._Element, *, part: str, unit: str, context: str) -> bool:
    """Key each table of a ``TABLE``, ``GPOTABLE`` or ``DIV`` under ``context``; False if ``el`` holds none."""
    tables = [el] if el.tag in ("TABLE", "GPOTABLE") else list(el.iter("TABLE", "GPOTABLE"))
    for table in tables:
        _table(b, table, part=part, unit=unit, context=context)
    return bool(tables)


def _cells(row: etree._Element) -> list[str]:
    return [inline_text(c) for c in row if isinstance(c.tag, str) and c.tag in ("TD", "TH", "ENT", "CHED")]


def _table(b: Records, table: etree._Element, *, part: str, unit: str, context: str) -> None:
    """A record for the caption and header, then one record per row keyed by its first cell."""
    caption_el = table.find("CAPTION") if table.tag == "TABLE" else table.find("TTITLE")
    caption = inline_text(caption_el) if caption_el is not None else ""
    head_rows = table.findall("THEAD/TR") if table.tag == "TABLE" else table.findall("BOXHD")
    header = " | ".join(" | ".join(_cells(r)) for r in head_rows)
    key = f"{unit}, {short_heading(caption)}" if caption else f"{context} Table {b.next_number(f'table:{context}')}"
    table_key = b.add(key, part=part, unit=unit, parent=context, kind="table",
                      text=normalise_ws(f"{caption} {header}"), heading=plain(caption))
    body_rows = table.findall("TBODY/TR") + table.findall("TR") if table.tag == "TABLE" else table.findall("ROW")
    for row in body_rows:
        cells = _cells(row)
        b.add(f"{table_key} [{short(cells[0]) if cells and cells[0] else '—'}]", part=part, unit=unit,
              parent=table_key, kind="row", text=" | ".join(cells))
    for i, row in enumerate(table.findall("TFOOT/TR"), 1):
        b.add(f"{table_key} Footnote {i}", part=part, unit=unit, parent=table_key, kind="note",
              text=" | ".join(_cells(row)))
