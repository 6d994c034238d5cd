"""The daily run mails a newly broken reference exactly once: with the change that broke it, never again after.

Real Part 740 (2026-09-01); the same XML with § 740.2(a)(8)(i) citing the missing "§ 740.10(a)(2)(iv)"
(2026-10-01); that text again with one more edit elsewhere, the reference still broken (2026-10-15).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from tests.run import conftest as run_set_up
from tests.run.conftest import write_toml
from tests.run.test_references import BAD_REF, GOOD_REF, RPL
from tests.support import PART_740, require
from tracker.cli import main
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.store import Store

REAL, BROKEN, STILL = "2026-09-01", "2026-10-01", "2026-10-15"
SECTION = "References broken by this change"

config, smtp = run_set_up.config, run_set_up.smtp  # the run tests' set-up: settings and an SMTP stand-in


def _version(folder: Path, name: str, *edits: tuple[str, str]) -> Path:
    xml = require(PART_740).read_text(encoding="utf-8")
    for old, new in edits:
        assert xml.count(old) == 1, old
        xml = xml.replace(old, new)
    path = folder / name
    path.write_text(xml, encoding="utf-8")
    return path


def _run(settings: Config, folder: Path) -> None:
    toml = write_toml(folder / "tracker.toml", settings)
    result = CliRunner().invoke(main, ["--config", str(toml), "run", "--no-fetch"])
    assert result.exit_code == 0, result.stderr


def _ingest(settings: Config, date: str, path: Path) -> None:
    store = Store(settings.database)
    ingest_file(store, path, part="740", date=date)
    store.db.conn.close()


def test_a_newly_broken_reference_is_mailed_once(config, smtp, tmp_path):
    config = replace(config, parts=("740",))
    config.database.parent.mkdir(parents=True, exist_ok=True)
    bad = (GOOD_REF, BAD_REF)
    _ingest(config, REAL, require(PART_740))
    _ingest(config, BROKEN, _version(tmp_path, "bad.xml", bad))
    _run(config, tmp_path)
    other = ("Return or disposal of items", "Return or disposal of the items")  # § 740.9(a)(14)'s heading
    _ingest(config, STILL, _version(tmp_path, "still.xml", bad, other))
    _run(config, tmp_path)
    _run(config, tmp_path)  # nothing new: nothing sent

    mails = {m["X-Tracker-Version-Date"]: m.get_body(("html",)).get_content() for m in smtp.messages}
    assert sorted(mails) == [BROKEN, STILL] and len(smtp.messages) == 2
    assert f"{SECTION}: 1" in mails[BROKEN] and RPL in mails[BROKEN].split(SECTION)[1]
    assert SECTION not in mails[STILL]
