"""The parser's output on every real eCFR file in ../shared, byte for byte (issue 15: "output identical").

Each file's records (every field of every Paragraph, its references included, in order) are written as
canonical JSON and hashed; the digests were recorded at the parser's last accepted output in
tests/goldens/records.sha256. A speed-up of the parse must leave every digest as it is. A change that means to
alter records re-records them with ``TRACKER_RECORD_GOLDENS=1 pytest tests/parse/test_records_identical.py``
and says which files changed and why.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

import pytest

from tests.parse.cut_xml import closed
from tests.support import SHARED, require
from tracker.model import Paragraph
from tracker.parse import parse_bytes

GOLDEN = Path(__file__).resolve().parent.parent / "goldens" / "records.sha256"

#: Every real eCFR XML file in ../shared that tracker.parse reads (the ``.xml.part`` ones with their cut closed).
FILES = (
    "data/ecfr-api/excerpt-2026-06-25-title-15-part-774-3A001-3A090-4A090.xml",
    "data/ecfr-api/excerpt-2026-06-25-title-15-part-774-9A010-to-9A018.xml",
    "data/ecfr-api/excerpt-2026-09-01-title-15-part-744-supp4.xml",
    "data/ecfr-api/excerpt-2026-09-01-title-15-part-744-supp6-first-16000-chars.xml.part",
    "data/ecfr-api/excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml",
    "data/ecfr-api/excerpt-2026-09-01-title-15-part-774-9A010-to-9A018.xml",
    "data/ecfr-api/excerpt-2026-09-01-title-15-section-740.10.xml",
    "data/ecfr-api/excerpt-2026-09-01-title-15-section-742.6.xml",
    "data/ecfr-api/excerpt-title-15-section-772.1-first-16000-chars.xml.part",
    "data/ecfr-api/full-2016-12-13-title-36-section-1194.1.xml",
    "data/ecfr-api/full-2017-01-18-title-36-section-1194.1.xml",
    "data/ecfr-api/full-2024-05-17-title-1-part-51.xml",
    "data/ecfr-api/full-2024-05-17-title-3-part-101.xml",
    "data/ecfr-api/full-2024-05-17-title-3.xml",
    "data/ecfr-api/full-2026-09-01-title-15-part-734.xml",
    "data/ecfr-api/full-2026-09-01-title-15-part-740.xml",
    "data/ecfr-api/full-2026-09-01-title-15-part-774.xml",
    "data/ecfr-api/full-title-1-part-2.xml",
    "data/ecfr-api/full-title-1-section-2.6.xml",
    "data/ecfr-api/full-title-21-section-101.9.xml",
    "data/ecfr-api/full-title-40-part-261-appendix-I.xml",
    "data/ecfr-api/full-title-40-part-261-subpart-A.xml",
    "data/ecfr-bulk/ECFR-title1-after-March-2024.xml",
    "data/ecfr-bulk/ECFR-title1-before-March-2024.xml",
)


def real_bytes(name: str) -> bytes:
    """The bytes of one real file as the parser is given them."""
    path = require(SHARED / name)
    return closed(path) if path.name.endswith(".part") else path.read_bytes()


def canonical(records: list[Paragraph]) -> bytes:
    """Every field of every record, references included, in order, as canonical JSON."""
    rows = [p.to_dict() for p in records]
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def records_digest(records: list[Paragraph]) -> str:
    """``sha256 count`` of records, as the golden file writes them."""
    return f"{hashlib.sha256(canonical(records)).hexdigest()} {len(records)}"


@cache
def digest(name: str) -> str:
    """:func:`records_digest` of one file's records (each file parsed once per session)."""
    return records_digest(parse_bytes(real_bytes(name), Path(name).name))


def recorded() -> dict[str, str]:
    """The digests in the golden file, by file name."""
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return {name: value for value, _, name in (line.rpartition(" ") for line in lines if line)}


def test_every_real_file_is_listed() -> None:
    found = {p.relative_to(SHARED).as_posix() for p in (SHARED / "data").rglob("*.xml*")}
    ecfr = {n for n in found if n.startswith(("data/ecfr-api/", "data/ecfr-bulk/"))}
    assert ecfr == set(FILES)


@pytest.mark.skipif(not os.environ.get("TRACKER_RECORD_GOLDENS"), reason="records digests only when asked")
def test_record_digests() -> None:
    GOLDEN.write_text("".join(f"{digest(name)} {name}\n" for name in FILES), encoding="utf-8")


@pytest.mark.parametrize("name", FILES)
def test_records_identical(name: str) -> None:
    assert digest(name) == recorded()[name]
