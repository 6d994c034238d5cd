"""Crash drills: an ingest killed with SIGKILL at random points leaves only whole versions behind."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

from tests.support import ECFR_API, require
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = 30

# Ingest every snapshot in date order, skipping stored ones (re-ingest is a no-op): the "next run".
INGEST_ALL = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tracker.store import Store, ingest_file
store = Store({db!r})
for path in sorted(Path({snapshots!r}).glob("*.xml")):
    ingest_file(store, path, part="740", date=path.stem)
print("done")
"""


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> Path:
    """30 versions of the real § 740.10, each editing words in a few paragraphs of the one before."""
    folder = tmp_path_factory.mktemp("part-740")
    tree = etree.parse(str(require(ECFR_API / "excerpt-2026-09-01-title-15-section-740.10.xml")))
    paragraphs = [p for p in tree.iter("P") if p.text and len(p.text.split()) > 3]
    rng = random.Random(1)
    for n in range(VERSIONS):
        for p in rng.sample(paragraphs, 3):
            p.text = p.text.rstrip() + f" edit{n} "
        day = date(2024, 1, 1) + timedelta(days=n)
        tree.write(str(folder / f"{day.isoformat()}.xml"), encoding="utf-8")
    return folder


def _ingest(db: Path, snapshots: Path) -> subprocess.Popen:
    code = INGEST_ALL.format(root=str(ROOT), db=str(db), snapshots=str(snapshots))
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _assert_only_whole_versions(db: Path) -> int:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = Store(db)
    for snap in store.snapshots("740"):
        assert len(store.paragraphs_on("740", snap["date"])) == snap["paragraphs"]
    return len(store.snapshots("740"))


def test_ingest_killed_at_random_points_keeps_whole_versions_and_the_next_run_completes(tmp_path, snapshots):
    rng = random.Random(20241125)
    stored_at_kill = []
    for attempt in range(20):
        db = tmp_path / f"tracker-{attempt}.db"
        proc = _ingest(db, snapshots)
        time.sleep(rng.uniform(0.05, 0.8))
        proc.kill()
        proc.wait()
        if db.exists():
            stored_at_kill.append(_assert_only_whole_versions(db))
        finish = _ingest(db, snapshots)
        _, err = finish.communicate(timeout=120)
        assert finish.returncode == 0, err.decode()
        assert _assert_only_whole_versions(db) == VERSIONS
    assert len(set(stored_at_kill)) > 3, stored_at_kill  # the kills landed at many different points
