"""What a CCL element is, read from its shape alone: bold lead, block heading, labelled field, item marker.

These are pure functions of an element or its text; :mod:`tracker.parse.ccl` walks the supplement and
decides, from where it is, what record each shape becomes.

>>> item_marker("*a.* Chips;")
('a.', 'a. Chips;')
>>> item_key("2.", "3A090.a.1", "1."), item_key("c.", "1C002.b.5.b", "b.5.b.")
(['a', '2'], ['c'])
"""

from __future__ import annotations

import re

from lxml import etree

from tracker.xmltext import SKIP_TAGS, inline_parts, inline_text, normalise_ws, plain

_EMPHASIS = frozenset({"I", "B", "E", "strong", "em"})
PARAS = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH"})

#: Block headings of an entry, keyed by how the heading text starts.
BLOCKS = (
    "License Requirements",
    "List Based License Exceptions",
    "List of Items Controlled",
    "Special Conditions for STA",
    "Reporting Requirements",
)
_KNOWN_LABELS = frozenset({"Items", "Reason for Control", "Related Controls", "Related Definitions"})

# An item path alternates letter and number: a, a.1, a.1.a, a.5.b.2.a.1; trailing dot optional.
_PATH = r"[a-z](?:\.\d{1,2}(?:\.[a-z](?=[.\s]|$))?)*\.?"
# A marker ends at a space, or right after its dot where the words start at once ("a.1.a.1.c.'Sounding
# resolution'"); a doubled dot ("b.2.a.. Automatically") is still the marker.
_END = r"\.?(?:(?=\s|$)|(?<=\.)(?=['‘“\"A-Z]))"
# A path is letters, digits and dots: a range's separator starts where the first run of those ends (a look ahead
# that fails at once on the paths that start no range, before the path's backtracking).
_RANGE = (rf"(?=[a-z\d.]*+(?:\s+(?:through|to)\s|\s*[-–]))"
          rf"(?P<a>{_PATH})(?:\s+(?:through|to)\s+|\s*[-–]\s*)(?P<b>{_PATH})(?=\s|$)")
#: A range of items: "j. through y.", "a to c", "b.-d." (3A611), "c.-d." (9A610).
RANGE = re.compile(_RANGE)
#: An item marker, the first of these that matches: italic (``*a.*``), a range, plain (``a.5.b.``, ``2.``).
_MARKER = re.compile(
    rf"(?P<e>\*{{1,2}})(?P<m>{_PATH}|\d{{1,2}}\.)(?P=e)(?=\s|$)|{_RANGE}|(?:{_PATH}|\d{{1,2}}\.){_END}"
)
NOTE_LABEL = re.compile(
    r"(?P<kind>License Requirements Notes?|Technical Notes?|Notes?|N\.\s?B\.|Nota Bene)\s*(?P<num>\d+)?"
)


def _is_bold(first: etree._Element) -> bool:
    return first.tag in ("B", "strong") or (first.tag == "E" and first.get("T") in ("01", "02", "05"))


def bold_lead(el: etree._Element) -> str:
    """The words of the bold element a paragraph opens with (``<FP-2><B>3A090 …</B>``), else ``""``."""
    if (el.text or "").strip() or not len(el) or not _is_bold(el[0]):
        return ""
    return plain(inline_text(el[0]))


#: A paragraph's text read once (:func:`read_shape`): its inline text, and when it opens with an emphasised child
#: (no text before it) that child, its words without markup, and the inline text after it before normalising (else
#: None, "", "").
Shape = tuple[str, "etree._Element | None", str, str]


#: Shapes read before, without their child: the texts of paragraphs made of one emphasised child without children,
#: by what those are read from (the paragraph's text, the child's tag, ``T``, text and tail). A CCL repeats them
#: ("*Related Definitions:* N/A", "List of Items Controlled"): about two in five of its paragraphs.
ShapeMemo = dict[tuple[str | None, ...], tuple[str, str, str]]

#: Longest text after the emphasised child that a :data:`ShapeMemo` keeps: the repeated ones are short ("N/A"), and
#: a long one kept would hold its text thrice for the whole parse (95% of the CCL's repeats are kept below it).
MEMO_TAIL = 32


def read_shape(el: etree._Element, memo: ShapeMemo | None = None) -> Shape:
    """The :data:`Shape` of a paragraph element (a plain tuple: one is made per paragraph of the CCL); with a
    ``memo``, a paragraph of one emphasised child read before is not read again.

    >>> memo: ShapeMemo = {}
    >>> text, first, lead, rest = read_shape(etree.fromstring("<FP-1><I>Reason for Control:</I> NS, AT</FP-1>"), memo)
    >>> text, first.tag, lead, rest, len(memo)
    ('*Reason for Control:* NS, AT', 'I', 'Reason for Control:', ' NS, AT', 1)
    """
    count = len(el)
    if not count:
        return inline_text(el), None, "", ""
    first = el[0]  # held: inline_parts reads the same element, not a new proxy of it
    head, tag = el.text, first.tag
    if tag not in _EMPHASIS or (head and not head.isspace()):  # text before the child: (el.text or "").strip()
        return inline_text(el), None, "", ""
    tail = first.tail
    if memo is None or count > 1 or len(first) or (tail is not None and len(tail) > MEMO_TAIL):
        text, lead, rest = _emphasised(el)
        return text, first, lead, rest
    key = (head, tag, first.get("T"), first.text, tail)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _emphasised(el)
    return found[0], first, found[1], found[2]


