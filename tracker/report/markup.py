r"""Paragraph text in the inline-markup form (:mod:`tracker.xmltext`) as safe HTML or plain text.

Text is escaped first; only then are the markup characters turned into tags, so nothing from the
regulation can inject HTML. Escaped characters (``15cm\*GHz``) come out as themselves.

>>> str(runs_to_html((("equal", "(1) *Scope.* a < b & "), ("delete", "<script>"), ("insert", "10^6^"))))
'(1) <em>Scope.</em> a &lt; b &amp; <del>&lt;script&gt;</del><ins>10<sup>6</sup></ins>'
>>> str(text_to_html(r"d ≤ 15cm\*GHz\*N/f, *x\_y*"))
'd ≤ 15cm*GHz*N/f, <em>x_y</em>'
>>> runs_to_text((("equal", "meets or exceeds the "), ("delete", "*limit*"), ("insert", r"limits\*")))
'meets or exceeds the [-limit-]{+limits*+}'
>>> text_to_plain(r"(**b**)(4) 5 × 10 ^3^ Gy, χ^(3)^, *See* 15cm\*GHz, x^2/3^")
'(b)(4) 5 × 10³ Gy, χ⁽³⁾, See 15cm*GHz, x^(2/3)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from tracker.xmltext import escape_markup, markup_pieces

_TAGS = {"**": "strong", "*": "em", "^": "sup"}
_WRAP = {"insert": "ins", "delete": "del"}
_TEXT_WRAP = {"insert": ("{+", "+}"), "delete": ("[-", "-]")}


def runs_to_html(runs: Iterable[tuple[str, str]]) -> Markup:
    """Redline runs as HTML: ``<ins>``/``<del>`` around changed runs, markup as em/strong/sup.

    Formatting that spans runs is closed at each run's end and reopened in the next, so the
    tags always nest properly; formatting still open at the end is closed there.
    """
    out: list[str] = []
    open_tags: list[str] = []
    for op, text in runs:
        wrap = _WRAP.get(op)
        if wrap:
            out.append(f"<{wrap}>")
        out.extend(f"<{t}>" for t in open_tags)
        for kind, piece in markup_pieces(text):
            out.append(_toggle(open_tags, _TAGS[piece]) if kind == "mark" else escape(piece))
        out.extend(f"</{t}>" for t in reversed(open_tags))
        if wrap:
            out.append(f"</{wrap}>")
    return Markup("".join(out))


def _toggle(open_tags: list[str], tag: str) -> str:
    """Open ``tag``, or close it (closing and reopening any tags opened inside it)."""
    if tag not in open_tags:
        open_tags.append(tag)
        return f"<{tag}>"
    inner = open_tags[open_tags.index(tag) + 1 :]
    del open_tags[open_tags.index(tag) :]
    open_tags.extend(inner)
    return "".join(f"</{t}>" for t in reversed(inner)) + f"</{tag}>" + "".join(f"<{t}>" for t in inner)


def text_to_html(text: str) -> Markup:
    """One text with light markup as safe HTML."""
    return runs_to_html((("equal", text),))


#: Superscripts with a Unicode form, as in ``5 × 10³ Gy``; any other is written ``^(2/3)``.
_SUPERSCRIPT = dict(zip("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ", strict=True))
#: A redline over this many characters shows only :data:`CONTEXT_WORDS` words around each change.
LONG_TEXT = 1500
CONTEXT_WORDS = 30
_WORD = re.compile(r"\S+")
_ELIDED = "[…]"


def _superscript(text: str) -> str:
    if all(ch in _SUPERSCRIPT for ch in text):
        return "".join(_SUPERSCRIPT[ch] for ch in text)
    return f"^({text})"


def plain_runs(runs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The runs as plain text: italic and bold marks dropped, superscripts written as superscripts (the space
    before one dropped: ``10 ^6^`` reads ``10⁶``), escapes resolved; runs left empty are dropped
    (and their neighbours of one kind joined)."""
    out: list[tuple[str, str]] = []
    sup = False
    for op, text in runs:
        pieces: list[str] = []
        for kind, piece in markup_pieces(text):
            if kind == "text":
                pieces.append(_superscript(piece) if sup else piece)
            elif piece == "^":
                sup = not sup
                if sup and pieces:
                    pieces[-1] = pieces[-1].rstrip()
        text = "".join(pieces)
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif text:
            out.append((op, text))
    return out


def text_to_plain(text: str) -> str:
    """One text with light markup as plain readable text (:func:`plain_runs`)."""
    return "".join(t for _, t in plain_runs((("equal", text),)))


def in_context(
    runs: list[tuple[str, str]], words: int = CONTEXT_WORDS, limit: int = LONG_TEXT
) -> list[tuple[str, str]]:
    """A long redline cut to the changes in context: each unchanged run keeps ``words`` words next to a change,
    the rest is written ``[…]``. A redline of at most ``limit`` characters, or with no change, is returned whole."""
    if sum(len(t) for _, t in runs) <= limit or all(op == "equal" for op, _ in runs):
        return runs
    out = []
    for i, (op, text) in enumerate(runs):
        if op == "equal":
            text = _window(text, words, head=i > 0, tail=i < len(runs) - 1)
        out.append((op, text))
    return out


def _window(text: str, words: int, *, head: bool, tail: bool) -> str:
    """The first ``words`` words (``head``: a change is before them) and the last (``tail``: one is after them),
    what lies between written ``[…]``."""
    spans = [m.span() for m in _WORD.finditer(text)]
    if words * (head + tail) >= len(spans):
        return text
    kept = (text[: spans[words - 1][1]] if head else "", _ELIDED, text[spans[-words][0] :] if tail else "")
    return " ".join(k for k in kept if k)


def runs_in_context(runs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The runs as a page shows them: a long redline cut to its changes in context (:func:`in_context`), as plain
    text (re-escaped, so it reads back as written; its italics are dropped, since a cut can fall inside them);
    any other as it is.

    >>> long = [("equal", "word " * 400), ("delete", "*a*"), ("insert", "*b*"), ("equal", " end")]
    >>> [op for op, _ in runs_in_context(long)], runs_in_context(long)[0][1][:8], runs_in_context(long)[2]
    (['equal', 'delete', 'insert', 'equal'], '[…] word', ('insert', 'b'))
    """
    runs = list(runs)
    plain = plain_runs(runs)
    cut = in_context(plain)
    return runs if cut is plain else [(op, escape_markup(text)) for op, text in cut]


def runs_to_text(runs: Iterable[tuple[str, str]]) -> str:
    """Redline runs as plain text (:func:`plain_runs`): ``[-deleted-]`` and ``{+inserted+}``, a long one
    cut to its changes in context (:func:`in_context`)."""
    parts = []
    for op, text in in_context(plain_runs(runs)):
        start, end = _TEXT_WRAP.get(op, ("", ""))
        parts.append(f"{start}{text}{end}")
    return "".join(parts)
