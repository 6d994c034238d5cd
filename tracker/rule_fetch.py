"""The rules behind stored changes, from the Federal Register: the fetch step of :func:`tracker.sync.sync`.

:class:`RuleFetch` asks for the BIS rules amending the tracked Parts (a snapshot per record, then
:meth:`Store.add_rules`), and the full text of rules where two or more took effect in the same interval
of a Part. Malformed rule records (``cfr_references`` not a list, dates that are not dates, missing
fields) are skipped with a warning (:func:`tracker.build.stored_amendments` reads the full texts kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from tracker.citations import part_sort_key
from tracker.config import Config
from tracker.dates import is_date
from tracker.fetch.federal_register import DateField, FederalRegisterClient
from tracker.fetch.http import FetchError
from tracker.log import Log
from tracker.snapshots import SnapshotError, federal_register_path, write_federal_register, write_json
from tracker.store import Store

#: Rule record fields that must be text when present.
_RULE_TEXT = ("citation", "title", "type", "action", "html_url", "full_text_xml_url")


def malformed_rule(doc: Mapping[str, Any]) -> str | None:
    """Why a Federal Register record cannot be used, or None when it can.

    >>> ok = {"document_number": "2024-07004", "publication_date": "2024-04-04", "effective_on": None,
    ...       "cfr_references": [{"title": 15, "part": "740"}], "citation": "89 FR 23876"}
    >>> malformed_rule(ok) is None
    True
    >>> malformed_rule({**ok, "cfr_references": "15 CFR 740"})
    'cfr_references is not a list of references'
    >>> malformed_rule({**ok, "effective_on": {"x": 1}})
    "effective_on {'x': 1} is not a date"
    """
    if not is_date(doc.get("publication_date")):
        return f"publication_date {doc.get('publication_date')!r} is not a date"
    if doc.get("effective_on") is not None and not is_date(doc["effective_on"]):
        return f"effective_on {doc['effective_on']!r} is not a date"
    refs = doc.get("cfr_references")
    if not isinstance(refs, list) or not all(isinstance(r, dict) for r in refs):
        return "cfr_references is not a list of references"
    bad = [k for k in _RULE_TEXT if doc.get(k) is not None and not isinstance(doc[k], str)]
    return f"{bad[0]} is not text" if bad else None


class RuleFetch:
    """The Federal Register requests of one sync run, for ``config.parts``, up to ``today``."""

    def __init__(self, config: Config, store: Store, fr: FederalRegisterClient, log: Log, today: str) -> None:
        self.config, self.store, self.fr, self.log, self.today = config, store, fr, log, today
        self.root = Path(config.snapshots_dir)

    def _intervals(self, due: str) -> dict[tuple[str, str], str]:
        """(part, version date) → the stored version before it, for versions dated ``due`` or later."""
        return {
            (part, date): previous
            for part in self.config.parts
            for previous, date in pairwise(self.store.dates(part))
            if date >= due
        }

    def rules(
        self, since: str, until: str | None = None, by: DateField = "publication_date"
    ) -> tuple[list[dict[str, Any]], int]:
        """BIS rules amending the tracked Parts published (or, ``by="effective_date"``, taking effect) from
        ``since`` to ``until`` (default: today): snapshots, then the store. Returns the records and how many of
        them are new to the store."""
        found: dict[str, dict[str, Any]] = {}
        for part in self.config.parts:
            for doc in self.fr.documents(part, since, until or self.today, by):
                try:
                    federal_register_path(self.root, doc.get("document_number"), "json")  # type: ignore[arg-type]
                except SnapshotError as exc:
                    self.log(f"warning: Federal Register: skipped a document: {exc}")
                    continue
                if why := malformed_rule(doc):
                    self.log(f"warning: Federal Register: skipped document {doc['document_number']}: {why}")
                    continue
                record = found.setdefault(doc["document_number"], {**doc, "parts": set()})
                refs = doc["cfr_references"]
                record["parts"] |= {part} | {str(r.get("part")) for r in refs if str(r.get("title")) == "15"}
        known = {r.document_number for r in self.store.rules()}
        records = [{**r, "parts": sorted(r["parts"], key=part_sort_key)} for r in found.values()]
        for record in records:
            write_json(federal_register_path(self.root, record["document_number"], "json"), record)
        self.store.add_rules(records)
        added = len(found.keys() - known)
        what = "taking effect" if by == "effective_date" else "published"
        self.log(f"Federal Register: {len(records)} rule(s) {what} since {since}, {added} new")
        return records, added

    def full_texts(self, rules: list[dict[str, Any]], due: str) -> None:
        """Fetch the full text of rules that share an interval (of a version dated ``due`` or later) of a Part
        with another rule (all are tried)."""
        failed: list[str] = []
        for (part, date), previous in sorted(self._intervals(due).items()):
            same = [r for r in rules if part in r["parts"] and previous < (r.get("effective_on") or "") <= date]
            if len(same) < 2:
                continue
            numbers = ", ".join(r["document_number"] for r in same)
            self.log(f"part {part} {date}: {len(same)} rules took effect since {previous} ({numbers}); reading them")
            failed.extend(self.keep_full_texts(same))
        if failed:
            raise FetchError(f"{len(failed)} full text(s) not read, first: {failed[0]}")

    def keep_full_texts(self, rules: list[dict[str, Any]]) -> list[str]:
        """Download the full text of each of ``rules`` not kept yet (all are tried); one line per failure."""
        failed = []
        for rule in rules:
            path = federal_register_path(self.root, rule["document_number"], "xml")
            if rule.get("full_text_xml_url") and not path.exists():
                try:
                    data = self.fr.full_text_xml(rule["full_text_xml_url"])
                    write_federal_register(self.root, rule["document_number"], "xml", data)
                except (FetchError, SnapshotError) as exc:
                    failed.append(str(exc))
        return failed
