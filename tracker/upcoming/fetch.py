"""The Federal Register requests behind upcoming changes, once a day: the BIS rules on public inspection, the BIS
rules taking effect after the latest stored eCFR version (queried by effective date, whenever published), and
the full text of each upcoming rule (its amendment instructions name the citations it will change, and the audit
of the version that includes it reads them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tracker.config import Config
from tracker.fetch.federal_register import FederalRegisterClient
from tracker.fetch.http import FetchError, HttpClient
from tracker.log import Log, library_log
from tracker.rule_fetch import RuleFetch
from tracker.snapshots import SnapshotError, read_json, write_json
from tracker.store import Store

#: How far ahead rules are asked for by effective date (a rule taking effect later is rare, and is asked for
#: again every day until it is within reach).
AHEAD_DAYS = 400


def checked_path(snapshots_dir: Path) -> Path:
    """Where the day of the last complete check for upcoming changes is recorded."""
    return Path(snapshots_dir) / "federal-register" / "upcoming.json"


def _day_after(date: str, days: int = 1) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def fetch_upcoming(config: Config, store: Store, *, today: str, log: Log = library_log, force: bool = False,
                   http: HttpClient | None = None) -> list[str]:
    """Ask the Federal Register what is coming (see the module docs), at most once a day unless ``force``.

    Returns one line per failed step; the day is recorded as checked only when none failed, so a failure is
    asked again by the next run. What was read before a failure is stored.
    """
    state = checked_path(config.snapshots_dir)
    if not force and (read_json(state) or {}).get("checked_on") == today:
        return []
    client = http or HttpClient(config)
    try:
        fr = FederalRegisterClient(client, config.federal_register_url, full_text_rate=config.full_text_rate_limit,
                                   log=log)
        errors = _ask(config, store, fr, log, today)
    finally:
        if http is None:
            client.close()
    if not errors:
        write_json(state, {"checked_on": today})
    return errors


def _ask(config: Config, store: Store, fr: FederalRegisterClient, log: Log, today: str) -> list[str]:
    from tracker.upcoming.collect import horizons, upcoming  # the audit and the differ: only when asking

    errors = []
    try:
        found = list(fr.public_inspection())
        store.put_public_inspection(found, today)
        log(f"Federal Register: {len(found)} BIS rule(s) on public inspection")
    except FetchError as exc:
        errors.append(f"public inspection: {exc}")
    rules = RuleFetch(config, store, fr, log, today)
    since = _day_after(min(horizons(store, config.parts, today).values()))
    try:
        rules.rules(since, _day_after(today, AHEAD_DAYS), by="effective_date")
    except (FetchError, SnapshotError) as exc:
        errors.append(f"rules taking effect: {exc}")
    due = {e.document_number for e in upcoming(store, config.snapshots_dir, today) if e.source == "rule"}
    errors.extend(rules.keep_full_texts([r.record() for r in store.rules() if r.document_number in due]))
    return errors
