"""What each rule touched, for attribution: the units its amendment instructions name (derived from
:mod:`tracker.instructions`, which reads ``REGTEXT``/``AMDPAR`` into structured instructions).

Pure functions over GovInfo Federal Register XML (one document or a whole daily issue).

>>> xml = b'''<RULE><REGTEXT TITLE="15" PART="740">
... <AMDPAR>3. Section 740.2 is amended by revising paragraph (a)(8) to read as follows:</AMDPAR>
... </REGTEXT><REGTEXT TITLE="15" PART="774">
... <AMDPAR>4. In Supplement No. 1 to part 774, Category 3, revise ECCN 3A090 to read as follows:</AMDPAR>
... </REGTEXT></RULE>'''
>>> [tuple(a) for a in parse_amendments(xml)]
[('740', '740.2', 'revise'), ('774', '3A090', 'revise')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from lxml import etree

from tracker.citations import ECCN
from tracker.instructions import Instruction, instructions_in
from tracker.xmltext import load_xml


class Amendment(NamedTuple):
    """One instruction: ``part`` (``"740"``), ``target`` (``"740.10"``, ``"3A090"``,
    ``"Supplement No. 1 to Part 740"``, ``"authority"``) and ``action`` (``revise``, ``add``, ``remove``,
    ``redesignate``, ``reserve`` or the generic ``amend``)."""

    part: str
    target: str
    action: str


_ACTION = {
    "revise": "revise", "add": "add", "remove": "remove", "remove-and-reserve": "reserve", "reserve": "reserve",
    "redesignate": "redesignate", "add-words": "revise", "remove-words": "revise", "revise-words": "revise",
    "revise-reference": "revise", "add-entity": "add", "remove-entity": "remove", "revise-entity": "revise",
    "add-country": "add", "remove-country": "remove", "not-understood": "amend",
}
_UNIT = re.compile(rf"^(?:({ECCN})|(\d+\.[0-9A-Za-z]+(?:-\d+)?)|(Part \d+) Authority"
                   r"|((?:Supplement No\. \w+|Appendix \w+) to Part \d+))")


def unit_of(target: str) -> str:
    """The unit a fully qualified target sits in: ``740.10(a)`` → ``740.10``, ``3A001.z`` → ``3A001``,
    ``Supplement No. 4 to Part 744 Table 1 [CHINA] […]`` → ``Supplement No. 4 to Part 744``, a Part's
    authority → ``authority``; anything else (``Subpart C``) as it is."""
    m = _UNIT.match(target)
    if m is None:
        return target
    return "authority" if m.group(3) else next(g for g in m.groups() if g)


def _amendments(instruction: Instruction) -> list[Amendment]:
    action = _ACTION.get(instruction.action)
    if action is None:
        return []
    units = [unit_of(t) for t in instruction.targets + instruction.new_targets] or [""]
    return [Amendment(instruction.part, unit, action) for unit in units]


def _tidy(amendments: Iterable[Amendment]) -> list[Amendment]:
    """Distinct amendments in order, without a generic ``amend`` where a specific action names the target."""
    unique = list(dict.fromkeys(amendments))
    specific = {(a.part, a.target) for a in unique if a.action != "amend"}
    return [a for a in unique if a.action != "amend" or (a.part, a.target) not in specific]


def amendments_in(element: etree._Element, title: str | None = None) -> list[Amendment]:
    """The amendments under ``element`` (a ``RULE`` or any ancestor), for CFR ``title`` if given."""
    return _tidy(a for i in instructions_in(element, title) for a in _amendments(i))


def parse_amendments(xml: bytes, title: str | None = None, name: str = "<federal register xml>") -> list[Amendment]:
    """Every amendment instruction in a Federal Register document (or issue), for ``title`` if given."""
    return amendments_in(load_xml(xml, name).getroot(), title)
