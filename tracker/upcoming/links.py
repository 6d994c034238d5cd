"""The eCFR's own announcements of amendments it does not show yet: ``XREF`` notes ("Link to an amendment
published at 91 FR 46260, July 23, 2026."), each with the section, supplement or Part it sits in.

Read from the bytes, not a parsed tree: a daily run checks the latest version of every Part, and a file with
no ``<XREF`` costs one search. The unit is the nearest section (``DIV8``) or supplement (``DIV9``) opened
before the note and not closed, else the Part (``DIV5``).

>>> xml = b'''<DIV5 N="742" TYPE="PART"><DIV8 N="742.6" TYPE="SECTION"><HEAD>Sec. 742.6</HEAD>
... <XREF ID="20260723">Link to an amendment published at 91 FR 46260, July 23, 2026.</XREF><P>(a) Text.</P></DIV8>
... <XREF>Link to an amendment published at 89 FR 34703, Apr. 30, 2024.</XREF></DIV5>'''
>>> [link[:3] for link in amendment_links(xml)]
[('742.6', '91 FR 46260', '2026-07-23'), ('Part 742', '89 FR 34703', '2024-04-30')]
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

from tracker.dates import written_date
from tracker.xmltext import normalise_ws

_FR = re.compile(r"\b(\d+)\s+FR\s+(\d+)\b")
_XREF = re.compile(rb"<XREF\b[^>]*>(.*?)</XREF>", re.S)
_TAG = re.compile(rb"<[^>]*>")
_OPEN = re.compile(rb"<DIV([589])\b[^>]*?\bN=\"([^\"]*)\"")
_CLOSE = re.compile(rb"</DIV([89])>")


class AmendmentLink(NamedTuple):
    """One XREF note: the unit it sits in (``742.6``, ``Supplement No. 1 to Part 774``, ``Part 744``), the FR page
    it cites, the publication date it gives, and its words."""

    unit: str
    citation: str
    published: str | None
    text: str


def _unit(data: bytes, at: int) -> str:
    """The section or supplement open at byte ``at``, else the Part."""
    opened = [m for m in _OPEN.finditer(data, 0, at)]
    section = next((m for m in reversed(opened) if m[1] != b"5"), None)
    if section is not None and not _CLOSE.search(data, section.end(), at):
        return html.unescape(section[2].decode("utf-8"))
    part = next((m for m in reversed(opened) if m[1] == b"5"), None)
    return f"Part {html.unescape(part[2].decode('utf-8'))}" if part else ""


def amendment_links(data: bytes) -> list[AmendmentLink]:
    """Every XREF of eCFR XML ``data`` that cites a Federal Register page, in document order."""
    if b"<XREF" not in data:
        return []
    out = []
    for m in _XREF.finditer(data):
        text = normalise_ws(html.unescape(_TAG.sub(b"", m[1]).decode("utf-8", "replace")))
        if fr := _FR.search(text):
            out.append(AmendmentLink(_unit(data, m.start()), f"{fr[1]} FR {fr[2]}", written_date(text), text))
    return out
