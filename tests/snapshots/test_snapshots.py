"""Snapshot files: safe names, atomic writes, nothing half written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.fetch.conftest import PART_774_NEW
from tracker.ingest import find_snapshots
from tracker.snapshots import (
    SnapshotError,
    ecfr_path,
    federal_register_path,
    hold,
    quarantine,
    write_ecfr,
    write_federal_register,
)

XML = PART_774_NEW.read_bytes()


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_ecfr_snapshot_is_named_by_title_part_and_date_with_its_sha256(tmp_path):
    snap = write_ecfr(tmp_path, "774", "2026-09-01", XML)
    assert snap.path == tmp_path / "ecfr/title-15/part-774/2026-09-01.xml"
    assert snap.sha256 == hashlib.sha256(XML).hexdigest() and snap.size == len(XML)
    assert snap.path.read_bytes() == XML


def test_federal_register_snapshots_are_named_by_document_number(tmp_path):
    write_federal_register(tmp_path, "2024-07004", "json", b'{"document_number": "2024-07004"}')
    write_federal_register(tmp_path, "2024-07004", "xml", b"<RULE/>")
    assert listing(tmp_path) == ["federal-register/2024-07004.json", "federal-register/2024-07004.xml"]


@pytest.mark.parametrize("number", ["../../etc/passwd", "2024/07004", ".hidden", "", "2024-07004\n", "a" * 60])
def test_path_like_document_numbers_are_refused(tmp_path, number):
    with pytest.raises(SnapshotError, match="not a Federal Register document number"):
        federal_register_path(tmp_path, number, "json")


@pytest.mark.parametrize("date", ["2024-13-45", "2024-02-30", "../2024-04-04", "2024-4-4", "latest"])
def test_invalid_dates_are_refused_before_they_become_file_names(tmp_path, date):
    with pytest.raises(SnapshotError, match="is not a date"):
        ecfr_path(tmp_path, "740", date)


@pytest.mark.parametrize("part", ["../740", "740/..", "", "part"])
def test_path_like_parts_are_refused(tmp_path, part):
    with pytest.raises(SnapshotError, match="not a CFR part number"):
        ecfr_path(tmp_path, part, "2024-04-04")


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", XML[:5000], b"<!DOCTYPE html><html><body>Maintenance</body></html>"],
    ids=["empty", "blank", "truncated", "html"],
)
def test_a_body_that_does_not_parse_is_never_written(tmp_path, body):
    with pytest.raises(SnapshotError):
        write_ecfr(tmp_path, "774", "2026-09-01", body)
    assert listing(tmp_path) == []


def test_an_interrupted_write_leaves_neither_a_temp_file_nor_a_half_file(tmp_path, monkeypatch):
    good = write_ecfr(tmp_path, "774", "2026-09-01", XML)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_ecfr(tmp_path, "774", "2026-09-01", XML.replace(b"3A090", b"3A091"))
    with pytest.raises(KeyboardInterrupt):
        write_ecfr(tmp_path, "774", "2026-09-02", XML)
    assert listing(tmp_path) == ["ecfr/title-15/part-774/2026-09-01.xml"]
    assert good.path.read_bytes() == XML


def test_write_ecfr_refuses_a_body_that_is_not_the_whole_part_it_is_named_after(tmp_path):
    with pytest.raises(SnapshotError, match="holds part '774', not part 740"):
        write_ecfr(tmp_path, "740", "2026-09-01", XML)
    with pytest.raises(SnapshotError, match="not a whole Part"):
        write_ecfr(tmp_path, "774", "2026-09-01", b'<DIV8 N="774.1" TYPE="SECTION"><P>x</P></DIV8>')
    assert listing(tmp_path) == []


def test_quarantined_and_held_files_are_never_found_as_snapshots(tmp_path):
    kept = quarantine(tmp_path, "774", "2026-09-01", b"<html/>", "not a whole Part")
    assert quarantine(tmp_path, "774", "2026-09-01", b"<html/>", "again") == kept  # the same body: kept once
    held = hold(tmp_path, "774", "2026-09-01", XML)
    assert kept.with_suffix(".why.txt").read_text().startswith("not a whole Part\nsha256 ")
    assert held == tmp_path / "held/ecfr/title-15/part-774/2026-09-01.xml"
    assert find_snapshots(tmp_path) == []
