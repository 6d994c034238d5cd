"""``tracker history``, ``refs``, ``check-refs``, ``search`` and ``pages``: questions answered from the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import (
    DATE,
    LazyChoice,
    chosen_parts,
    echo_json,
    format_option,
    get_config,
    main,
    open_store,
    part_option,
)
from tracker.errors import InputError, TrackerError

if TYPE_CHECKING:
    from tracker.store import Store

ON = click.option("--on", type=DATE, help="Use the versions in force on DATE (YYYY-MM-DD).")
FORMAT = format_option()


def _store(on: str | None = None) -> Store:
    """The database, opened read-only for this command (closed when it ends).

    A given ``--on`` date before the first stored version is an input error (exit 2): nothing was
    in force then as far as tracker knows, and an empty answer would read as "no references".
    """
    store = click.get_current_context().with_resource(open_store())
    if on is not None:
        first = store.dates()[:1]
        if not first:
            raise InputError(f"--on {on}: no version is stored yet")
        if on < first[0]:
            raise InputError(f"--on {on} is before the first stored version ({first[0]})")
    return store


@main.command("history")
@click.argument("key")
@click.option("--text", "with_text", is_flag=True, help="Also print the full text in force from each date.")
@ON
@FORMAT
def history_command(key: str, with_text: bool, on: str | None, fmt: str) -> None:
    """Everything that ever happened to KEY, newest first.

    KEY is an ECCN (3A090), an ECCN item (3A001.z) or a section or paragraph (740.10(a)(2));
    it covers everything under it. For each version date on which its text changed, the
    output names the kind of change (modified, added, editorial, …), shows the redline
    ([-deleted-] {+inserted+}) and the Federal Register rule of that date.

    With --on DATE, prints instead the text of KEY in force on that date.
    """
    from tracker.history import history, text_on
    from tracker.report.text import history_text
    from tracker.xmltext import unescape

    store = _store(on)
    if on is not None:
        paragraphs = text_on(store, key, on)
        if fmt == "json":
            echo_json("text", {"key": key, "on": on, "paragraphs": [p.to_dict() for p in paragraphs]})
        else:
            click.echo("\n".join(unescape(p.text) for p in paragraphs))
        return
    result = history(store, key, with_text=with_text)
    click.echo(result.to_json() if fmt == "json" else history_text(result), nl=fmt == "json")


@main.command("refs")
@click.argument("citation")
@ON
@FORMAT
def refs_command(citation: str, on: str | None, fmt: str) -> None:
    """List the paragraphs that refer to CITATION (or to anything under it).

    CITATION is a paragraph (740.10(a)(2)(iv), § 740.10(a)(3)(v), 15 CFR 740.10), ECCN or item
    (3B001.j, 3a090.A), Country Group (country group e:1) or supplement (supplement no. 1 to part 740).
    Uses the latest stored versions, or those in force on --on DATE. A CITATION that does not exist
    then in its stored Part is an input error (exit 2): "no such paragraph".
    """
    from tracker.citations import typed_citation
    from tracker.xref import refs_to, target_status

    typed = typed_citation(citation)
    if typed is None:
        raise InputError(f"not a citation: {citation!r} (try 740.10(a)(2), 3A090.a, Country Group E:1, "
                         "Supplement No. 1 to Part 740, Part 744)")
    store, key = _store(on), str(typed)
    if not store.dates():
        raise InputError("no version is stored yet")
    status, reason = target_status(store, key, on=on)
    day = on or max(store.dates(typed.part) or store.dates())
    if status in ("broken", "historical"):
        raise InputError(f"no such paragraph on {day}: {reason}")
    found = refs_to(store, key, on=on)
    if fmt == "json":
        echo_json("refs", {"citation": key, "on": on, "references": [r.to_dict() for r in found]})
        return
    if not found:
        click.echo(f"no references to {key} on {day}" + (f" ({reason})" if status == "unverifiable" else ""))
    for r in found:
        click.echo(f"{r.from_citation}  →  {r.target}   (written: {r.written}; in force since {r.valid_from})")


def _listed_statuses() -> list[str]:
    """The statuses ``check-refs --show`` can add to the broken references it always lists."""
    from tracker.xref import STATUSES

    return [s for s in STATUSES if s != "broken"]


@main.command("check-refs")
@ON
@click.option("--since", type=DATE, help="Only references that became broken in versions stored after DATE.")
@part_option("Only references made in this Part (repeat or comma-separate: --part 740,774).")
@click.option("--show", multiple=True, type=LazyChoice(_listed_statuses),
              help="Also list the references with this status (repeatable).")
@FORMAT
def check_refs_command(on: str | None, since: str | None, parts: tuple[str, ...], show: tuple[str, ...],
                       fmt: str) -> None:
    """Check every cross-reference; list the broken ones. Exit 1 if there are any (0 if none).

    Each reference in the stored text (latest versions, or those in force on --on DATE) gets a status:
    ok (its target exists), reserved (a [Reserved] paragraph, or inside a reserved range such as
    "k. through s. [Reserved]"), historical (the regulation itself says it is gone: "formerly listed",
    "were classified under", another agency's), broken (missing from its Part, stored whole) or
    unverifiable (its Part is not stored, or only an excerpt; another CFR title). Relative references
    ("paragraph (b)(3) of this section") are resolved against the citing section first.

    With --since DATE, lists only the references broken now that were not broken on DATE, with the
    version date from which each has been broken: for a daily cron job that reports each once.
    """
    from tracker.xref import STATUSES, check_refs, newly_broken

    store, chosen = _store(on), chosen_parts(parts)
    only = list(chosen) if chosen else None
    if since is not None:
        fresh = newly_broken(store, since, on, parts=only)
        if fmt == "json":
            echo_json("broken-refs", {"since": since, "broken": [{**c.to_dict(), "broken_since": d} for c, d in fresh]})
        else:
            click.echo(f"{len(fresh)} reference(s) became broken after {since}")
            for c, d in fresh:
                click.echo(f"BROKEN since {d}  {c.from_citation}  →  {c.target}   (written: {c.written}) {c.reason}")
        click.get_current_context().exit(1 if fresh else 0)
    checks = check_refs(store, on, parts=only)
    shown = [c for c in checks if c.status == "broken" or c.status in show]
    counts = {s: sum(c.status == s for c in checks) for s in STATUSES}
    if fmt == "json":
        echo_json("check-refs", {"on": on, "counts": counts, "references": [c.to_dict() for c in shown]})
    else:
        click.echo(", ".join(f"{n} {s}" for s, n in counts.items()) + f" of {len(checks)} references")
        for c in shown:
            click.echo(f"{c.status.upper():12}  {c.from_citation}  →  {c.target}   (written: {c.written}) {c.reason}")
    click.get_current_context().exit(1 if counts["broken"] else 0)


@main.command("search")
@click.argument("phrase")
@ON
@part_option()
@click.option("--all-dates", is_flag=True, help="Show when the phrase entered and left each citation's text.")
@FORMAT
def search_command(phrase: str, on: str | None, parts: tuple[str, ...], all_dates: bool, fmt: str) -> None:
    """Search the text of the regulations for PHRASE (words in that order, any case).

    Lists the citations whose text (latest versions, or in force on --on DATE) contains the
    phrase, with the matching words in [brackets]. With --all-dates, searches every stored
    version and tells for each citation the date the phrase entered its text and the date it
    left ("still there" if it has not).
    """
    from tracker.search import search, search_all_dates

    store, chosen = _store(on), chosen_parts(parts) or (None,)
    document: dict[str, object]
    if all_dates:
        presences = [x for p in chosen for x in search_all_dates(store, phrase, part=p)]
        lines = [f"{p.citation}  {p.entered} → {p.left or 'still there'}   {p.snippet}" for p in presences]
        schema, document = "search-dates", {"phrase": phrase, "presences": [p.to_dict() for p in presences]}
    else:
        hits = [h for p in chosen for h in search(store, phrase, on=on, part=p)]
        lines = [f"{h.citation}  ({h.version})   {h.snippet}" for h in hits]
        schema, document = "search", {"phrase": phrase, "on": on, "hits": [h.to_dict() for h in hits]}
    if fmt == "json":
        echo_json(schema, document)
    else:
        click.echo("\n".join(lines) if lines else f"no text contains {phrase!r}")


@main.command("pages")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Reports folder (default: reports_dir).")
@format_option("text: how many pages were written; json: each page's path.")
def pages_command(out: Path | None, fmt: str) -> None:
    """Write a history page for every ECCN, section and supplement that ever changed.

    Pages go to REPORTS/eccn/3A090.html, REPORTS/section/740.10.html and
    REPORTS/supplement/740-1.html, with an index at REPORTS/history.html that has a filter box.
    A unit no longer in the latest version gets its page too, with the date it was removed and
    its last text. They are static files: open them from a file share, no server needed.
    """
    from tracker.report.history_pages import write_history_pages

    target = out or get_config().reports_dir
    try:
        written = write_history_pages(_store(), target)
    except OSError as exc:
        raise TrackerError(f"cannot write pages to {target}: {exc.strerror}") from None
    if fmt == "json":
        echo_json("pages", {"index": str(target / "history.html"), "pages": [str(p) for p in written]})
    else:
        click.echo(f"wrote {len(written)} history page(s) and {target / 'history.html'}")