def _emphasised(el: etree._Element) -> tuple[str, str, str]:
    """The texts of the :data:`Shape` of a paragraph opening with an emphasised child."""
    text, own, rest = inline_parts(el)
    return text, plain(own), rest  # plain() normalises the child's text; the rest is normalised if used


def shape_bold_lead(shape: Shape) -> str:
    """:func:`bold_lead` of the paragraph read as ``shape``."""
    first = shape[1]
    return shape[2] if first is not None and _is_bold(first) else ""


#: The first letters of the block headings (a prefilter, before a paragraph's text is read without markup).
_BLOCK_INITIALS = frozenset(name[:3] for name in BLOCKS)


def might_be_block(text: str) -> bool:
    """False when inline ``text`` cannot be a block heading: its first three characters after its opening marks
    (``*``, ``**``, ``^``) are no block heading's first letters, and not marks or escapes either (which a reading
    without markup would take out)."""
    start = text[:3] if text[:1] not in _OPENING_MARKS else text.lstrip("*^ ")[:3]  # most open with a letter
    return start in _BLOCK_INITIALS or "*" in start or "^" in start or "\\" in start


#: What :func:`might_be_block` skips at the start of a text (``""``: an empty text has no first character).
_OPENING_MARKS = frozenset({"*", "^", " ", ""})


def unmarked(text: str) -> str:
    """:func:`~tracker.xmltext.plain` of an inline ``text`` as :func:`inline_text` gives it (not :func:`joined`,
    which leaves its own texts unescaped): the text itself when it holds no markup or escape, which is most CCL
    text; without escapes, the text without its marks.

    Such a text needs no normalising again once its marks are out: a mark hugs the words it marks (an opening
    mark is followed by a word or by another opening mark, a closing one follows a word or another closing
    one), so no run of marks has a space on both sides, or at an end (12M of 1,066M instructions over a parse of
    Part 774).

    >>> unmarked("*Items:* a. Chips"), unmarked("a. Chips"), unmarked("a ***b** c* ^2^")
    ('Items: a. Chips', 'a. Chips', 'a b c 2')
    """
    if "\\" in text:
        return plain(text)
    if "*" in text or "^" in text:
        return text.replace("*", "").replace("^", "")
    return text


def ends_with_colon(text: str) -> bool:
    r"""Whether :func:`unmarked` of a normalised inline ``text`` ends in ":" (without copying it: a mark wraps words,
    so the last character that is no mark is the last of its words).

    >>> [ends_with_colon(t) for t in ("*Related Controls:* the following:*", "*a:* b", "x\\*:", ": *")]
    [True, False, True, True]
    """
    if "\\" in text:
        return plain(text).endswith(":")
    while (end := text.rstrip("*^").rstrip()) != text:  # marks and spaces at the end, in any order
        text = end
    return text.endswith(":")


def block_name(words: str) -> str | None:
    """The block heading ``words`` name (``List of Items Controlled``), or None."""
    words = words.rstrip(":. ")
    for name in BLOCKS:
        if words == name or (name == "List Based License Exceptions" and words.startswith(name)):
            return name
    return None


def split_label(shape: Shape) -> tuple[str, str, str] | None:
    """(label, label text, rest) for a paragraph led by an emphasised label (``*Related Controls:* …``).

    >>> split_label(read_shape(etree.fromstring("<FP-1><I>Reason for Control:</I> NS, AT</FP-1>")))
    ('Reason for Control', '*Reason for Control:*', 'NS, AT')
    """
    full, first, lead, rest = shape
    if first is None or item_marker(lead):
        return None  # "*c. Heat treatment cycle parameters, as follows:*" is a list entry, not a label
    head, colon, after = lead.partition(":")
    if colon and head and len(head) <= 60 and not after.strip():
        label = head.strip()
    elif colon and head and len(head) <= 40 and head[:1].isupper():
        return head.strip(), full, ""  # "*License Requirements Note: See § 744.17 …*"
    elif (first.tail or "").lstrip().startswith(":") or lead.rstrip(".") in _KNOWN_LABELS:
        label = lead.rstrip(".: ")
    else:
        return None
    rest = normalise_ws(rest.strip())  # stripped first: a field's text often ends in a newline alone
    if rest.startswith(":"):
        rest = rest[1:].lstrip()
    if rest and full.endswith(rest):
        return label, full[: len(full) - len(rest)].strip(), rest
    return label, full, ""


#: A field's label, the text that writes it and the rest (:func:`split_label`), and whether the field opens a list of
#: its own (its text ends in ":"; not an item list, nor a note written as a field, "*N.B.:* …").
Label = tuple[str, str, str, bool]


