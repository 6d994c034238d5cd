"""``tracker audit`` end to end: the rule in the real FR XML shape (its instructions read by
:func:`tracker.instructions.parse_instructions`) against stored versions derived from real Part 740 and 774 text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.audit.scenario import (
    CITATION,
    DOC,
    EFFECTIVE,
    RULE_FILE,
    RULE_XML,
    after_740,
    after_774,
    before_740,
    before_774,
)
from tracker.cli import main
from tracker.ingest import ingest_file
from tracker.snapshots import federal_register_path
from tracker.store import Store

RULE = {"document_number": DOC, "citation": CITATION, "title": "Corrections", "publication_date": "2026-09-29",
        "effective_on": EFFECTIVE, "parts": ["740", "774"]}


def _db(folder: Path, xml_740: str, xml_774: str) -> Path:
    versions = {("740", "2026-09-01"): before_740(), ("740", EFFECTIVE): xml_740,
                ("774", "2026-09-01"): before_774(), ("774", EFFECTIVE): xml_774}
    store = Store(folder / "tracker.db")
    for (part, date), xml in versions.items():
        path = folder / f"part-{part}-{date}.xml"
        path.write_text(xml, "utf-8")
        ingest_file(store, path, part=part, date=date, excerpt=part == "774")
    store.add_rules([RULE])
    store.close()
    return folder


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _db(tmp_path_factory.mktemp("applied"), after_740(), after_774())


@pytest.fixture(scope="module")
def not_applied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _db(tmp_path_factory.mktemp("missing"), after_740(reference=False, extra=True), after_774())


def run(folder: Path, *args: str) -> Result:
    env = {"TRACKER_DB": str(folder / "tracker.db"), "TRACKER_SNAPSHOTS": str(folder / "snapshots")}
    return CliRunner().invoke(main, ["audit", *args], env=env, catch_exceptions=False)


def test_a_rule_whose_full_text_is_not_kept_needs_rule_xml(applied: Path):
    out = run(applied, DOC)
    assert out.exit_code == 2
    assert out.output.strip().endswith("give its Federal Register XML with --rule-xml FILE")


def test_every_instruction_applied_exits_0_and_says_so(applied: Path):
    out = run(applied, DOC, "--rule-xml", str(RULE_FILE))
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0] == f"{CITATION} (document {DOC}), effective {EFFECTIVE}: 4 applied"
    data = json.loads(run(applied, DOC, "--rule-xml", str(RULE_FILE), "--format", "json").output)
    (audit,) = data["audits"]
    assert (data["failed"], audit["versions"]) == (False, {"740": {"before": "2026-09-01", "after": EFFECTIVE},
                                                           "774": {"before": "2026-09-01", "after": EFFECTIVE}})
    assert [(f["status"], f["instruction"]["action"]) for f in audit["findings"]] == [
        ("applied", "revise-reference"), ("applied", "redesignate"), ("applied", "add"), ("applied", "revise")]


def test_missing_and_unexplained_exit_1_and_the_kept_full_text_is_read(not_applied: Path):
    path = federal_register_path(not_applied / "snapshots", DOC, "xml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULE_XML, "utf-8")
    for args in ((DOC,), ("--since", "2026-09-15")):
        out = run(not_applied, *args)
        assert out.exit_code == 1, out.output
        statuses = [line.split()[0] for line in out.output.splitlines() if line and not line.startswith(" ")][1:]
        assert statuses == ["MISSING", "UNEXPLAINED", "APPLIED", "APPLIED", "APPLIED"]
        assert "MISSING              740.2(a)(8)(i)   (instruction 2: revise-reference)" in out.output
        assert "UNEXPLAINED          740.2(b)" in out.output


@pytest.mark.parametrize(("args", "message"), [
    (("2026-00001",), "unknown document 2026-00001: not among the stored rules (see `tracker rules`)"),
    (("2026-00001", "--rule-xml", str(RULE_FILE)), "the effective date of 2026-00001 is unknown"),
    ((DOC, "--rule-xml", str(RULE_FILE), "--effective", "2026-11-01"),
     f"no stored version of part 740 includes {DOC} yet (effective 2026-11-01; latest stored {EFFECTIVE})"),
    ((), "give a DOCUMENT_NUMBER or --since DATE (one of them)"),
])
def test_bad_input_is_one_line_and_exit_2(applied: Path, args: tuple[str, ...], message: str):
    out = run(applied, *args)
    assert out.exit_code == 2
    assert message in out.output and len(out.output.strip().splitlines()) == 1
