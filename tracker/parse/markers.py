"""Paragraph designations: reading markers off a paragraph and resolving their levels.

CFR levels run (a) → (1) → (i) → (A) → italic (1) → italic (i). Markers are plain text at the
start of flat ``P`` elements, and letters collide with roman numerals ((i) after (h) is a letter,
after (2) a numeral). :func:`resolve_levels` chooses, for a whole section's marker sequence, the
reading that breaks the fewest sequence rules, with a small beam search.

>>> split_markers("(a) *Parts*—(1) *Scope.* The provisions")
[(('(a)',), '(a) *Parts*—'), (('(1)',), '(1) *Scope.* The provisions')]
>>> [m.label for m in resolve_levels(["(a)", "(1)", "(i)", "(ii)", "(2)", "(b)", "(h)", "(i)", "(j)"])]
['a', '1', 'i', 'ii', '2', 'b', 'h', 'i', 'j']
>>> [m.depth for m in resolve_levels(["(a)", "(1)", "(i)", "(ii)", "(2)", "(b)", "(h)", "(i)", "(j)"])]
[0, 1, 2, 2, 1, 0, 0, 0, 0]
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, ClassVar

from tracker.citations import LABEL

#: The level types, outermost first.
LOWER, ARABIC, ROMAN, UPPER, ITALIC_ARABIC, ITALIC_ROMAN = range(6)
LEVEL_ORDER = (LOWER, ARABIC, ROMAN, UPPER, ITALIC_ARABIC, ITALIC_ROMAN)

# What each break of the sequence rules costs a reading (:func:`resolve_levels` keeps the cheapest), named the way the
# regulations-parser names its depth heuristics. A marker that follows its sibling ((a) → (b)) or opens the next
# level with its first value ((a) → (1)) costs nothing.
#: A sibling that skips values ((a) → (c)).
SIBLING_GAP = 3.0
#: A sibling that goes back or repeats ((c) → (b)).
SIBLING_BACKWARDS = 8.0
#: A level opened with a value other than its first ((a) → (2)).
CHILD_NOT_FIRST = 4.0
#: A level opened below one it skips ((a) → (i) with no (1) between).
SKIPPED_LEVEL = 6.0
#: A marker no reading can place: the level's chain restarts at its top.
RESTART = 20.0
#: A marker written plain at an italic level: ``(1)`` under ``(B)`` is italic ``(1)`` the eCFR left unitalicised
#: (740.20(b)(2)(viii)(B)(1)), cheaper than going back to an arabic level already open.
UNITALICISED = 2.0
#: Per level closed that held a single child, a list of one (the regulations-parser's ``prefer_multiple_children``).
PREFER_MULTIPLE_CHILDREN = 0.6
#: Readings kept after each marker.
BEAM_WIDTH = 12

_ROMAN_RE = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}

# One marker: (a) (1) (iv) (A) (aa), italic as *(1)* or (*1*).
_TOKEN = (
    rf"(?:\((?P<p>{LABEL})\)"
    r"|\*\((?P<i1>\d{1,3}|[ivx]{1,6}|[a-z])\)\*"
    r"|\(\*(?P<i2>\d{1,3}|[ivx]{1,6}|[a-z])\*\))"
)
_LEAD = re.compile(_TOKEN)
# A heading in italics right after a marker, then an em-dash or space and another marker.
_HEADED_NEXT = re.compile(rf"\s*\*[^*]+\*[^\w(*]{{0,3}}(?:—|--|\s)\s*(?={_TOKEN}\s)")


def _roman_value(s: str) -> int | None:
    if not s or not _ROMAN_RE.match(s):
        return None
    total = 0
    prev = 0
    for ch in reversed(s):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _letter_value(s: str) -> int | None:
    """a→1 … z→26, aa→27 … (the CFR doubles letters after z)."""
    if len(s) == 1 and s.isalpha():
        return ord(s.lower()) - 96
    if len(s) == 2 and s[0] == s[1] and s.isalpha():
        return 26 + ord(s[0].lower()) - 96
    return None


@dataclass(frozen=True, slots=True)
class Marker:
    """A marker with its resolved level: ``label`` as it appears in citations (``iv``, ``A``, ``1``)."""

    raw: str
    label: str
    level: int
    index: int
    depth: int


def marker_label(raw: str) -> tuple[str, bool]:
    """``'(iv)'`` → ``('iv', False)``; ``'*(1)*'`` or ``'(*1*)'`` → ``('1', True)``."""
    m = _LEAD.match(raw)
    if not m:
        raise ValueError(f"not a paragraph marker: {raw!r}")
    if m.group("p"):
        return m.group("p"), False
    return (m.group("i1") or m.group("i2")), True


@lru_cache(maxsize=4096)
def candidates(raw: str) -> tuple[tuple[int, int, float], ...]:
    """Every (level, index, cost) a marker could stand for: ``cost`` is what the reading itself costs (a plain
    numeral read at an italic level, :data:`UNITALICISED`). Cached: a Part repeats the same few hundred markers."""
    label, italic = marker_label(raw)
    r = _roman_value(label)
    if italic:
        if label.isdigit():
            return ((ITALIC_ARABIC, int(label), 0.0),)
        return ((ITALIC_ROMAN, r, 0.0),) if r else ()
    if label.isdigit():
        return (ARABIC, int(label), 0.0), (ITALIC_ARABIC, int(label), UNITALICISED)
    v = _letter_value(label)
    if label.isupper():
        return ((UPPER, v, 0.0),) if v else ()
    out = [(LOWER, v, 0.0)] if v else []
    if r:
        out += [(ROMAN, r, 0.0), (ITALIC_ROMAN, r, UNITALICISED)]
    return tuple(out)


def split_markers(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Split a paragraph's text at its designations.

    Returns ``[(markers, text)]``; ``markers`` is empty when the paragraph does not open with
    one. Consecutive markers (``(g)(1)(i)(B) The …``) stay together in one item. A further
    designation is recognised only after an italic heading (``(a) *Scope*—(1) …``), so a
    parenthesis inside a sentence is never taken for a marker.

    A marker ends at the first ``)`` after its start (and the ``*`` after it for ``*(1)*``), at most ten characters
    on, so that text is the only one that can match ``_LEAD`` there: the run of such texts a paragraph opens with
    (:data:`_RUN`) is looked up (:data:`_RUNS`), not read marker by marker (a regex call, a match object and a call
    of :func:`candidates` a marker saved, then a loop over the run's markers).
    """
    if not text.startswith(("(", "*")):  # no marker can open it
        return [((), text)]
    out: list[tuple[tuple[str, ...], str]] = []
    rest = text
    while True:
        run = _RUN.match(rest)
        if run is None:
            break
        found = _RUNS.get(key := run.group())
        raws, pos = found if found is not None else _run(key)  # a call saved on the runs seen before
        if not raws:
            break
        # _HEADED_NEXT opens with spaces and a "*": a text going on otherwise needs no match (a regex call saved).
        after = rest[pos : pos + 2]
        head = _HEADED_NEXT.match(rest, pos) if "*" in after or after.isspace() else None
        if not head:
            out.append((raws, rest))
            return out
        cut = head.end()
        out.append((raws, rest[:cut].rstrip()))
        rest = rest[cut:]
    return out or [((), text)]


