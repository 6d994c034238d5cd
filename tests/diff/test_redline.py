"""The redline tokenises only the differing middle of the new text and slices runs from the texts: its runs are
exactly those of the plain word-level diff it replaced (kept here as the reference), on every real pair of
paragraph texts we hold, on edits at every place of long real paragraphs, and on any two texts. The editorial
test compares only the differing middles' words: it agrees with comparing all the words on the same texts, which
are found as when dashes were mapped to "-" first."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from itertools import pairwise

from diff_match_patch import diff_match_patch
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.diff.samples import (
    EXCERPT_3A,
    EXCERPT_9A,
    SECTION_1194,
    bulk_title_1_pair,
    ccl_history,
    parsed,
    section_740_10_pair,
    xml_pair,
)
from tests.support import PART_740
from tracker.citations import DASHES
from tracker.diff.classify import _WORD, _words, same_words
from tracker.diff.redline import redline
from tracker.xmltext import plain

_TOKEN = re.compile(r"\\[\\*^_|]|\w+|\s+|[^\w\s]")
_OPS = {0: "equal", -1: "delete", 1: "insert"}


def reference(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The redline as it was: every token of both texts encoded, the whole strings diffed, decoded token by token."""
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


def words_as_before(text: str) -> list[str]:
    """The words as they were found: dashes mapped to "-" first."""
    return _WORD.findall(plain(text).translate(DASHES).casefold())


def _assert_as_before(old: str, new: str) -> None:
    assert redline(old, new) == reference(old, new), (old, new)
    assert same_words(old, new) == (words_as_before(old) == words_as_before(new)), (old, new)
    assert _words(old) == words_as_before(old) and _words(new) == words_as_before(new), (old, new)


def _real_pairs() -> list[tuple[str, str]]:
    """Every pair of differing texts at one citation: the real version pairs we hold (the two CCL excerpt pairs,
    36 CFR 1194.1, § 740.10 before and after 89 FR 34703, Title 1 bulk), and each text a CCL item had in the CCL
    history with its next."""
    versions = [xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01"), xml_pair(EXCERPT_9A, "2026-06-25", "2026-09-01"),
                xml_pair(SECTION_1194, "2016-12-13", "2017-01-18"), section_740_10_pair(), bulk_title_1_pair()]
    pairs = []
    for old, new in versions:
        before = {p.citation: p.text for p in old}
        pairs += [(before[p.citation], p.text) for p in new if before.get(p.citation, p.text) != p.text]
    texts: dict[str, dict[str, None]] = defaultdict(dict)
    for version in ccl_history().values():
        for p in version:
            texts[p.citation][p.text] = None
    pairs += [pair for seen in texts.values() for pair in pairwise(seen)]
    return pairs


def test_every_real_pair_of_texts_redlines_exactly_as_before():
    pairs = _real_pairs()
    assert len(pairs) == 145
    for old, new in pairs:
        _assert_as_before(old, new)


_EDITS = (" amended", "", "\\*", "\\", "*", " ", "  ", "(a)", "§ 740.2", "—", "é", "_x", "15cm\\*GHz", ".")


def _edited(text: str, rnd: random.Random) -> str:
    """``text`` with one to three edits (insert, delete or replace a stretch) at random places."""
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randrange(len(text) + 1)
        cut = rnd.choice((0, 0, 1, 2, 5, 20))
        text = text[:at] + rnd.choice(_EDITS) + text[at + cut :]
    return text


def test_edits_anywhere_in_the_longest_real_paragraphs_redline_exactly_as_before():
    longest = sorted((p.text for p in parsed(PART_740)), key=len, reverse=True)[:40]
    rnd = random.Random(740)
    for text in longest:
        for _ in range(25):
            new = _edited(text, rnd)
            _assert_as_before(text, new)
            _assert_as_before(new, text)


_PIECES = st.sampled_from(["a", "b", "ab", "A", " ", "  ", "\\", "\\*", "*", "**", "^", "_", "é", "ß", ".", "1.5",
                           "(1)", "x y", "\n", "—", "-", "\u2010", "\u2013", "\u2212", "/"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30), st.lists(_PIECES, max_size=30), st.lists(_PIECES, max_size=8))
def test_any_two_texts_redline_exactly_as_before(head, tail, middle):
    common = "".join(head)
    old, new = common + "".join(tail), common + "".join(middle) + "".join(tail)
    _assert_as_before(old, new)
    _assert_as_before(new, old)
    _assert_as_before("".join(head), "".join(tail))
