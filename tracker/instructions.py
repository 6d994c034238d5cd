"""Amendment instructions as data: each AMDPAR of a Federal Register rule, structured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

InstructionAction = Literal[
    "revise", "add", "remove", "remove-and-reserve", "reserve", "redesignate",
    "add-words", "remove-words", "revise-words", "revise-reference", "add-entity", "remove-entity",
    "revise-entity", "add-country", "remove-country", "not-understood",
]


@dataclass(frozen=True, slots=True)
class Instruction:
    """One amendment instruction: what an AMDPAR does to which citations."""

    document_number: str
    part: str
    index: int
    action: InstructionAction
    targets: tuple[str, ...]
    new_targets: tuple[str, ...] = ()
    old_words: str | None = None
    new_words: str | None = None
    new_text: tuple[tuple[str, str], ...] = ()
    written: str = ""
