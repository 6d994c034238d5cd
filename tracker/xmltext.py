r"""Safe XML loading and the text of eCFR elements with light markup.

The inline-markup form: ``*italic*``, ``**bold**``, ``^sup^``. A character the regulation itself writes
that could be read as markup (``\ * ^ _ |``: ``_`` and ``|`` are reserved, ``" | "`` joins table cells)
is escaped with a backslash. :func:`plain` reads the form back as text without markup, :func:`unescape`
as text with the markup kept as written, :func:`markup_pieces` piece by piece.

>>> el = load_xml(b"<P>(a) <I>Scope.</I> The   rules<SU>3</SU> d &#8804; 15cm*GHz*N/f</P>", "x.xml").getroot()
>>> print(inline_text(el))
(a) *Scope.* The rules^3^ d ≤ 15cm\*GHz\*N/f
>>> print(plain(inline_text(el)))
(a) Scope. The rules3 d ≤ 15cm*GHz*N/f
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tracker.errors import InputError


class ParseError(InputError):
    """Input that is not well-formed eCFR XML; the message names the file and position."""


#: Largest XML accepted (the whole of Part 774 is a few MB): bounds the memory one parse can take.
MAX_XML_BYTES = 64_000_000


def xml_parser() -> etree.XMLParser:
    """The parser :func:`load_xml` uses: entities, DTDs and network access off, comments and PIs dropped."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )


#: The encodings accepted: the eCFR serves UTF-8, and in these ``<!ENTITY`` is the bytes searched for.
_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
#: How XML parsers recognise other encodings from the first bytes (XML 1.0, appendix F).
_SIGNATURES = {b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe\x00\x00": "UTF-32", b"\xfe\xff": "UTF-16",
               b"\xff\xfe": "UTF-16", b"\x4c\x6f\xa7\x94": "EBCDIC"}
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']?([^"'\s?>]*)""")


#: UTF-8's byte-order mark, which a document may open with.
_BOM = b"\xef\xbb\xbf"


def _foreign_encoding(data: bytes) -> str | None:
    """The name of the encoding a parser would read ``data`` in, if that is not UTF-8 or ASCII."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    for mark, encoding in _SIGNATURES.items():
        if body.startswith(mark):
            return encoding
    if b"\x00" in body[:4]:
        return "UTF-16/UTF-32 without a byte-order mark"
    m = _DECLARED.match(body[:200])
    if m and m.group(1).decode("ascii", "replace").lower() not in _ENCODINGS:
        return m.group(1).decode("ascii", "replace")[:40] or "(empty)"
    return None


#: A prolog that declares nothing, up to the root's start tag: spaces, comments and processing instructions (the XML
#: declaration among them), then ``<`` and a name's first character. Entities are declared only in a DOCTYPE, and a
#: DOCTYPE only before the root: after such a prolog none can be, and the whole document need not be searched (2.1 MB
#: of Part 774: 0.8 ms, a thirtieth of a parse with a warm cache). Anything else is searched as before.
_PLAIN_PROLOG = re.compile(
    rb"(?:[ \t\r\n]+|<!--(?:[^-]|-[^-])*-->|<\?[^?]*\?+(?:[^?>][^?]*\?+)*>)*<[A-Za-z_:\x80-\xff]"
)


def check_xml(data: bytes, name: str = "<input>", *, max_bytes: int = MAX_XML_BYTES) -> None:
    """What :func:`load_xml` refuses before parsing: over ``max_bytes``, an HTML page, an encoding other than UTF-8
    or ASCII, entity declarations (:class:`ParseError`, one line naming ``name``)."""
    if len(data) > max_bytes:
        raise ParseError(f"{name}: {len(data):,} bytes is over the {max_bytes:,}-byte limit for one eCFR document")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise ParseError(f"{name}: line 1, column 1: an HTML page, not eCFR XML")
    foreign = _foreign_encoding(data)
    if foreign:  # a DTD in UTF-16 or EBCDIC would slip past the byte search below
        raise ParseError(f"{name}: line 1, column 1: encoding {foreign} is not accepted; eCFR XML is UTF-8")
    plain = _PLAIN_PROLOG.match(data, len(_BOM) if data.startswith(_BOM) else 0)
    if not plain and b"<!ENTITY" in data:  # meaningful because the bytes are UTF-8 (or ASCII)
        raise ParseError(f"{name}: entity declarations are not allowed in eCFR XML")


