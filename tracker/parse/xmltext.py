"""Safe XML loading and the text of eCFR elements with light markup.

>>> el = load_xml(b"<P>(a) <I>Scope.</I> The   rules<SU>3</SU></P>", "x.xml").getroot()
>>> inline_text(el)
'(a) *Scope.* The rules^3^'
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree


class ParseError(ValueError):
    """Input that is not well-formed eCFR XML; the message names the file and position."""


#: Largest XML accepted (the whole of Part 774 is a few MB): bounds the memory one parse can take.
MAX_XML_BYTES = 64_000_000


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )


def load_xml(data: bytes, name: str = "<input>", *, max_bytes: int = MAX_XML_BYTES) -> etree._ElementTree:
    """Parse bytes as XML with entities, DTDs and network access off, at most ``max_bytes`` long.

    Raises :class:`ParseError` with a one-line message naming ``name`` and the line/column.
    """
    if len(data) > max_bytes:
        raise ParseError(f"{name}: {len(data):,} bytes is over the {max_bytes:,}-byte limit for one eCFR document")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise ParseError(f"{name}: line 1, column 1: an HTML page, not eCFR XML")
    if b"<!ENTITY" in data:
        raise ParseError(f"{name}: entity declarations are not allowed in eCFR XML")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        msg = re.sub(r"(,?\s*line \d+(, column \d+)?)+\s*$", "", str(exc.msg or exc).split(" (<")[0])
        raise ParseError(f"{name}: line {line}, column {col}: {normalise_ws(msg)}") from None
    if root is None:
        raise ParseError(f"{name}: line 1, column 1: empty document")
    return etree.ElementTree(root)


def load_xml_file(path: str | Path) -> etree._ElementTree:
    """Read and parse a file with :func:`load_xml`."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(MAX_XML_BYTES + 1)  # never more than the limit in memory
    except OSError as exc:
        raise ParseError(f"{p}: {exc.strerror}") from None
    return load_xml(data, str(p))


#: Elements whose text is eCFR navigation, never regulatory text.
SKIP_TAGS = frozenset({"XREF", "FTREF", "img", "PRTPAGE"})
_BLOCK_TAGS = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH", "HED", "PSPACE", "LI", "TR", "TD", "TH", "ENT", "ROW"})
_ITALIC = frozenset({"I"})
_BOLD = frozenset({"B", "strong"})
_SUP = frozenset({"SU", "sup"})
# E T="03" italic, "04" italic heading, "05"/"02"/"01" bold, "51"/"53" superscript, "52"/"54" subscript.
_E_MARK = {"03": "*", "04": "*", "05": "**", "02": "**", "01": "**", "51": "^", "53": "^", "52": "", "54": ""}


def normalise_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def _mark_for(el: etree._Element) -> str:
    tag = el.tag
    if tag in _ITALIC:
        return "*"
    if tag in _BOLD:
        return "**"
    if tag in _SUP:
        return "^"
    if tag == "E":
        return _E_MARK.get(el.get("T", ""), "*")
    return ""


def _collect(el: etree._Element, out: list[str], top: bool) -> None:
    mark = "" if top else _mark_for(el)
    if el.tag == "br":
        out.append(" ")
    if el.text:
        inner: list[str] = [el.text]
    else:
        inner = []
    for child in el:
        if not isinstance(child.tag, str) or child.tag in SKIP_TAGS:
            if child.tail:
                inner.append(child.tail)
            continue
        buf: list[str] = []
        _collect(child, buf, False)
        inner.append(f" {''.join(buf)} " if child.tag in _BLOCK_TAGS else "".join(buf))
        if child.tail:
            inner.append(child.tail)
    text = "".join(inner)
    if mark and text.strip():
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        text = f"{lead}{mark}{text.strip()}{mark}{trail}"
    out.append(text)


def inline_text(el: etree._Element) -> str:
    """The element's text with emphasis as light markup, whitespace normalised.

    ``XREF``/``FTREF`` navigation is left out; ``<I>`` becomes ``*…*``, ``<B>`` ``**…**``,
    superscripts ``^…^``.
    """
    out: list[str] = []
    _collect(el, out, True)
    return normalise_ws("".join(out))


_MARKUP = re.compile(r"\*\*|\*|\^")


def plain(text: str) -> str:
    """Text with the light markup removed (for word comparisons and search)."""
    return normalise_ws(_MARKUP.sub("", text))
