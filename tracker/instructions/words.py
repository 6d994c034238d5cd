"""Instructions that change words, references, Entity List entries or Country Group rows rather than whole
paragraphs: "removing “X” and adding in its place “Y”", "revise the reference to X to read Y", "adding the word
“and” at the end of paragraph (a)(5)", "adding under CHINA, in alphabetical order, an entry for “…”".

>>> special("revise the reference to § 740.10(a)(3)(v) to read § 740.10(a)(2)(iv)", lambda _: ("740.2(a)(8)(i)",), "",
...         ())
Step(action='revise-reference', targets=('740.2(a)(8)(i)',), new_targets=(), old_words='§ 740.10(a)(3)(v)', \
new_words='§ 740.10(a)(2)(iv)')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from tracker.citations import row
from tracker.instructions.targets import quoted
from tracker.instructions.types import InstructionAction
from tracker.parse.lists import party_name

ENTITY_LIST = "Supplement No. 4 to Part 744"
ENTITY_TABLE = f"{ENTITY_LIST} Table 1"
_COUNTRY_GROUPS = "Supplement No. 1 to Part 740"
_Q = r"[“\"]([^”\"]*)[”\"]"
_REFERENCES = (re.compile(rf"revis\w*\s+the\s+(?:reference|citation)s?\s+(?:to\s+)?{_Q}.*?\bto\s+read\s+{_Q}", re.I),
               re.compile(
    r"revis\w*\s+the\s+(?:reference|citation)s?\s+(?:to\s+)?[“\"]?(.+?)[”\"]?\s+to\s+read\s+[“\"]?(.+?)[”\"]?"
    r"(?=\s+in\s+|[.;,]?\s*$)", re.I))
_IN_PLACE = re.compile(
    rf"remov\w*\s+(?:the\s+)?(?:(\w+)\s+)?{_Q}.*?\badd\w*\s+in\s+(?:its|their)\s+places?\s+(?:the\s+\w+\s+)?{_Q}",
    re.I)
_PUNCTUATION = re.compile(r"remov\w*\s+the\s+(\w+?)s?\s+at the ends?\b.*\badd\w*\s+(\w+?)s?\s+in\s+their\s+places?",
                          re.I)
_MARKS = {"semicolon": ";", "period": ".", "comma": ",", "colon": ":"}
_ADD_WORDS = re.compile(rf"\badd\w*\s+(?:the\s+)?(?:word|words|phrase|sentence)s?\s+{_Q}", re.I)
_REMOVE_WORDS = re.compile(
    rf"\bremov\w*\s+(?:the\s+)?(?:(?:word|words|phrase|sentence|citation)s?\s+{_Q}|{_Q}"
    r"|(?:\w+\s+)?sentences?\b)", re.I)
_ENTITY_VERB = re.compile(r"\b(add|remov|revis)\w*", re.I)
# "under CHINA, PEOPLE'S REPUBLIC OF," (capitals, commas and all) or "under the destination Russia"
_UNDER = re.compile(
    r"\b(?i:under)\s+(?:the\s+destination\s+(?:of\s+)?)?([A-Z][A-Z.'’-]+(?:,?\s+[A-Z][A-Z.'’-]*)*\b"
    r"|[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*)*)")
_GROUP = re.compile(r"\bCountry\s+Group\s+([A-E])\b", re.I)
_ACTIONS: dict[str, tuple[InstructionAction, InstructionAction]] = {
    "add": ("add-entity", "add-country"), "remov": ("remove-entity", "remove-country"),
    "revis": ("revise-entity", "revise-entity")}


class Step(NamedTuple):
    """What one clause of an AMDPAR does: the Instruction's fields without its document context."""

    action: InstructionAction
    targets: tuple[str, ...]
    new_targets: tuple[str, ...] = ()
    old_words: str | None = None
    new_words: str | None = None


Cite = Callable[[str], tuple[str, ...]]


def _rest(text: str, m: re.Match[str]) -> str:
    """The instruction without the two references it quotes (their citations are not its targets)."""
    return text[: m.start(1)] + " " + text[m.end(1): m.start(2)] + " " + text[m.end(2):]


def _words_step(text: str, cite: Cite) -> Step | None:
    if m := _REFERENCES[0].search(text) or _REFERENCES[1].search(text):
        return Step("revise-reference", cite(_rest(text, m)), old_words=m.group(1), new_words=m.group(2))
    if m := _IN_PLACE.search(text):
        kind: InstructionAction = (
            "revise-reference" if (m.group(1) or "").lower() in ("citation", "reference") else "revise-words")
        return Step(kind, cite(text), old_words=m.group(2), new_words=m.group(3))
    if m := _PUNCTUATION.search(text):
        old, new = _MARKS.get(m.group(1).lower()), _MARKS.get(m.group(2).lower())
        return Step("revise-words", cite(text), old_words=old, new_words=new) if old and new else None
    if m := _ADD_WORDS.search(text):
        return Step("add-words", cite(text), new_words=m.group(1))
    if m := _REMOVE_WORDS.search(text):
        return Step("remove-words", cite(text), old_words=m.group(1) or m.group(2))
    return None


def country_block(text: str) -> str | None:
    """The Entity List country block an instruction is "under" (``… Table 1 [CHINA, PEOPLE'S REPUBLIC OF]``)."""
    under = _UNDER.search(text)
    return row(ENTITY_TABLE, under.group(1).strip().upper()) if under else None


def _rows_step(text: str, unit: str, scope: tuple[str, ...]) -> Step | None:
    """An Entity List entry or a Country Group row added, removed or revised, keyed like the parser's rows; the
    country block from the text or from the heading it sits under (``scope``)."""
    verb, names = _ENTITY_VERB.search(text), quoted(text)
    if verb is None:
        return None
    entity_action, country_action = _ACTIONS[verb.group(1).lower()]
    if unit == ENTITY_LIST or ENTITY_LIST.lower() in text.lower():
        block = country_block(text) or next((s for s in scope if s.startswith(ENTITY_TABLE + " [")), None)
        if block:  # entries not named ("adding under IRAN … five entities") are the country block's
            return Step(entity_action, tuple(row(block, party_name(name)) for name in names) or (block,))
    group = _GROUP.search(text)
    if group and names and (unit == _COUNTRY_GROUPS or _COUNTRY_GROUPS.lower() in text.lower()):
        table = f"{_COUNTRY_GROUPS}, Country Group {group.group(1).upper()}"
        return Step(country_action, tuple(row(table, name) for name in names))
    return None


def special(text: str, cite: Cite, unit: str, scope: tuple[str, ...]) -> Step | None:
    """The step of a clause that changes words or rows, or None when it is an ordinary paragraph instruction;
    ``cite`` gives the citations the rest of the instruction names, ``scope`` what its heading named."""
    return _rows_step(text, unit, scope) or _words_step(text, cite)
