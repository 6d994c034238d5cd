"""Bring the store up to date: new eCFR versions of the tracked Parts and the rules behind them.

One :func:`sync` call

1. asks ``titles.json`` whether Title 15 has a new issue since the last complete run; that one request
   is all only when ``state.json`` also matches the store (see *State*) and no rule fetch is due;
2. re-ingests from disk, in date order, the snapshots of every tracked Part the store holds no version
   of (an emptied or another database), so its history is rebuilt and the next change is a reported
   change, not a new baseline;
3. lists the content versions of each tracked Part (always with an ``issue_date[gte]`` filter) and
   picks the version dates not yet stored — every date since ``since`` for a backfill, the dates
   after the first stored one otherwise, only the latest on a first run (:mod:`tracker.sync_plan`; with
   ``previous``, also the one before a Part's only version, for ``tracker run --report-latest``); a version
   dated more than :data:`FUTURE_DAYS` after today is held back with a warning and picked once its date is near;
4. downloads each picked version (or resumes it from disk), parses and checks it — a whole Part
   (``DIV5 TYPE="PART"``) of Title 15, the Part asked for, with sections or supplements, every
   paragraph of that Part — *before* its snapshot is written, then ingests it with its source URL;
5. only then, when a stored version has one before it (a change to attribute), fetches the BIS rules
   amending the Parts, and the full texts needed, from the Federal Register (:mod:`tracker.rule_fetch`).

Failures are one version's, never the run's: each is one line in :attr:`SyncResult.errors` (``tracker
run`` and ``tracker fetch`` then exit non-zero) and the other versions go on.

- A body that fails its check is kept aside (``snapshots/quarantine/…``, with a ``.why.txt``), never
  written as a snapshot, and downloaded again next run. A snapshot on disk that fails to parse, to
  pass the check or to ingest is moved there too and downloaded again at once.
- A version the store refuses as implausible (:class:`~tracker.store.SuspectVersionError`, most of
  the Part gone) is moved to ``snapshots/held/…``; the error names that file and
  ``tracker ingest --accept-suspect FILE``. Each run downloads it again until it passes or is taken.

Attribution never blocks the text. The Federal Register is asked after the versions are stored; a
failure there (down, a full text that 404s) is one error line, the changes are reported "source not
yet identified", and the state keeps ``federal_register_until`` where it was and
``federal_register_due`` at the earliest version date whose rules are missing, so every later run
asks again until it succeeds. A report already written is not amended (it said, truly, that no rule
was known yet); ``tracker history`` and the history pages (``tracker pages``) name the rule once it is stored.

State: ``state.json`` records the eCFR issue seen, the Parts, the rule fetch's progress and
``stored`` — each stored Part's latest version date and number of versions when it was written. A
state whose ``stored`` differs from the store (an emptied database, lost versions, another database
file) is ignored: what is stored decides what is fetched. ``latest_issue_date`` advances only when
no version failed or was held back, so the next run lists those versions again.

>>> from tracker.config import Config                         # doctest: +SKIP
>>> result = sync(Config(), Store("tracker.db"), since="2024-01-01")  # doctest: +SKIP
>>> result.new_versions[:1], result.errors                     # doctest: +SKIP
([('734', '2024-04-04')], [])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.atomic import remove_temp_files
from tracker.citations import part_sort_key
from tracker.config import Config
from tracker.dates import is_date
from tracker.fetch.ecfr import EcfrClient
from tracker.fetch.federal_register import FederalRegisterClient
from tracker.fetch.http import FetchError, HttpClient, Unreachable
from tracker.ingest import find_snapshots
from tracker.log import Log, library_log
from tracker.rule_fetch import RuleFetch
from tracker.snapshots import (
    SnapshotError,
    check_date,
    check_ecfr_part,
    ecfr_path,
    hold,
    quarantine,
    read_json,
    state_path,
    write_ecfr,
    write_json,
)
from tracker.store import Store, StoreError, SuspectVersionError
from tracker.sync_plan import listed_from, pick_dates, version_issue_dates
from tracker.xmltext import ParseError

if TYPE_CHECKING:
    from tracker.model import Paragraph
    from tracker.parse import SectionCache

#: Rules are published before they take effect: look this far back before the first new version.
FR_LOOKBACK_DAYS = 365
#: Said after an eCFR that cannot be reached at all (no network, DNS, a firewall): what to do instead.
OFFLINE = (
    "no network? Offline, store files you have with `tracker ingest FILE.xml --part N --date YYYY-MM-DD` and "
    "`tracker ingest-rules FILE`, then `tracker run --no-fetch`; behind a proxy, set HTTPS_PROXY and HTTP_PROXY "
    "(NO_PROXY for hosts reached directly), which tracker's HTTP client (requests) honours"
)
#: A listed version dated more than this many days after today is held back until its date is near.
FUTURE_DAYS = 3
#: What one bad version (or one bad rule fetch) raises; anything else (a broken database) stops the run.
_VERSION_ERRORS = (FetchError, ParseError, SnapshotError, StoreError)


@dataclass
class SyncResult:
    """What one :func:`sync` did: ``(part, date)`` versions ingested, new rules, GETs and bytes, and
    ``errors``: one line per version or rule fetch that failed (the rest went on)."""

    new_versions: list[tuple[str, str]] = field(default_factory=list)
    rules_added: int = 0
    requests: int = 0
    bytes: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Version:
    part: str
    date: str
    issue_date: str | None


def sync(
    config: Config,
    store: Store,
    *,
    http: HttpClient | None = None,
    since: str | None = None,
    log: Log = library_log,
    today: str | None = None,
    previous: bool = False,
) -> SyncResult:
    """Download and ingest what is new for ``config.parts`` (everything since ``since`` for a backfill; with
    ``previous``, also the version before a Part's newest when that is its only one, so it has a change to report).

    One version's failure is a line in :attr:`SyncResult.errors`, not an exception. Raises
    :class:`~tracker.fetch.http.FetchError` when the eCFR cannot be asked at all (``titles.json``;
    :class:`~tracker.fetch.http.Unreachable`, at once and naming the offline path, when it cannot be connected to),
    :class:`~tracker.snapshots.SnapshotError` for a bad ``since``; versions ingested before any
    failure stay, nothing is half written. ``today`` (YYYY-MM-DD) defaults to the real date.
    """
    if since is not None:
        check_date(since)
    client = http or HttpClient(config)
    before = (client.requests, client.bytes)
    result = SyncResult()
    try:
        _Sync(config, store, client, log, result, today or dt.date.today().isoformat()).run(since, previous)
    except Unreachable as exc:
        raise Unreachable(f"{exc}; {OFFLINE}") from None
    finally:
        result.requests = client.requests - before[0]
        result.bytes = client.bytes - before[1]
        if http is None:
            client.close()
    return result


class _Sync:
    """One run's working state (kept off the public API)."""

    def __init__(self, config: Config, store: Store, http: HttpClient, log: Log, result: SyncResult, today: str):
        self.config, self.store, self.log, self.result = config, store, log, result
        self.root = Path(config.snapshots_dir)
        self.ecfr = EcfrClient(http, config.ecfr_url, log=log)
        self.today = check_date(today)
        fr = FederalRegisterClient(
            http, config.federal_register_url, full_text_rate=config.full_text_rate_limit, log=log
        )
        self.rules = RuleFetch(config, store, fr, log, self.today)
        self.incomplete = False  # a version failed or was held back: the issue seen must not advance
        self.previous = False  # also fetch the version before a Part's only one

    def run(self, since: str | None, previous: bool = False) -> None:
        if stale := remove_temp_files(self.root):
            self.log(f"removed {stale} unfinished download(s) left by an interrupted run")
        title = self.ecfr.titles()
        latest = str(title["latest_issue_date"])
        state = self._state()
        self.previous = previous and any(len(self.store.dates(p)) < 2 for p in self.config.parts)
        if since is None and not self.previous and self._up_to_date(state, latest):
            self.log(f"eCFR title 15: nothing new (latest issue {latest} already fetched)")
            return
        if title.get("processing_in_progress"):
            self.log("eCFR title 15 is being reprocessed; the API may ask us to wait (503)")
        self._rebuild_from_disk()
        plan = self._plan(state, since)
        if plan:
            self.log(f"eCFR: {len(plan)} new version(s) of part(s) {', '.join(sorted({v.part for v in plan}))}")
            self._versions(plan)
        else:
            self.log("eCFR: no new versions of the tracked parts")
        fr_until, fr_due = self._attribution(state, since)
        parts = sorted(set(state.get("parts") or ()) | set(self.config.parts), key=part_sort_key)
        write_json(state_path(self.root), {
            "latest_issue_date": state.get("latest_issue_date") if self.incomplete else latest,
            "parts": parts,
            "federal_register_until": fr_until,
            "federal_register_due": fr_due,
            "stored": self._stored(),
        })

    # -- state ----------------------------------------------------------------------------------

    def _stored(self) -> dict[str, list[str | int]]:
        """Each stored Part → [latest version date, number of versions]: what a state was written against."""
        return {p: [dates[-1], len(dates)] for p in self.store.parts() for dates in [self.store.dates(p)]}

    def _state(self) -> dict[str, Any]:
        """The last run's state, or {} when there is none or it does not describe this store."""
        state = read_json(state_path(self.root))
        if not isinstance(state, dict):
            return {}
        if state.get("stored") != self._stored():
            self.log("state.json does not match the database (emptied, lost versions or another file): listing all")
            return {}
        return state

    def _up_to_date(self, state: dict[str, Any], latest: str) -> bool:
        seen, parts = state.get("latest_issue_date"), set(state.get("parts") or ())
        return seen == latest and set(self.config.parts) <= parts and not state.get("federal_register_due")

    def _error(self, line: str) -> None:
        self.result.errors.append(line)
        self.log(f"error: {line}")

    # -- eCFR versions --------------------------------------------------------------------------

    def _rebuild_from_disk(self) -> None:
        """Ingest, in date order, the snapshots on disk of tracked Parts the store holds no version of."""
        empty = {p for p in self.config.parts if not self.store.dates(p)}
        on_disk = [(p, d) for p, d, f in find_snapshots(self.root) if p in empty and f == ecfr_path(self.root, p, d)]
        found = [_Version(p, d, None) for p, d in on_disk]
        if found:
            self.log(f"the database holds no version of part(s) {', '.join(sorted({v.part for v in found}))}: "
                     f"re-ingesting {len(found)} snapshot(s) from disk")
            self._versions(found)

    def _plan(self, state: dict[str, Any], since: str | None) -> list[_Version]:
        seen, seen_parts = state.get("latest_issue_date"), set(state.get("parts") or ())
        plan: list[_Version] = []
        for part in self.config.parts:
            stored = self.store.dates(part)
            gte = listed_from(stored, seen if part in seen_parts else None, since, previous=self.previous)
            try:
                listed = self.ecfr.versions(part, gte)
            except FetchError as exc:
                self.incomplete = True
                self._error(str(exc))
                continue
            issues = self._near(part, self._checked_dates(part, version_issue_dates(listed)))
            picked = pick_dates(list(issues), stored, since, previous=self.previous)
            plan += [_Version(part, d, issues[d]) for d in picked]
        return plan

    def _checked_dates(self, part: str, issues: dict[str, str | None]) -> dict[str, str | None]:
        """The listed dates that are real YYYY-MM-DD dates; any other is skipped with a warning (never a file name)."""
        kept = {}
        for date, issue in issues.items():
            try:
                kept[check_date(date)] = issue
            except SnapshotError as exc:
                self.log(f"warning: part {part}: skipped a listed version: {exc}")
        return kept

    def _near(self, part: str, issues: dict[str, str | None]) -> dict[str, str | None]:
        """The listed dates up to :data:`FUTURE_DAYS` after today; later ones are held back with a warning."""
        limit = (dt.date.fromisoformat(self.today) + dt.timedelta(days=FUTURE_DAYS)).isoformat()
        for date in [d for d in issues if d > limit]:
            self.incomplete = True
            self.log(f"warning: part {part}: version {date} is dated more than {FUTURE_DAYS} days after today "
                     f"({self.today}); held back until its date is near")
        return {d: i for d, i in issues.items() if d <= limit}

    def _versions(self, plan: list[_Version]) -> None:
        """Obtain, check, snapshot and ingest each version; a failure is one error line and the next goes on."""
        started, total_bytes = time.monotonic(), 0
        for n, v in enumerate(plan, start=1):
            try:
                resumed, size, count = self._version(v)
            except _VERSION_ERRORS as exc:
                self.incomplete = True
                self._error(str(exc))  # it names the URL or file, so the Part and date
                continue
            total_bytes += size
            eta = (time.monotonic() - started) / n * (len(plan) - n)
            how = "from disk" if resumed else f"{size / 1024:,.0f} KB"
            self.log(
                f"[{n}/{len(plan)}] part {v.part} {v.date}: {how}, {count:,} paragraphs"
                f" ({total_bytes / 1e6:,.1f} MB so far, ETA {eta:,.0f} s)"
            )

    def _version(self, v: _Version) -> tuple[bool, int, int]:
        """(resumed from disk, bytes, paragraphs) of one version stored; a bad body is quarantined."""
        path = ecfr_path(self.root, v.part, v.date)
        if path.exists():
            data = path.read_bytes()
            try:
                return True, len(data), self._ingest(v, data, path, self._parse(v, data, path))
            except SuspectVersionError:
                raise
            except (ParseError, SnapshotError, StoreError) as exc:
                kept = self._set_aside(v, data, path, exc)
                self.log(f"warning: part {v.part} {v.date}: the snapshot on disk is unusable ({exc}); "
                         f"moved to {kept}, downloading it again")
        data = self.ecfr.full_xml(v.date, v.part)
        try:
            paragraphs = self._parse(v, data, path)
            write_ecfr(self.root, v.part, v.date, data)
            return False, len(data), self._ingest(v, data, path, paragraphs)
        except SuspectVersionError:
            raise
        except (ParseError, SnapshotError, StoreError) as exc:
            kept = self._set_aside(v, data, path, exc)
            raise SnapshotError(f"{exc}; not stored, kept aside as {kept} (downloaded again next run)") from None

    def _set_aside(self, v: _Version, data: bytes, path: Path, why: Exception) -> Path:
        """Quarantine ``data`` and remove the snapshot at ``path`` (if written), so nothing reads it as valid."""
        kept = quarantine(self.root, v.part, v.date, data, str(why))
        path.unlink(missing_ok=True)
        return kept

    @cached_property
    def cache(self) -> SectionCache:
        """Successive versions re-parse only the sections and entries that changed (the parser is imported by the
        first version to parse: a run with nothing new loads none of it)."""
        from tracker.parse import SectionCache

        return SectionCache()

    def _parse(self, v: _Version, data: bytes, path: Path) -> list[Paragraph]:
        """The paragraphs of ``data``, checked to be the whole of ``v.part`` (else SnapshotError/ParseError)."""
        from tracker.parse import parse_bytes

        name = str(path)
        paragraphs = parse_bytes(data, name, cache=self.cache, refs=False,  # the store finds those of new texts
                                 check=lambda root: check_ecfr_part(root, name, v.part))
        strays = sorted({p.part for p in paragraphs} - {v.part})
        if strays:
            raise SnapshotError(f"{path}: holds paragraphs of part {', '.join(strays)}, not only part {v.part}")
        return paragraphs

    def _ingest(self, v: _Version, data: bytes, path: Path, paragraphs: list[Paragraph]) -> int:
        """Store one checked version; a suspect one is moved to ``held/`` and the error says how to take it."""
        try:
            added = self.store.ingest(
                paragraphs,
                part=v.part,
                date=v.date,
                source=str(path),
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                issue_date=v.issue_date,
                fetched_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                url=self.ecfr.full_xml_url(v.date, v.part),
            )
        except SuspectVersionError as exc:
            held = hold(self.root, v.part, v.date, data)
            path.unlink(missing_ok=True)
            # The store's message names the file and the --accept-suspect command: name the held copy.
            text = str(exc).replace(str(path), str(held))
            raise SuspectVersionError(f"{text}; held back as {held}, downloaded again next run") from None
        if added:
            self.result.new_versions.append((v.part, v.date))
        return len(paragraphs)

    # -- Federal Register -----------------------------------------------------------------------

    def _attribution(self, state: dict[str, Any], since: str | None) -> tuple[str | None, str | None]:
        """Fetch the rules behind stored changes when due; returns the state's (``federal_register_until``,
        ``federal_register_due``). A failure is one error line and leaves both where they were."""
        fr_until = state.get("federal_register_until")
        # the dates compared with a new version: its own (unless its Part's first), and the next one's
        compared = [x for p, d in self.result.new_versions for x in self.store.dates(p)[1:] if x >= d]
        due = min([str(d) for d in [state.get("federal_register_due"), *compared] if is_date(d)], default=None)
        if due is None:
            return fr_until, None
        complete = since is None and is_date(fr_until) and set(self.config.parts) <= set(state.get("parts") or ())
        lookback = (dt.date.fromisoformat(due) - dt.timedelta(days=FR_LOOKBACK_DAYS)).isoformat()
        try:
            rules, self.result.rules_added = self.rules.rules(str(fr_until) if complete else lookback)
            self.rules.full_texts(rules, due)
        except _VERSION_ERRORS as exc:
            self._error(f"Federal Register: {exc} (the changes since {due} stay 'source not yet identified'; "
                        "the rules are asked for again next run)")
            return fr_until, due
        return self.today, None
