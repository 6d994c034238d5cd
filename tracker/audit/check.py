"""Did the eCFR do what each instruction said? Pure: a rule's instructions and the changes of the diff between
the version before it took effect and the first version including it → one :class:`Finding` per instruction,
and one per change no instruction explains.

An instruction is *applied* when every target has a change of the right kind (:data:`RIGHT_KINDS`) at it or
under it, with the words it adds or removes, the reference pair it revises, and the text it prints (compared
with markup and whitespace normalised, up to a ``* * *`` that leaves the rest unchanged). It is
*missing* when no target has a change (unless the text it prints is already the eCFR's), *different* when a
target has a change that does not match. A change under the target counts: revising § 740.10 or paragraph (b)
changes the paragraphs under it. Entity List and Country Group targets match the table row whose bracketed
labels start with theirs (``Supplement No. 4 to Part 744 [CHINA, PEOPLE'S REPUBLIC OF] [Acme]`` is the row
``Supplement No. 4 to Part 744 Table 1 [CHINA, PEOPLE'S REPUBLIC OF] [Acme]``).

A change is explained when it (or a sub-paragraph of a restructured change) is at or under a target of any
instruction given, the ``others`` included (rules that took effect in the same interval), or is the source
note of a unit an instruction names (the eCFR adds each rule's citation to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from tracker.audit.findings import Finding, Status
from tracker.citations import is_under, typed_citation, unify_dashes
from tracker.instructions import Instruction
from tracker.model import Change, ChangeKind

_REVISE: frozenset[ChangeKind] = frozenset({"modified", "heading", "editorial", "reference-only", "restructured"})
_ADD: frozenset[ChangeKind] = frozenset({"added", "restored"})
_WORDS: frozenset[ChangeKind] = frozenset({"modified", "editorial", "reference-only", "heading"})

#: The change kinds that carry out each action at its target.
RIGHT_KINDS: dict[str, frozenset[ChangeKind]] = {
    "revise": _REVISE,
    "revise-entity": _REVISE | {"redesignated"},
    "add": _ADD,
    "add-entity": _ADD,
    "add-country": _ADD,
    "remove": frozenset({"removed"}),
    "remove-entity": frozenset({"removed"}),
    "remove-country": frozenset({"removed"}),
    "remove-and-reserve": frozenset({"reserved"}),
    "reserve": frozenset({"reserved"}),
    "redesignate": frozenset({"redesignated"}),
    "add-words": _WORDS,
    "remove-words": _WORDS,
    "revise-words": _WORDS,
    "revise-reference": _WORDS,
}
#: Actions whose target's sub-paragraphs may change in any way (a revised paragraph gains or loses some).
_WHOLE = frozenset({"revise", "revise-entity"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


class _Verdict(NamedTuple):
    status: Status
    reason: str
    changes: tuple[Change, ...] = ()


def normalise(text: str) -> str:
    """Text as compared: markup (``*``, ``^``) dropped, quotes and dashes unified, whitespace collapsed.

    >>> normalise("(a) *Scope.*  The “items”\u2014all")
    '(a) Scope. The "items"-all'
    """
    return " ".join(unify_dashes(text.replace("*", "").replace("^", "").translate(_QUOTES)).split())


def reads_as(text: str, printed: str) -> bool:
    """The eCFR ``text`` reads as the rule prints it (normalised); up to its ``* * *`` (text left unchanged).

    >>> reads_as("(b) *Scope.* All items.", "(b) Scope. * * *"), reads_as("(b) New.", "(b) * * *")
    (True, True)
    """
    head, stars, _ = " ".join(printed.split()).partition("* * *")
    return normalise(text).startswith(normalise(head)) if stars else normalise(text) == normalise(printed)


def _labels(citation: str) -> tuple[str, list[str]]:
    head, _, rest = citation.partition("[")
    return head.strip(), [normalise(s).casefold() for s in re.findall(r"([^\]]*)\]", "[" + rest)] if rest else []


def _row_at(citation: str, target: str) -> bool:
    """A table row at a target that names rows by bracketed labels (Entity List, Country Groups)."""
    head_t, labels_t = _labels(target)
    head_c, labels_c = _labels(citation)
    if not labels_t or len(labels_c) < len(labels_t) or not is_under(head_c, head_t):
        return False
    return all(c == t or c.startswith(t + ",") for c, t in zip(labels_c, labels_t, strict=False))


def _is(citation: str | None, target: str) -> bool:
    return citation is not None and (citation == target or ("[" in target and _row_at(citation, target)))


def _at(change: Change, target: str) -> bool:
    """The change is at or under ``target`` (by its new or old citation)."""
    return any(
        c is not None and (is_under(c, target) or ("[" in target and _row_at(c, target)))
        for c in (change.citation, change.old_citation)
    )


def _flat(changes: Iterable[Change]) -> list[Change]:
    return [x for c in changes for x in (c, *c.parts)]


def _words_ok(ins: Instruction, change: Change) -> bool:
    """The change adds the words the instruction adds and removes the words it removes."""
    old, new = normalise(change.old_text or ""), normalise(change.new_text or "")
    added, removed = normalise(ins.new_words or ""), normalise(ins.old_words or "")
    if added and new.count(added) <= old.count(added):
        return False
    return not removed or removed in added or old.count(removed) > new.count(removed)


def _pair_ok(ins: Instruction, change: Change) -> bool:
    old, new = typed_citation(ins.old_words or ""), typed_citation(ins.new_words or "")
    pair = (str(old), str(new)) if old is not None and new is not None else None
    return pair in change.reference_pairs or _words_ok(ins, change)


def _text_verdict(ins: Instruction, target: str, flat: Sequence[Change], after: Mapping[str, str] | None) -> str:
    """Why the text the rule prints under ``target`` is not the eCFR's ('' when it is, or cannot be told)."""
    for citation, printed in ins.new_text:
        if not (is_under(citation, target) or _is(citation, target)):
            continue
        found = next((c for c in flat if _is(c.citation, citation) and c.kind != "removed"), None)
        text = found.new_text if found is not None else (after or {}).get(citation)
        if found is None and after is not None and citation not in after:
            return f"{citation} is printed by the rule but is not in the eCFR"
        if text is not None and not reads_as(text, printed):
            return f"{citation} does not read as the rule prints it"
    return ""


