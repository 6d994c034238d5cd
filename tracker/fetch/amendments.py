"""Amendment instructions (``REGTEXT``/``AMDPAR``) of Federal Register full text → what each rule touched.

Pure functions over GovInfo Federal Register XML (one document or a whole daily issue).

>>> xml = b'''<RULE><REGTEXT TITLE="15" PART="740">
... <AMDPAR>3. Section 740.2 is amended by revising paragraph (a)(8) to read as follows:</AMDPAR>
... </REGTEXT><REGTEXT TITLE="15" PART="774">
... <AMDPAR>4. In Supplement No. 1 to part 774, Category 3, revise ECCN 3A090 to read as follows:</AMDPAR>
... </REGTEXT></RULE>'''
>>> [tuple(a) for a in parse_amendments(xml)]
[('740', '740.2', 'revise'), ('774', 'Supplement No. 1 to Part 774', 'revise'), ('774', '3A090', 'revise')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from lxml import etree

from tracker.citations import ECCN
from tracker.xmltext import load_xml, normalise_ws


class Amendment(NamedTuple):
    """One instruction: ``part`` (``"740"``), ``target`` (``"740.10"``, ``"3A090"``,
    ``"Supplement No. 1 to Part 740"``, ``"authority"``) and ``action`` (``revise``, ``add``, ``remove``,
    ``redesignate``, ``reserve``, ``correct`` or the generic ``amend``)."""

    part: str
    target: str
    action: str


_VERBS = (
    ("redesignate", r"redesignat(?:e|es|ed|ing)"),
    ("reserve", r"reserv(?:e|es|ed|ing)"),
    ("revise", r"revis(?:e|es|ed|ing)"),
    ("remove", r"remov(?:e|es|ed|ing)"),
    ("add", r"add(?:s|ed|ing)?"),
    ("correct", r"correct(?:s|ed|ing)?"),
    ("amend", r"amend(?:s|ed|ing)?"),
)
_VERB = re.compile("|".join(rf"\b(?P<{name}>{rx})\b" for name, rx in _VERBS), re.IGNORECASE)
_NEWLY = re.compile(r"\bnewly (?:re)?designated\b", re.IGNORECASE)
_IN_PLACE = re.compile(r"\bin (?:its|their) places?\b", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_SECTION_NO = r"\d+\.[0-9A-Za-z]+(?:-\d+)?"
_SECTIONS = re.compile(
    rf"(?:§§?|\bsections?\b)\s*({_SECTION_NO}(?:\s*(?:,|and|or|through|,\s*and)\s*{_SECTION_NO})*)",
    re.IGNORECASE,
)
_SUPPLEMENT = re.compile(r"\b(supplement|appendix)\s+(?:no\.?\s*)?(\w+)\s+to\s+part\s+(\d+)", re.IGNORECASE)
_ECCN = re.compile(rf"\b({ECCN})\b")
_SUBPART = re.compile(r"\bsubpart ([A-Z]{1,2})\b", re.IGNORECASE)
_AUTHORITY = re.compile(r"\bauthority citation for part (\d+)", re.IGNORECASE)


def _actions(text: str) -> list[str]:
    text = _NEWLY.sub(" ", text)
    if _IN_PLACE.search(text):
        return ["revise"]
    found = list(dict.fromkeys(m.lastgroup for m in _VERB.finditer(text) if m.lastgroup))
    # "Remove and reserve § 22.80" reserves the section; "amend" is kept only when nothing says how.
    specific = [a for a in found if a != "amend" and not (a == "remove" and "reserve" in found)]
    return specific or ["amend"]


def _targets(text: str) -> list[tuple[str, str]]:
    """(part, target) pairs named in an instruction, quoted text left out."""
    text = _QUOTED.sub(" ", text).replace("–", "-")
    out: list[tuple[str, str]] = []
    for match in _SECTIONS.finditer(text):
        out += [(no.split(".")[0], no) for no in re.findall(_SECTION_NO, match.group(1))]
    for kind, number, part in _SUPPLEMENT.findall(text):
        label = "Supplement No." if kind.lower() == "supplement" else "Appendix"
        out.append((part, f"{label} {number} to Part {part}"))
    out += [("774", eccn) for eccn in _ECCN.findall(text)]
    authority = _AUTHORITY.search(text)
    if authority and "continues to read" not in text:
        out.append((authority.group(1), "authority"))
    subpart = None if out else _SUBPART.search(text)
    if subpart:
        out.append(("", f"Subpart {subpart.group(1)}"))
    return list(dict.fromkeys(out))


def _regtext_amendments(regtext: etree._Element) -> list[Amendment]:
    default_part = regtext.get("PART", "")
    current: list[tuple[str, str]] = []
    out: list[Amendment] = []
    for amdpar in regtext.iter("AMDPAR"):
        text = normalise_ws("".join(str(t) for t in amdpar.itertext()))
        if _AUTHORITY.search(text) and "continues to read" in text:
            continue
        named = [(part or default_part, target) for part, target in _targets(text)]
        current = named or current or ([(default_part, "")] if default_part else [])
        out += [Amendment(part, target, action) for part, target in current for action in _actions(text)]
    return out


def _tidy(amendments: Iterable[Amendment]) -> list[Amendment]:
    """Distinct amendments in order, without a generic ``amend`` where a specific action names the target."""
    unique = list(dict.fromkeys(amendments))
    specific = {(a.part, a.target) for a in unique if a.action != "amend"}
    return [a for a in unique if a.action != "amend" or (a.part, a.target) not in specific]


def amendments_in(element: etree._Element, title: str | None = None) -> list[Amendment]:
    """The amendments under ``element`` (a ``RULE`` or any ancestor), for CFR ``title`` if given."""
    found: list[Amendment] = []
    for regtext in element.iter("REGTEXT"):
        if title is None or regtext.get("TITLE") == title:
            found += _regtext_amendments(regtext)
    return _tidy(found)


def parse_amendments(xml: bytes, title: str | None = None, name: str = "<federal register xml>") -> list[Amendment]:
    """Every amendment instruction in a Federal Register document (or issue), for ``title`` if given."""
    return amendments_in(load_xml(xml, name).getroot(), title)
