"""The text a rule prints after its AMDPAR, keyed like the eCFR parser keys it: section paragraphs by their
designations (levels told apart by sequence: ``(i)`` after ``(h)`` is a letter, after ``(2)`` a roman numeral),
CCL items by ECCN and item path (``3A001.z.1``); "* * *" placeholders carry a key but no text.

>>> keyed_paragraphs("740.10", ["(a) * * *", "(2) * * *", "(iv) Replacement parts.", "(b) New."])
[('740.10(a)(2)(iv)', '(iv) Replacement parts.'), ('740.10(b)', '(b) New.')]
>>> keyed_items(["**3A001 Electronic items as follows.**", "* * * * *", "z. Commodities.", "z.1. More."])
[('3A001', '**3A001 Electronic items as follows.**'), ('3A001.z', 'z. Commodities.'), ('3A001.z.1', 'z.1. More.')]
"""

from __future__ import annotations

import re

from lxml import etree

from tracker.citations import definition, label_rank, section_number
from tracker.instructions.targets import paragraph_key
from tracker.xmltext import inline_text

_MARKER = re.compile(r"^\s*\(\s*\*?\s*([A-Za-z0-9]{1,4})\s*\*?\s*\)\s*")
_STARS = re.compile(r"^(?:\\?\*\s*){3,}$")
#: A designated paragraph's italic heading followed by the next designation ("(g) *Master files—* (1) …"): the
#: eCFR parser splits there (tracker.parse.markers reads the same shape).
_HEADED_NEXT = re.compile(r"^(\*[^*]+\*[^\w(*]{0,3}(?:—|--|\s))\s*(?=\(\s*\*?\s*[A-Za-z0-9]{1,4}\s*\*?\s*\)\s)")
_ECCN_HEAD = re.compile(r"^\**\s*(\d[A-E]\d{3})\b")
_ITEM = re.compile(r"^([a-z]{1,2}(?:\.\d{1,2}(?:\.[a-z]{1,2}(?:\.\d{1,2})*)?)?)\.\s")
_DEFINES = re.compile(r"\bmeans?\b|\bmeanings?\b|\bis defined\b|\bincludes?\b")
_TERM = re.compile(r"^\*([^*]+?)[,.]?\*\s|^“([^”]+?)[,.]?”\s")


def _kinds(label: str) -> set[str]:
    if label.isdigit():
        return {"number"}
    if label.isupper():
        return {"capital"}
    return ({"roman"} if re.fullmatch(r"[ivxl]+", label) else set()) | (
        {"letter"} if re.fullmatch(r"([a-z])\1?", label) else set())


def _follows(prev: str, label: str) -> bool:
    """True where ``label`` is the next sibling of ``prev`` (of the same kind: (h) → (i) and (i) → (ii) both)."""
    if prev.isdigit() or label.isdigit():
        return prev.isdigit() and label.isdigit() and int(label) == int(prev) + 1
    if prev.isupper() != label.isupper():
        return False
    roman = all(re.fullmatch(r"[ivxl]+", x) for x in (prev, label))
    return label_rank(label) == label_rank(prev) + 1 or (roman and label_rank(label, roman=True) ==
                                                          label_rank(prev, roman=True) + 1)


def _depth(path: list[str], label: str) -> int:
    """The level of ``label`` after ``path``: the next sibling of a level in the path; one level deeper for a first
    designation; else the deepest level of its kind (siblings left out of the printed text), else deeper."""
    for depth in range(len(path) - 1, -1, -1):
        if _follows(path[depth], label):
            return depth
    same = [d for d in range(len(path)) if _kinds(path[d]) & _kinds(label)]
    return same[-1] if same and label not in ("a", "1", "i", "A") else len(path)


def _split_headed(texts: list[str]) -> list[str]:
    """Each printed paragraph, one whose heading is followed by the next designation split in two."""
    out: list[str] = []
    for text in texts:
        rest, lead = text, ""
        while (m := _MARKER.match(rest)) and not lead:
            lead, rest = rest[: m.end()], rest[m.end():]
        head = _HEADED_NEXT.match(rest) if lead else None
        out += [(lead + head.group(1)).strip(), rest[head.end():]] if head else [text]
    return out


def keyed_paragraphs(unit: str, texts: list[str]) -> list[tuple[str, str]]:
    """(key, text) for each printed paragraph of ``unit`` that has text; placeholders only set the path; text
    before the first designated paragraph is keyed ``740.10 ¶1``, a definition by its term (``22.6 "Eagle nest"``,
    its paragraphs ``22.6 "Eagle nest"(1)``), like the parser's."""
    path: list[str] = []
    out: list[tuple[str, str]] = []
    base = unit
    for text in _split_headed(texts):
        if not _MARKER.match(text) and not _STARS.match(text.strip()):
            if (term := _TERM.match(text)) and _DEFINES.search(text[term.end(): term.end() + 200]):
                base, path = definition(unit, term.group(1) or term.group(2)), []
                out.append((base, text))
            elif not path and base == unit:
                out.append((f"{unit} ¶{len(out) + 1}", text))
            continue
        rest, labels = text, []
        while m := _MARKER.match(rest):
            labels.append(m.group(1))
            rest = rest[m.end():]
        for k, label in enumerate(labels):
            path = path[: _depth(path, label) if k == 0 else len(path)] + [label]
        if labels and not _STARS.match(rest.strip()):
            out.append((paragraph_key(base, tuple(path)), text))
    return out


def keyed_items(texts: list[str]) -> list[tuple[str, str]]:
    """(key, text) for printed CCL lines: ECCN headings and items written with their path."""
    eccn, out = "", []
    for text in texts:
        if head := _ECCN_HEAD.match(text):
            eccn = head.group(1)
            out.append((eccn, text))
        elif eccn and (item := _ITEM.match(text)):
            out.append((f"{eccn}.{item.group(1)}", text))
    return out


def printed(elements: list[etree._Element]) -> list[tuple[str, str]]:
    """The keyed paragraphs of the SECTION (or other printed text) elements after an AMDPAR."""
    out: list[tuple[str, str]] = []
    lines: list[str] = []
    for el in elements:
        if el.tag == "SECTION":
            unit = section_number((el.findtext("SECTNO") or "").replace("§", "").strip()) or ""
            texts = [inline_text(p) for p in el if p.tag in ("P", "FP")]
            out += keyed_paragraphs(unit, texts) if unit else []
        else:
            lines += [inline_text(p) for p in el.iter("P", "FP", "FP-1", "FP-2")]
    return out + keyed_items(lines)


def table_rows(elements: list[etree._Element]) -> list[list[str]]:
    """The cells of each row of the tables printed after an AMDPAR."""
    rows = [r for el in elements for r in el.iter("ROW", "TR")]
    return [[inline_text(c) for c in r if c.tag in ("ENT", "TD")] for r in rows]
