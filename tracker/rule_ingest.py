"""Federal Register rules from a file, with no network: what ``tracker ingest-rules FILE`` stores.

FILE is Federal Register API JSON (one document record, a search page with ``results``, a list of records, or a
``documents`` list with camelCase keys as public CCL histories write them) or GovInfo Federal Register XML (one
document or a whole daily issue, split by document and its FRDOC number). Only Title 15 rules are kept, as the
fetcher asks for type RULE: an API record citing Title 15 or issued by BIS, a RULE whose XML amends Title 15.
Records go to the store's ``rules`` table, each rule's own XML to ``snapshots/federal-register/NUMBER.xml``
(where attribution and the audit read full texts). Everything is read and checked first, then written: bad input
stores nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from tracker.citations import part_sort_key
from tracker.dates import written_date
from tracker.errors import InputError
from tracker.instructions import document_number, instructions_in
from tracker.parse import ParseError
from tracker.rule_fetch import malformed_rule
from tracker.snapshots import SnapshotError, federal_register_path, read_json, write_federal_register, write_json
from tracker.store import Store
from tracker.xmltext import load_xml, normalise_ws

_BIS = "industry and security"
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_URL_NUMBER = re.compile(r"/documents/\d{4}/\d\d/\d\d/([^/]+)/")


@dataclass
class RuleFile:
    """What one file holds: the records to store, each kept document's XML, and one line per document left out."""

    records: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, bytes] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _snake(record: dict[str, Any]) -> dict[str, Any]:
    out = {_CAMEL.sub(r"_\1", k).lower(): v for k, v in record.items()}
    if not out.get("document_number") and (m := _URL_NUMBER.search(str(out.get("html_url") or ""))):
        out["document_number"] = m.group(1)
    return out


def _json_records(value: Any) -> list[Any]:
    if isinstance(value, dict):
        for key in ("results", "documents"):
            if isinstance(value.get(key), list):
                return list(value[key])
        return [value]
    if isinstance(value, list):
        return value
    raise InputError("the JSON holds neither a Federal Register record nor a list of records")


def _parts(record: dict[str, Any]) -> list[str]:
    """The Title 15 Parts an API record cites (a CCL history's ``supplements`` are those of Part 774)."""
    refs = record.get("cfr_references")
    refs = refs if isinstance(refs, list) else []
    parts = [str(r.get("part")) for r in refs if isinstance(r, dict) and str(r.get("title")) == "15"]
    return parts or (["774"] if record.get("supplements") else [])


def _bis_rule(record: dict[str, Any]) -> bool:
    """Whether BIS issued the record (its rules amend the EAR, Title 15)."""
    agencies = [a.get("name") if isinstance(a, dict) else a for a in record.get("agencies") or []]
    return any(_BIS in str(a).lower() for a in agencies)


def read_json_rules(data: bytes, name: str) -> RuleFile:
    """The Title 15 records of Federal Register API JSON; :class:`InputError` on a record that cannot be stored."""
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise InputError(f"{name}: not valid JSON ({exc})") from None
    out = RuleFile()
    for raw in _json_records(value):
        if not isinstance(raw, dict):
            raise InputError(f"{name}: a record is not a JSON object: {str(raw)[:60]}")
        record = _snake(raw)
        number = str(record.get("document_number") or record.get("citation") or "?")
        parts = _parts(record)
        if not parts and not _bis_rule(record):
            out.skipped.append(f"{number}: not a Title 15 rule")
            continue
        if record.get("type", "Rule") != "Rule":
            out.skipped.append(f"{number}: a {record.get('type')}, not a rule")
            continue
        if why := malformed_rule(record) or _bad_number(record.get("document_number")):
            raise InputError(f"{name}: document {number}: {why}")
        out.records.append({**record, "parts": parts})
    return out


def _bad_number(number: Any) -> str | None:
    try:
        federal_register_path(Path(), number, "json")
    except SnapshotError as exc:
        return str(exc)
    return None


def _text(doc: etree._Element, path: str) -> str:
    found = doc.find(path)
    return normalise_ws("".join(str(t) for t in found.itertext())) if found is not None else ""


def _first_page(root: etree._Element, doc: etree._Element) -> int | None:
    """The page the document starts on: the last page mark before it, else the page before its first mark."""
    last = None
    for el in root.iter("PRTPAGE", doc.tag):
        if el is doc:
            break
        last = el.get("P")
    if last and last.isdigit():
        return int(last)
    inside = next((p for e in doc.iter("PRTPAGE") if (p := e.get("P") or "").isdigit()), None)
    return int(inside) - 1 if inside else None