def parse_xml(data: bytes, name: str = "<input>", parser: etree.XMLParser | None = None) -> etree._Element:
    """The root element of ``data`` parsed with ``parser`` (:func:`xml_parser` by default), without the checks of
    :func:`check_xml`; :class:`ParseError` with a one-line message naming ``name`` and the line/column."""
    try:
        root = etree.fromstring(data, parser or xml_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        msg = re.sub(r"(,?\s*line \d+(, column \d+)?)+\s*$", "", str(exc.msg or exc).split(" (<")[0])
        raise ParseError(f"{name}: line {line}, column {col}: {normalise_ws(msg)}") from None
    if root is None:
        raise ParseError(f"{name}: line 1, column 1: empty document")
    return root


def load_xml(data: bytes, name: str = "<input>", *, max_bytes: int = MAX_XML_BYTES) -> etree._ElementTree:
    """Parse bytes as XML with entities, DTDs and network access off, at most ``max_bytes`` long.

    Raises :class:`ParseError` with a one-line message naming ``name`` and the line/column.
    """
    check_xml(data, name, max_bytes=max_bytes)
    return etree.ElementTree(parse_xml(data, name))


def read_xml_file(path: str | Path) -> bytes:
    """The bytes of an XML file, never more than one over the size limit (:class:`ParseError` if unreadable)."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            return f.read(MAX_XML_BYTES + 1)  # never more than the limit in memory
    except OSError as exc:
        raise ParseError(f"{p}: {exc.strerror}") from None


def load_xml_file(path: str | Path) -> etree._ElementTree:
    """Read and parse a file with :func:`load_xml`."""
    return load_xml(read_xml_file(path), str(Path(path)))


#: Elements whose text is eCFR navigation, never regulatory text.
SKIP_TAGS = frozenset({"XREF", "FTREF", "img", "PRTPAGE"})
_BLOCK_TAGS = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH", "HED", "PSPACE", "LI", "TR", "TD", "TH", "ENT", "ROW"})
#: The mark of each inline element but ``E``, whose ``T`` says (:data:`_E_MARK`).
_MARKS = {"I": "*", "B": "**", "strong": "**", "SU": "^", "sup": "^"}
# E T="03" italic, "04" italic heading, "05"/"02"/"01" bold, "51"/"53" superscript, "52"/"54" subscript.
_E_MARK = {"03": "*", "04": "*", "05": "**", "02": "**", "01": "**", "51": "^", "53": "^", "52": "", "54": ""}


def normalise_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends.

    Text already so (the common case) is returned as it is: every character :meth:`str.split` splits at but
    the space is unprintable, so printable text without a double space has none inside. The ends are stripped
    first (:meth:`str.strip` reads only the ends, and gives the text itself when they hold no whitespace), so a
    text with a line break at its end is read once, not twice (17M of 1,066M instructions over a parse of Part
    774). A long ASCII text is searched for the nine ASCII ones instead (nine ``in`` tests, each a memchr, cost
    less than :meth:`str.isprintable` from a hundred characters on: 1.9M of 18.8M instructions over the texts of
    a parse of Part 740).
    """
    text = text.strip()
    if len(text) < 100 or not text.isascii():
        clean = text.isprintable()
    else:
        clean = not (
            "\n" in text or "\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text
            or "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text
        )
    if clean and "  " not in text:
        return text
    return " ".join(text.split())


def _inner(text: str | None, child: etree._Element | None) -> str:
    """The inline text of ``text`` followed by ``child`` and its following siblings (each with its tail), before
    normalising. (Siblings are walked with ``getnext``, which sees the nodes iteration does and costs less than an
    iterator over the parent.)"""
    inner: list[str] = [escape_markup(text)] if text else []
    while child is not None:
        tag = child.tag
        if isinstance(tag, str) and tag not in SKIP_TAGS:
            own = child.text  # the child's own text (as _own reads it, one frame less)
            own = _inner(own, child[0]) if len(child) else escape_markup(own) if own else ""
            inner.append(_marked(child, tag, own))
        tail = child.tail
        if tail:
            inner.append(escape_markup(tail))
        child = child.getnext()
    return "".join(inner)


def _own(el: etree._Element) -> str:
    """An element's own inline text (its text and its children's), before normalising."""
    own = el.text
    return _inner(own, el[0]) if len(el) else (escape_markup(own) if own else "")


def _marked(el: etree._Element, tag: str, text: str) -> str:
    """A child element's own ``text`` marked up by its ``tag`` (a block element set apart by spaces)."""
    if tag == "br":
        text = " " + text
    mark = _E_MARK.get(el.get("T", ""), "*") if tag == "E" else _MARKS.get(tag)
    if mark and text and not text.isspace():  # all-space text keeps nothing when stripped: it is not marked
        words = text.strip()
        if len(words) == len(text):
            text = f"{mark}{text}{mark}"
        else:
            lead = text[: len(text) - len(text.lstrip())]
            text = f"{lead}{mark}{words}{mark}{text[len(lead) + len(words) :]}"
    return f" {text} " if tag in _BLOCK_TAGS else text


def first_child(el: etree._Element, tag: str) -> etree._Element | None:
    """``el.find(tag)`` for a plain tag without ElementPath (a tenth of its cost): the first child so tagged.

    >>> first_child(load_xml(b"<NOTE><P>a</P><HED>Note:</HED></NOTE>").getroot(), "HED").text
    'Note:'
    """
    child = el[0] if len(el) else None
    while child is not None and child.tag != tag:
        child = child.getnext()
    return child


def children(el: etree._Element, tag: str) -> list[etree._Element]:
    """``el.findall(tag)`` for a plain tag without ElementPath: the children so tagged, in order."""
    found: list[etree._Element] = []
    child = el[0] if len(el) else None
    while child is not None:
        if child.tag == tag:
            found.append(child)
        child = child.getnext()
    return found


def children_but(el: etree._Element, tag: str) -> list[etree._Element]:
    """The children of ``el`` but those tagged ``tag``, in order (read in C: one in a thousand children of a CCL run
    is its supplement's ``HEAD``).

    >>> [c.tag for c in children_but(load_xml(b"<DIV9><HEAD>S</HEAD><P>a</P><P>b</P></DIV9>").getroot(), "HEAD")]
    ['P', 'P']
    """
    found = list(el)
    if next(el.iterchildren(tag), None) is not None:
        found = [child for child in found if child.tag != tag]
    return found


def inline_text(el: etree._Element) -> str:
    """The element's text in the inline-markup form, whitespace normalised.

    ``XREF``/``FTREF`` navigation is left out; ``<I>`` becomes ``*…*``, ``<B>`` ``**…**``,
    superscripts ``^…^``; the characters of :data:`ESCAPED` in the text are backslash-escaped.
    """
    own = el.text
    if len(el):
        return normalise_ws(_inner(own, el[0]))
    return normalise_ws(escape_markup(own)) if own else ""  # an element without children: one frame less


def inline_tail(el: etree._Element) -> str:
    """:func:`inline_text` of the element without its first child (that child's tail and what follows it), as
    for a copy of the element with that child removed."""
    first = el[0]
    return normalise_ws(_inner(first.tail, first.getnext()))


def inline_parts(el: etree._Element) -> tuple[str, str, str]:
    """``inline_text(el)`` and, before normalising (:func:`normalise_ws` makes them ``inline_text(el[0])`` and
    ``inline_tail(el)``), the inline text of its first child and of what follows that child: the text of an
    element with children read once.

    >>> inline_parts(load_xml(b"<P> <I>Items:</I> a. Chips<SU>1</SU></P>").getroot())
    ('*Items:* a. Chips^1^', 'Items:', ' a. Chips^1^')
    """
    first = el[0]
    tag = first.tag
    own = _own(first)
    rest = _inner(first.tail, first.getnext())
    piece = _marked(first, tag, own) if isinstance(tag, str) and tag not in SKIP_TAGS else ""
    head = el.text
    return normalise_ws(f"{escape_markup(head)}{piece}{rest}" if head else piece + rest), own, rest


#: The characters escaped with a backslash when the text itself contains them.
ESCAPED = "\\*^_|"
_LITERAL = re.compile(r"[\\*^_|]")
#: One piece of the form: an escaped character (group 1) or a markup mark.
_PIECE = re.compile(r"\\([\\*^_|])|\*\*|\*|\^")
_ESCAPE = re.compile(r"\\([\\*^_|])")


def escape_markup(text: str) -> str:
    r"""Text with every character of :data:`ESCAPED` backslash-escaped, so the form reads it back as itself.

    >>> print(escape_markup(r"15cm*GHz*N/f, 10^12, a_b | c\d"))
    15cm\*GHz\*N/f, 10\^12, a\_b \| c\\d
    """
    if "*" in text or "^" in text or "\\" in text or "_" in text or "|" in text:  # faster than a search
        return _LITERAL.sub(r"\\\g<0>", text)
    return text


def unescape(text: str) -> str:
    """The form as text with the markup kept as written (``*italic*``) and every escape resolved."""
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


def markup_pieces(text: str) -> Iterator[tuple[str, str]]:
    r"""The form as ``("text", s)`` and ``("mark", m)`` pieces (``m`` is ``*``, ``**`` or ``^``).

    >>> list(markup_pieces(r"*a\*b*"))
    [('mark', '*'), ('text', 'a*b'), ('mark', '*')]
    """
    buf: list[str] = []
    pos = 0
    for m in _PIECE.finditer(text):
        buf.append(text[pos : m.start()])
        pos = m.end()
        if m.group(1):
            buf.append(m.group(1))
            continue
        if any(buf):
            yield "text", "".join(buf)
        buf = []
        yield "mark", m.group()
    buf.append(text[pos:])
    if any(buf):
        yield "text", "".join(buf)


def plain(text: str) -> str:
    """The text without markup, escapes resolved, whitespace normalised (for word comparisons and search)."""
    if "\\" in text:
        text = _PIECE.sub(_unmark, text)
    elif "*" in text or "^" in text:  # without escapes, every * and ^ is a mark
        text = text.replace("*", "").replace("^", "")
    return normalise_ws(text)


def _unmark(m: re.Match[str]) -> str:
    return m.group(1) or ""
