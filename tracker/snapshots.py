"""Snapshots on disk: every downloaded source file, written atomically under one root folder.

Layout (``root`` is ``snapshots_dir`` from the configuration)::

    ecfr/title-15/part-740/2024-04-04.xml      a Part as the eCFR served it for that date
    ecfr/title-15/state.json                   what the last complete fetch saw (titles.json)
    federal-register/2024-07004.json           a rule's Federal Register API record
    federal-register/2024-07004.xml            its full text (GovInfo XML), where fetched
    quarantine/ecfr/title-15/part-740/2024-04-04.20240405T063000Z.1f2e3d4c5b6a.xml
                                               a body that failed its check (UTC time, sha256 prefix),
    quarantine/…/2024-04-04.20240405T063000Z.1f2e3d4c5b6a.why.txt   and why, in one line
    held/ecfr/title-15/part-774/2026-09-01.xml a version the store refused as implausible, kept for
                                               ``tracker ingest --accept-suspect FILE``

A file is written to a hidden temporary file in the same folder, fsynced, checked (non-empty, and
it parses; an eCFR snapshot must be the whole Part it is named after, see :func:`check_ecfr_part`)
and only then renamed over its final name, so an interrupted download never leaves a half file that
looks whole. Identifiers and dates are checked before they become file names. Nothing under
``quarantine/`` or ``held/`` is ever read back as a snapshot (:func:`tracker.ingest.find_snapshots`
reads ``ecfr/title-15/`` only).

>>> ecfr_path(Path("snapshots"), "740", "2024-04-04")
PosixPath('snapshots/ecfr/title-15/part-740/2024-04-04.xml')
>>> federal_register_path(Path("snapshots"), "2024-07004", "json")
PosixPath('snapshots/federal-register/2024-07004.json')
>>> federal_register_path(Path("snapshots"), "../../etc/passwd", "json")
Traceback (most recent call last):
...
tracker.snapshots.SnapshotError: '../../etc/passwd' is not a Federal Register document number (e.g. 2024-07004)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from tracker import atomic
from tracker.dates import is_date
from tracker.errors import InputError
from tracker.xmltext import ParseError, load_xml

_PART = re.compile(r"\d{1,4}")
_DOCUMENT = re.compile(r"[A-Za-z0-9]{1,4}(?:-[A-Za-z0-9]{1,8}){1,3}")
_KINDS = ("json", "xml")
_CITATION = re.compile(r"(\d+) CFR Part (\S+)")
_SECTION_OF = re.compile(r"^\W*(\d+)\.")  # "§ 740.10" → 740
_SUPPLEMENT_OF = re.compile(r"\bto Part (\d+)\b", re.IGNORECASE)  # "Supplement No. 1 to Part 774" → 774


class SnapshotError(InputError):
    """A snapshot that cannot be named or written; the message is one line."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file written: where, its sha256 and its size in bytes."""

    path: Path
    sha256: str
    size: int


def check_date(date: str) -> str:
    """``date`` if it is a real calendar date written YYYY-MM-DD, else :class:`SnapshotError`.

    >>> check_date("2024-13-45")
    Traceback (most recent call last):
    ...
    tracker.snapshots.SnapshotError: '2024-13-45' is not a date (YYYY-MM-DD)
    """
    if is_date(date):
        return date
    raise SnapshotError(f"{date!r} is not a date (YYYY-MM-DD)")


def check_part(part: str) -> str:
    """``part`` if it is a CFR part number (digits), else :class:`SnapshotError`."""
    if isinstance(part, str) and _PART.fullmatch(part):
        return part
    raise SnapshotError(f"{part!r} is not a CFR part number (e.g. 740)")


def ecfr_path(root: Path, part: str, date: str, title: int = 15) -> Path:
    """Where the eCFR XML of ``part`` on ``date`` lives."""
    return Path(root) / "ecfr" / f"title-{int(title)}" / f"part-{check_part(part)}" / f"{check_date(date)}.xml"


def state_path(root: Path, title: int = 15) -> Path:
    """Where the last complete fetch of a title records what it saw."""
    return Path(root) / "ecfr" / f"title-{int(title)}" / "state.json"


def federal_register_path(root: Path, document_number: str, kind: str) -> Path:
    """Where a Federal Register document's API record (``json``) or full text (``xml``) lives."""
    if not isinstance(document_number, str) or not _DOCUMENT.fullmatch(document_number):
        raise SnapshotError(f"{document_number!r} is not a Federal Register document number (e.g. 2024-07004)")
    if kind not in _KINDS:
        raise SnapshotError(f"{kind!r} is not a snapshot kind ({', '.join(_KINDS)})")
    return Path(root) / "federal-register" / f"{document_number}.{kind}"


def check_xml(data: bytes, name: str) -> None:
    """Raise :class:`SnapshotError` unless ``data`` is well-formed XML (not an HTML page)."""
    try:
        load_xml(data, name)
    except ParseError as exc:
        raise SnapshotError(str(exc)) from None


def _hierarchy(el: etree._Element) -> dict[str, Any]:
    """The element's ``hierarchy_metadata`` JSON (the API escapes it once or twice), or {} when absent or unreadable."""
    raw = el.get("hierarchy_metadata") or ""
    for text in (raw, html.unescape(raw)):
        try:
            value = json.loads(text)
        except ValueError:
            continue
        return value if isinstance(value, dict) else {}
    return {}


