"""Bring the store up to date: new eCFR versions of the tracked Parts and the rules behind them.

One :func:`sync` call

1. asks ``titles.json`` whether Title 15 has a new issue since the last complete run (if not, that
   one request is all);
2. lists the content versions of each tracked Part (always with an ``issue_date[gte]`` filter) and
   picks the version dates not yet stored — every date since ``since`` for a backfill, the dates
   after the first stored one otherwise, only the latest on a first run;
3. when a new version has a stored or new one before it (so there is a change to attribute),
   fetches the BIS rules amending those Parts from the Federal Register (a snapshot per record,
   then :meth:`Store.add_rules`), and the full text of rules where two or more took effect in the
   same interval of a Part (their amendment instructions tell them apart);
4. downloads each missing version, parses it, writes the snapshot atomically and ingests it.

It is resumable: a snapshot already on disk is ingested without a download, a stored version is
never fetched again, and the run's ``state.json`` is written only when everything succeeded.

>>> from tracker.config import Config                         # doctest: +SKIP
>>> result = sync(Config(), Store("tracker.db"), since="2024-01-01")  # doctest: +SKIP
>>> result.new_versions[:1]                                    # doctest: +SKIP
[('734', '2024-04-04')]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.atomic import remove_temp_files
from tracker.config import Config
from tracker.fetch.amendments import Amendment, parse_amendments
from tracker.fetch.ecfr import EcfrClient
from tracker.fetch.federal_register import FederalRegisterClient
from tracker.fetch.http import HttpClient
from tracker.log import Log, stderr_log
from tracker.parse import parse_bytes
from tracker.snapshots import (
    SnapshotError,
    check_date,
    ecfr_path,
    federal_register_path,
    read_json,
    state_path,
    write_ecfr,
    write_federal_register,
    write_json,
)
from tracker.store import Store

#: The eCFR's point-in-time history starts in January 2017: the first run lists versions from here.
EPOCH = "2017-01-01"
#: Rules are published before they take effect: look this far back before the first new version.
FR_LOOKBACK_DAYS = 365



@dataclass
class SyncResult:
    """What one :func:`sync` did: ``(part, date)`` versions ingested, new rules, GETs and bytes."""

    new_versions: list[tuple[str, str]] = field(default_factory=list)
    rules_added: int = 0
    requests: int = 0
    bytes: int = 0


@dataclass(frozen=True, slots=True)
class _Version:
    part: str
    date: str
    issue_date: str | None


def version_issue_dates(versions: Iterable[dict[str, Any]]) -> dict[str, str | None]:
    """Each amendment date of a versions listing → the latest issue date seen for it.

    >>> version_issue_dates([{"amendment_date": "2024-04-04", "issue_date": "2024-04-05"},
    ...                      {"date": "2024-04-04", "issue_date": "2024-04-08"}, {"date": "2023-11-17"}])
    {'2023-11-17': None, '2024-04-04': '2024-04-08'}
    """
    out: dict[str, str | None] = {}
    for v in versions:
        date = str(v.get("amendment_date") or v.get("date") or "")
        if date:
            issue = v.get("issue_date")
            out[date] = max(filter(None, (out.get(date), issue)), default=None)
    return dict(sorted(out.items()))


def pick_dates(listed: list[str], stored: list[str], since: str | None) -> list[str]:
    """The listed version dates to download: from ``since`` (backfill), else from the first stored
    date, else (first run) only the latest; never a stored one.

    >>> pick_dates(["2023-11-17", "2024-04-04", "2024-09-16"], [], None)
    ['2024-09-16']
    >>> pick_dates(["2023-11-17", "2024-04-04", "2024-09-16"], ["2024-04-04"], None)
    ['2024-09-16']
    >>> pick_dates(["2023-11-17", "2024-04-04", "2024-09-16"], ["2024-04-04"], "2023-01-01")
    ['2023-11-17', '2024-09-16']
    """
    lower = since or (min(stored) if stored else None)
    chosen = [d for d in listed if d >= lower] if lower else listed[-1:]
    done = set(stored)
    return [d for d in chosen if d not in done]


def sync(
    config: Config,
    store: Store,
    *,
    http: HttpClient | None = None,
    since: str | None = None,
    log: Log = stderr_log,
) -> SyncResult:
    """Download and ingest what is new for ``config.parts`` (everything since ``since`` for a backfill).

    Raises :class:`~tracker.fetch.http.FetchError`, :class:`~tracker.parse.ParseError`,
    :class:`~tracker.snapshots.SnapshotError` or :class:`~tracker.store.StoreError` with a one-line
    message; versions ingested before the failure stay, nothing is half written.
    """
    if since is not None:
        check_date(since)
    client = http or HttpClient(config)
    before = (client.requests, client.bytes)
    result = SyncResult()
    try:
        _Sync(config, store, client, log, result).run(since)
    finally:
        result.requests = client.requests - before[0]
        result.bytes = client.bytes - before[1]
        if http is None:
            client.close()
    return result


class _Sync:
    """One run's working state (kept off the public API)."""

    def __init__(self, config: Config, store: Store, http: HttpClient, log: Log, result: SyncResult) -> None:
        self.config, self.store, self.log, self.result = config, store, log, result
        self.root = Path(config.snapshots_dir)
        self.ecfr = EcfrClient(http, config.ecfr_url)
        self.fr = FederalRegisterClient(http, config.federal_register_url, full_text_rate=config.full_text_rate_limit)
        self.today = dt.date.today().isoformat()

    def run(self, since: str | None) -> None:
        if stale := remove_temp_files(self.root):
            self.log(f"removed {stale} unfinished download(s) left by an interrupted run")
        title = self.ecfr.titles()
        latest = str(title["latest_issue_date"])
        state = read_json(state_path(self.root)) or {}
        seen, seen_parts = state.get("latest_issue_date"), set(state.get("parts") or ())
        if since is None and seen == latest and set(self.config.parts) <= seen_parts:
            self.log(f"eCFR title 15: nothing new (latest issue {latest} already fetched)")
            return
        if title.get("processing_in_progress"):
            self.log("eCFR title 15 is being reprocessed; the API may ask us to wait (503)")
        plan: list[_Version] = []
        earlier: dict[tuple[str, str], str] = {}
        for part in self.config.parts:
            stored = self.store.dates(part)
            gte = since or (seen if part in seen_parts and seen else max(stored, default=EPOCH))
            issues = self._checked_dates(part, version_issue_dates(self.ecfr.versions(part, gte)))
            picked = pick_dates(list(issues), stored, since)
            known = sorted(set(stored) | set(picked))
            for date in picked:
                plan.append(_Version(part, date, issues[date]))
                previous = [d for d in known if d < date]
                if previous:
                    earlier[(part, date)] = previous[-1]
        fr_until = state.get("federal_register_until")
        if plan:
            self.log(f"eCFR: {len(plan)} new version(s) of part(s) {', '.join(sorted({v.part for v in plan}))}")
            first = min([v.date for v in plan] + ([since] if since else []))
            lookback = (dt.date.fromisoformat(first) - dt.timedelta(days=FR_LOOKBACK_DAYS)).isoformat()
            complete = since is None and fr_until and set(self.config.parts) <= seen_parts
            if earlier:  # rules matter only where a version has one before it to be compared with
                self._full_texts(self._rules(fr_until if complete else lookback), earlier)
            self._versions(plan)
            fr_until = self.today if earlier else fr_until
        else:
            self.log("eCFR: no new versions of the tracked parts")
        parts = sorted(seen_parts | set(self.config.parts), key=lambda p: (len(p), p))
        state = {"latest_issue_date": latest, "parts": parts, "federal_register_until": fr_until}
        write_json(state_path(self.root), state)

    def _checked_dates(self, part: str, issues: dict[str, str | None]) -> dict[str, str | None]:
        """The listed dates that are real YYYY-MM-DD dates; any other is skipped with a warning (never a file name)."""
        kept = {}
        for date, issue in issues.items():
            try:
                kept[check_date(date)] = issue
            except SnapshotError as exc:
                self.log(f"warning: part {part}: skipped a listed version: {exc}")
        return kept

    def _rules(self, since: str) -> list[dict[str, Any]]:
        """BIS rules amending the tracked Parts published since ``since``: snapshots, then the store."""
        found: dict[str, dict[str, Any]] = {}
        for part in self.config.parts:
            for doc in self.fr.documents(part, since, self.today):
                try:
                    federal_register_path(self.root, doc.get("document_number"), "json")
                except SnapshotError as exc:
                    self.log(f"warning: Federal Register: skipped a document: {exc}")
                    continue
                record = found.setdefault(doc["document_number"], {**doc, "parts": set()})
                refs = doc.get("cfr_references") or []
                record["parts"] |= {part} | {str(r.get("part")) for r in refs if str(r.get("title")) == "15"}
        known = {r["document_number"] for r in self.store.rules()}
        records = [{**r, "parts": sorted(r["parts"], key=lambda p: (len(p), p))} for r in found.values()]
        for record in records:
            path = federal_register_path(self.root, record["document_number"], "json")
            write_json(path, record)
        self.store.add_rules(records)
        self.result.rules_added = len(found.keys() - known)
        self.log(f"Federal Register: {len(records)} rule(s) since {since}, {self.result.rules_added} new")
        return records

    def _full_texts(self, rules: list[dict[str, Any]], earlier: dict[tuple[str, str], str]) -> None:
        """Fetch the full text of rules that share an interval of a Part with another rule."""
        for (part, date), previous in sorted(earlier.items()):
            same = [r for r in rules if part in r["parts"] and previous < (r.get("effective_on") or "") <= date]
            if len(same) < 2:
                continue
            numbers = ", ".join(r["document_number"] for r in same)
            self.log(f"part {part} {date}: {len(same)} rules took effect since {previous} ({numbers}); reading them")
            for rule in same:
                path = federal_register_path(self.root, rule["document_number"], "xml")
                if rule.get("full_text_xml_url") and not path.exists():
                    data = self.fr.full_text_xml(rule["full_text_xml_url"])
                    write_federal_register(self.root, rule["document_number"], "xml", data)

    def _versions(self, plan: list[_Version]) -> None:
        """Download (or resume from disk), parse, snapshot and ingest each planned version."""
        started, total_bytes = time.monotonic(), 0
        for n, v in enumerate(plan, start=1):
            path = ecfr_path(self.root, v.part, v.date)
            resumed = path.exists()
            data = path.read_bytes() if resumed else self.ecfr.full_xml(v.date, v.part)
            paragraphs = parse_bytes(data, str(path))
            if not resumed:
                write_ecfr(self.root, v.part, v.date, data)
            added = self.store.ingest(
                paragraphs,
                part=v.part,
                date=v.date,
                source=str(path),
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                issue_date=v.issue_date,
                fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            )
            if added:
                self.result.new_versions.append((v.part, v.date))
            total_bytes += len(data)
            eta = (time.monotonic() - started) / n * (len(plan) - n)
            how = "from disk" if resumed else f"{len(data) / 1024:,.0f} KB"
            self.log(
                f"[{n}/{len(plan)}] part {v.part} {v.date}: {how}, {len(paragraphs):,} paragraphs"
                f" ({total_bytes / 1e6:,.1f} MB so far, ETA {eta:,.0f} s)"
            )


def stored_amendments(snapshots_dir: Path, document_numbers: Iterable[str]) -> dict[str, list[Amendment]]:
    """Title 15 amendment instructions of the rules whose full text is on disk, by document number."""
    out: dict[str, list[Amendment]] = {}
    for number in document_numbers:
        path = federal_register_path(Path(snapshots_dir), number, "xml")
        if path.exists():
            out[number] = parse_amendments(path.read_bytes(), "15", str(path))
    return out
