"""Plain text of a diff (``tracker diff``) and of a key's history (``tracker history``).

:mod:`tracker.diff` and :mod:`tracker.history` return data; this module renders it. Redlines read
``[-deleted-]`` and ``{+inserted+}`` (:func:`tracker.report.markup.runs_to_text`, as in the text report); text is
plain (no ``*italic*`` or ``**bold**`` marks, superscripts as ``10³``). :data:`TEXT_FILTERS` are the pieces the
text report's template uses.

>>> from tracker.model import Change
>>> change_head(Change("reference-only", "740.10(a)", "740", "740.10", 0, reference_pairs=(("a", "b"),)))
'740.10(a): reference-only (a → b)'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.diff import DiffResult, redline
from tracker.history import History
from tracker.model import Change, Rule
from tracker.report import data
from tracker.report.markup import runs_to_text, text_to_plain


def change_head(c: Change) -> str:
    """``citation: kind``, the old citation of a redesignation and the ``old → new`` reference pairs."""
    head = f"{c.citation}: {c.kind}"
    if c.old_citation:
        head += f" from {c.old_citation}"
    if c.reference_pairs:
        head += " (" + "; ".join(f"{a} → {b}" for a, b in c.reference_pairs) + ")"
    return head


def _part_lines(c: Change, indent: str) -> list[str]:
    """The new sub-paragraphs of a ``restructured`` change, one line each."""
    return [f"{indent}+ {p.citation}: {text_to_plain(p.new_text or '')}" for p in c.parts]


def diff_text(result: DiffResult) -> str:
    """A diff grouped Part → section/ECCN → paragraph, counts per kind at the top."""
    lines = [f"Changes from {result.date_a} to {result.date_b}"]
    lines += [f"  note: {n}" for n in result.notes]
    counts = {k: n for k, n in result.counts().items() if n}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items()) or "no changes to regulatory text"
    lines.append(f"{len(result.changes)} change(s): {summary}")
    part = unit = None
    for c in result.changes:
        if c.part != part:
            part, unit = c.part, None
            lines += ["", f"Part {part}"]
        if c.unit != unit:
            unit = c.unit
            lines.append(f"  {unit}")
        lines.extend(_diff_change_lines(c))
    return "\n".join(lines) + "\n"


def _diff_change_lines(c: Change) -> list[str]:
    """The head, a heading redline, and the text redline (or the whole text of an added/removed paragraph)."""
    lines = [f"    {change_head(c)}"]
    if (heading := heading_redline(c)) is not None:
        lines.append(f"      heading: {heading}")
    if c.redline:
        lines.append(f"      {runs_to_text(c.redline)}")
    elif c.kind in ("added", "restored"):
        lines.append(f"      {text_to_plain(c.new_text or '')}")
    elif c.kind == "removed":
        lines.append(f"      {text_to_plain(c.old_text or '')}")
    return lines + _part_lines(c, "      ")


def heading_redline(c: Change) -> str | None:
    """The word-level redline of a changed heading, unless the text's redline (or the whole text of an added or
    removed paragraph) already shows it, each heading being within its text as an ECCN's is: shown once."""
    old, new = c.old_heading or "", c.new_heading or ""
    if old == new:
        return None
    pairs = ((old, c.old_text or ""), (new, c.new_text or ""))
    text_shown = bool(c.redline) or pairs[0][1] != pairs[1][1]
    if text_shown and all(text_to_plain(h) in text_to_plain(t) for h, t in pairs if h):
        return None
    return runs_to_text(heading_runs(c))


def heading_runs(c: Change) -> list[tuple[str, str]]:
    """The word-level redline runs of the change's heading (old → new)."""
    return list(redline(c.old_heading or "", c.new_heading or ""))


def shared_rules(changes: tuple[Change, ...]) -> tuple[Rule, ...] | None:
    """The rules named for every one of ``changes`` (``()``: none identified for any), None when they differ:
    a source said once for a group of changes.

    >>> r = Rule("2024-07004", "89 FR 23876", "t")
    >>> a, b = Change("added", "1.1(a)", "1", "1.1", 0), Change("added", "1.1(b)", "1", "1.1", 1, rules=(r,))
    >>> shared_rules((a, a)), shared_rules((b, b)) == (r,), shared_rules((a, b))
    ((), True, None)
    """
    first = changes[0].rules if changes else ()
    return first if all(c.rules == first for c in changes) else None


#: The text report's filters: plain text, its redline, the heading line, the source shared by a group.
TEXT_FILTERS: dict[str, Callable[..., Any]] = {
    "plain": text_to_plain,
    "redline_text": lambda c: runs_to_text(data.redline(c)),
    "heading_text": heading_redline,
    "shared_rules": shared_rules,
}


def rule_label(r: Rule) -> str:
    """``89 FR 23876 (2024-07004) Title``."""
    return f"{r.citation or 'FR document'} ({r.document_number}) {r.title}".rstrip()


def history_text(h: History) -> str:
    """A key's timeline, newest first: per date the rules, the changes and (if asked for) the text."""
    lines = [f"History of {h.key} (Part {h.part}): {len(h.entries)} change date(s), newest first"]
    if h.removed:
        lines.append(f"Removed on {h.removed}: not in the versions from that date on")
    for e in h.entries:
        lines += ["", f"{e.date}  (compared with {e.previous})"]
        lines += [f"  rule: {rule_label(r)}" for r in e.rules] or ["  rule: not identified"]
        for c in e.changes:
            lines.extend(_history_change_lines(c))
        for a in e.applying:
            lines.append(f"  applies to {h.key} ({a.by}):")
            lines.extend(_history_change_lines(a.change))
        if e.text is not None:
            lines += ["  text in force from this date:", *(f"    {text_to_plain(t)}" for t in e.text.splitlines())]
    since = "first stored version" if h.first_seen == h.first_stored else "added then"
    lines += ["", f"{h.first_seen}: earliest stored text ({since})"]
    if h.first_text is not None:
        lines += [f"    {text_to_plain(t)}" for t in h.first_text.splitlines()]
    return "\n".join(lines) + "\n"


def _history_change_lines(c: Change) -> list[str]:
    """The head and the redline, else the paragraph's text (its new text, or the old one if removed)."""
    text = c.new_text if c.new_text is not None else c.old_text
    body = runs_to_text(c.redline) if c.redline else text_to_plain(text or "")
    return ([f"  {change_head(c)}", f"      {body}"] if body else [f"  {change_head(c)}"]) + _part_lines(c, "      ")
