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
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache, partial
from pathlib import Path

from tracker import checkpoint
from tracker.atomic import remove_temp_files
from tracker.attribution import attribute
from tracker.audit import Audit, audit_rule, note_findings, stored_rule_texts
from tracker.config import Config
from tracker.diff import DiffError, diff_dates
from tracker.errors import InputError
from tracker.first_run import nothing_to_compare, remove_database, stored_nothing
from tracker.log import Log, library_log
from tracker.mail import MailSettings, Outbox, SendOutcome, SmtpTransport, plan, plan_notice, send_pending, unsent
from tracker.model import Change
from tracker.report.audit_section import AuditSection
from tracker.report.data import RefFinding, ReportData
from tracker.report.history_pages import write_history_pages
from tracker.report.render import write_index, write_report
from tracker.rule_fetch import stored_amendments
from tracker.run_fetch import fetch_step, fetch_upcoming_step
from tracker.runlock import LockBusyError, RunLock, StaleLockError
from tracker.store import Ref, Store, StoreError
from tracker.upcoming import Upcoming
from tracker.upcoming.collect import upcoming
from tracker.xref import RefCheck, broken_and_repaired, refs_to

#: The start of a notice's delivery key (``upcoming-2026-12-01-1a2b3c4d``), apart from report version dates.
NOTICE_PREFIX = "upcoming-"


@dataclass
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


def _attribute(
    config: Config, store: Store, changes: list[Change], part: str, date_from: str, date_to: str
) -> list[Change]:
    """The changes with the Federal Register rules behind them (stored rules, their stored full texts)."""
    rules = store.rules(part)
    amendments = stored_amendments(config.snapshots_dir, [r.document_number for r in rules])
    records = [r.record() for r in rules]
    return attribute(changes, records, date_from=date_from, date_to=date_to, amendments=amendments)


def _made(store: Store, check: RefCheck, date: str) -> Ref | None:
    """The stored reference behind ``check`` as made on ``date`` (None when it is not made then)."""
    return next((r for r in refs_to(store, check.target, on=date) if (r.from_citation, r.target) == check.key), None)


def reference_findings(
    store: Store, part: str, date_from: str, date_to: str
) -> tuple[list[RefFinding], list[RefFinding]]:
    """The references the change of ``part`` from ``date_from`` to ``date_to`` broke, and those it repaired.

    A finding names the unit of the citing paragraph (for its link; the Part when unknown) and, when
    repaired, how: the target exists now, or the paragraph no longer makes the reference.
    """
    broken, repaired = broken_and_repaired(store, part, date_from, date_to)
    broke = []
    for c in broken:
        ref = _made(store, c, date_to)
        broke.append(RefFinding(c, ref.from_unit if ref else c.part))
    fixed = []
    for c in repaired:
        now = _made(store, c, date_to)
        ref = now or _made(store, c, date_from)
        how = "the target exists now" if now else f"{c.from_citation} no longer makes this reference"
        fixed.append(RefFinding(c, ref.from_unit if ref else c.part, how))
    return broke, fixed


def audit_section(config: Config, store: Store, spans: dict[str, tuple[str, str]]) -> AuditSection:
    """The audits of the stored rules with a kept full text that took effect (else were published) in the
    compared interval of a Part they amend (``spans``: part → (previous date, date)), and the editorial notes new
    in an interval that say an amendment could not be incorporated (read from the interval's delta: cheap)."""
    deltas = [store.delta(part, a, b) for part, (a, b) in spans.items()]
    notes = [f for d in deltas for f in note_findings(d.new, before=d.old) if f.status == "not-incorporated"]
    return AuditSection(tuple(_interval_audits(config, store, spans)), tuple(notes))


def _interval_audits(config: Config, store: Store, spans: dict[str, tuple[str, str]]) -> list[Audit]:
    """The audits of the rules of the intervals; a rule that cannot be audited yet is left out."""
    rules = {r.document_number: r for part, (a, b) in spans.items() for r in store.rules(part)
             if a < (r.effective_on or r.publication_date or "") <= b}
    texts = stored_rule_texts(store, config.snapshots_dir, list(rules.values()))
    audits = []
    for rule in texts:
        try:
            audits.append(audit_rule(store, rule, others=texts))
        except InputError:
            continue
    return audits


def upcoming_after(config: Config, store: Store, date: str, today: str) -> tuple[Upcoming, ...]:
    """The upcoming changes known to the store that take effect after ``date`` (or whose date is not known)."""
    entries = upcoming(store, config.snapshots_dir, today, fr_base=config.federal_register_url, parts=config.parts)
    return tuple(e for e in entries if (e.effective_on or "9999") > date)


