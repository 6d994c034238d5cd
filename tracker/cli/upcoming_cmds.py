"""``tracker upcoming``: what is coming into force that the stored eCFR does not show yet (:mod:`tracker.upcoming`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from tracker.cli.base import chosen_parts, echo_json, format_option, get_config, main, open_store, part_option

if TYPE_CHECKING:
    from tracker.upcoming import Upcoming


def upcoming_text(entry: Upcoming) -> str:
    """One upcoming change as text: what, when, where it will change, what the eCFR says, where to read it."""
    head = f"{entry.citation or entry.document_number}  [{entry.source}]  {entry.when}"
    lines = [head + (f"  (document {entry.document_number})" if entry.citation and entry.document_number else "")]
    if entry.title:
        lines.append(f"  {entry.title}")
    if entry.targets:
        lines.append(f"  will change: {', '.join(entry.targets)}")
    elif entry.parts:
        lines.append(f"  amends part {', '.join(entry.parts)}; the paragraphs are not known yet")
    else:
        lines.append("  what it changes is not known yet")
    lines += [f"  {n}" for n in entry.notes]
    return "\n".join(lines + ([f"  {entry.url}"] if entry.url else []))


@main.command("upcoming")
@click.option("--fetch", is_flag=True,
              help="Ask the Federal Register first (public inspection, rules by effective date, their full texts).")
@part_option("Only changes to this Part (repeat or comma-separate: --part 740,774).")
@format_option()
def upcoming_command(fetch: bool, parts: tuple[str, ...], fmt: str) -> None:
    """List the changes coming into force that the stored eCFR does not show yet.

    \b
    Three sources, each with the citations it will change and its effective date:
      public-inspection  a BIS rule filed at the Federal Register, not yet published (the earliest sign)
      rule               a published rule taking effect after the latest stored eCFR version of its Part
      ecfr-note          the eCFR's own note "Link to an amendment published at 91 FR 46260, July 23, 2026."

    The citations come from the rule's amendment instructions (its full text, fetched with --fetch or stored
    by `tracker ingest-rules FILE`). Without --fetch this reads the database only (offline; the daily
    `tracker run` asks the Federal Register once a day and mails each new entry once). Once the eCFR version
    that includes a rule is stored, the rule leaves this list and `tracker audit` checks it.

    Example: tracker upcoming --part 744 --format json
    """
    from tracker.upcoming.collect import upcoming
    from tracker.upcoming.fetch import fetch_upcoming

    config = get_config()
    today = dt.date.today().isoformat()
    store = click.get_current_context().with_resource(open_store(write=fetch, create=fetch))
    if fetch and (failed := fetch_upcoming(config, store, today=today, force=True)):
        raise click.ClickException(f"Federal Register: {failed[0]}" + (f" (and {len(failed) - 1} more)"
                                                                        if len(failed) > 1 else ""))
    entries = upcoming(store, config.snapshots_dir, today, fr_base=config.federal_register_url,
                       parts=chosen_parts(parts) or config.parts)
    if fmt == "json":
        echo_json("upcoming", {"as_of": today, "upcoming": [e.to_dict() for e in entries]})
    else:
        click.echo("\n\n".join(upcoming_text(e) for e in entries) or "nothing coming into force is known")