def _kind_verdict(ins: Instruction, target: str, new_target: str | None, here: list[Change]) -> str:
    """Why the changes at a target are not the action's kind, words or reference ('' when they are)."""
    if ins.action == "redesignate":
        if any(c.kind == "redesignated" and c.old_citation == target and c.citation == new_target for c in here):
            return ""
        return f"expected {target} redesignated as {new_target}, found " + _kinds(here)
    exact = [c for c in here if _is(c.citation, target) or _is(c.old_citation, target)]
    kinds = RIGHT_KINDS[ins.action]
    if not any(c.kind in kinds for c in exact or here) and (exact or ins.action not in _WHOLE):
        return f"expected {'/'.join(sorted(kinds))} at {target}, found " + _kinds(exact or here)
    return _words_verdict(ins, target, exact or here)


def _words_verdict(ins: Instruction, target: str, pool: list[Change]) -> str:
    """Why the changes at a target do not change the words or the reference as the rule says ('' when they do)."""
    if ins.action == "revise-reference" and not any(_pair_ok(ins, c) for c in pool):
        return f"the reference at {target} does not read {ins.new_words!r} in place of {ins.old_words!r}"
    if ins.action.endswith("-words") and not any(_words_ok(ins, c) for c in pool):
        return f"the words at {target} are not changed as the rule says"
    return ""


def _kinds(changes: Iterable[Change]) -> str:
    return ", ".join(f"{c.kind} {c.citation}" for c in changes)


def _target(ins: Instruction, target: str, new_target: str | None, flat: Sequence[Change],
            after: Mapping[str, str] | None) -> _Verdict:
    here = [c for c in flat if _at(c, target) or (new_target is not None and _at(c, new_target))]
    if not here:
        printed = after is not None and any(is_under(c, target) for c, _ in ins.new_text)
        if printed and not _text_verdict(ins, target, flat, after):
            return _Verdict("applied", f"{target} already reads as the rule prints it")
        return _Verdict("missing", f"no change at {target}")
    why = _kind_verdict(ins, target, new_target, here) or _text_verdict(ins, new_target or target, flat, after)
    return _Verdict("different", why, tuple(here)) if why else _Verdict("applied", "", tuple(here))


def check_instruction(ins: Instruction, changes: Sequence[Change], after: Mapping[str, str] | None = None) -> Finding:
    """The finding of one instruction against the changes of its diff (``after``: the new version's texts by
    citation, to tell a rule that prints text the eCFR already had from a missing one)."""
    if ins.action not in RIGHT_KINDS or not ins.targets:
        return Finding("not-understood", ins.targets, "instruction not understood: not checked", ins)
    flat = _flat(changes)
    news: list[str | None] = [*ins.new_targets] if ins.action == "redesignate" else []
    pairs = list(zip(ins.targets, (news + [None] * len(ins.targets))[: len(ins.targets)], strict=True))
    verdicts = [(t, _target(ins, t, n, flat, after)) for t, n in pairs]
    matched = tuple(dict.fromkeys(c for _, v in verdicts for c in v.changes))
    for status in ("different", "missing"):
        bad = [(t, v) for t, v in verdicts if v.status == status]
        if bad:
            return Finding(status, tuple(t for t, _ in bad), "; ".join(v.reason for _, v in bad), ins, matched)
    reasons = "; ".join(v.reason for _, v in verdicts if v.reason)
    return Finding("applied", ins.targets, reasons or f"{ins.action} done", ins, matched)


def _explains(ins: Instruction, change: Change) -> bool:
    targets = (*ins.targets, *ins.new_targets, *(c for c, _ in ins.new_text))
    if any(_at(change, t) for t in targets):
        return True
    return change.citation == f"{change.unit} Source" and any(
        is_under(t, change.unit) or is_under(change.unit, t) for t in targets
    )


def unexplained(changes: Iterable[Change], instructions: Iterable[Instruction]) -> list[Finding]:
    """One finding per change that no instruction explains (a restructured change is explained by any of its
    new sub-paragraphs)."""
    known = list(instructions)
    out: list[Finding] = []
    for change in changes:
        if any(_explains(i, c) for i in known for c in (change, *change.parts)):
            continue
        where = f"{change.old_citation} → {change.citation}" if change.old_citation else change.citation
        out.append(Finding("unexplained", (change.citation,), f"{change.kind} {where}: no instruction names it",
                           changes=(change,)))
    return out


def check_rule(instructions: Sequence[Instruction], changes: Sequence[Change], *,
               others: Sequence[Instruction] = (), after: Mapping[str, str] | None = None) -> list[Finding]:
    """Every instruction's finding, then the changes no instruction (of this rule or ``others``) explains. A
    ``context`` instruction (an authority citation that "continues to read", a heading of sub-steps) changes
    nothing itself: it is neither checked nor explains a change."""
    acting = [i for i in instructions if i.action != "context"]
    found = [check_instruction(i, changes, after) for i in acting]
    return found + unexplained(changes, [*acting, *(o for o in others if o.action != "context")])
