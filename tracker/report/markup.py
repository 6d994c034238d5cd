r"""Paragraph text in the inline-markup form (:mod:`tracker.xmltext`) as safe HTML or plain text.

Text is escaped first; only then are the markup characters turned into tags, so nothing from the
regulation can inject HTML. Escaped characters (``15cm\*GHz``) come out as themselves.

>>> str(runs_to_html((("equal", "(1) *Scope.* a < b & "), ("delete", "<script>"), ("insert", "10^6^"))))
'(1) <em>Scope.</em> a &lt; b &amp; <del>&lt;script&gt;</del><ins>10<sup>6</sup></ins>'
>>> str(text_to_html(r"d ≤ 15cm\*GHz\*N/f, *x\_y*"))
'd ≤ 15cm*GHz*N/f, <em>x_y</em>'
>>> runs_to_text((("equal", "meets or exceeds the "), ("delete", "limit"), ("insert", r"limits\*")))
'meets or exceeds the [-limit-]{+limits*+}'
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from tracker.xmltext import markup_pieces, unescape

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


def runs_to_text(runs: Iterable[tuple[str, str]]) -> str:
    """Redline runs as plain text: ``[-deleted-]`` and ``{+inserted+}`` (markup kept as written, escapes resolved)."""
    parts = []
    for op, text in runs:
        start, end = _TEXT_WRAP.get(op, ("", ""))
        parts.append(f"{start}{unescape(text)}{end}")
    return "".join(parts)
