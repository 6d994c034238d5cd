"""Word-level redlines: which words of a paragraph were deleted, inserted or kept."""

from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\\[\\*^_|]|\w+|\s+|[^\w\s]")  # an escaped character (tracker.xmltext.ESCAPED) is one token
_OPS = {0: "equal", -1: "delete", 1: "insert"}


def redline(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff runs ``(op, text)`` (op: equal/insert/delete), semantically cleaned up.

    Words, spaces and punctuation marks are mapped to single characters (diff-match-patch's
    lines-to-chars trick at word granularity), diffed, cleaned up and mapped back.

    >>> redline("exceeds the limit", "meets or exceeds the limits")
    (('insert', 'meets or '), ('equal', 'exceeds the '), ('delete', 'limit'), ('insert', 'limits'))
    """
    vocab: dict[str, str] = {}
    words: list[str] = [""]

    def encode(text: str) -> str:
        out = []
        for tok in _TOKEN.findall(text):
            ch = vocab.get(tok)
            if ch is None:
                n = len(words)
                ch = vocab[tok] = chr(n if n < 0xD800 else n + 0x800)
                words.append(tok)
            out.append(ch)
        return "".join(out)

    def decode(chars: str) -> str:
        return "".join(words[o if o < 0xD800 else o - 0x800] for o in map(ord, chars))

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(encode(old), encode(new), False)
    dmp.diff_cleanupSemantic(diffs)
    runs: list[tuple[str, str]] = []
    for op, chars in diffs:
        text = decode(chars)
        if runs and runs[-1][0] == _OPS[op]:
            runs[-1] = (_OPS[op], runs[-1][1] + text)
        elif text:
            runs.append((_OPS[op], text))
    return tuple(runs)
