"""What is coming into force, from what is stored: rules taking effect after the latest stored eCFR version of a
Part they amend, documents on public inspection not yet published, and the eCFR's own links to amendments it
does not show yet. An entry leaves the list once a stored version of each of its Parts includes it: from then
on it is an audited change (:mod:`tracker.audit`) of the report of that version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from tracker.audit import RuleText, stored_rule_texts
from tracker.citations import is_under, part_of, part_sort_key
from tracker.snapshots import ecfr_path
from tracker.store import Store, StoredRule, StoredVersion
from tracker.upcoming.entries import Upcoming
from tracker.upcoming.links import AmendmentLink, amendment_links

FEDERAL_REGISTER = "https://www.federalregister.gov"
_BIS = "industry-and-security-bureau"
#: Instructions that change nothing (an authority citation that "continues to read") or could not be read.
_NO_CHANGE = frozenset({"context", "not-understood"})


def horizons(store: Store, parts: Iterable[str], today: str) -> dict[str, str]:
    """Part → the date its stored text is as of: its latest stored version, else ``today``."""
    return {p: (store.dates(p) or [today])[-1] for p in parts}


def _targets(text: RuleText | None, parts: Sequence[str]) -> tuple[str, ...]:
    """The citations the rule's instructions change in ``parts`` (targets, then new designations), in order."""
    if text is None:
        return ()
    found = [t for i in text.instructions if i.part in parts and i.action not in _NO_CHANGE
             for t in (*i.targets, *i.new_targets)]
    return tuple(dict.fromkeys(found))


def _rule_entry(rule: StoredRule, text: RuleText | None, parts: tuple[str, ...], fr_base: str) -> Upcoming:
    return Upcoming(
        "rule", rule.document_number, rule.citation or "", rule.title or "", rule.effective_on,
        rule.publication_date, parts, _targets(text, parts),
        url=rule.html_url or f"{fr_base.rstrip('/')}/d/{rule.document_number}",
    )


def _due(store: Store, rules: list[StoredRule], today: str) -> dict[str, tuple[StoredRule, tuple[str, ...]]]:
    """The stored rules taking effect (else published) after the latest stored version of a Part they amend, with
    those Parts."""
    horizon = horizons(store, {p for r in rules for p in r.parts}, today)
    due = {}
    for r in rules:
        when = r.effective_on or r.publication_date or ""
        parts = tuple(p for p in r.parts if when > horizon[p])
        if parts:
            due[r.document_number] = (r, parts)
    return due


def _is_bis(record: dict[str, object]) -> bool:
    agencies = record.get("agencies")
    slugs = {str(a.get("slug", "")) for a in agencies if isinstance(a, dict)} if isinstance(agencies, list) else set()
    return _BIS in slugs or not slugs


def _inspection_entries(store: Store, known: set[str], today: str) -> dict[str, Upcoming]:
    """Rules of BIS on public inspection, to be published today or later, not yet stored as published rules."""
    out = {}
    for d in store.public_inspection():
        number = str(d.get("document_number") or "")
        published = d.get("publication_date")
        if number in known or not _is_bis(d) or (isinstance(published, str) and published < today):
            continue
        out[number] = Upcoming(
            "public-inspection", number, "", str(d.get("title") or ""), None,
            published if isinstance(published, str) else None, (),
            notes=(f"on public inspection since {str(d.get('filed_at') or '')[:10] or 'recently'}",),
            url=str(d.get("html_url") or d.get("pdf_url") or ""),
        )
    return out


def _version_bytes(snapshots_dir: Path, version: StoredVersion) -> bytes | None:
    """The stored version's XML (its snapshot, else the file it was ingested from), if its bytes are unchanged."""
    for path in (ecfr_path(snapshots_dir, version.part, version.date), Path(version.source)):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() == version.sha256:
            return data
    return None


def latest_links(store: Store, snapshots_dir: Path) -> list[AmendmentLink]:
    """The XREF amendment links in the latest stored version of each Part (unreadable versions left out)."""
    out = []
    for part in store.parts():
        version = store.snapshot(part, store.dates(part)[-1])
        data = _version_bytes(snapshots_dir, version) if version else None
        out.extend(amendment_links(data) if data else [])
    return out


def _link_part(link: AmendmentLink) -> str:
    return link.unit.removeprefix("Part ") if link.unit.startswith("Part ") else part_of(link.unit) or ""


def _with_link(entry: Upcoming, link: AmendmentLink) -> Upcoming:
    """The entry with the eCFR's link noted and its unit among the targets when no instruction names one there."""
    unit_known = any(is_under(t, link.unit) for t in entry.targets)
    return Upcoming(
        entry.source, entry.document_number, entry.citation, entry.title, entry.effective_on, entry.publication_date,
        tuple(sorted({*entry.parts, _link_part(link)} - {""}, key=part_sort_key)),
        entry.targets if unit_known else (*entry.targets, link.unit),
        (*entry.notes, f"eCFR {link.unit}: {link.text}"), entry.url,
    )


def _link_entry(link: AmendmentLink, fr_base: str) -> Upcoming:
    page = link.citation.replace(" ", "-")
    return Upcoming("ecfr-note", "", link.citation, "", None, link.published, (_link_part(link),) if _link_part(link)
                    else (), (link.unit,), (f"eCFR {link.unit}: {link.text}",),
                    f"{fr_base.rstrip('/')}/citation/{page}")


def _page_owner(rules: list[StoredRule], texts: dict[str, RuleText], link: AmendmentLink) -> StoredRule | None:
    """The stored rule printed on the page the link cites (by its pages, else its first page)."""
    for r in rules:
        pages = texts[r.document_number].pages if r.document_number in texts else (r.citation,)
        if link.citation in pages:
            return r
    return None


def upcoming(store: Store, snapshots_dir: Path, today: str, *, fr_base: str = FEDERAL_REGISTER,
             parts: Sequence[str] = ()) -> list[Upcoming]:
    """Every upcoming change known to the store (of ``parts`` only, when given), by effective (else publication)
    date then key. See the module docs."""
    rules = store.rules()
    due = _due(store, rules, today)
    links = latest_links(store, snapshots_dir)
    read = rules if links else [r for r, _ in due.values()]  # a link may name any stored rule's page
    texts = {t.document_number: t for t in stored_rule_texts(store, snapshots_dir, read)}
    found = {n: _rule_entry(r, texts.get(n), amended, fr_base) for n, (r, amended) in due.items()}
    found.update(_inspection_entries(store, {r.document_number for r in rules}, today))
    for link in links:
        owner = _page_owner(rules, texts, link)
        if owner is None:
            found[link.citation] = _with_link(found[link.citation], link) if link.citation in found \
                else _link_entry(link, fr_base)
            continue
        entry = found.get(owner.document_number) or _rule_entry(owner, texts.get(owner.document_number), (), fr_base)
        found[owner.document_number] = _with_link(entry, link)
    chosen = [e for e in found.values() if not parts or not e.parts or set(e.parts) & set(parts)]
    return sorted(chosen, key=lambda e: (e.effective_on or e.publication_date or "9999", e.key))
