"""The scheduled job: fetch what is new → diff each new version → write reports → email → record.

:func:`run` holds the database's run lock (:mod:`tracker.runlock`) for its whole length, so overlapping
runs (a slow run and the next cron start, or two paths to one database) cannot both work: the second
returns at once with ``busy`` set — or, when the lock has been held longer than ``stale_lock_hours``
(a hung run), with an error, so the run exits non-zero and cron tells the operator.

What is pending is read from the store and the reports folder, never from memory, so a crashed run
is completed by the next one and a second run in a row does nothing:

- a *report date* is a stored version date on which at least one Part has a version and an
  earlier one to compare with (the first version of a Part is its baseline, not a change);
- a report date without ``reports/<date>.json`` is reported: first the history pages of the ECCNs
  and sections it changed (and ``reports/history.html``) are rewritten, so the report's links to them
  never dangle; then its deliveries are planned (:func:`tracker.mail.plan`), then the
  ``.html``/``.txt``/``.json`` files are written atomically (the ``.json`` last: it marks the date
  done), then ``reports/index.html``;
- every delivery row not yet ``sent`` is sent (:func:`tracker.mail.send_pending`).

Adding a recipient later does not mail them the old reports: deliveries are planned only when a
report is first written.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from functools import cache, partial
from pathlib import Path

from tracker import checkpoint
from tracker.atomic import remove_temp_files
from tracker.config import Config
from tracker.first_run import nothing_to_compare, remove_database, stored_nothing
from tracker.log import Log, library_log
from tracker.mail.outcome import SendOutcome
from tracker.runlock import LockBusyError, RunLock, StaleLockError
from tracker.store import Store, StoreError

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from dataclasses import dataclass as record  # what the record is, for type checkers
    from dataclasses import field

    from tracker.mail.settings import MailSettings
    from tracker.report.data import ReportData
else:
    from tracker.record import field, record


@record()
class RunOutcome:
    """What one run did; ``errors`` holds one line per failed step (exit code 1 when any)."""

    busy: bool = False
    #: Set (one line) when the lock is held by a run that has gone on past ``stale_lock_hours``.
    hung: str | None = None
    new_versions: list[tuple[str, str]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    mail: SendOutcome = field(default_factory=SendOutcome)
    errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every failure of the run, one line each (fetch, diff, messages not taken)."""
        return ([self.hung] if self.hung else []) + self.errors + list(self.mail.errors)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def report_dates(store: Store) -> list[str]:
    """Version dates on which some Part has a version and an earlier one (baselines excluded)."""
    firsts = {p: store.dates(p)[0] for p in store.parts()}
    return [d for d in store.dates() if any(store.has_snapshot(p, d) and d > f for p, f in firsts.items())]


def mail_settings(config: Config) -> MailSettings | None:
    """The run's ``[mail]`` settings, None without recipients (reports only); without a ``[mail]`` table at all
    the mail settings are not even imported. Raises :class:`tracker.config.ConfigError` for a bad one."""
    if not config.mail:
        return None
    from tracker.mail.settings import MailSettings

    return MailSettings.from_config(config.mail)


def run(
    config: Config,
    *,
    fetch: bool = True,
    dry_run: bool = False,
    log: Log = library_log,
    env: dict[str, str] | None = None,
    report_latest: bool = False,
) -> RunOutcome:
    """One scheduled run (see the module docs); ``report_latest`` also fetches the version before a Part's only
    one, so its latest change is reported now. A database the run created and stored nothing in (no network on
    a first run) is removed. Raises :class:`tracker.config.ConfigError` for a bad [mail]."""
    settings = mail_settings(config)
    outcome = RunOutcome()
    lock = RunLock(config.database, timedelta(hours=config.stale_lock_hours))
    try:
        lock.acquire()
    except StaleLockError as exc:
        outcome.hung = str(exc)
        return outcome
    except LockBusyError as exc:
        outcome.busy = True
        log(str(exc))
        return outcome
    checkpoint.reached("run.locked")
    try:
        created, empty = not Path(config.database).exists(), False
        store = Store(config.database)
        try:
            _run_locked(config, store, settings, outcome, fetch=fetch, dry_run=dry_run, log=log, env=env,
                        report_latest=report_latest)
            empty = created and stored_nothing(store)
        finally:
            store.close()
        if empty:
            remove_database(config.database)
    finally:
        lock.release()
    return outcome


def run_job(config: Config, *, quiet: bool, dry_run: bool, no_fetch: bool, report_latest: bool) -> None:
    """``tracker run`` (the click command and the launcher both call it): one :func:`run` logging its lines (none
    when ``quiet``), its failures raised as one :class:`TrackerError` (a hung run as a :class:`StateError`)."""
    from tracker.errors import StateError, TrackerError
    from tracker.log import silent

    outcome = run(config, fetch=not no_fetch, dry_run=dry_run, log=silent if quiet else library_log,
                  report_latest=report_latest)
    if outcome.hung:
        raise StateError(outcome.hung)
    if outcome.exit_code:
        raise TrackerError("; ".join(outcome.problems) + " (reports kept; the next run retries)")


