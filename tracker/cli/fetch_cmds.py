"""``tracker fetch`` (download and ingest what is new) and ``tracker rules`` (list stored rules)."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.base import (
    DATE,
    JSON_ALIAS,
    chosen_parts,
    echo_json,
    format_option,
    get_config,
    json_alias,
    main,
    open_store,
    part_option,
)
from tracker.errors import InputError, SourceError

_PARTS_HELP = "Only these Parts (repeat or comma-separate: --part 740,774). Default: the configured parts."


@main.command("fetch")
@click.option("--since", type=DATE, help="Backfill: fetch every version dated on or after this day.")
@part_option(_PARTS_HELP)
@format_option("text: a summary line; json: the versions and counts (printed before a failure's exit 1).")
def fetch_command(since: str | None, parts: tuple[str, ...], fmt: str) -> None:
    """Download new eCFR versions of the tracked Parts and the rules behind them, and store them.

    Without options, brings in everything published since the last run (one quick request when
    nothing changed; on the very first run, the current version of each Part). With --since,
    backfills every version from that date (for example --since 2023-01-01); an interrupted
    backfill resumes where it stopped without downloading anything twice.

    Files land in the snapshots folder (ecfr/title-15/part-740/2024-04-04.xml,
    federal-register/2024-07004.json) and every version is added to the database.
    Progress goes to stderr; exit code 1 (one line) if a download or file fails.
    """
    from dataclasses import replace

    from tracker.first_run import remove_database, stored_nothing
    from tracker.sync import sync

    config = get_config()
    chosen = chosen_parts(parts)
    if chosen:
        config = replace(config, parts=chosen)
    created = not Path(config.database).exists()
    try:
        with open_store(create=True) as store:
            try:
                result = sync(config, store, since=since)
            except BaseException:
                empty = created and stored_nothing(store)
                store.close()
                if empty:  # no network on the very first fetch: no empty database is left behind
                    remove_database(Path(config.database))
                raise
    except InputError as exc:  # a bad download is the source's failure (exit 1), not the user's input
        raise SourceError(str(exc)) from None
    if fmt == "json":
        echo_json("fetch", {"new_versions": [{"part": p, "date": d} for p, d in result.new_versions],
                            "rules_added": result.rules_added, "requests": result.requests, "bytes": result.bytes,
                            "errors": list(result.errors)})
    else:
        new = ", ".join(f"{part}@{date}" for part, date in result.new_versions) or "none"
        click.echo(f"new versions: {new}; new rules: {result.rules_added}; "
                   f"{result.requests} requests, {result.bytes / 1e6:,.1f} MB")
    if result.errors:  # the other versions went on; these are retried by the next fetch
        raise SourceError("; ".join(result.errors))


@main.command("rules")
@part_option("Only rules amending this Part (repeat or comma-separate: --part 740,774).")
@format_option("text: one line per rule; json: the stored Federal Register records.")
@JSON_ALIAS
def rules_command(parts: tuple[str, ...], fmt: str, as_json: bool) -> None:
    """List the Federal Register rules stored by `tracker fetch` or `tracker ingest-rules`, oldest first.

    Each line: publication date, citation (89 FR 23876), document number, effective date,
    the Parts of 15 CFR it amends, and its title. With --format json, the stored records as the
    Federal Register API returns them.
    """
    store = click.get_current_context().with_resource(open_store())
    chosen = chosen_parts(parts)
    rows = store.rules() if not chosen else [r for p in chosen for r in store.rules(p)]
    rows = list({r.document_number: r for r in rows}.values())
    rows.sort(key=lambda r: (r.publication_date or "", r.document_number))
    if json_alias(fmt, as_json) == "json":
        echo_json("rules", {"parts": list(chosen or ()), "rules": [r.raw for r in rows]})
        return
    for r in rows:
        click.echo(
            f"{r.publication_date}  {r.citation}  {r.document_number}  "
            f"effective {r.effective_on or '?'}  parts {','.join(r.parts)}  {r.title}"
        )
    if not rows:
        where = f" amending part {', '.join(chosen)}" if chosen else ""
        click.echo(f"no rules stored{where} (run `tracker fetch` or `tracker ingest-rules FILE`)", err=True)
