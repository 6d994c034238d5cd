"""Real version pairs from ../shared, versions derived from them, and a small paragraph builder.

Used by the differ's tests and the store's tests.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import replace
from functools import cache
from pathlib import Path

from tests.support import EAR_MARKDOWN, ECFR_API, PART_740, SHARED, markdown_to_xml, require
from tracker.model import Paragraph
from tracker.parse import parse_bytes
from tracker.parse.refs import extract_refs

EXCERPT_3A = "excerpt-{}-title-15-part-774-3A001-3A090-4A090.xml"
EXCERPT_9A = "excerpt-{}-title-15-part-774-9A010-to-9A018.xml"
SECTION_1194 = "full-{}-title-36-section-1194.1.xml"
CCL_HISTORY = SHARED / "data" / "ccl-history" / "history"


def para(citation: str, text: str, *, heading: str = "", kind: str = "paragraph", marker: str | None = None,
         unit: str = "1.1", part: str = "1", order: int = 0) -> Paragraph:
    """A hand-made paragraph with the references the parser would find; the marker defaults to the text's
    leading ``(x)`` or ``x.``."""
    if marker is None:
        first = text.split(" ", 1)[0]
        marker = first if first.startswith("(") or first.endswith(".") else ""
    return Paragraph(citation, part, unit, unit, marker, kind, heading, text, order,
                     extract_refs(text, unit=unit, part=part))


def numbered(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with ``order`` set to their position (as a parser would)."""
    return [replace(p, order=i) for i, p in enumerate(paragraphs)]


@cache
def parsed(path: Path) -> tuple[Paragraph, ...]:
    return tuple(parse_bytes(require(path).read_bytes(), path.name))


def xml_pair(pattern: str, date_a: str, date_b: str) -> tuple[list[Paragraph], list[Paragraph]]:
    return list(parsed(ECFR_API / pattern.format(date_a))), list(parsed(ECFR_API / pattern.format(date_b)))


def section_740_10_pair() -> tuple[list[Paragraph], list[Paragraph]]:
    """§ 740.10 before and after 89 FR 34703 (Apr. 30, 2024), from the EAR Markdown mirror."""
    return tuple(
        parse_bytes(markdown_to_xml(require(EAR_MARKDOWN / f"740.10-{when}-2024-04-30.md").read_text("utf-8")))
        for when in ("before", "after")
    )


def bulk_title_1_pair() -> tuple[list[Paragraph], list[Paragraph]]:
    bulk = SHARED / "data" / "ecfr-bulk"
    return tuple(list(parsed(bulk / f"ECFR-title1-{when}-March-2024.xml")) for when in ("before", "after"))


@cache
def ccl_history() -> dict[str, tuple[Paragraph, ...]]:
    """The peer project's per-item CCL history as one paragraph set per eCFR date (56 dates).

    Each item is one ``item`` paragraph keyed by its citation (``3A090.a.1``) in citation order;
    where the peer kept two records of one item on one date, the first is used.
    """
    by_date: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted(require(CCL_HISTORY).glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        for h in record["history"]:
            by_date[h["version"]].setdefault(record["eccn"], h["text"])

    def version(items: dict[str, str]) -> tuple[Paragraph, ...]:
        ordered = enumerate(sorted(items.items()))
        return tuple(Paragraph(c, "774", c[:5], None, "", "item", "", text, i) for i, (c, text) in ordered)

    return {day: version(items) for day, items in sorted(by_date.items())}


def part_740_xml() -> str:
    return require(PART_740).read_text("utf-8")


def replace_once(xml: str, old: str, new: str) -> str:
    """``xml`` with the one occurrence of ``old`` replaced (fails loudly if it is not exactly once)."""
    assert xml.count(old) == 1, f"expected one {old!r}, found {xml.count(old)}"
    return xml.replace(old, new)


def move_line(xml: str, line_start: str, after_start: str, new_line_start: str) -> str:
    """Move the line beginning ``line_start`` to just after the line beginning ``after_start``,
    rewriting its start to ``new_line_start`` (a renumbering that keeps the text)."""
    lines = xml.split("\n")
    (src,) = [i for i, line in enumerate(lines) if line.startswith(line_start)]
    (dst,) = [i for i, line in enumerate(lines) if line.startswith(after_start)]
    moved = new_line_start + lines[src][len(line_start) :]
    out = [line for i, line in enumerate(lines) if i != src]
    out.insert(dst + 1 if dst < src else dst, moved)
    return "\n".join(out)


Z_BEFORE = "z. Any commodity described in 3A001 that meets or exceeds the performance parameters in 3A090."


def merged_3a001_z(xml: str) -> str:
    """The 3A001 excerpt as it read before 3A001.z was split into sub-paragraphs: one z., no z.1.a-z.4.b."""
    lines = xml.split("\n")
    z = [i for i, line in enumerate(lines) if line.startswith("<P>z. Any commodity described in 3A001")]
    assert len(z) == 1
    parts = [i for i, line in enumerate(lines) if re.match(r"<P>z\.\d", line)]
    assert parts == list(range(z[0] + 1, z[0] + 9))
    lines[z[0]] = f"<P>{Z_BEFORE}</P>"
    return "\n".join(line for i, line in enumerate(lines) if i not in parts)