def build_notice(config: Config, store: Store, name: str, today: str) -> ReportData:
    """The notice ``name``: the upcoming changes announced in it, as announced (its day is in its name)."""
    entries = tuple(Upcoming.from_dict(e) for e in store.announcement(name))
    day = name.removeprefix(NOTICE_PREFIX)[:10] or today
    return ReportData(day, None, (), (), ecfr_base=config.ecfr_url, upcoming=entries, notice=name)


def build_report(config: Config, store: Store, date: str, today: str | None = None) -> ReportData:
    """Every Part with a version on ``date`` compared with its previous version, rules attributed.

    Also the references each Part's change broke and repaired (a reference between two compared
    Parts is listed once), the audit of the rules that took effect in between (:func:`audit_section`), and the
    changes coming into force after ``date`` when it is the newest stored version date (:func:`upcoming_after`;
    ``today`` defaults to the real date).
    """
    changes: list[Change] = []
    compared: list[str] = []
    previous: list[str] = []
    broken: dict[tuple[str, str], RefFinding] = {}
    repaired: dict[tuple[str, str], RefFinding] = {}
    spans: dict[str, tuple[str, str]] = {}
    for part in store.parts():
        earlier = [d for d in store.dates(part) if d < date]
        if not store.has_snapshot(part, date) or not earlier:
            continue
        found = diff_dates(store, earlier[-1], date, part=part).changes
        changes.extend(_attribute(config, store, found, part, earlier[-1], date))
        compared.append(part)
        previous.append(earlier[-1])
        spans[part] = (earlier[-1], date)
        broke, fixed = reference_findings(store, part, earlier[-1], date)
        for f in broke:
            broken.setdefault(f.check.key, f)
        for f in fixed:
            repaired.setdefault(f.check.key, f)
    return ReportData(
        date,
        max(previous, default=None),
        tuple(compared),
        tuple(changes),
        ecfr_base=config.ecfr_url,
        broken_refs=tuple(broken.values()),
        repaired_refs=tuple(repaired.values()),
        audit=audit_section(config, store, spans),
        upcoming=upcoming_after(config, store, date, today or dt.date.today().isoformat())
        if date == store.dates()[-1] else (),  # the newest report says what is coming, not each of a backfill
    )


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
    settings = MailSettings.from_config(config.mail)
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


def _write_history(store: Store, reports_dir: Path, pending: list[ReportData], outcome: RunOutcome, log: Log) -> None:
    """Rewrite the history pages of the units the pending reports change, and ``history.html``.

    A failure is recorded and the reports are still written and mailed (``tracker pages`` rewrites every page).
    """
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
    pending: list[ReportData] = []
    for date in report_dates(store):
        if (reports_dir / f"{date}.json").exists():
            continue
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
    if pending:
        _write_history(store, reports_dir, pending, outcome, log)
    for report in pending:
        date = report.version_date
        mail = f"mail planned for {len(plan(store, report, settings))} recipient(s)" if settings else "no [mail]"
        paths = write_report(reports_dir, report)
        outcome.reports.append(date)
        log(f"report {date}: {paths['html']} (+ .txt, .json); {mail}")
    if outcome.reports:
        log(f"index: {write_index(reports_dir)}")


def _report_or_notice(config: Config, store: Store, today: str, key: str) -> ReportData:
    """What a delivery key names: a notice of upcoming changes, else the report of a version date."""
    if key.startswith(NOTICE_PREFIX):
        return build_notice(config, store, key, today)
    return build_report(config, store, key, today)


def _announce(config: Config, store: Store, settings: MailSettings | None, log: Log, today: str) -> None:
    """Announce the upcoming changes not announced before, once: a notice, with its email planned for each
    recipient it touches (in the transaction that records them announced). Nothing without ``[mail]`` recipients
    or with ``upcoming = false`` there (the reports' section "Coming into force" still lists them)."""
    if settings is None or not settings.upcoming:
        return
    known = store.announced()
    entries = tuple(e for e in upcoming_after(config, store, today, today) if e.key not in known)
    if not entries:
        return
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
    online = fetch and fetch_step(config, store, outcome, log, previous=report_latest)
    for line in nothing_to_compare(store, config.parts, fetched=fetch, report_latest=report_latest):
        log(line)

    today = dt.date.today().isoformat()
    if online:
        fetch_upcoming_step(config, store, log, today)
    report_on = cache(partial(_report_or_notice, config, store, today))
    _write_reports(store, config.reports_dir, settings, _pending(store, config.reports_dir, report_on, outcome, log),
                   outcome, log)
    _announce(config, store, settings, log, today)
    rows = unsent(store) if settings else []
    if settings and rows:
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
