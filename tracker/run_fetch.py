"""The scheduled run's network steps (:mod:`tracker.run`): the eCFR and its rules (:func:`tracker.sync.sync`), then
the Federal Register's list of what is coming into force; what each says in the run's log."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from tracker.config import Config
from tracker.errors import TrackerError
from tracker.fetch.http import Unreachable
from tracker.first_run import baseline_line
from tracker.log import Log
from tracker.store import Store
from tracker.sync import sync

if TYPE_CHECKING:
    from tracker.run import RunOutcome

#: What the fetch step (:func:`tracker.sync.sync`) can raise: an eCFR that cannot be asked, a file, the
#: snapshots folder or a database step (locked, full; rolled back) that failed.
_FETCH_ERRORS = (TrackerError, OSError, sqlite3.Error)


def fetch_step(config: Config, store: Store, outcome: RunOutcome, log: Log, *, previous: bool) -> bool:
    """Sync (with ``previous``, also the version before a Part's only one); False when the eCFR could not be
    connected to at all (no network: nothing more is asked, the error is said once, at the end). A failed fetch,
    and each version or rule fetch that failed, is one line in ``outcome.errors`` (the others were stored)."""
    try:
        result = sync(config, store, log=log, previous=previous)
    except Unreachable as exc:
        outcome.errors.append(f"fetch failed: {exc}")
        return False
    except _FETCH_ERRORS as exc:  # a failed fetch must not stop pending reports and mail
        outcome.errors.append(f"fetch failed: {exc}")
        log("fetch: FAILED; continuing with what is stored (the error is reported at the end)")
        return True
    outcome.new_versions = list(result.new_versions)
    outcome.errors.extend(f"fetch: {line}" for line in result.errors)
    listed = ", ".join(f"{p} {d}" for p, d in outcome.new_versions) or "nothing new"
    failed = f", {len(result.errors)} failed (see above)" if result.errors else ""
    log(f"fetch: {listed} ({result.rules_added} rule(s) added, {result.requests} request(s){failed})")
    if not previous and (line := baseline_line(store, outcome.new_versions)):  # else run says it Part by Part
        log(line)
    return True


def fetch_upcoming_step(config: Config, store: Store, log: Log, today: str) -> None:
    """Ask the Federal Register what is coming (once a day). A failure is a warning, not a failed run: nothing of
    the eCFR's changes depends on it, and the day is not recorded as checked, so the next run asks again."""
    from tracker.upcoming.fetch import fetch_upcoming

    try:
        failed = fetch_upcoming(config, store, today=today, log=log)
    except _FETCH_ERRORS as exc:
        failed = [str(exc)]
    for line in failed:
        log(f"warning: upcoming: {line}; asked again next run")