def field_label(shape: Shape) -> Label | None:
    """:func:`split_label` of a paragraph, and whether the field opens a list of its own.

    >>> field_label(read_shape(etree.fromstring("<FP-1><I>ECCN Controls:</I> the following:</FP-1>")))
    ('ECCN Controls', '*ECCN Controls:*', 'the following:', True)
    """
    split = split_label(shape)
    if split is None:
        return None
    label = split[0]
    return (*split, label != "Items" and not NOTE_LABEL.fullmatch(label) and ends_with_colon(shape[0]))


def item_marker(text: str) -> tuple[str, str] | None:
    """(marker as written, text with a plain marker) if ``text`` opens with an item marker."""
    first = text[:1]  # a marker opens with a letter a-z, a digit (``\d``: any decimal digit) or ``*``
    if not ("a" <= first <= "z" or first == "*" or first.isdecimal()) or (m := _MARKER.match(text)) is None:
        return None
    if m["e"]:  # italic
        marker = m["m"]
        return marker, normalise_ws(f"{marker} {text[m.end() :].lstrip()}")
    marker = m[0]
    return (marker, text) if "." in marker else None


def item_key(marker: str, current: str | None, written: str) -> list[str]:
    """The item path a marker stands for, after the ``current`` item key whose marker was ``written``.

    A range (``i. through w.``, ``b.-d.``) is one item whose last segment names it (``i-w``).

    >>> item_key("b.-d.", "3A611.a", "a."), item_key("y.2 through y.5.", "0A501.y.1", "y.1.")
    (['b-d'], ['y', '2-y.5'])
    """
    if not marker.replace(".", "").isalnum() and (m := RANGE.match(marker)):  # a range holds a space or dash
        start = _path(m["a"], current, written)
        return [*start[:-1], f"{start[-1]}-{m['b'].rstrip('.')}"]
    return _path(marker, current, written)


def _path(marker: str, current: str | None, written: str) -> list[str]:
    """The full item path of one marker.

    The eCFR writes items below the top level with their full path (``b.5.b.``) and top-level items bare
    (``c.``): a bare letter after an item written with its path is the entry's next top-level item. Only
    after a bare marker (an entry written ``a.``, ``1.``, ``2.``, as 7A101 is) is a bare ``1.`` or ``b.``
    placed relative to the current item.
    """
    segs = marker.rstrip(".").split(".")
    if len(segs) > 1 or not current:  # most CCL markers are written with their path: the current one is not read
        return segs
    cur = current.split(".")[1:]
    if not cur or "-" in cur[-1]:
        return segs
    seg = segs[0]
    want_digit = seg.isdigit()
    if not want_digit and "." in written.rstrip("."):
        return segs
    for depth in range(len(cur), 0, -1):
        last = cur[depth - 1]
        if last.isdigit() == want_digit and _follows(last, seg):
            return [*cur[: depth - 1], seg]
    if seg in ("1", "a") and cur[-1].isdigit() != want_digit:
        return [*cur, seg]
    return segs


def _follows(prev: str, seg: str) -> bool:
    if prev.isdigit():
        return int(seg) == int(prev) + 1
    return len(prev) == 1 and ord(seg) == ord(prev) + 1


def joined(el: etree._Element, children: list[etree._Element]) -> str:
    """The element's text and its ``children``'s texts joined by spaces (HED, P, FP-1 … of a NOTE), whitespace
    normalised: each text normalised alone, those left non-empty joined (the children's inline texts are normalised
    already; the whole is not read again).

    >>> el = etree.fromstring("<NOTE> A <HED>Note:</HED> <P>b  c</P> d </NOTE>")
    >>> joined(el, []), joined(el, list(el))
    ('A', 'A Note: b c d')
    """
    parts = []
    if (head := el.text) and not head.isspace():
        parts.append(normalise_ws(head))
    for child in children:
        tag = child.tag
        if isinstance(tag, str) and tag not in SKIP_TAGS and (text := inline_text(child)):
            parts.append(text)
        if (tail := child.tail) and not tail.isspace():
            parts.append(normalise_ws(tail))
    return " ".join(parts)


def _opens_item(el: etree._Element) -> bool:
    """A paragraph written as an entry item, never as note text: a lettered marker and plain words after it.

    Note text is italic (``<P><I>a. Hair type absorbers …</I></P>``, ``<P>b. <I>A license is not …</I></P>``);
    a bare number (``<P>2. For the purposes of 3B001.e …</P>``) is a note's own list.
    """
    return el.tag in PARAS and _opens_lead(el.text)


def _opens_lead(text: str | None) -> bool:
    """Whether a paragraph's own text (before its first child) opens it as an item (:func:`_opens_item`)."""
    lead = (text or "").strip()
    found = item_marker(lead)
    return bool(found and found[0][0].isalpha() and lead[len(found[0]) :].strip())


def holds_item(el: etree._Element) -> bool:
    """An element that is, or (a NOTE) contains, a plain item paragraph of the entry."""
    tag = el.tag  # read once (lxml makes the string anew each time); a comment's is a function, in no set of names
    if tag == "NOTE":
        return any(map(_opens_item, el.iter()))
    return tag in PARAS and _opens_lead(el.text)
