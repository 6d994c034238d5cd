"""One AMDPAR's words → its steps: the action verbs, each with the citations it names (read against the unit the
instruction or its heading names), and the scope that lettered sub-steps after a heading inherit.

>>> steps, _ = read_amdpar("6. In § 1006.210, remove paragraph (g) and redesignate paragraph (h) as paragraph (g).",
...                        Scope("1006", "", ()))
>>> [(s.action, s.targets, s.new_targets) for s in steps]
[('remove', ('1006.210(g)',), ()), ('redesignate', ('1006.210(h)',), ('1006.210(g)',))]
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tracker.citations import definition, is_eccn
from tracker.instructions import targets as t
from tracker.instructions.types import InstructionAction
from tracker.instructions.words import ENTITY_LIST, Step, country_block, special


class Scope(NamedTuple):
    """What an instruction amends when its words do not say: the Part, the unit (section, ECCN, supplement) and
    the paragraphs a heading named."""

    part: str
    unit: str
    targets: tuple[str, ...]


_NUMBER = re.compile(r"^\s*(?:\d+|[a-z]|[ivx]+)\.\s+")
_AUTHORITY = re.compile(r"\bauthority citation for part (\d+)", re.I)
_NEWLY = re.compile(r"\bnewly (?:re)?designated\b", re.I)
_VERB = re.compile(
    r"\b(?:(?P<rr>remov\w*\s+and\s+reserv\w*)|(?P<redesignate>redesignat\w*)|(?P<revise>revis\w*)"
    r"|(?P<add>add(?:s|ed|ing)?)|(?P<remove>remov\w*)|(?P<reserve>reserv\w*))\b", re.I)
_ACTION: dict[str, InstructionAction] = {
    "rr": "remove-and-reserve", "redesignate": "redesignate", "revise": "revise", "add": "add",
    "remove": "remove", "reserve": "reserve"}
_IN_PLACE = re.compile(r"\bin (?:its|their) places?\b", re.I)
_AS = re.compile(r"\s+as\s+")
_CHAPTER = re.compile(r"\bchapter ([IVXL]+)\b")
_INTRO = re.compile(r"\bthe (?:section'?s? )?introductory text\b", re.I)
_OWN_AUTHORITY = re.compile(r"\bauthority citation (?:immediately (preceding|following)|at the end)\b", re.I)
_ADD_HEADING = re.compile(r"\badd\w*\s+(?:a\s+)?heading\s+to\b", re.I)
#: Where a new unit goes ("adding ECCN 3A992 after ECCN 3A991"): not a target.
_POSITION = re.compile(r"\b(?:after|before)\s+(?:ECCN\s+\w+|paragraph\s+[.(]\S+|§\s*\S+)")
#: The parts of a CCL entry an instruction may name, keyed ``3A090 License Requirements`` like the parser's blocks.
_BLOCK = re.compile(r"\b(License Requirements|List Based License Exceptions|List of Items Controlled|Related Controls"
                    r"|Related Definitions|Reason for Control|Technical Notes?)\b")
_HEADING_END = re.compile(r"(?::|—|\bby)\s*$")


def _unit(text: str, scope: Scope) -> str:
    """The unit ``text`` names (an ECCN before a section before a supplement), else the scope's."""
    clean = t.QUOTED.sub(" ", text)
    found = t.eccn_items(clean, None)[:1] or t.sections(clean)[:1] or t.supplements(clean)[:1]
    return found[0].split(".")[0] if found and is_eccn(found[0].split(".")[0]) else found[0] if found else scope.unit


def _designated(clean: str, base: str, items: list[str]) -> list[str]:
    """The paragraphs a clause names; the unit itself where it names the unit's heading; the unit's introductory
    text (keyed ``740.10 ¶1`` like the parser's) and its authority citation (``3.114 Authority``)."""
    paragraphs = t.paragraphs(clean, base) if base and not items else []
    heading = re.search(r"\bsection heading\b", clean) or (re.search(r"\bheading\b", clean) and not paragraphs)
    own = [base] if heading and base and not t.subparts(clean) else []
    if base and _INTRO.search(clean):
        own.append(f"{base} ¶1")
    if base and (authority := _OWN_AUTHORITY.search(clean)):
        own.append(f"{base} Authority")
        paragraphs = [] if authority.group(1) else paragraphs  # "preceding paragraph (b)" only says where
    return paragraphs + own


