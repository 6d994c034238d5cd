"""What a reference's target is on a date: ``ok``, ``reserved``, ``historical``, ``broken`` or ``unverifiable``.

A target is looked up in the version of its Part in force on the date (:class:`Catalog`):

- ``ok``: it exists (``740.10(a)(3)(v)``, ``3B001.j``, a ``[E:1]`` column of the Country Group tables, a
  stored ``Part 744``; an item written out only through its sub-items, ``3A001.z.2`` when ``3A001.z.2.a``
  exists; an ECCN series ``9x515`` with at least one member);
- ``reserved``: it is a ``[Reserved]`` paragraph, or falls in a reserved range (``9A610.r`` in
  ``9A610.k-s``, "k. through s. [Reserved]");
- ``historical``: it is gone on purpose, by the regulation's own words (:mod:`tracker.ref_history`): in its
  own sentence, or where any stored paragraph names it "formerly listed", "were classified under" it…;
- ``broken``: it does not exist in a version of its Part that is stored whole;
- ``unverifiable``: its Part is not stored on the date, is stored only as an excerpt, or is outside
  title 15 (``22 CFR 121.1``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, get_args

from tracker.citations import (
    ECCN_SERIES,
    Citation,
    is_eccn_key,
    is_roman_level,
    label_rank,
    part_of,
    range_key,
)
from tracker.model import Paragraph, Reference
from tracker.parse.refs import expand
from tracker.ref_history import marked
from tracker.store import Store

Status = Literal["ok", "reserved", "historical", "broken", "unverifiable"]
STATUSES: tuple[Status, ...] = get_args(Status)

_GROUP_COLUMN = re.compile(r"\[([A-E]):\s?(\d)\]")
_COUNTRY_GROUPS = "Supplement No. 1 to Part 740"
_RESERVED = re.compile(r"\[reserved\][.;]?\s*$", re.I)
_RELATIVE_TAIL = re.compile(r"^(?:this\s+)?paragraphs?\s+((?:\([A-Za-z0-9]{1,5}\))+)\s+of this section")
#: A relative designation that cannot start from the section itself: roman, number or capital first.
_DEEP_FIRST = re.compile(r"^\((?:[ivx]+|\d+|[A-Z])\)")
_SERIES = re.compile(rf"(?:{ECCN_SERIES})(?:\.[a-z0-9.]+)?")


def is_reserved_text(text: str) -> bool:
    """True for a paragraph that only holds its place: ``(e) [Reserved]``, ``f. through w. [Reserved]``.

    >>> is_reserved_text("(e) [Reserved]"), is_reserved_text("b. to x. [Reserved]."), is_reserved_text("(a) Scope.")
    (True, True, False)
    """
    return len(text) <= 80 and _RESERVED.search(text) is not None


@dataclass(frozen=True)
class PartVersion:
    """The citations of one stored version of a Part: all of them, the reserved ones, and ranges by parent."""

    version: str
    whole: bool
    keys: frozenset[str]
    reserved: frozenset[str]
    ranges: dict[str, tuple[tuple[str, str, str], ...]]

    @classmethod
    def of(cls, version: str, whole: bool, paragraphs: list[Paragraph]) -> PartVersion:
        ranges: dict[str, list[tuple[str, str, str]]] = {}
        for p in paragraphs:
            r = range_key(p.citation)
            if r is not None:
                ranges.setdefault(r[0], []).append((r[1], r[2], p.citation))
        return cls(
            version, whole, frozenset(p.citation for p in paragraphs),
            frozenset(p.citation for p in paragraphs if is_reserved_text(p.text)),
            {k: tuple(v) for k, v in ranges.items()},
        )

    @cached_property
    def sorted_keys(self) -> list[str]:
        return sorted(self.keys)

    def has_children(self, target: str) -> bool:
        """True for ``3A001.z.2`` when only ``3A001.z.2.a`` … are written out (the CCL's 2025 style)."""
        i = bisect.bisect_left(self.sorted_keys, target + ".")
        return i < len(self.sorted_keys) and self.sorted_keys[i].startswith(target + ".")

    def range_of(self, target: str) -> str | None:
        """The range key the target falls in (``9A610.k-s`` for ``9A610.r`` or ``9A610.r.1``), else None."""
        c = Citation.parse(target)
        if c is None or c.kind not in ("eccn", "section"):
            return None
        for depth, label in enumerate(c.path):
            parent = str(Citation(c.kind, c.base, c.path[:depth]))
            roman = is_roman_level(c, depth)
            for first, last, key in self.ranges.get(parent, ()):
                if label.isdigit() == first.isdigit() == last.isdigit() and (
                    label_rank(first, roman=roman) <= label_rank(label, roman=roman) <= label_rank(last, roman=roman)
                ):
                    return key
        return None


class Catalog:
    """What exists on a date: every stored Part in its version in force, and what the text calls historical."""

    def __init__(self, store: Store, versions: dict[str, str]) -> None:
        self.versions = versions
        self.paragraphs = {part: store.paragraphs_on(part, version) for part, version in versions.items()}
        self.parts: dict[str, PartVersion] = {}
        for part, version in versions.items():
            snapshot = store.snapshot(part, version)
            whole = snapshot is not None and not snapshot.excerpt
            self.parts[part] = PartVersion.of(version, whole, self.paragraphs[part])
        self.declared = self._declarations()

    @cached_property
    def country_groups(self) -> frozenset[str]:
        tables = [p.text for p in self.paragraphs.get("740", []) if p.unit == _COUNTRY_GROUPS and p.kind == "table"]
        return frozenset(f"{g}:{n}" for text in tables for g, n in _GROUP_COLUMN.findall(text))

    def _declarations(self) -> dict[str, str]:
        """Missing targets some paragraph names as historical ("formerly listed", "were classified under"),
        with the reason to give wherever else they are cited."""
        out: dict[str, str] = {}
        for paragraphs in self.paragraphs.values():
            for p in paragraphs:
                for ref in p.refs:
                    cue = marked(p.text, ref.text, agency=False)
                    if cue and ref.target not in out and self._exists(ref.target) is None:
                        out[ref.target] = f"historical: {p.citation} names it so (\"{cue}\")"
        return out

    def _exists(self, target: str) -> tuple[Status, str] | None:
        """``(status, reason)`` when ``target`` exists, is implied by its sub-items or falls in a range."""
        part = part_of(target)
        held = self.parts.get(part) if part else None
        if held is None:
            return None
        if target in held.keys:
            return ("reserved", f"{target} is [Reserved]") if target in held.reserved else ("ok", "")
        if is_eccn_key(target) and held.has_children(target):
            return "ok", f"{target} has no text of its own; its sub-items exist"
        within = held.range_of(target)
        if within is not None:
            if within in held.reserved:
                return "reserved", f"{target} falls in {within} [Reserved]"
            return "ok", f"{target} falls in {within}"
        return None

    def check(self, ref: Reference, citing: Paragraph) -> tuple[Status, str]:
        """``(status, reason)`` for one reference made in ``citing``."""
        if ref.kind == "external":
            return "unverifiable", "outside title 15"
        if ref.kind == "country-group":
            return self._group(ref.target)
        if _SERIES.fullmatch(ref.target):
            return self._series(ref.target)
        cited = Citation.parse(ref.target)
        part = cited.part if cited is not None else part_of(ref.target)
        if part is None:
            return "unverifiable", "not a single citation"
        held = self.parts.get(part)
        if held is None:
            return "unverifiable", f"Part {part} is not stored on this date"
        if cited is not None and cited.kind == "part":
            return "ok", ""
        found = self._exists(ref.target) or self._elliptical(ref, citing)
        if found is not None:
            return found
        return self._missing(ref, citing, held, part)

    def span(self, ref: Reference) -> str:
        """What a range reference takes in, read against the keys of its Part (its end is a reference of its own)."""
        part = part_of(ref.target)
        held = self.parts.get(part) if part else None
        found = expand(ref, held.keys if held else frozenset())
        return f"a range through {ref.through}: {len(found.targets)} citation(s) exist in it"

    def _missing(self, ref: Reference, citing: Paragraph, held: PartVersion, part: str) -> tuple[Status, str]:
        cue = marked(citing.text, ref.text)
        if cue:
            return "historical", f"named historical or another agency's by the text itself (\"{cue}\")"
        declared = self._declared(ref.target)
        if declared:
            return "historical", declared
        if not held.whole:
            return "unverifiable", f"Part {part} is stored only as an excerpt on {held.version}"
        return "broken", f"{ref.target} does not exist in Part {part} as of {held.version}"

    def _declared(self, target: str) -> str | None:
        while True:
            if target in self.declared:
                return self.declared[target]
            cut = max(target.rfind("."), target.rfind("("))
            if cut <= 0:
                return None
            target = target[:cut]

    def _group(self, target: str) -> tuple[Status, str]:
        held = self.parts.get("740")
        group = target.removeprefix("Country Group ")
        if group in self.country_groups:
            return "ok", ""
        if held is None or not held.whole:
            return "unverifiable", "the Country Group tables (Supplement No. 1 to Part 740) are not stored whole"
        return "broken", f"no column [{group}] in the Country Group tables of Supplement No. 1 to Part 740"

    def _series(self, target: str) -> tuple[Status, str]:
        held = self.parts.get("774")
        eccn, _, rest = target.partition(".")
        letter = r"[A-E]" if eccn[1] == "x" else r"\d"
        pattern = re.compile(re.escape(eccn).replace("x", letter, 1) + (r"\." + re.escape(rest) if rest else ""))
        members = sorted(k for k in held.keys if pattern.fullmatch(k)) if held else []
        if members:
            return "ok", f"a series: {', '.join(members[:4])}{' …' if len(members) > 4 else ''}"
        if held is None or not held.whole:
            return "unverifiable", "Part 774 is not stored whole on this date"
        return "broken", f"no ECCN of the series {target} exists in Part 774 as of {held.version}"

    def _elliptical(self, ref: Reference, citing: Paragraph) -> tuple[Status, str] | None:
        """For "paragraph (viii) of this section" written in 740.20(d)(2): the existing 740.20(d)(2)(viii).

        Only for relative references whose first designation is not a top-level letter, read
        against the citing paragraph's own ancestors, nearest first.
        """
        tail = _RELATIVE_TAIL.match(ref.text)
        if not tail or not _DEEP_FIRST.match(tail.group(1)):
            return None
        prefix = citing.citation
        while "(" in prefix:
            candidate = prefix + tail.group(1)
            if self._exists(candidate):
                return "ok", f"elliptical reference, read as {candidate}"
            prefix = prefix[: prefix.rindex("(")]
        return None
