"""Helpers shared by the tests: where the real data is, and the EAR Markdown → eCFR XML rule.

The Markdown files in ``../shared/data/ear/markdown`` are eCFR sections rendered block by block
(see that folder's README); :func:`markdown_to_xml` turns one back into the eCFR's XML shape.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from lxml import etree

# The shared reference-data folder beside the project root, or ``$TRACKER_SHARED``.
SHARED = Path(os.environ.get("TRACKER_SHARED") or Path(__file__).resolve().parent.parent.parent / "shared")
ECFR_API = SHARED / "data" / "ecfr-api"
EAR_MARKDOWN = SHARED / "data" / "ear" / "markdown"
PART_740 = ECFR_API / "full-2026-09-01-title-15-part-740.xml"

_HEAD = re.compile(r"^#+\s*(.*?)\s*#*$")
_NOTE = re.compile(r"^Note \d+ to paragraph [^:]+:$")
_XREF = re.compile(r"^Link to an amendment published at .*\.$")


_HREF = re.compile(r'href="([^"]+)"')


def relative_links(folder: Path) -> set[tuple[str, str]]:
    """Every relative link of every HTML page under ``folder`` as (page, href); asserts each resolves to a file."""
    checked = set()
    for page in sorted(folder.rglob("*.html")):
        for href in _HREF.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", href):
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(folder)} links to missing {href}"
            checked.add((page.relative_to(folder).as_posix(), href))
    return checked


def require(path: Path) -> Path:
    """The path, or a loud failure when the shared data is missing (never a silent skip)."""
    assert path.exists(), f"shared data missing: {path} (set TRACKER_SHARED)"
    return path


def _inline(md: str) -> str:
    return re.sub(r"\*([^*]+)\*", r"<I>\1</I>", html.escape(md, quote=False))


def markdown_to_xml(md: str) -> bytes:
    """One EAR section in the mirror's Markdown → ``<DIV8 N=… TYPE="SECTION">`` eCFR XML.

    ``#####`` heading → HEAD; each blank-line block → P (``*x*`` → ``<I>x</I>``); ``Note N to
    paragraph (x):`` and the block after it → NOTE with HED and P; the closing ``[… FR …]`` line → CITA;
    the eCFR's "Link to an amendment" navigation line → XREF.
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", md.strip()) if b.strip()]
    head = _HEAD.match(blocks[0]).group(1)
    section = re.search(r"§\s*([\d.]+[a-z]?)", head).group(1)
    out = [f'<DIV8 N="{section}" TYPE="SECTION">', f"<HEAD>{_inline(head)}</HEAD>"]
    rest = iter(blocks[1:])
    for block in rest:
        if _XREF.match(block):
            out.append(f"<XREF>{html.escape(block)}</XREF>")
        elif _NOTE.match(block):
            out.append(f"<NOTE><HED>{_inline(block)}</HED><P>{_inline(next(rest))}</P></NOTE>")
        elif block.startswith("[") and " FR " in block and block.endswith("]"):
            out.append(f"<CITA>{_inline(block)}</CITA>")
        else:
            out.append(f"<P>{_inline(block)}</P>")
    out.append("</DIV8>")
    xml = "\n".join(out).encode("utf-8")
    etree.fromstring(xml)  # well-formed, or fail here
    return xml
