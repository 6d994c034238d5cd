"""Data flows one way (fetch → snapshots → parse → store → diff → attribution → report → mail): importing a
lower module loads none of the higher ones. Each check imports in a fresh interpreter, so nothing loaded by the
tests themselves counts."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOWER_NOT_HIGHER = {
    # the fetch clients fetch; sync (tracker/sync.py) drives them, the snapshots, the parser and the store
    "tracker.fetch.ecfr tracker.fetch.federal_register tracker.fetch.http": (
        "tracker.sync", "tracker.snapshots", "tracker.parse", "tracker.store", "tracker.ingest", "tracker.diff",
        "tracker.instructions", "tracker.amendments"),
    # reading a rule's AMDPARs is parsing (it keys printed text with tracker.parse), not fetching or storing
    "tracker.amendments tracker.instructions": (
        "tracker.fetch", "tracker.sync", "tracker.snapshots", "tracker.store", "tracker.ingest", "tracker.diff"),
    # snapshots are checked with the ground-floor XML loader, not the parser
    "tracker.snapshots": ("tracker.parse", "tracker.store", "tracker.sync", "tracker.diff"),
    # the differ and the history return data; tracker.report.text renders it
    "tracker.diff tracker.history": ("tracker.report", "tracker.mail", "tracker.run", "tracker.cli"),
    # upcoming changes are data read from the store; the report and the mail render them
    "tracker.upcoming tracker.upcoming.collect": ("tracker.report", "tracker.mail", "tracker.run", "tracker.cli",
                                                  "tracker.fetch"),
    # the pure differ (matching, classification, redlines) needs no store: diff_dates is handed one
    "tracker.diff.changes tracker.diff.match tracker.diff.classify tracker.diff.redline": (
        "tracker.store", "tracker.parse", "tracker.fetch", "tracker.report"),
}


def _loaded(modules: str) -> list[str]:
    code = f"import sys\nfor m in {modules.split()!r}: __import__(m)\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.parametrize("modules", sorted(LOWER_NOT_HIGHER))
def test_a_lower_module_loads_no_higher_one(modules):
    higher = LOWER_NOT_HIGHER[modules]
    loaded = _loaded(modules)
    assert set(modules.split()) <= set(loaded)
    assert [m for m in loaded if m.startswith(higher)] == []