#: The texts that may be markers, one after another, at the start of a text: each up to the first ``)`` at most ten
#: characters on (and for ``*(1)*`` the character after it). (Each piece can match only one way, so the run is
#: the one the pieces read one at a time make.)
_RUN = re.compile(r"(?:\([^)]{0,8}\)|\*[^)]{0,8}\)(?s:.)?)+")
#: The markers with a reading a run opens with, and where they end, by the run's text (:func:`_run`): a Part
#: repeats the same few hundred runs (``(a)``, ``(1)``, ``(g)(1)(i)``).
_RUNS: dict[str, tuple[tuple[str, ...], int]] = {}
#: Runs remembered before that memory starts again.
_RUNS_KEPT = 4096


def _run(run: str) -> tuple[tuple[str, ...], int]:
    """The markers with a reading that ``run`` (a match of :data:`_RUN`) opens with, up to the first without, and
    where they end (remembered in :data:`_RUNS`)."""
    if len(_RUNS) >= _RUNS_KEPT:
        _RUNS.clear()
    raws: list[str] = []
    pos = 0
    while pos < len(run):
        close = run.find(")", pos + 1) + 1
        raw = run[pos : close + 1] if run[pos] == "*" else run[pos:close]
        if not (_LEAD.fullmatch(raw) and candidates(raw)):
            break
        raws.append(raw)
        pos += len(raw)
    found = _RUNS[run] = (tuple(raws), pos)
    return found


