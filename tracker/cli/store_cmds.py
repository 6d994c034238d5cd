"""``tracker ingest``, ``remove-version`` and ``diff``: store eCFR versions, take a wrong one out, say what changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import DATE, chosen_parts, echo_json, format_option, get_config, main, open_store, part_option
from tracker.errors import InputError, StateError

if TYPE_CHECKING:
    from tracker.parse import SectionCache
    from tracker.store import Store


def _ingest_one(store: Store, path: Path, part: str | None, date: str | None, excerpt: bool,
                accept: bool, cache: SectionCache) -> dict[str, object]:
    """Store one file; what was done, as ``tracker.ingest/1`` lists it (``stored`` False: already stored)."""
    from tracker.ingest import ingest_file
    from tracker.store import StoreError

    texts = store.counts()["texts"]
    try:
        added = ingest_file(store, path, part=part, date=date, excerpt=excerpt, accept_suspect=accept, cache=cache)
    except StoreError as exc:  # a file the store refuses is bad input (exit 2), not a store failure
        raise InputError(str(exc)) from None
    if not added:
        return {"source": str(path), "stored": False}
    row = max((r for r in store.snapshots() if r.source == str(path)), key=lambda r: r.id)
    return {"source": str(path), "stored": True, "part": row.part, "date": row.date, "excerpt": bool(row.excerpt),
            "paragraphs": row.paragraphs, "new_texts": store.counts()["texts"] - texts}


def _ingested_line(done: dict[str, object]) -> str:
    if not done["stored"]:
        return f"already stored, nothing to do: {done['source']}"
    kind = " as an excerpt" if done["excerpt"] else ""
    return (f"ingested part {done['part']} on {done['date']}{kind}: {done['paragraphs']} paragraphs, "
            f"{done['new_texts']} new texts ({done['source']})")


@main.command("ingest")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--part", help="The Part the file holds (740). Default: from the path (…/part-740/…).")
@click.option("--date", "date", type=DATE, help="The eCFR date of the version, YYYY-MM-DD. Default: the file name.")
@click.option("--excerpt", is_flag=True,
              help="The file holds only part of the Part (a section, a supplement): store it marked as an excerpt.")
@click.option("--accept-suspect", is_flag=True,
              help="Store it even if it loses most of the Part against the stored version before it.")
@format_option("text: a line per file; json: each file with what was stored.")
def ingest_command(path: Path | None, part: str | None, date: str | None, excerpt: bool, accept_suspect: bool,
                   fmt: str) -> None:
    """Store eCFR XML versions in the database, without going online.

    PATH is one XML file of a Part as the eCFR returns it (tracker ingest part740.xml --part 740
    --date 2024-04-04), or a snapshots folder laid out as the fetcher writes it
    (PATH/ecfr/title-15/part-740/2024-04-04.xml, or PATH/title-15/part-740/2024-04-04.xml).
    Without PATH, the configured snapshots folder is read. In a folder, --part and --date
    pick which snapshots to store (--excerpt and --accept-suspect apply to each of them).

    Each version is stored whole or not at all; a version already stored is skipped. A file
    that differs from the stored version of the same Part and date is refused (exit 2): the
    database never rewrites history (`tracker remove-version` takes a wrong one out). Also
    refused (exit 2): a file over 64 MB; a file holding only a section or supplement of the
    Part, unless --excerpt; and a version with fewer than half the paragraphs or half the text
    of the nearest stored version of its Part (when that has 50 paragraphs or more), unless
    --accept-suspect.
    """
    from tracker.ingest import find_snapshots
    from tracker.parse import SectionCache

    root = path if path is not None else Path(get_config().snapshots_dir)
    if root.is_file():
        found = [(part, date, root)]
    elif not root.is_dir():
        raise InputError(f"no snapshots folder at {root}; give an XML file or a folder")
    else:
        found = [(p, d, f) for p, d, f in find_snapshots(root) if part in (None, p) and date in (None, d)]
        if not found:
            raise InputError(f"no snapshots in {root} (expected {root}/ecfr/title-15/part-740/2024-04-04.xml)")
    with open_store(create=True) as store:
        done = []
        cache = SectionCache()  # a folder's versions in date order: each re-parses only what changed
        for p, d, f in found:  # each line as soon as its file is stored: a folder can take minutes
            done.append(_ingest_one(store, f, p, d, excerpt, accept_suspect, cache))
            if fmt == "text":
                click.echo(_ingested_line(done[-1]))
    added = sum(bool(x["stored"]) for x in done)
    if fmt == "json":
        echo_json("ingest", {"stored": added, "already_stored": len(done) - added, "files": done})
    elif root.is_dir():
        click.echo(f"{added} version(s) ingested, {len(found) - added} already stored")


def _withdraw(reports_dir: Path, dates: list[str], name: str) -> list[tuple[Path, Path]]:
    """Move the report files of ``dates`` into a new ``reports_dir/withdrawn/NAME[-n]/``, each ``.json`` first
    (its absence is what makes the next run rebuild a report); returns the moves made."""
    folder, n = reports_dir / "withdrawn" / name, 1
    while folder.exists():  # an earlier removal of the same version
        n += 1
        folder = folder.with_name(f"{name}-{n}")
    moves: list[tuple[Path, Path]] = []
    for date in dates:
        for suffix in (".json", ".html", ".txt"):
            source = reports_dir / f"{date}{suffix}"
            if source.exists():
                folder.mkdir(parents=True, exist_ok=True)
                source.replace(folder / source.name)
                moves.append((source, folder / source.name))
    return moves


def _put_back(moves: list[tuple[Path, Path]]) -> None:
    for source, target in reversed(moves):
        target.replace(source)


@main.command("remove-version")
@click.option("--part", required=True, help="The Part of the version (774).")
@click.option("--date", "date", type=DATE, required=True, help="The version date to remove, YYYY-MM-DD.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove_version_command(part: str, date: str, yes: bool) -> None:
    """Undo a wrong ingest: remove one stored version of a Part, so that the right file can be stored.

    The version goes in one transaction, with its spans; every other version stays exactly as it
    was. The reports built from it — the one of DATE and the one of the Part's next stored version,
    which compared against it — are moved to REPORTS/withdrawn/ and the next `tracker run`
    rebuilds them; their emails not yet sent are dropped (sent ones stay recorded and are not sent
    again); the history pages are rewritten. The fetcher's snapshot of that date, if it is the file
    that was stored, is moved to SNAPSHOTS/quarantine/ so the next run downloads the date again; a
    file you ingested by hand is left where it is. Asks for confirmation unless --yes.
    """
    from tracker.runlock import RunLock

    config = get_config()
    with open_store(write=True) as store:
        lock = RunLock(config.database)
        try:
            lock.acquire()  # no run may build reports from the version while it goes
        except OSError as exc:
            raise StateError(f"cannot take the run lock {lock.path}: {exc.strerror}") from None
        try:
            _remove(store, config.reports_dir, config.snapshots_dir, part, date, yes)
        finally:
            lock.release()


def _set_snapshot_aside(snapshots_dir: Path, part: str, date: str, sha256: str) -> Path | None:
    """Move the fetcher's snapshot of the removed version (when it is the file that was stored) into quarantine/,
    so that no later run ingests it again from disk; returns where it went."""
    import hashlib

    from tracker.snapshots import ecfr_path, quarantine

    path = ecfr_path(snapshots_dir, part, date)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    kept = quarantine(snapshots_dir, part, date, data, f"removed from the database by tracker remove-version ({path})")
    path.unlink()
    return kept


def _remove(store: Store, reports_dir: Path, snapshots_dir: Path, part: str, date: str, yes: bool) -> None:
    from tracker.report.history_pages import write_history_pages
    from tracker.report.render import write_index

    row = store.snapshot(part, date)
    if row is None:
        stored = ", ".join(store.dates(part)) or "none"
        raise InputError(f"part {part} has no stored version on {date} (stored: {stored}); nothing removed")
    nxt = next((d for d in store.dates(part) if d > date), None)
    reports = [d for d in (date, nxt) if d is not None and (reports_dir / f"{d}.json").exists()]
    if not yes:
        also = f" and withdraw the report(s) of {', '.join(reports)}" if reports else ""
        click.confirm(f"Remove part {part} on {date} ({row.paragraphs:,} paragraphs from {row.source}){also}?",
                      abort=True)
    moves = _withdraw(reports_dir, reports, f"part-{part}-{date}")
    try:
        removal = store.remove_version(part, date)
    except BaseException:
        _put_back(moves)
        raise
    click.echo(f"removed part {part} on {date} ({row.paragraphs:,} paragraphs, stored {row.ingested_at})")
    aside = _set_snapshot_aside(snapshots_dir, part, date, row.sha256)
    if aside:
        click.echo(f"its snapshot is set aside as {aside} (the next `tracker run` downloads that date again)")
    else:
        click.echo(f"the file it was stored from is left as it is: {row.source}")
    if moves:
        write_index(reports_dir)
        click.echo(f"withdrew the report(s) of {', '.join(reports)} to {moves[0][1].parent}/;"
                   " the next `tracker run` rebuilds them from what is stored now")
    if removal.deliveries_deleted or removal.deliveries_kept:
        click.echo(f"emails of those reports: {removal.deliveries_deleted} not yet sent dropped (planned again"
                   f" when rebuilt), {removal.deliveries_kept} sent kept as the record (never sent again)")
    if (reports_dir / "history.html").exists():
        pages = write_history_pages(store, reports_dir)
        click.echo(f"rewrote {len(pages)} history page(s) without it")


@main.command("diff")
@click.argument("date_a", type=DATE)
@click.argument("date_b", type=DATE)
@part_option()
@click.option("--eccn", help="Only this ECCN's paragraphs (3A090), or an item's (3A090.b, any case) with the "
              "notes and License Requirements rows that apply to it.")
@format_option("text for reading; json (schema tracker.diff/1) for reports and scripts.")
def diff_command(date_a: str, date_b: str, parts: tuple[str, ...], eccn: str | None, fmt: str) -> None:
    """Show what changed in the regulations from DATE_A to DATE_B, paragraph by paragraph.

    Dates are YYYY-MM-DD, earlier first. Each date means the version in force on it: the latest
    stored version on or before it (the output says when a date was resolved that way). A date
    before the first stored version is an error (exit 2).

    Changes are grouped by Part, then section or ECCN, then paragraph, in document order, with
    counts per kind at the top: added, removed, modified (with a word-level redline: [-deleted-]
    {+inserted+}), reserved, redesignated (old → new citation), restored, reference-only (old →
    new reference), editorial (punctuation, case, dashes), heading.
    """
    from tracker.diff import diff_dates
    from tracker.report.text import diff_text
    from tracker.store import StoreError

    with open_store() as store:
        try:
            result = diff_dates(store, date_a, date_b, part=chosen_parts(parts), eccn=eccn)
        except StoreError as exc:  # a version the store does not hold is bad input here (exit 2)
            raise InputError(str(exc)) from None
    click.echo(result.to_json() if fmt == "json" else diff_text(result), nl=fmt == "json")
