"""The shared data type of amendment instructions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: ``context`` is an AMDPAR that changes nothing by itself: an authority citation that "continues to read",
#: or the heading of lettered sub-steps ("7. In § 1006.215:"); its targets are what the sub-steps amend.
InstructionAction = Literal[
    "revise", "add", "remove", "remove-and-reserve", "reserve", "redesignate",
    "add-words", "remove-words", "revise-words", "revise-reference", "add-entity", "remove-entity",
    "revise-entity", "add-country", "remove-country", "context", "not-understood",
]


@dataclass(frozen=True, slots=True)
class Instruction:
    """One amendment instruction: what an AMDPAR does to which citations (one AMDPAR may give several,
    sharing its ``index``)."""

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