def _write_history(store: Store, reports_dir: Path, pending: list[ReportData], outcome: RunOutcome, log: Log) -> None:
    """Rewrite the history pages of the units the pending reports change, and ``history.html``.

    A failure is recorded and the reports are still written and mailed (``tracker pages`` rewrites every page).
    """
    from tracker.report.history_pages import write_history_pages

    units = {c.unit for r in pending for c in r.changes}
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        pages = write_history_pages(store, reports_dir, units, reports=[r.version_date for r in pending])
    except (OSError, LookupError, StoreError) as exc:
        outcome.errors.append(f"history pages: {exc}")
        log(f"history: FAILED ({exc})")
        return
    log(f"history: {len(pages)} page(s) rewritten, {reports_dir / 'history.html'}")


def _pending(
    store: Store, reports_dir: Path, report_on: Callable[[str], ReportData], outcome: RunOutcome, log: Log
) -> list[ReportData]:
    """The reports of the report dates without ``reports/DATE.json`` (a diff that fails is one error, not a stop)."""
    due = [d for d in report_dates(store) if not (reports_dir / f"{d}.json").exists()]
    if not due:
        return []
    from tracker.diff import DiffError

    pending: list[ReportData] = []
    for date in due:
        try:
            report = report_on(date)
        except (StoreError, DiffError) as exc:
            outcome.errors.append(f"diff {date}: {exc}")
            log(f"diff {date}: FAILED ({exc})")
            continue
        parts = ", ".join(report.changed_parts) or "none"
        log(f"diff {date} (against {report.previous_date}): {report.summary.total} changed paragraph(s) in {parts}")
        pending.append(report)
    return pending


def _write_reports(
    store: Store,
    reports_dir: Path,
    settings: MailSettings | None,
    pending: list[ReportData],
    outcome: RunOutcome,
    log: Log,
) -> None:
    """History pages first (so report links never dangle), then each report with its deliveries planned, then
    the index."""
    if not pending:
        return
    from tracker.mail import plan
    from tracker.report.render import write_index, write_report

    _write_history(store, reports_dir, pending, outcome, log)
    for report in pending:
        date = report.version_date
        mail = f"mail planned for {len(plan(store, report, settings))} recipient(s)" if settings else "no [mail]"
        paths = write_report(reports_dir, report)
        outcome.reports.append(date)
        log(f"report {date}: {paths['html']} (+ .txt, .json); {mail}")
    log(f"index: {write_index(reports_dir)}")


def _report_or_notice(config: Config, store: Store, today: str, key: str) -> ReportData:
    """What a delivery key names (:func:`tracker.build.report_or_notice`, imported only when one is built)."""
    from tracker.build import report_or_notice

    return report_or_notice(config, store, today, key)


def _announce(config: Config, store: Store, settings: MailSettings | None, log: Log, today: str) -> None:
    """Announce the upcoming changes not announced before, once: a notice, with its email planned for each
    recipient it touches (in the transaction that records them announced). Nothing without ``[mail]`` recipients
    or with ``upcoming = false`` there (the reports' section "Coming into force" still lists them)."""
    if settings is None or not settings.upcoming:
        return
    from tracker.build import NOTICE_PREFIX, upcoming_after
    from tracker.mail import plan_notice
    from tracker.report.data import ReportData

    known = store.announced()
    entries = tuple(e for e in upcoming_after(config, store, today, today) if e.key not in known)
    if not entries:
        return
    import hashlib

    digest = hashlib.sha256("\n".join(e.key for e in entries).encode()).hexdigest()[:8]
    notice = ReportData(today, None, (), (), ecfr_base=config.ecfr_url, upcoming=entries,
                        notice=f"{NOTICE_PREFIX}{today}-{digest}")
    planned = plan_notice(store, notice, settings)
    listed = ", ".join(e.citation or e.document_number for e in entries)
    log(f"upcoming: {len(entries)} new ({listed}); mail planned for {len(planned)} recipient(s)")


def _run_locked(
    config: Config,
    store: Store,
    settings: MailSettings | None,
    outcome: RunOutcome,
    *,
    fetch: bool,
    dry_run: bool,
    log: Log,
    env: dict[str, str] | None,
    report_latest: bool,
) -> None:
    if stale := remove_temp_files(config.reports_dir):
        log(f"reports: removed {stale} unfinished file(s) left by an interrupted run")
    online = False
    if fetch:
        from tracker.run_fetch import fetch_step, fetch_upcoming_step

        online = fetch_step(config, store, outcome, log, previous=report_latest)
    for line in nothing_to_compare(store, config.parts, fetched=fetch, report_latest=report_latest):
        log(line)

    today = dt.date.today().isoformat()
    if online:
        fetch_upcoming_step(config, store, log, today)
    report_on = cache(partial(_report_or_notice, config, store, today))  # each report built once per run
    _write_reports(store, config.reports_dir, settings, _pending(store, config.reports_dir, report_on, outcome, log),
                   outcome, log)
    _announce(config, store, settings, log, today)
    rows = store.unsent_deliveries() if settings else []
    if settings and rows:
        from tracker.mail import Outbox, SmtpTransport, send_pending

        transport = Outbox(config.reports_dir / "outbox") if dry_run else SmtpTransport(settings, env)
        try:
            outcome.mail = send_pending(store, settings, rows, report_on, transport, log)
        finally:
            if isinstance(transport, SmtpTransport):
                transport.close()
    m = outcome.mail
    log(
        f"done: {len(outcome.reports)} new report(s), {m.sent} message(s) "
        f"{'written to the outbox' if dry_run else 'sent'}, {m.not_sent} not sent"
    )
