"""``tracker parse`` (one eCFR XML file, without touching the database) and ``tracker show`` (one paragraph with
its references, from the database or a file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import DATE, JSON_ALIAS, echo_json, format_option, json_alias, main, open_store
from tracker.errors import InputError

if TYPE_CHECKING:
    from tracker.model import Paragraph


def _depths(records: list[Paragraph]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for r in records:
        depth[r.citation] = depth.get(r.parent, -1) + 1 if r.parent else 0
    return depth


def _line(r: Paragraph, indent: int, width: int) -> str:
    text = r.text if width <= 0 or len(r.text) <= width else r.text[: width - 1] + "…"
    return f"{'  ' * indent}{r.citation}  [{r.kind}]  {text}"


@main.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@format_option("text: an outline; json: a list of records.")
@JSON_ALIAS
@click.option("--width", default=100, show_default=True, help="Cut each text line to this width (0: no cut).")
def parse_command(file: Path, fmt: str, as_json: bool, width: int) -> None:
    """List every paragraph of an eCFR XML FILE with its citation key.

    FILE is a Part, section or supplement as the eCFR returns it (for example
    snapshots/ecfr/title-15/part-740/2024-04-04.xml). Each line shows the key
    (740.10(a)(2)(iv), 3A090.a, "Supplement No. 1 to Part 740, Country Group A [Albania]"),
    the kind of record and the start of its text, indented under its parent.

    With --format json, prints a list of records in document order, each with citation, parent,
    part, unit, marker, kind, heading, text, sha256, order and refs.
    """
    from tracker.parse import parse_file

    records = parse_file(file)
    if json_alias(fmt, as_json) == "json":
        echo_json("parse", {"file": str(file), "records": [r.to_dict() for r in records]})
        return
    depth = _depths(records)
    for r in records:
        click.echo(_line(r, depth[r.citation], width))


def _shown(records: list[Paragraph], key: str, file: Path) -> list[Paragraph]:
    """The record keyed ``key`` in a parsed file and everything under it (one line, exit 2, when it is not there)."""
    keys = {r.citation for r in records}
    if key not in keys:
        near = sorted(k for k in keys if k.startswith(key.split("(")[0].split(".")[0]))[:5]
        hint = f" (nearest: {', '.join(near)})" if near else ""
        raise InputError(f"{key}: no such paragraph in {file}{hint}")
    inside = {key}
    for r in records:
        if r.citation in inside or r.parent in inside:
            inside.add(r.citation)
    return [r for r in records if r.citation in inside]


def _stored(key: str, on: str | None) -> tuple[str, list[Paragraph]]:
    """The version date shown and the paragraphs of ``key`` (and under it) in force on ``on``, or in the latest
    stored version of its Part."""
    from tracker.history import text_on

    with open_store() as store:
        dates = store.dates()
        if not dates:
            raise InputError("no version is stored yet; run `tracker ingest` first")
        day = on or max(dates)  # the latest version of the key's Part is the one in force on the latest date
        paragraphs = text_on(store, key, day)
        return store.version_on(paragraphs[0].part, day) or day, paragraphs


def _show_lines(p: Paragraph) -> list[str]:
    """A paragraph as text: its key, heading, text, then each reference it makes (and the words as written)."""
    from tracker.report.markup import text_to_plain

    lines = [p.citation]
    if p.heading and p.heading not in p.text:  # a heading the text does not repeat (a note's, a section's)
        lines.append(f"  {text_to_plain(p.heading)}")
    lines.append(f"  {text_to_plain(p.text)}")
    lines += [f"  → {r.target}" + (f" through {r.through}" if r.through else "") + f"   (written: {r.text})"
              for r in p.refs]
    return [*lines, ""]


@main.command("show")
@click.argument("citation")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read this eCFR XML file instead of the database.")
@click.option("--on", type=DATE, help="The version in force on DATE (YYYY-MM-DD). Default: the latest stored.")
@format_option()
def show_command(citation: str, file: Path | None, on: str | None, fmt: str) -> None:
    """Print one paragraph (CITATION, e.g. 740.10(b)(3) or 3a090.A) and everything under it, with the
    references each one makes (→ target, and the words as written).

    Reads the database (the latest stored version, or the one in force on --on DATE), or with
    --file FILE an eCFR XML file, without touching the database.
    """
    from tracker.citations import normalise_key

    key = normalise_key(citation)
    if file is not None:
        if on is not None:
            raise InputError("--on reads the database; with --file the file's own version is shown")
        from tracker.parse import parse_file

        version, shown = None, _shown(parse_file(file), key, file)
    else:
        version, shown = _stored(key, on)
    if fmt == "json":
        echo_json("show", {"key": key, "version": version, "file": str(file) if file else None,
                   "paragraphs": [p.to_dict() for p in shown]})
        return
    click.echo("\n".join(line for p in shown for line in _show_lines(p)))
