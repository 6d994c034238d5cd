"""``tracker ingest`` and ``tracker diff``: store eCFR versions, and say what changed between two dates."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from tracker.cli.base import DATE, InputError, TrackerError, get_config, main
from tracker.diff import DiffError, diff_dates
from tracker.parse import ParseError
from tracker.store import Store, StoreError, find_snapshots, ingest_file


@contextmanager
def open_store(*, create: bool) -> Iterator[Store]:
    """The configured database (``database`` in tracker.toml, or ``$TRACKER_DB``), closed afterwards.

    Without ``create``, a missing database is an input error rather than a new empty file.
    """
    path = Path(get_config().database)
    if not create and not path.exists():
        raise InputError(f"no database at {path}; run `tracker ingest` first")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = Store(path)
    except (OSError, sqlite3.Error, StoreError) as exc:
        raise TrackerError(f"cannot open the database {path}: {exc}") from None
    try:
        yield store
    except sqlite3.Error as exc:
        raise TrackerError(f"database {path}: {exc}") from None
    finally:
        store.close()


def _ingest_one(store: Store, path: Path, part: str | None, date: str | None) -> bool:
    texts = store.counts()["texts"]
    try:
        added = ingest_file(store, path, part=part, date=date)
    except (ParseError, StoreError) as exc:
        raise InputError(str(exc)) from None
    if added:
        row = max((r for r in store.snapshots() if r["source"] == str(path)), key=lambda r: r["id"])
        new = store.counts()["texts"] - texts
        click.echo(f"ingested part {row['part']} on {row['date']}: {row['paragraphs']} paragraphs, "
                   f"{new} new texts ({path})")
    else:
        click.echo(f"already stored, nothing to do: {path}")
    return added


@main.command("ingest")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--part", help="The Part the file holds (740). Default: from the path (…/part-740/…).")
@click.option("--date", "date", type=DATE, help="The eCFR date of the version, YYYY-MM-DD. Default: the file name.")
def ingest_command(path: Path | None, part: str | None, date: str | None) -> None:
    """Store eCFR XML versions in the database, without going online.

    PATH is one XML file of a Part as the eCFR returns it (tracker ingest part740.xml --part 740
    --date 2024-04-04), or a snapshots folder laid out as the fetcher writes it
    (PATH/ecfr/title-15/part-740/2024-04-04.xml, or PATH/title-15/part-740/2024-04-04.xml).
    Without PATH, the configured snapshots folder is read. In a folder, --part and --date
    pick which snapshots to store.

    Each version is stored whole or not at all; a version already stored is skipped. A file
    that differs from the stored version of the same Part and date is refused (exit 2): the
    database never rewrites history.
    """
    root = path if path is not None else Path(get_config().snapshots_dir)
    if root.is_file():
        with open_store(create=True) as store:
            _ingest_one(store, root, part, date)
        return
    if not root.is_dir():
        raise InputError(f"no snapshots folder at {root}; give an XML file or a folder")
    found = [(p, d, f) for p, d, f in find_snapshots(root) if part in (None, p) and date in (None, d)]
    if not found:
        raise InputError(f"no snapshots in {root} (expected {root}/ecfr/title-15/part-740/2024-04-04.xml)")
    with open_store(create=True) as store:
        added = sum(_ingest_one(store, f, p, d) for p, d, f in found)
    click.echo(f"{added} version(s) ingested, {len(found) - added} already stored")


@main.command("diff")
@click.argument("date_a", type=DATE)
@click.argument("date_b", type=DATE)
@click.option("--part", help="Only this Part (740).")
@click.option("--eccn", help="Only this ECCN's paragraphs (3A090).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for reading; json (schema tracker.diff/1) for reports and scripts.")
def diff_command(date_a: str, date_b: str, part: str | None, eccn: str | None, fmt: str) -> None:
    """Show what changed in the regulations from DATE_A to DATE_B, paragraph by paragraph.

    Dates are YYYY-MM-DD, earlier first. Each date means the version in force on it: the latest
    stored version on or before it (the output says when a date was resolved that way). A date
    before the first stored version is an error (exit 2).

    Changes are grouped by Part, then section or ECCN, then paragraph, in document order, with
    counts per kind at the top: added, removed, modified (with a word-level redline: [-deleted-]
    {+inserted+}), reserved, redesignated (old → new citation), restored, reference-only (old →
    new reference), editorial (punctuation, case, dashes), heading.
    """
    with open_store(create=False) as store:
        try:
            result = diff_dates(store, date_a, date_b, part=part, eccn=eccn)
        except (DiffError, StoreError) as exc:
            raise InputError(str(exc)) from None
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=fmt == "json")
