"""``tracker parse`` and ``tracker show``: read one eCFR XML file without touching the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import main
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
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of records instead of an outline.")
@click.option("--width", default=100, show_default=True, help="Cut each text line to this width (0: no cut).")
def parse_command(file: Path, as_json: bool, width: int) -> None:
    """List every paragraph of an eCFR XML FILE with its citation key.

    FILE is a Part, section or supplement as the eCFR returns it (for example
    snapshots/ecfr/title-15/part-740/2024-04-04.xml). Each line shows the key
    (740.10(a)(2)(iv), 3A090.a, "Supplement No. 1 to Part 740, Country Group A [Albania]"),
    the kind of record and the start of its text, indented under its parent.

    With --json, prints a list of records in document order, each with citation, parent,
    part, unit, marker, kind, heading, text, sha256, order and refs.
    """
    from tracker.parse import parse_file

    records = parse_file(file)
    if as_json:
        import json

        click.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=1))
        return
    depth = _depths(records)
    for r in records:
        click.echo(_line(r, depth[r.citation], width))


@main.command("show")
@click.argument("citation")
@click.option("--file", "file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The eCFR XML file to read.")
def show_command(citation: str, file: Path) -> None:
    """Print one paragraph (CITATION, e.g. 740.10(b)(3) or 3A090.a) and everything under it."""
    from tracker.parse import parse_file

    records = parse_file(file)
    keys = {r.citation for r in records}
    if citation not in keys:
        near = sorted(k for k in keys if k.startswith(citation.split("(")[0].split(".")[0]))[:5]
        hint = f" (nearest: {', '.join(near)})" if near else ""
        raise InputError(f"{citation}: no such paragraph in {file}{hint}")
    inside = {citation}
    for r in records:
        if r.citation in inside or r.parent in inside:
            inside.add(r.citation)
            click.echo(f"{r.citation}\n  {r.text}\n")
