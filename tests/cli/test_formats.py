"""``--format json`` of the commands that store things (``ingest``, ``ingest-rules``, ``fetch``): what each stored,
as one object naming its schema first, with the same numbers as the text line. Real files from ../shared; the
fetch is served by the local eCFR and Federal Register stand-in on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from tests.fetch.conftest import FR_XML, PART_740_FULL, PART_774_NEW, PART_774_OLD
from tests.support import ECFR_API, SHARED, require
from tracker.cli import main

PAIR = [(d, ECFR_API / f"excerpt-{d}-title-15-part-774-3A001-3A090-4A090.xml") for d in ("2026-06-25", "2026-09-01")]


def _run(folder: Path, *args: str) -> Result:
    env = {"TRACKER_CONFIG": None, "TRACKER_DB": str(folder / "tracker.db"),
           "TRACKER_SNAPSHOTS": str(folder / "snapshots")}
    out = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    return out


def test_ingest_json_says_what_each_file_stored(tmp_path: Path):
    date, path = PAIR[0]
    first = json.loads(_run(tmp_path, "ingest", str(require(path)), "--part", "774", "--date", date,
                            "--format", "json").stdout)
    assert first == {"schema": "tracker.ingest/1", "stored": 1, "already_stored": 0, "files": [
        {"source": str(path), "stored": True, "part": "774", "date": "2026-06-25", "excerpt": True,
         "paragraphs": 372, "new_texts": 371}]}  # a text per ECCN
    again = json.loads(_run(tmp_path, "ingest", str(path), "--part", "774", "--date", date, "--format", "json").stdout)
    assert again["files"] == [{"source": str(path), "stored": False}] and again["already_stored"] == 1
    date, path = PAIR[1]
    text = _run(tmp_path, "ingest", str(require(path)), "--part", "774", "--date", date).stdout
    assert text == f"ingested part 774 on 2026-09-01 as an excerpt: 372 paragraphs, 3 new texts ({path})\n"


def test_ingest_rules_json_counts_the_real_rules(tmp_path: Path):
    file = require(SHARED / "data" / "ccl-history" / "federal-register-documents.json")
    data = json.loads(_run(tmp_path, "ingest-rules", str(file), "--format", "json").stdout)
    assert data == {"schema": "tracker.ingest-rules/1", "file": str(file), "stored": 284, "new": 284,
                    "full_texts": 0, "left_out": []}
    assert json.loads(_run(tmp_path, "ingest-rules", str(file), "--format", "json").stdout)["new"] == 0


def test_fetch_json_lists_the_new_versions(server, sources, tmp_path: Path):
    sources.add_version("740", "2026-09-01", PART_740_FULL.read_bytes())
    sources.add_version("774", "2026-06-25", PART_774_OLD.read_bytes())
    sources.add_version("774", "2026-09-01", PART_774_NEW.read_bytes())
    sources.add_rule("774", sources.rule("2024-07004", effective_on="2026-09-01"), FR_XML.read_bytes())
    base = server.url_for("/").rstrip("/")
    toml = tmp_path / "tracker.toml"
    toml.write_text(f'ecfr_url = "{base}"\nfederal_register_url = "{base}"\nparts = [740, 774]\n'
                    'contact = "mailto:compliance@example.org"\nrate_limit = 1000\nfull_text_rate_limit = 1000\n'
                    'retries = 1\nbackoff_factor = 0.001\ntimeout = 2\ndatabase = "tracker.db"\n'
                    'snapshots_dir = "snapshots"\n')
    out = CliRunner().invoke(main, ["fetch", "--since", "2026-01-01", "--part", "774", "--config", str(toml),
                                    "--format", "json"], env={"TRACKER_DB": None, "TRACKER_SNAPSHOTS": None})
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert list(data)[0] == "schema" and data["schema"] == "tracker.fetch/1"
    assert data["new_versions"] == [{"part": "774", "date": "2026-06-25"}, {"part": "774", "date": "2026-09-01"}]
    assert data["rules_added"] == 1 and data["errors"] == [] and data["requests"] > 0 and data["bytes"] > 0


def test_pages_json_lists_the_pages_written(tmp_path: Path):
    for date, path in PAIR:
        _run(tmp_path, "ingest", str(require(path)), "--part", "774", "--date", date)
    out = tmp_path / "reports"
    data = json.loads(_run(tmp_path, "pages", "--out", str(out), "--format", "json").stdout)
    assert data == {"schema": "tracker.pages/1", "index": str(out / "history.html"),
                    "pages": [str(out / "eccn" / f"{e}.html") for e in ("3A001", "3A090", "4A090")]}
    assert all(Path(p).is_file() for p in [data["index"], *data["pages"]])
