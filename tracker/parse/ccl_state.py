"""Where the walk of the Commerce Control List is (:mod:`tracker.parse.ccl`): the enclosing heading, ECCN, block and
item, the records so far, and what the parse has read once for all its paragraphs.

>>> st = State(part="774", appendix="Supplement No. 1 to Part 774", out=Records())
>>> st.add_text("Intro"), [(p.citation, p.unit) for p in st.out.records]
(None, [('Supplement No. 1 to Part 774 ¶1', 'Supplement No. 1 to Part 774')])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.model import ParagraphKind
from tracker.parse.ccl_shapes import Label, Shape, ShapeMemo, field_label
from tracker.parse.records import Keys, Records

#: Longest paragraph text whose field label :meth:`State.label` keeps (the repeated fields are short).
MEMO_TEXT = 64


@dataclass
class State:
    """Where the walk is: the enclosing heading, ECCN, block and item; the records so far in ``out``."""

    part: str
    appendix: str
    out: Records
    category: str | None = None
    group: str | None = None
    eccn: str | None = None
    block: str | None = None
    item: str | None = None
    written: str = ""  # the current item's marker as written ("b.5.b.", "c.", "1.")
    last: str | None = None  # the record undesignated text attaches to
    listing: bool = False  # a field ending in ":" opened a list of its own ("ECCN Controls: … the following:")
    shapes: ShapeMemo = field(default_factory=dict)  # the paragraph shapes read in this parse (not carried)
    labels: dict[tuple[str | None, ...], Label | None] = field(default_factory=dict)  # and their fields' labels

    @property
    def keys(self) -> Keys:
        return self.out.keys

    @property
    def context(self) -> str:
        """The record that headings, ECCNs and stray text outside an entry hang under."""
        return self.group or self.category or self.appendix

    @property
    def among_items(self) -> bool:
        """In the entry's list of items (after ``Items:`` or ``List of Items Controlled``)."""
        return self.item is not None or (self.block or "").startswith((f"{self.eccn} Items", f"{self.eccn} List of"))

    @property
    def note_anchor(self) -> str:
        """Where a NOTE hangs: the item, block or entry it follows; outside an entry, the heading or table."""
        return self.item or self.block or self.eccn or self.last or self.context

    def add(self, key: str, *, kind: ParagraphKind, parent: str, text: str, marker: str = "", heading: str = "") -> str:
        """Append a record in the current ECCN (its unit; else the supplement) and return its unique key (the fields
        passed on by position, as :meth:`Records.add` takes them fastest)."""
        return self.out.add(key, self.part, self.eccn or self.appendix, parent, kind, text, marker, heading)

    def add_text(self, text: str) -> None:
        anchor = self.last or self.context
        self.add(f"{anchor} ¶{self.out.next_number(anchor)}", kind="text", parent=anchor, text=text)

    def label(self, shape: Shape) -> Label | None:
        """:func:`~tracker.parse.ccl_shapes.field_label` of a paragraph, once per distinct shape in a parse (the CCL
        repeats its fields: "*Related Definitions:* N/A")."""
        first = shape[1]
        if len(shape[0]) > MEMO_TEXT:
            return field_label(shape)
        key = (shape[0], shape[2], shape[3], first.tail if first is not None else None)
        labels = self.labels
        if key in labels:
            return labels[key]
        found = labels[key] = field_label(shape)
        return found
