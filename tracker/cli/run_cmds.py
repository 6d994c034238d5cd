"""``tracker run``: the scheduled job (fetch, report, email), meant for cron or a systemd timer."""

from __future__ import annotations

import click

from tracker.cli.base import get_config, main


@main.command("run")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something failed (for cron).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write each email as an .eml file into reports/outbox/ instead of sending it; "
    "a later run without --dry-run still sends it.",
)
@click.option("--no-fetch", is_flag=True, help="Do not download; report and mail what is already stored.")
@click.option(
    "--report-latest",
    is_flag=True,
    help="For a Part with only one version stored (the first run's baseline), also fetch the version before "
    "it, so its latest change is reported now.",
)
def run_command(quiet: bool, dry_run: bool, no_fetch: bool, report_latest: bool) -> None:
    """Bring everything up to date: fetch, report, email. Safe to run every day.

    \b
    1. fetch the new eCFR versions of the tracked Parts and the Federal Register rules
       behind them (skipped with --no-fetch) and store them;
    2. compare each new version with the previous one, paragraph by paragraph;
    3. write reports/DATE.html, DATE.txt and DATE.json for each new version date, and
       reports/index.html listing every report, after rewriting the
       history pages (reports/eccn/3A090.html, reports/section/740.10.html, reports/history.html)
       of every ECCN and section the new versions changed;
    4. email each recipient in [mail] the changes on their watchlist (all changes when they
       have none; no email when none touch it). Each message is sent once: a message the
       server accepted is never sent again, one it did not take is retried by the next run.

    The first run stores each Part's current version as its baseline and says so: changes are
    reported from the next version on. With --report-latest it also fetches the version before
    each Part's only one, so the first report comes at once. With no network the run stops at the
    first request (no retries to a host that never answered), names the offline path (tracker
    ingest, tracker ingest-rules) and the proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY),
    exits 1 and leaves no empty database behind.

    Running it twice does nothing the second time; a run that was interrupted is completed
    by the next. While one run works, another exits at once (exit code 0) with one line
    naming the run that holds the lock; if that run has held it longer than stale_lock_hours
    (default 6), it is probably hung: the new run says so and exits 1, so cron mails you.
    SMTP credentials are read from TRACKER_SMTP_USER and TRACKER_SMTP_PASSWORD.

    Exit codes: 0 done (or nothing new), 1 a step failed (fetch, report or a message; the
    rest was still done and failed messages are retried next run), 2 bad settings.
    """
    from tracker.run import run_job

    run_job(get_config(), quiet=quiet, dry_run=dry_run, no_fetch=no_fetch, report_latest=report_latest)