def named(text: str, unit: str) -> list[str]:
    """The citations one clause names, read against ``unit``; quoted words left out. A subpart named with a
    section is where the section goes, not a target."""
    clean = _POSITION.sub(" ", t.QUOTED.sub(" ", text))
    eccn = unit if is_eccn(unit) else None
    items = [i for i in t.eccn_items(clean, eccn) if i != eccn or not eccn]
    sections = t.sections(clean)
    base = sections[0] if sections else unit
    if re.search(r"\bdefinitions?\b", text) and base:
        return [definition(base, term) for term in t.quoted(text)]
    designated = _designated(clean, base, items)
    blocks = [f"{eccn} {b}" for b in _BLOCK.findall(clean)] if eccn else []
    out = designated + (sections if not designated else []) + items + blocks
    out += [f"Chapter {c}" for c in _CHAPTER.findall(clean)]
    out += [] if out else t.subparts(clean) or ([] if items else t.supplements(clean))
    return list(dict.fromkeys(out))


def _verb_steps(body: str, start: int, unit: str, fallback: tuple[str, ...]) -> list[Step]:
    verbs = list(_VERB.finditer(body, start))
    steps: list[Step] = []
    for n, verb in enumerate(verbs):
        clause = body[verb.start(): verbs[n + 1].start() if n + 1 < len(verbs) else len(body)]
        action = "revise" if _ADD_HEADING.match(clause) else _ACTION[verb.lastgroup or "revise"]
        if action == "redesignate":
            old, new = (_AS.split(clause, maxsplit=1) + [""])[:2]
            before = tuple(named(old, unit)) or fallback
            steps.append(Step(action, before, tuple(named(new, unit))[: len(before)]))
            continue
        steps.append(Step(action, tuple(named(clause, unit)) or fallback))
    return _borrow(steps, fallback)


def _borrow(steps: list[Step], fallback: tuple[str, ...]) -> list[Step]:
    """A clause naming nothing ("revise and redesignate paragraph (b)") takes the next clause's citations."""
    out = list(steps)
    for n in range(len(out) - 2, -1, -1):
        if out[n].targets == fallback and out[n + 1].targets != fallback:
            out[n] = out[n]._replace(targets=out[n + 1].targets)
    return out


class _Read(NamedTuple):
    first: re.Match[str] | None  # the first action verb
    unit: str
    narrowed: tuple[str, ...]  # what the words before the verb narrow the unit to
    fallback: tuple[str, ...]  # the targets of a clause that names none


def _read_context(body: str, scope: Scope) -> _Read:
    first = _VERB.search(body)
    preamble = body[: first.start()] if first else body
    unit = _unit(preamble, scope) or _unit(body, scope)
    block = country_block(preamble) if unit == ENTITY_LIST else None
    narrowed = (block,) if block else tuple(t.paragraphs(t.QUOTED.sub(" ", preamble), unit)) if unit else ()
    fallback = narrowed or scope.targets or tuple(named(preamble, unit)) or ((unit,) if unit else ())
    return _Read(first, unit, narrowed, fallback)


def read_amdpar(text: str, scope: Scope) -> tuple[list[Step], Scope]:
    """The steps of one AMDPAR and the scope for the sub-steps that follow it."""
    numbered = bool(re.match(r"^\s*\d+\.", text))
    if numbered:
        scope = Scope(scope.part, "", ())
    body = _NEWLY.sub(" ", _NUMBER.sub("", text, count=1))
    if authority := _AUTHORITY.search(body):
        target = (f"Part {authority.group(1)} Authority",)
        return [Step("context" if "continues to read" in body else "revise", target)], scope
    first, unit, narrowed, fallback = _read_context(body, scope)
    inner = Scope(scope.part, unit, narrowed or scope.targets)
    if first is None:
        action: InstructionAction = "context" if _HEADING_END.search(body) and fallback else "not-understood"
        return [Step(action, fallback)], inner
    after = inner if numbered else scope
    if step := special(body, lambda rest: tuple(named(rest, unit)) or fallback, unit, fallback):
        return [step], after
    if _IN_PLACE.search(body):
        return [Step("revise", tuple(named(body[first.start():], unit)) or fallback)], after
    return _verb_steps(body, first.start(), unit, fallback), after
