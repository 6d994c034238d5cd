"""Crash drill: an ingest SIGKILLed at every checkpoint (before and after each transaction commits)
leaves only whole versions behind, exactly as many as had committed, and the next run completes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

from tests.support import ECFR_API, require
from tracker.ingest import ingest_file
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = 4

# Ingest every snapshot in date order, skipping stored ones (re-ingest is a no-op): the "next run".
INGEST_ALL = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tracker.ingest import ingest_file
from tracker.store import Store
store = Store({db!r})
for path in sorted(Path({snapshots!r}).glob("*.xml")):
    ingest_file(store, path, part="734", date=path.stem)
print("done")
"""


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> Path:
    """VERSIONS versions of the real Part 734, each editing words in a few paragraphs of the one before."""
    folder = tmp_path_factory.mktemp("part-734")
    tree = etree.parse(str(require(ECFR_API / "full-2026-09-01-title-15-part-734.xml")))
    paragraphs = [p for p in tree.iter("P") if p.text and len(p.text.split()) > 3]
    rng = random.Random(1)
    for n in range(VERSIONS):
        for p in rng.sample(paragraphs, 3):
            p.text = p.text.rstrip() + f" edit{n} "
        day = date(2024, 1, 1) + timedelta(days=n)
        tree.write(str(folder / f"{day.isoformat()}.xml"), encoding="utf-8")
    return folder


def _ingest(db: Path, snapshots: Path, **env: str) -> subprocess.CompletedProcess:
    code = INGEST_ALL.format(root=str(ROOT), db=str(db), snapshots=str(snapshots))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )


def _assert_only_whole_versions(db: Path) -> int:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store(db) as store:
        for snap in store.snapshots("734"):
            assert len(store.paragraphs_on("734", snap.date)) == snap.paragraphs
        return len(store.snapshots("734"))


@pytest.mark.slow
def test_ingest_killed_at_every_checkpoint_keeps_exactly_the_committed_versions_and_the_next_run_completes(
    tmp_path, snapshots
):
    log = tmp_path / "checkpoints.log"
    full = _ingest(tmp_path / "full.db", snapshots, TRACKER_CHECKPOINT_LOG=str(log))
    assert full.returncode == 0, full.stderr
    points = log.read_text().splitlines()
    assert points.count("ingest.committed") == VERSIONS and "ingest.commit" in points

    for k, point in enumerate(points, start=1):
        db = tmp_path / f"cut-{k}.db"
        cut = _ingest(db, snapshots, TRACKER_KILL_AT=str(k))
        assert cut.returncode == -signal.SIGKILL, (k, point, cut.stderr)
        committed = points[:k].count("ingest.committed")  # the kill at "ingest.commit" comes before COMMIT
        assert _assert_only_whole_versions(db) == committed, (k, point)

        with Store(db) as store:  # the next run, in this process
            for path in sorted(snapshots.glob("*.xml")):
                ingest_file(store, path, part="734", date=path.stem)
        assert _assert_only_whole_versions(db) == VERSIONS