def check_ecfr_part(root: etree._Element, name: str, part: str, title: int = 15) -> None:
    """Raise :class:`SnapshotError` unless ``root`` is the whole of ``part`` of ``title`` with some content.

    A whole Part is a ``DIV5 TYPE="PART"`` whose ``N`` is the Part, whose ``hierarchy_metadata`` (when
    readable) cites that title and Part, and which holds at least one section or supplement, none of
    them numbered as another Part's.

    >>> check_ecfr_part(etree.fromstring('<DIV8 N="740.10" TYPE="SECTION"/>'), "x.xml", "740")
    Traceback (most recent call last):
    ...
    tracker.snapshots.SnapshotError: x.xml: the root is DIV8 SECTION, not a whole Part (DIV5 TYPE="PART")
    >>> check_ecfr_part(etree.fromstring('<DIV5 N="740" TYPE="PART"><HEAD>PART 740</HEAD></DIV5>'), "x.xml", "740")
    Traceback (most recent call last):
    ...
    tracker.snapshots.SnapshotError: x.xml: part 740 holds no section or supplement (an empty stub)
    """
    kind = f"{root.tag} {root.get('TYPE') or ''}".strip()
    if root.tag != "DIV5" or root.get("TYPE") != "PART":
        raise SnapshotError(f'{name}: the root is {kind}, not a whole Part (DIV5 TYPE="PART")')
    if root.get("N") != part:
        raise SnapshotError(f"{name}: holds part {root.get('N')!r}, not part {part}")
    citation = str(_hierarchy(root).get("citation") or f"{title} CFR Part {part}")
    cited = _CITATION.fullmatch(citation)
    if not cited or cited.groups() != (str(title), part):
        raise SnapshotError(f"{name}: its metadata cites {citation!r}, not {title} CFR Part {part}")
    units = list(root.iter("DIV8", "DIV9"))
    if not units:
        raise SnapshotError(f"{name}: part {part} holds no section or supplement (an empty stub)")
    for unit in units:
        owner = (_SECTION_OF if unit.tag == "DIV8" else _SUPPLEMENT_OF).search(unit.get("N") or "")
        if owner and owner.group(1) != part:
            raise SnapshotError(f"{name}: part {part} holds {unit.get('N')!r} of part {owner.group(1)}")


def check_json(data: bytes, name: str) -> None:
    """Raise :class:`SnapshotError` unless ``data`` is a JSON document."""
    try:
        json.loads(data)
    except ValueError as exc:
        raise SnapshotError(f"{name}: not valid JSON ({exc})") from None


def write_atomic(path: Path, data: bytes, check: Callable[[bytes, str], None]) -> Snapshot:
    """Write ``data`` to ``path`` all or nothing: ``check`` it, then :func:`tracker.atomic.write_atomic`.

    ``check(data, name)`` raises on content that must not be stored; an empty body is refused
    first. On any failure (including Ctrl-C) the temporary file is removed and ``path`` is untouched.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.json", b'{"x": 1}', check_json).size
    8
    >>> try:
    ...     write_atomic(folder / "b.json", b'{"x": ', check_json)
    ... except SnapshotError as exc:
    ...     print(str(exc).split(": ", 1)[1])
    not valid JSON (Expecting value: line 1 column 7 (char 6))
    >>> sorted(p.name for p in folder.iterdir())
    ['a.json']
    """
    path = Path(path)
    if not data.strip():
        raise SnapshotError(f"{path}: empty body; nothing written")
    check(data, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_atomic(path, data)
    return Snapshot(path, hashlib.sha256(data).hexdigest(), len(data))


def write_ecfr(root: Path, part: str, date: str, data: bytes, title: int = 15) -> Snapshot:
    """Store the eCFR XML of ``part`` on ``date`` (checked to parse and to be that whole Part)."""

    def check(body: bytes, name: str) -> None:
        try:
            check_ecfr_part(load_xml(body, name).getroot(), name, part, title)
        except ParseError as exc:
            raise SnapshotError(str(exc)) from None

    return write_atomic(ecfr_path(root, part, date, title), data, check)


def _aside(root: Path, folder: str, part: str, date: str, title: int) -> Path:
    return Path(root) / folder / ecfr_path(Path(), part, date, title)


def quarantine(root: Path, part: str, date: str, data: bytes, why: str, title: int = 15) -> Path:
    """Keep a body that failed its check under ``quarantine/`` with a ``.why.txt`` beside it; returns its path.

    The same body for the same date is kept once (its sha256 prefix is in the name).
    """
    digest = hashlib.sha256(data).hexdigest()
    plain = _aside(root, "quarantine", part, date, title)
    kept = sorted(plain.parent.glob(f"{date}.*.{digest[:12]}.xml")) if plain.parent.is_dir() else []
    if kept:
        return kept[0]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = plain.with_name(f"{date}.{stamp}.{digest[:12]}.xml")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_atomic(path.with_suffix(".why.txt"), f"{why}\nsha256 {digest}, {len(data):,} bytes\n")
    atomic.write_atomic(path, data)
    return path


def hold(root: Path, part: str, date: str, data: bytes, title: int = 15) -> Path:
    """Keep a version the store refused as implausible under ``held/`` (replacing an older copy); returns its path."""
    path = _aside(root, "held", part, date, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_atomic(path, data)
    return path


def write_federal_register(root: Path, document_number: str, kind: str, data: bytes) -> Snapshot:
    """Store a Federal Register record (``json``) or full text (``xml``), each checked to parse."""
    path = federal_register_path(root, document_number, kind)
    return write_atomic(path, data, check_json if kind == "json" else check_xml)


def write_json(path: Path, value: Any) -> Snapshot:
    """Store a JSON value (pretty, UTF-8, keys sorted) atomically."""
    data = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"
    return write_atomic(path, data, check_json)


def read_json(path: Path) -> Any:
    """A stored JSON file's value, or ``None`` when it is absent or unreadable (it is then rewritten)."""
    try:
        return json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return None

