"""Word-level redlines: which words of a paragraph were deleted, inserted or kept.

:func:`redline` works them out; :class:`Redline` is one worked out when first read, so a diff's changes are
data and only what renders them pays for their redlines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain
from typing import Any, overload

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\\[\\*^_|]|\w+|\s+|[^\w\s]")  # an escaped character (tracker.xmltext.ESCAPED) is one token
_WORD_CHAR = re.compile(r"\w")
_SPACE = re.compile(r"\s")
_OPS = {0: "equal", -1: "delete", 1: "insert"}
_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0


def _codes() -> Iterator[str]:
    """The characters that stand for tokens, in the order they are handed out (no surrogates)."""
    return map(chr, chain(range(1, 0xD800), range(0xE000, 0x110000)))


def _cut(text: str, at: int) -> bool:
    """Whether ``at`` is a token boundary of ``text`` whatever comes before or after the two characters around
    it: not inside a word or a run of spaces, not after a backslash (which may escape the next character)."""
    before, after = text[at - 1], text[at]
    if before == "\\":
        return False
    same_run = (_WORD_CHAR.match(before) and _WORD_CHAR.match(after)) or (_SPACE.match(before) and _SPACE.match(after))
    return not same_run


def common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of two strings (a binary search over slices)."""
    return int(_DMP.diff_commonPrefix(a, b))


def common_suffix(a: str, b: str) -> int:
    """The length of the longest common suffix of two strings."""
    return int(_DMP.diff_commonSuffix(a, b))


def _common(old: str, new: str) -> tuple[int, int]:
    """A common prefix and a common suffix of ``old`` and ``new`` (lengths, not overlapping) that end and begin
    on token boundaries of both: the two characters around each boundary are common to both texts."""
    start = max(common_prefix(old, new) - 1, 0)
    while start > 0 and not _cut(old, start):
        start -= 1
    end = max(common_suffix(old[start:], new[start:]) - 1, 0)
    while end > 0 and not _cut(old, len(old) - end):
        end -= 1
    return start, end


def redline(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff runs ``(op, text)`` (op: equal/insert/delete), semantically cleaned up.

    Words, spaces and punctuation marks are mapped to single characters (diff-match-patch's
    lines-to-chars trick at word granularity: each token's character is handed out in the order the
    tokens first occur in ``old`` then ``new``), diffed, cleaned up and mapped back. Only the differing
    middle of ``new`` is split into tokens: its common prefix and suffix with ``old`` (cut on token
    boundaries) reuse ``old``'s characters, and the texts of runs are sliced from the two texts.

    >>> redline("exceeds the limit", "meets or exceeds the limits")
    (('insert', 'meets or '), ('equal', 'exceeds the '), ('delete', 'limit'), ('insert', 'limits'))
    """
    start, end = _common(old, new)
    old_tokens = _TOKEN.findall(old)
    middle = _TOKEN.findall(new[start : len(new) - end])
    code = dict(zip(dict.fromkeys(chain(old_tokens, middle)), _codes(), strict=False))
    old_at = list(accumulate(map(len, old_tokens), initial=0))
    head = bisect_right(old_at, start) - 1  # the tokens before the cut (a token boundary: an offset)
    tail = len(old_tokens) - bisect_right(old_at, len(old) - end) + 1
    encoded_old = "".join(map(code.__getitem__, old_tokens))
    encoded_new = encoded_old[:head] + "".join(map(code.__getitem__, middle)) + encoded_old[len(encoded_old) - tail :]
    new_at = list(accumulate(chain(map(len, old_tokens[:head]), map(len, middle),
                                   map(len, old_tokens[len(old_tokens) - tail :])), initial=0))
    diffs = _DMP.diff_main(encoded_old, encoded_new, False)
    _DMP.diff_cleanupSemantic(diffs)
    return _runs(diffs, (old, old_at), (new, new_at))


def _runs(diffs: list[tuple[int, str]], old: tuple[str, list[int]],
          new: tuple[str, list[int]]) -> tuple[tuple[str, str], ...]:
    """The diff as runs of text (each sliced from its side), adjacent runs of one op merged, empty ones dropped."""
    runs: list[tuple[str, str]] = []
    at = {-1: 0, 1: 0}  # tokens consumed of old (-1) and new (1)
    for op, chars in diffs:
        side = 1 if op == 1 else -1
        text_of, offsets = new if op == 1 else old
        text = text_of[offsets[at[side]] : offsets[at[side] + len(chars)]]
        for moved in (-1, 1) if op == 0 else (side,):
            at[moved] += len(chars)
        if runs and runs[-1][0] == _OPS[op]:
            runs[-1] = (_OPS[op], runs[-1][1] + text)
        elif text:
            runs.append((_OPS[op], text))
    return tuple(runs)


class Redline(Sequence[tuple[str, str]]):
    """The runs of ``redline(old, new)``, worked out on first use (then kept); equal to, and hashed as, the tuple
    of runs.

    >>> lazy = Redline("exceeds the limit", "exceeds the limits")
    >>> lazy == (('equal', 'exceeds the '), ('delete', 'limit'), ('insert', 'limits'))
    True
    >>> list(lazy)[-1], len(lazy), bool(Redline("a", "a"))
    (('insert', 'limits'), 3, True)
    """

    __slots__ = ("_old", "_new", "_runs")

    def __init__(self, old: str, new: str) -> None:
        self._old, self._new = old, new
        self._runs: tuple[tuple[str, str], ...] | None = None

    @property
    def runs(self) -> tuple[tuple[str, str], ...]:
        """The runs, as :func:`redline` gives them."""
        if self._runs is None:
            self._runs = redline(self._old, self._new)
        return self._runs

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        return self.runs[index]

    def __len__(self) -> int:
        return len(self.runs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.runs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Redline):
            other = other.runs
        return self.runs == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.runs)

    def __repr__(self) -> str:
        return repr(self.runs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Redline:
        return self  # immutable: ``dataclasses.asdict`` of a change need not copy it
