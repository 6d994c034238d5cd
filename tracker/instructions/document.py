"""Federal Register XML (a document or a whole daily issue) → the instructions of every AMDPAR, in order.

A RULE or PRORULE is one document (its number from ``[FR Doc. 2024–02930 Filed …]``); its AMDPARs sit in
``REGTEXT`` (with ``PART``/``TITLE``) or, in proposed rules, after a ``PART`` heading. The text printed after an
AMDPAR (or after the run of AMDPARs of one numbered instruction) gives the new text of what it revises or adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from tracker.citations import ECCN, row
from tracker.instructions.clauses import Scope, read_amdpar
from tracker.instructions.printed import printed, table_rows
from tracker.instructions.types import Instruction
from tracker.instructions.words import ENTITY_TABLE, Step
from tracker.parse.keytext import without_marks
from tracker.parse.lists import party_name
from tracker.xmltext import load_xml, normalise_ws

_FRDOC = re.compile(r"(\d{4})\s*[-–]\s*(\d+)")
_PART_HEAD = re.compile(r"^PART\s+(\d+)\b", re.I)
_CFR = re.compile(r"^(\d+)\s+CFR\b")
_PART_OF = (re.compile(r"^(\d+)\.\w"), re.compile(r"\bPart (\d+)\b"), re.compile(rf"^{ECCN}"))
_WITH_TEXT = frozenset({"revise", "add"})
_WITH_ROWS = frozenset({"add-entity", "revise-entity"})
_BLOCK = re.compile(rf"^{re.escape(ENTITY_TABLE)} \[([^\]]+)\]")


def document_number(doc: etree._Element) -> str:
    """``2024-02930`` from the document's FRDOC line; "" when it has none."""
    match = _FRDOC.search(doc.findtext(".//FRDOC") or "")
    return f"{match.group(1)}-{match.group(2)}" if match else ""


def _documents(element: etree._Element) -> list[etree._Element]:
    docs = [d for d in element.iter("RULE", "PRORULE")]
    return docs or [element]


def _title_and_part(amdpar: etree._Element, doc: etree._Element) -> tuple[str, str]:
    regtext = next((a for a in amdpar.iterancestors("REGTEXT")), None)
    if regtext is not None:
        return regtext.get("TITLE", ""), regtext.get("PART", "")
    cfr = _CFR.match(normalise_ws(doc.findtext(".//CFR") or ""))
    part = ""
    for el in amdpar.itersiblings("PART", preceding=True):
        if head := _PART_HEAD.match(normalise_ws("".join(str(x) for x in el.itertext()))):
            part = head.group(1)
            break
    return (cfr.group(1) if cfr else ""), part


def _printed_after(amdpar: etree._Element) -> list[etree._Element]:
    """The elements after an AMDPAR up to the next instruction (the AMDPARs right after it are its sub-steps)."""
    out: list[etree._Element] = []
    for el in amdpar.itersiblings():
        if el.tag == "AMDPAR":
            if out:
                break
            continue
        if isinstance(el.tag, str):
            out.append(el)
    return out


def _under(key: str, target: str) -> bool:
    return key == target or key.startswith((target + "(", target + ".", target + " (", target + " ¶", target + " ["))


def _entity_rows(targets: tuple[str, ...], elements: list[etree._Element]) -> list[tuple[str, str]]:
    """The Entity List rows printed after an AMDPAR, keyed as the parser keys them: the country block (the row's
    first cell, else the one before, else the instruction's) and the party the entity cell names."""
    country = next((m.group(1) for t in targets if (m := _BLOCK.match(t))), "")
    out = []
    for cells in table_rows(elements):
        if len(cells) > 1 and cells[1].strip():
            country = without_marks(cells[0]).strip() or country
            out.append((row(ENTITY_TABLE, country, party_name(cells[1])), " | ".join(cells[1:])))
    return out


def _new_text(step: Step, elements: list[etree._Element]) -> tuple[tuple[str, str], ...]:
    if step.action in _WITH_TEXT:
        return tuple((k, v) for k, v in printed(elements) if any(_under(k, t) for t in step.targets))
    if step.action in _WITH_ROWS:
        return tuple((k, v) for k, v in _entity_rows(step.targets, elements) if any(_under(k, t) for t in step.targets))
    return ()


def _keyed(step: Step, new_text: tuple[tuple[str, str], ...]) -> Step:
    """An Entity List step that names only a country block ("adding under IRAN … two entities") targets the
    entries its printed rows name."""
    if step.action in _WITH_ROWS and new_text and all(t.count(" [") == 1 for t in step.targets):
        return step._replace(targets=tuple(dict.fromkeys(k for k, _ in new_text)))
    return step


def _part(targets: tuple[str, ...], default: str) -> str:
    for rx in _PART_OF:
        if targets and (m := rx.search(targets[0])):
            return m.group(1) if m.groups() else "774"
    return default


def _document_instructions(doc: etree._Element, title: str | None) -> Iterator[Instruction]:
    number = document_number(doc)
    scope = Scope("", "", ())
    for index, amdpar in enumerate(doc.iter("AMDPAR"), start=1):
        cfr_title, part = _title_and_part(amdpar, doc)
        written = normalise_ws("".join(str(t) for t in amdpar.itertext()))
        steps, scope = read_amdpar(written, scope._replace(part=part))
        if title is not None and cfr_title != title:
            continue
        elements = _printed_after(amdpar)
        for read in steps:
            new_text = _new_text(read, elements)
            step = _keyed(read, new_text)
            yield Instruction(
                number, _part(step.targets, part), index, step.action, step.targets, step.new_targets,
                step.old_words, step.new_words, new_text, written)


def instructions_in(element: etree._Element, title: str | None = None) -> list[Instruction]:
    """The instructions under ``element`` (a document, an issue or any ancestor), for CFR ``title`` if given."""
    return [i for doc in _documents(element) for i in _document_instructions(doc, title)]


def parse_instructions(xml: bytes, title: str | None = None, name: str = "<federal register xml>") -> list[Instruction]:
    """Every amendment instruction in Federal Register XML (one document or a daily issue)."""
    return instructions_in(load_xml(xml, name).getroot(), title)