#: The open levels of a beam state: (level, index) from the outermost in.
_Stack = tuple[tuple[int, int], ...]
#: The readings of the markers so far, newest first: (earlier readings, the marker resolved) or None. (The earlier
#: readings are a ``_Path`` again, typed ``Any``: mypyc cannot map a recursive alias.)
_Path = tuple[Any, "Marker"] | None
#: A beam state: its open levels (their number in :class:`_Moves`), its cost, its readings.
_State = tuple[int, float, _Path]
#: One way a marker can go from a stack: (the new stack's number, the reading's cost, the step's cost, the marker
#: so resolved).
_Move = tuple[int, float, float, "Marker"]


def _single_children(closed: tuple[tuple[int, int], ...]) -> float:
    """The cost of closing levels whose last value is their first (a list of one)."""
    return sum(PREFER_MULTIPLE_CHILDREN for _, i in closed if i == 1)


#: A state's cost (the key the beam is sorted by).
_cost = itemgetter(1)


class _Moves:
    """Every stack met, as a trie of numbers, and each marker's moves from each stack, worked out once (a Part
    repeats the same few hundred markers on the same few hundred stacks): ``tables[raw][n]``. Stack ``n`` is
    ``stacks[n]``; its levels are ``levels[n]`` and ``prefixes[n][d]`` is the number of its first ``d`` open
    levels, so a move finds the stack it makes by (prefix, level, index) without hashing stacks. One per thread
    (:func:`_moves`)."""

    #: Moves kept before a thread's table starts again.
    LIMIT: ClassVar[int] = 100_000
    #: The number of the empty stack, where every run of markers starts.
    ROOT: ClassVar[int] = 0

    def __init__(self) -> None:
        self.stacks: list[_Stack] = [()]
        self.levels: list[tuple[int, ...]] = [()]
        self.prefixes: list[tuple[int, ...]] = [()]
        self.children: dict[tuple[int, int, int], int] = {}
        self.tables: dict[str, dict[int, tuple[_Move, ...]]] = {}
        self.frees: dict[str, dict[int, _Move | None]] = {}
        self.count = 0

    def child(self, prefix: int, level: int, index: int) -> int:
        """The number of stack ``prefix`` with (level, index) open below it."""
        key = (prefix, level, index)
        n = self.children.get(key)
        if n is None:
            n = self.children[key] = len(self.stacks)
            self.stacks.append(self.stacks[prefix] + ((level, index),))
            self.levels.append(self.levels[prefix] + (level,))
            self.prefixes.append(self.prefixes[prefix] + (prefix,))
        return n

    def place(self, n: int, level: int, index: int) -> tuple[int, float, int]:
        """Place (level, index) on stack ``n``: (the new stack's number, the step's cost, the depth).

        A sibling closes the levels below it; a new level is expected right below the innermost open one (a body
        that opens at (1) has (i) below it); a marker no reading can place restarts its level's chain at the top.
        (Level types are numbered in :data:`LEVEL_ORDER`, so a type's place in it is the type itself.)
        """
        levels = self.levels[n]
        if level in levels:
            depth = levels.index(level)
            stack = self.stacks[n]
            idx = stack[depth][1]
            cost = 0.0 if index == idx + 1 else (SIBLING_GAP if index > idx else SIBLING_BACKWARDS)
            if depth + 1 < len(stack):
                cost += _single_children(stack[depth + 1 :])
            return self.child(self.prefixes[n][depth], level, index), cost, depth
        below = levels[-1] + 1 if levels else 0
        if level >= below:
            cost = (0.0 if level == below else SKIPPED_LEVEL) + (0.0 if index == 1 else CHILD_NOT_FIRST)
            return self.child(n, level, index), cost, len(levels)
        if level >= len(levels):  # the chain's top is below the whole stack
            return self.child(n, level, index), RESTART, len(levels)
        return self.child(self.prefixes[n][level], level, index), RESTART, level

    def table(self, raw: str) -> dict[int, tuple[_Move, ...]]:
        """The moves of marker ``raw`` worked out so far, by stack number."""
        found = self.tables.get(raw)
        if found is None:
            found = self.tables[raw] = {}
        return found

    def of(self, n: int, raw: str) -> tuple[_Move, ...]:
        """The moves of marker ``raw`` from stack ``n``, in the order of its readings (:func:`candidates`)."""
        table = self.table(raw)
        found = table.get(n)
        if found is None:
            found = ()
            for level, index, reading in candidates(raw):
                new, step, depth = self.place(n, level, index)
                found += ((new, reading, step, _marker(raw, level, index, depth)),)
            table[n] = found
            self.count += 1
        return found

    def free(self, n: int, raw: str) -> _Move | None:
        """The one move of marker ``raw`` from stack ``n`` that costs nothing, or None (none, or more than one)."""
        frees = self.frees.get(raw)
        if frees is None:
            frees = self.frees[raw] = {}
        if n in frees:
            return frees[n]
        free = [move for move in self.of(n, raw) if move[1] == 0.0 and move[2] == 0.0]
        frees[n] = found = free[0] if len(free) == 1 else None
        return found