def _xml_record(root: etree._Element, doc: etree._Element, number: str, parts: list[str]) -> dict[str, Any]:
    page, volume = _first_page(root, doc), root.findtext("VOL")
    return {
        "document_number": number,
        "citation": f"{volume} FR {page}" if volume and page else None,
        "title": _text(doc, ".//SUBJECT") or None,
        "type": "Rule",
        "action": _text(doc, ".//ACT/P") or None,
        "publication_date": written_date(root.findtext("DATE") or ""),
        "effective_on": written_date(_text(doc, ".//EFFDATE")),
        "cfr_references": [{"title": 15, "part": p} for p in parts],
        "parts": parts,
    }


def read_xml_rules(data: bytes, name: str) -> RuleFile:
    """The Title 15 rules of GovInfo Federal Register XML (proposed rules are left out): a record each (dates from
    the issue and the rule's EFFDATE) and the rule's own XML."""
    try:
        root = load_xml(data, name).getroot()
    except ParseError as exc:
        raise InputError(str(exc)) from None
    out = RuleFile()
    for doc in [d for d in root.iter("RULE", "PRORULE")] or [root]:
        number = document_number(doc)
        if doc.tag == "PRORULE":
            out.skipped.append(f"{number}: a proposed rule, not a rule")
            continue
        parts = list(dict.fromkeys(i.part for i in instructions_in(doc, "15") if i.part))
        if not parts:
            out.skipped.append(f"{number or doc.tag}: no Title 15 amendment instructions")
            continue
        if why := _bad_number(number):
            raise InputError(f"{name}: a document amending Title 15 has no usable FR Doc. number ({why})")
        out.records.append(_xml_record(root, doc, number, parts))
        out.texts[number] = etree.tostring(doc, encoding="utf-8", xml_declaration=True)
    return out


def read_rule_file(path: Path) -> RuleFile:
    """The rules of one file (JSON or XML by its first character); :class:`InputError` on a bad file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return read_json_rules(data, str(path)) if data.lstrip()[:1] in (b"{", b"[") else read_xml_rules(data, str(path))


@dataclass(frozen=True)
class Ingested:
    """What ``ingest_rules`` did: rules stored (``new`` of them not stored before), full texts kept, lines left out."""

    stored: int
    new: int
    texts: int
    skipped: tuple[str, ...]


def _merge(store: Store, found: RuleFile, name: str) -> list[dict[str, Any]]:
    """The records to store: an API record as given; one read from XML only where no record is stored yet (an
    API record says more: a stored one only gains the Parts the XML amends), and only with the publication date
    its issue gives."""
    stored = {r.document_number: r for r in store.rules()}
    out = []
    for record in found.records:
        from_xml = record["document_number"] in found.texts
        if from_xml and (known := stored.get(record["document_number"])):
            if not set(record["parts"]) <= set(known.parts):
                out.append({**known.record(), "parts": sorted({*known.parts, *record["parts"]}, key=part_sort_key)})
            continue
        if from_xml and not record["publication_date"]:
            raise InputError(f"{name}: document {record['document_number']} is not in a daily issue (no date): "
                             "ingest its Federal Register JSON record first, then its XML")
        out.append(record)
    return out


def _write_snapshots(root: Path, texts: dict[str, bytes], records: list[dict[str, Any]], created: list[Path]) -> None:
    """Keep each full text and record (atomically; files already holding them untouched), listing new files in
    ``created``."""
    for number, xml in texts.items():
        path = federal_register_path(root, number, "xml")
        if not path.is_file() or path.read_bytes() != xml:
            created += [] if path.exists() else [path]
            write_federal_register(root, number, "xml", xml)
    for record in records:
        path = federal_register_path(root, record["document_number"], "json")
        if read_json(path) != record:
            created += [] if path.exists() else [path]
            write_json(path, record)


def ingest_rules(store: Store, snapshots_dir: Path, path: Path) -> Ingested:
    """Store the Title 15 rules of ``path`` and keep their full texts; the same file again changes nothing."""
    found = read_rule_file(path)
    known = {r.document_number for r in store.rules()}
    records = _merge(store, found, str(path))
    created: list[Path] = []
    try:
        _write_snapshots(Path(snapshots_dir), found.texts, records, created)
        store.add_rules(records)
    except BaseException:  # all or nothing: the files this call created go again
        for made in created:
            made.unlink(missing_ok=True)
        raise
    new = len({r["document_number"] for r in records} - known)
    return Ingested(len(records), new, len(found.texts), tuple(found.skipped))
