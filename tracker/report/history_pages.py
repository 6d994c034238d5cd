"""Static HTML history pages: ``eccn/3A090.html``, ``section/740.10.html``, ``supplement/740-1.html``, and an index.

One page per ECCN, section or supplement that changed in some stored version: its title, its timeline
(newest first, with kinds, redlines and rules, and the dates it was removed or came back), the references
pointing at it (each linking to the citing paragraph: on its unit's page when it has one, else in the eCFR),
and its text in force in the latest version — or, for a unit no longer in it, the date it was removed and
the last text it had. The index lists every page with its title; its filter box matches number, name and
title. Pages are plain files (no server, no external assets but the eCFR links); each is written atomically.

>>> import tempfile
>>> from tracker.store import Store
>>> sorted(write_history_pages(Store(":memory:"), Path(tempfile.mkdtemp())))
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tracker.applies import scope_of
from tracker.atomic import write_atomic
from tracker.history import History, history, last_text, span_rows
from tracker.model import Paragraph
from tracker.report.data import HISTORY_INDEX, citation_url, history_path, unit_label
from tracker.report.markup import text_to_plain
from tracker.report.render import environment
from tracker.store import Ref, Store
from tracker.xref import refs_to

#: The eCFR the pages link to for a paragraph without a history page.
ECFR_BASE = "https://www.ecfr.gov"


@dataclass(frozen=True)
class Key:
    """An ECCN or section that changed, with its timeline and its title (the latest heading): one row of the index."""

    part: str
    unit: str
    history: History
    title: str = ""

    @property
    def label(self) -> str:
        return unit_label(self.unit)

    @property
    def path(self) -> str:
        return history_path(self.unit) or ""


@dataclass(frozen=True)
class Page:
    """What one history page shows besides the timeline (``reports``: dates with a change report to link).

    ``current`` is the unit's text in the version of ``shown`` — the latest, or for a removed unit
    (``key.history.removed``) the last version that had it. ``applies`` maps each changed note or License
    Requirements row of the timeline to the items it names (``3A090.a, 3A090.b``, ``entire entry``).
    ``links`` maps each citing paragraph of ``inbound`` to where it is shown; ``events`` the dates of the
    timeline on which the unit as a whole was ``removed``, ``added`` or ``restored``.
    """

    key: Key
    inbound: tuple[Ref, ...]
    current: tuple[Paragraph, ...]
    shown: str
    reports: frozenset[str]
    applies: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)
    events: Mapping[str, str] = field(default_factory=dict)


def changed_units(store: Store) -> list[tuple[str, str]]:
    """``(part, unit)`` of every unit with a page whose span started after, or ended in, a stored version."""
    return sorted((p, u) for p, u in store.changed_units() if history_path(u))


def unit_title(store: Store, part: str, unit: str) -> str:
    """The unit's latest heading as plain text, without the name it repeats (``Country Groups`` for
    Supplement No. 1 to Part 740); empty when it has none."""
    own = [r for r in store.spans_starting(part, unit) if r.citation == unit]
    heading = text_to_plain(max(own, key=lambda r: r.valid_from).heading) if own else ""
    return heading.removeprefix(unit).lstrip(" —-–:.") if heading.startswith(unit) else heading


def anchor(citation: str) -> str:
    """The id of a paragraph's text on its unit's page (``p-740.10(a)(2)``, spaces as ``_``).

    >>> anchor("3A090 License Requirements RS applies to 3A090.b")
    'p-3A090_License_Requirements_RS_applies_to_3A090.b'
    """
    return "p-" + re.sub(r"[^\w.()\-]", "_", citation)


def build_page(store: Store, key: Key, reports: frozenset[str] = frozenset(), paged: frozenset[str] = frozenset(),
               ecfr_base: str = ECFR_BASE) -> Page:
    """The page data of one unit: the references to it (linked to the page of the citing unit if it is in
    ``paged``, else to the eCFR) and its text in the latest version that has it."""
    shown, current = last_text(store, key.unit, key.part)
    inbound = tuple(r for r in refs_to(store, key.unit) if r.from_unit != key.unit)
    links = {r.from_citation: f"../{history_path(r.from_unit)}#{anchor(r.from_citation)}" if r.from_unit in paged
             else citation_url(ecfr_base, shown, r.part, r.from_unit, r.from_citation) for r in inbound}
    return Page(key=key, inbound=inbound, current=tuple(current), shown=shown, reports=reports,
                applies=record_scopes(store, key), links=links, events=unit_events(store, key))


def unit_events(store: Store, key: Key) -> dict[str, str]:
    """Timeline date → ``removed`` (the unit is not in that version, it was in the one before), ``added`` (first
    seen then) or ``restored`` (back after a removal), for the dates on which one of these happened."""
    events = {}
    for e in key.history.entries:
        now, before = (store.has_unit(key.part, key.unit, d) for d in (e.date, e.previous))
        if now != before:
            events[e.date] = "removed" if before else "added" if e.date == key.history.first_seen else "restored"
    return events


def record_scopes(store: Store, key: Key) -> dict[str, str]:
    """Citation → the items a changed note or License Requirements row of the timeline names (its latest span),
    for those that name some (:func:`tracker.applies.scope_of`)."""
    h = key.history
    cited = {c.citation for e in h.entries for c in (*e.changes, *(a.change for a in e.applying))}
    spans = sorted((r for r in span_rows(store, key.part, key.unit) if r.citation in cited), key=lambda r: r.valid_from)
    latest = {r.citation: r for r in spans}
    scopes = {c: scope_of(r.paragraph(0)) for c, r in latest.items()}
    return {c: str(s) for c, s in scopes.items() if s is not None and (s.items or s.entire)}


def render_page(page: Page) -> str:
    return environment().get_template("history.html").render(
        page=page, key=page.key, index=f"../{HISTORY_INDEX}", anchor=anchor)


def render_history_index(keys: list[Key]) -> str:
    return environment().get_template("history_index.html").render(keys=keys)


def write_history_pages(
    store: Store, reports_dir: Path, units: Iterable[str] | None = None, reports: Iterable[str] = (),
    ecfr_base: str = ECFR_BASE,
) -> list[Path]:
    """Write the page of each of ``units`` (None: every key that ever changed), then the index; returns the pages.

    The index lists every key that ever changed. A page links the change reports of its dates
    found in ``reports_dir``, and those of ``reports`` (dates whose report is about to be written).
    A changed unit asked for by name gets its page even when its timeline is empty (its text changed
    only in ways the differ does not report), so a report's link to it never dangles. A reference from a
    unit without a page links to its paragraph in the eCFR at ``ecfr_base``.
    """
    linked = frozenset(reports) | (
        frozenset(p.stem for p in reports_dir.glob("*.html")) if reports_dir.is_dir() else frozenset()
    )
    keys = [Key(part, unit, history(store, unit, part=part), unit_title(store, part, unit))
            for part, unit in changed_units(store)]
    listed = [k for k in keys if k.history.entries]
    paged = frozenset(k.unit for k in listed)
    wanted = None if units is None else set(units)
    to_write = listed if wanted is None else [k for k in keys if k.unit in wanted]
    written = []
    for key in to_write:
        path = reports_dir / key.path
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, render_page(build_page(store, key, linked, paged, ecfr_base)))
        written.append(path)
    if listed or reports_dir.is_dir():
        reports_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(reports_dir / HISTORY_INDEX, render_history_index(listed))
    return written
