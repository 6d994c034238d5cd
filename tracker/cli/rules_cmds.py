"""``tracker ingest-rules``: store Federal Register rules from a file you already have, with no network."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.base import echo_json, format_option, get_config, main, open_store
from tracker.errors import InputError


@main.command("ingest-rules")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("text: what was stored, in a line; json: the counts and every document left out.")
def ingest_rules_command(file: Path, fmt: str) -> None:
    """Store the Federal Register rules in FILE, without going online (for air-gapped sites).

    FILE is what the Federal Register publishes, downloaded anywhere: a document's API record
    (federalregister.gov/api/v1/documents/2024-07004.json), a page of API search results, or the
    GovInfo XML of a rule's full text or of a whole daily issue (FR-2024-02-12.xml; each rule in it
    is taken apart by its FR Doc. number). Only Title 15 rules are stored; the others are listed
    as left out. The rules go to the database (`tracker rules` lists them), each rule's XML to
    SNAPSHOTS/federal-register/DOCUMENT.xml: with it, reports say which rule made each change and
    `tracker audit DOCUMENT` checks the rule without --rule-xml. Ingest the API record first, then
    the XML: a single document's XML carries no publication date (a daily issue does).

    \b
    Example:
      tracker ingest-rules 2024-07004.json
      tracker ingest-rules FR-2024-04-04.xml

    Ingesting the same file twice changes nothing. A file that cannot be read, or holds a record
    that cannot be stored, is one line and exit 2, with nothing stored.
    """
    from tracker.rule_ingest import ingest_rules
    from tracker.snapshots import SnapshotError
    from tracker.store import StoreError

    config = get_config()
    with open_store(create=True) as store:
        try:
            done = ingest_rules(store, Path(config.snapshots_dir), file)
        except (StoreError, SnapshotError) as exc:  # the file's content is refused: bad input (exit 2)
            raise InputError(str(exc)) from None
    if fmt == "json":
        echo_json("ingest-rules", {"file": str(file), "stored": done.stored, "new": done.new,
                                   "full_texts": done.texts, "left_out": list(done.skipped)})
        return
    for line in done.skipped[:5]:
        click.echo(f"left out {line}")
    if len(done.skipped) > 5:
        click.echo(f"left out {len(done.skipped) - 5} more document(s) that are not Title 15 rules")
    click.echo(f"{done.stored} rule(s) stored ({done.new} new), {done.texts} full text(s) kept, "
               f"{len(done.skipped)} document(s) left out ({file})")
