"""Storing eCFR XML files: one file (:func:`ingest_file`) or every snapshot under a folder (:func:`find_snapshots`).

This is where parsing meets the store: the file is read (up to the size limit), parsed and handed to
:meth:`tracker.store.Store.ingest`; the store itself never parses.
"""

from __future__ import annotations

import re
from hashlib import sha256 as _sha256
from pathlib import Path

from tracker.dates import is_date
from tracker.store import Store, StoreError
from tracker.xmltext import MAX_XML_BYTES

TYPE_CHECKING = False  # not typing's: a fetching run with nothing new imports this module
if TYPE_CHECKING:
    from tracker.model import Paragraph
    from tracker.parse import SectionCache

_LAYOUT = re.compile(r"part-(\d+[A-Za-z]?)$")


def infer_part_date(path: str | Path) -> tuple[str | None, str | None]:
    """Part and date from the snapshot layout ``…/part-740/2024-04-04.xml`` (None where absent).

    >>> infer_part_date("snapshots/ecfr/title-15/part-740/2024-04-04.xml"), infer_part_date("x.xml")
    (('740', '2024-04-04'), (None, None))
    """
    p = Path(path)
    m = _LAYOUT.search(p.parent.name)
    date = p.name.split(".")[0]
    return (m.group(1) if m else None), (date if is_date(date) else None)


def find_snapshots(root: str | Path) -> list[tuple[str, str, Path]]:
    """``(part, date, path)`` of every snapshot under ``root``, by part then date.

    Reads the fetcher's layout ``root/ecfr/title-15/part-740/2024-04-04.xml`` and also
    ``root/title-15/part-740/2024-04-04.xml``; other files are not snapshots and are left alone.
    """
    base = Path(root)
    found = []
    for pattern in ("ecfr/title-15/part-*/*.xml", "title-15/part-*/*.xml"):
        for path in base.glob(pattern):
            part, day = infer_part_date(path)
            if part and day and path.is_file():
                found.append((part, day, path))
    return sorted(found, key=lambda f: (len(f[0]), f[0], f[1]))


def _read(p: Path) -> bytes:
    """The bytes of ``p``, refused (:class:`StoreError`) over the size limit before reading."""
    try:
        size = p.stat().st_size
        if size > MAX_XML_BYTES:
            raise StoreError(f"{p}: {size:,} bytes is over the {MAX_XML_BYTES:,}-byte limit for one eCFR file; "
                             "nothing read or stored")
        with p.open("rb") as f:
            return f.read(MAX_XML_BYTES + 1)  # the parser refuses it if it grew past the limit since
    except OSError as exc:
        raise StoreError(f"{p}: {exc.strerror}") from None


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    part: str | None = None,
    date: str | None = None,
    excerpt: bool = False,
    accept_suspect: bool = False,
    cache: SectionCache | None = None,
) -> bool:
    """Parse an eCFR XML file and ingest it; part/date default to the snapshot layout. One ``cache`` passed for
    successive versions re-parses only the sections and CCL entries that changed (the same records).

    A file that holds only part of the Part (a section or supplement, no Part root) is refused
    unless ``excerpt`` says so. A file whose own comments say text was omitted (:func:`says_excerpt`) is stored
    as an excerpt, still judged by the plausibility gate; ``accept_suspect`` passes the gate. Raises
    :class:`tracker.xmltext.ParseError` for malformed XML, :class:`StoreError` when part or
    date cannot be known, the file is over the size limit (checked before reading) or an unmarked
    excerpt, or the version conflicts with a stored one (:class:`SuspectVersionError` for the gate).
    """
    p = Path(path)
    guessed_part, guessed_date = infer_part_date(p)
    part, date = part or guessed_part, date or guessed_date
    if not part or not date:
        raise StoreError(
            f"{p}: cannot tell the Part and date; give --part and --date (or use part-N/DATE.xml)"
        )
    data = _read(p)
    digest = _sha256(data).hexdigest()
    known = store.snapshot(part, date) if is_date(date) else None
    if known and known.sha256 == digest:
        return False  # stored from these very bytes: nothing to parse
    detected, size = not excerpt and says_excerpt(data), len(data)
    from tracker.parse import parse_bytes  # here: finding the snapshots on disk (sync) needs no parser

    paragraphs = parse_bytes(data, str(p), cache=cache, refs=False)  # the store finds the references of new texts
    del data  # not held while the store writes (2 MB for Part 774)
    if not (excerpt or detected):
        _refuse_unmarked_excerpt(paragraphs, part, str(p))
    return store.ingest(
        paragraphs, part=part, date=date, source=str(p), sha256=digest, size=size,
        excerpt=excerpt or detected, accept_suspect=accept_suspect, judge_excerpt=detected,
    )


_EXCERPT_NOTE = re.compile(rb"<!--(?:(?!-->).)*?\b(?:excerpt|omitted|elided|truncated|not a complete)\b", re.S | re.I)


def says_excerpt(data: bytes) -> bool:
    """True for XML whose own comments say text was left out: the eCFR's responses carry no comments, so one
    saying "omitted" or "EXCERPT" was written by whoever cut the file.

    >>> says_excerpt(b"<DIV5><!-- EXCERPT: entries between 3A001 and 3A090 are omitted here. --></DIV5>")
    True
    >>> says_excerpt(b"<DIV5><!-- fetched 2024-04-04 --><P>(a) omitted words</P></DIV5>")
    False
    """
    return _EXCERPT_NOTE.search(data) is not None


def _refuse_unmarked_excerpt(paragraphs: list[Paragraph], part: str, source: str) -> None:
    """Refuse paragraphs of ``part`` without its Part record (a section or supplement root, not ``DIV5``)."""
    if {p.part for p in paragraphs} != {part} or any(p.kind == "part" for p in paragraphs):
        return  # a whole Part, or what Store.ingest refuses for its own reason (nothing, another Part)
    units = list(dict.fromkeys(p.unit for p in paragraphs))
    shown = ", ".join(units[:3]) + (f" and {len(units) - 3} more" if len(units) > 3 else "")
    raise StoreError(
        f"{source}: holds only {shown} of part {part}, not the whole Part (no PART root); nothing stored;"
        " if it is meant as an excerpt, ingest it with --excerpt"
    )