_LOCAL = threading.local()


def _moves() -> _Moves:
    """This thread's table of moves, new when the last grew past :attr:`_Moves.LIMIT` (between runs of markers, so
    no state holds a number of the old one)."""
    moves: _Moves | None = getattr(_LOCAL, "moves", None)
    if moves is None or moves.count > _Moves.LIMIT:
        moves = _LOCAL.moves = _Moves()
    return moves


def _advance(states: list[_State], raw: str, beam: int, moves: _Moves) -> list[_State]:
    """The beam after one marker: every state with every reading, the cheapest per stack, the ``beam`` cheapest
    (ties in the order the states and readings come)."""
    known = moves.table(raw).get
    if len(states) == 1:
        n, cost, path = states[0]
        only = known(n) or moves.of(n, raw)
        if len(only) == 1:  # nothing to choose: the one reading of the one state
            new, reading, step, mark = only[0]
            return [(new, cost + reading + step, (path, mark))]
    nxt: dict[int, _State] = {}
    best = nxt.get
    for n, cost, path in states:
        for new, reading, step, mark in known(n) or moves.of(n, raw):
            new_cost = cost + reading + step
            old = best(new)
            if old is None or new_cost < old[1]:
                nxt[new] = (new, new_cost, (path, mark))
    return sorted(nxt.values(), key=_cost)[:beam]


def _zero_rest(raws: list[str], start: int, n: int, moves: _Moves) -> tuple[list[Marker] | None, int]:
    """The readings of ``raws[start:]`` from stack ``n`` if exactly one reading of them costs nothing, closing
    levels included: ``(markers, len(raws))``; else ``(None, i)``, ``i`` the marker where that was found not to hold.

    No cost is negative and none that is not nothing is below :data:`PREFER_MULTIPLE_CHILDREN`, so when the beam
    is one state, such a reading is cheaper than every other: it is what the beam would choose, ties or not.
    """
    readings: list[Marker] = []
    for i in range(start, len(raws)):
        free = moves.free(n, raws[i])
        if free is None:
            return None, i
        n = free[0]
        readings.append(free[3])
    if _single_children(moves.stacks[n][1:]):
        return None, len(raws)
    return readings, len(raws)


def _readings(path: _Path) -> list[Marker]:
    """The readings on a beam state's path, first marker first."""
    readings: list[Marker] = []
    while path is not None:
        path, reading = path
        readings.append(reading)
    readings.reverse()
    return readings


def resolve_levels(raws: list[str], beam: int = BEAM_WIDTH) -> list[Marker]:
    """Resolve a section's markers, in order, to levels and depths.

    Ambiguous markers ((i), (v), (x), (ii) after (h)) are settled by what follows: the reading
    with the fewest broken sequences wins; a list of one is mildly penalised. A beam of readings is kept only
    while a marker is ambiguous; one reading of one state is taken as it is, and where the beam is down to one
    state and the rest of the markers have one reading that costs nothing (:func:`_zero_rest`), that is taken.
    """
    moves = _moves()
    states: list[_State] = [(_Moves.ROOT, 0.0, None)]
    tried = 0  # the first marker from which a reading costing nothing may still be looked for
    for i, raw in enumerate(raws):
        if len(states) == 1 and i >= tried:
            n, _, path = states[0]
            rest, tried = _zero_rest(raws, i, n, moves)
            if rest is not None:
                return _readings(path) + rest
            tried += 1
        states = _advance(states, raw, beam, moves)
    stacks = moves.stacks
    best = min(states, key=lambda s: s[1] + _single_children(stacks[s[0]][1:]))
    return _readings(best[2])


@lru_cache(maxsize=8192)
def _marker(raw: str, level: int, index: int, depth: int) -> Marker:
    """One resolved marker (shared: a Part resolves the same few hundred again and again, and markers are frozen)."""
    return Marker(raw=raw, label=marker_label(raw)[0], level=level, index=index, depth=depth)
