"""Drill: ``tracker run`` killed at each checkpoint of announcing an upcoming change (the real § 742.6 link to
91 FR 46260) is completed by the next run, and the notice reaches the watcher exactly once — twice, under one
Message-ID, only when the kill falls between the server's acceptance and the row turning 'sent'."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.run.conftest import write_toml
from tests.support import ECFR_API, require
from tracker.cli import main
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.store import Store

TRACKER = str(Path(sys.executable).with_name("tracker"))
SECTION_742_6 = ECFR_API / "excerpt-2026-09-01-title-15-section-742.6.xml"


def _fresh(folder: Path, smtp) -> Path:
    folder.mkdir(parents=True)
    config = Config(database=folder / "tracker.db", reports_dir=folder / "reports", snapshots_dir=folder / "snapshots",
                    parts=("742",), mail={**smtp.mail_config(["rs-desk@example.com"]), "upcoming": True})
    store = Store(config.database)
    ingest_file(store, require(SECTION_742_6), part="742", date="2026-09-01", excerpt=True)
    store.close()
    return write_toml(folder / "tracker.toml", config)


def _run(toml: Path, **env: str) -> tuple[int, str]:
    proc = subprocess.run([TRACKER, "--config", str(toml), "run", "--no-fetch"], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)
    return proc.returncode, proc.stderr


@pytest.mark.slow
def test_a_run_killed_at_each_checkpoint_of_a_notice_sends_it_once(tmp_path, smtp):
    log = tmp_path / "checkpoints.log"
    code, err = _run(_fresh(tmp_path / "full", smtp), TRACKER_CHECKPOINT_LOG=str(log))
    assert code == 0, err
    [notice] = smtp.messages
    assert notice["Subject"] == "EAR coming into force: 91 FR 46260 (published 2026-07-23, effective date not known)"
    points = log.read_text().splitlines()
    assert {"announce.commit", "announce.committed", "mail.claimed", "mail.accepted"} <= set(points)

    for k, point in enumerate(points, start=1):
        smtp.handler.messages.clear()
        toml = _fresh(tmp_path / f"kill-{k}", smtp)
        code, _ = _run(toml, TRACKER_KILL_AT=str(k))
        assert code == -signal.SIGKILL, (k, point)
        accepted = points[:k].count("mail.accepted")
        assert len(smtp.messages) == accepted, (k, point)

        after = CliRunner().invoke(main, ["--config", str(toml), "run", "--no-fetch"])
        assert after.exit_code == 0, (k, point, after.output)
        received = Counter(m["Message-ID"] for m in smtp.messages)
        assert len(received) == 1, (k, point)  # one notice, never a second one under a new name
        assert list(received.values()) == [2 if point == "mail.accepted" else 1], (k, point)
        assert CliRunner().invoke(main, ["--config", str(toml), "run", "--no-fetch"]).exit_code == 0
        assert sum(received.values()) == len(smtp.messages), (k, point)  # a third run sends nothing
