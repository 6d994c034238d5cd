"""``tracker ingest-rules`` end to end: with no network, a rule file makes reports and the audit name the rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.audit.scenario import DOC, EFFECTIVE, after_740, after_774, before_740, before_774
from tests.rule_ingest.issue import REAL_ISSUE, issue_with_rule
from tests.support import require
from tracker.cli import main
from tracker.ingest import ingest_file
from tracker.store import Store


def _versions(folder: Path) -> Path:
    """Two stored versions of Parts 740 and 774 (derived from real text) that the rule 2026-99901 tells apart."""
    versions = {("740", "2026-09-01"): before_740(), ("740", EFFECTIVE): after_740(),
                ("774", "2026-09-01"): before_774(), ("774", EFFECTIVE): after_774()}
    store = Store(folder / "tracker.db")
    for (part, date), xml in versions.items():
        path = folder / f"part-{part}-{date}.xml"
        path.write_text(xml, "utf-8")
        ingest_file(store, path, part=part, date=date, excerpt=part == "774")
    store.close()
    (folder / "issue.xml").write_bytes(issue_with_rule())
    return folder


def run(folder: Path, *args: str) -> Result:
    env = {"TRACKER_DB": str(folder / "tracker.db"), "TRACKER_SNAPSHOTS": str(folder / "snapshots"),
           "TRACKER_CONFIG": str(folder / "tracker.toml")}
    (folder / "tracker.toml").write_text(f'reports_dir = "{folder / "reports"}"\n')
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_a_rule_ingested_offline_is_named_in_the_report_and_audited(tmp_path: Path):
    folder = _versions(tmp_path)
    done = run(folder, "ingest-rules", str(folder / "issue.xml"))
    assert done.exit_code == 0, done.output
    assert done.output == (f"1 rule(s) stored (1 new), 1 full text(s) kept, 0 document(s) left out"
                           f" ({folder}/issue.xml)\n")
    again = run(folder, "ingest-rules", str(folder / "issue.xml"))
    assert again.output.startswith("0 rule(s) stored (0 new), 1 full text(s) kept")
    assert run(folder, "run", "--no-fetch", "--quiet").exit_code == 0
    report = (folder / "reports" / f"{EFFECTIVE}.txt").read_text("utf-8")
    assert "Source: 91 FR 50000, effective 2026-10-01" in report and "source not yet identified" not in report
    audit = run(folder, "audit", DOC)
    assert audit.exit_code == 0, audit.output
    assert "applied" in audit.output


def test_the_real_issue_is_read_offline_and_nothing_of_it_is_stored(tmp_path: Path):
    result = run(tmp_path, "ingest-rules", str(require(REAL_ISSUE)))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        f"0 rule(s) stored (0 new), 0 full text(s) kept, 20 document(s) left out ({REAL_ISSUE})")


@pytest.mark.parametrize(("body", "message"), [
    (b'{"results": [', "not valid JSON"),
    (b'{"document_number": "2024-07004", "publication_date": "2024-04-04", "effective_on": "soon", '
     b'"cfr_references": [{"title": 15, "part": "740"}]}', "effective_on 'soon' is not a date"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_stored(tmp_path: Path, body: bytes, message: str):
    (tmp_path / "bad.json").write_bytes(body)
    result = run(tmp_path, "ingest-rules", str(tmp_path / "bad.json"))
    assert result.exit_code == 2 and message in result.output and len(result.output.splitlines()) == 1
    assert not (tmp_path / "snapshots").exists()
    assert Store(tmp_path / "tracker.db").rules() == []
