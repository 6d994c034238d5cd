"""The peer's per-item CCL history (../shared/data/ccl-history) as Part 774 snapshots in the real XML shape.

Each history file holds one item (``4A090.a``) as the eCFR showed it on each date: its heading
(the item's words without the marker), the rest of its content as eCFR elements (NOTE, P, TABLE)
and breadcrumbs naming the ECCN heading and parent items. :func:`snapshot_xml` writes the items of
one date back into a ``DIV5``/``DIV9`` Part 774 file, entry by entry: an ``FP-2``/``B`` ECCN heading,
the ``List of Items Controlled`` block with ``Items:``, then ``<P>z.1.a. …</P>`` items carrying their
full path, as the real CCL writes them. Every text comes from the peer: parent items that have no record
of their own that day (``3A001.z`` once it was split into ``.z.1``–``.z.4``) are written from the words
the breadcrumbs hold, and not at all where a breadcrumb holds only the parent's key. Only
Supplement No. 1 item records are used (the peer also scraped ECCN mentions from Supplement No. 6,
and whole-entry records flattened from tables).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tests.support import SHARED

CCL_HISTORY = SHARED / "data" / "ccl-history"
_ECCN_ITEM = re.compile(r"^(\d[A-E]\d{3})\.((?:[a-z]|\d{1,2})(?:\.(?:[a-z]|\d{1,2}))*)$")


@dataclass(frozen=True)
class PeerItem:
    """One item on one date, as the peer recorded it."""

    key: str
    date: str
    heading: str | None
    content: tuple[dict, ...]
    breadcrumbs: tuple[str, ...]
    ancestors: tuple[str, ...]
    text: str

    @property
    def eccn(self) -> str:
        return self.key[:5]

    @property
    def path(self) -> str:
        return self.key[6:]


def load_peer(folder: Path = CCL_HISTORY) -> dict[str, list[PeerItem]]:
    """Item key → its Supplement No. 1 records in date order (keys the CCL grammar can write)."""
    out: dict[str, list[PeerItem]] = {}
    for f in sorted((folder / "history").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if not _ECCN_ITEM.match(d["eccn"]):
            continue
        records = [
            PeerItem(
                d["eccn"], v["version"], v["structure"].get("heading"), tuple(v["structure"].get("content") or ()),
                tuple(v["breadcrumbs"]), tuple(v["ancestors"]), v["text"],
            )
            for v in d["history"]
            if (v.get("supplement") or {}).get("number") == "1"
        ]
        if records:
            out[d["eccn"]] = records
    return out


def peer_dates(items: dict[str, list[PeerItem]]) -> list[str]:
    return sorted({r.date for rs in items.values() for r in rs})


def change_dates(records: list[PeerItem], dates: list[str]) -> set[str]:
    """Dates (after the first) on which the item's peer text differs from the date before (absent counts)."""
    text = {r.date: r.text for r in records}
    return {b for a, b in zip(dates, dates[1:], strict=False) if text.get(a) != text.get(b)}


def _natural(path: str) -> tuple:
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in path.split("."))


def _element(piece: dict) -> str:
    if piece.get("type") == "html":
        try:
            etree.fromstring(piece["html"].encode("utf-8"))
            return piece["html"]
        except etree.XMLSyntaxError:
            pass
    return f"<P>{html.escape(piece.get('text') or '', quote=False)}</P>"


def _ancestors(r: PeerItem) -> list[tuple[str, str]]:
    """Parent items whose words only the breadcrumbs hold (``3A001.z`` above ``3A001.z.1``), outermost first.

    From 2025-01-16 the peer's breadcrumb of some parents is just their key (``3A001.z.1``), not their words:
    those parents are not written (the eCFR never had a paragraph ``z.1. 3A001.z.1``); their items then hang
    under the nearest parent that is.
    """
    pairs = list(zip(reversed(r.ancestors), reversed(r.breadcrumbs), strict=False))
    return [(k, words) for k, words in reversed(pairs) if _ECCN_ITEM.match(k) and words.strip() != k]


def snapshot_xml(items: dict[str, list[PeerItem]], date: str) -> bytes:
    """Part 774 as the eCFR would show the peer's items on ``date``."""
    today = {key: r for key, rs in items.items() for r in rs if r.date == date}
    entries: dict[str, list[PeerItem]] = {}
    for r in sorted(today.values(), key=lambda r: (r.eccn, _natural(r.path))):
        entries.setdefault(r.eccn, []).append(r)
    out = [
        '<DIV5 N="774" TYPE="PART"><HEAD>PART 774—THE COMMERCE CONTROL LIST</HEAD>',
        '<DIV9 N="Supplement No. 1 to Part 774" TYPE="APPENDIX">',
        "<HEAD>Supplement No. 1 to Part 774—The Commerce Control List</HEAD>",
    ]
    for eccn, records in entries.items():
        heading = next((b for r in records for b in r.breadcrumbs if b.startswith(eccn)), f"{eccn} Items.")
        out += [
            f"<FP-2><B>{html.escape(heading, quote=False)}</B></FP-2>",
            '<FP-1><E T="04">List of Items Controlled</E></FP-1>',
            "<FP><I>Items:</I></FP>",
        ]
        written: set[str] = set()
        for r in records:
            for key, words in _ancestors(r):
                if key not in today and key not in written:
                    written.add(key)
                    out.append(f"<P>{key[6:]}. {html.escape(words, quote=False)}</P>")
            if r.heading is None:
                out += [_element(p) for p in r.content]
            else:
                out.append(f"<P>{r.path}. {html.escape(r.heading, quote=False)}</P>")
                out += [_element(p) for p in r.content]
    out.append("</DIV9></DIV5>")
    xml = "\n".join(out).encode("utf-8")
    etree.fromstring(xml)
    return xml


def rule_records(folder: Path = CCL_HISTORY) -> list[dict]:
    """The peer's Federal Register documents as Store.add_rules records (all touch Part 774)."""
    docs = json.loads((folder / "federal-register-documents.json").read_text(encoding="utf-8"))["documents"]
    return [
        {
            "document_number": d["documentNumber"],
            "citation": d["citation"],
            "title": d["title"],
            "action": d["action"],
            "publication_date": d["publicationDate"],
            "effective_on": d["effectiveOn"],
            "html_url": d["htmlUrl"],
            "parts": ["774"],
        }
        for d in docs
    ]
