"""The change report's section "Did the eCFR do what the rules said?": the rule in the real FR XML shape
(tests/audit/rule-2026-99901.xml, its full text kept as the daily run keeps it) against versions derived from the
real Part 740 and 774 text, and the real § 742.6 editorial note new in an interval. Omitted when there is nothing
to say (the goldens, two real CCL pairs with no rules stored, have none)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.audit.scenario import DOC, EFFECTIVE, RULE_XML, after_740, after_774, before_740, before_774
from tests.audit.test_cli import RULE
from tests.audit.test_rules import SECTION_742_6
from tests.support import ECFR_API, require
from tracker.build import build_report
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.mail import MailSettings, plan
from tracker.report.render import render_html, render_text, report_dict
from tracker.run import run
from tracker.snapshots import federal_register_path
from tracker.store import Store

HEADING = "DID THE eCFR DO WHAT THE RULES SAID?"
INTRO = ("The rules that took effect in this interval, instruction by instruction (`tracker audit DOCUMENT` for all "
         "findings):")


def _config(folder: Path) -> Config:
    return Config(database=folder / "tracker.db", snapshots_dir=folder / "snapshots", reports_dir=folder / "reports")


def _setup(folder: Path, versions: dict[tuple[str, str], str], *, rule: bool) -> Config:
    config = _config(folder)
    store = Store(config.database)
    for (part, date), xml in versions.items():
        path = folder / f"part-{part}-{date}.xml"
        path.write_text(xml, "utf-8")
        ingest_file(store, path, part=part, date=date, excerpt=part != "740")
    if rule:
        store.add_rules([RULE])
        kept = federal_register_path(config.snapshots_dir, DOC, "xml")
        kept.parent.mkdir(parents=True)
        kept.write_text(RULE_XML, "utf-8")
    store.close()
    return config


def _rule_config(folder: Path, xml_740: str) -> Config:
    return _setup(folder, {("740", "2026-09-01"): before_740(), ("740", EFFECTIVE): xml_740,
                           ("774", "2026-09-01"): before_774(), ("774", EFFECTIVE): after_774()}, rule=True)


def _section(text: str) -> list[str]:
    start = text.index(HEADING)
    return text[start:text.index("\n\n", start)].splitlines()


def _report(config: Config, date: str = EFFECTIVE) -> tuple[str, str, dict[str, object]]:
    store = Store(config.database)
    try:
        report = build_report(config, store, date)
    finally:
        store.close()
    return render_text(report), render_html(report), report_dict(report)


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return _rule_config(tmp_path_factory.mktemp("failing"), after_740(reference=False, b3_words="may stay",
                                                                     extra=True))


def test_every_instruction_applied_is_one_line_with_the_count(tmp_path: Path):
    text, html, data = _report(_rule_config(tmp_path, after_740()))
    assert _section(text) == [HEADING, INTRO, "- 91 FR 50000 (2026-99901), effective 2026-10-01: 4 applied"]
    assert "<h2>Did the eCFR do what the rules said?</h2>" in html
    assert data["audit"] == {"failed": False, "notes": [], "rules": [
        {"document_number": DOC, "citation": "91 FR 50000", "effective_on": EFFECTIVE, "failed": False,
         "applied": 4, "findings": [],
         "versions": {p: {"before": "2026-09-01", "after": EFFECTIVE} for p in ("740", "774")}}]}


def test_the_findings_not_applied_are_listed_under_their_rule(failing: Config):
    text, html, data = _report(failing)
    assert _section(text) == [
        HEADING, INTRO,
        "- 91 FR 50000 (2026-99901), effective 2026-10-01: 2 applied, 1 missing, 1 different, 1 unexplained",
        "    missing 740.2(a)(8)(i): no change at 740.2(a)(8)(i)",
        "    different 740.9(b)(3): 740.9(b)(3) does not read as the rule prints it",
        "    unexplained 740.2(b): modified 740.2(b): no instruction names it",
    ]
    assert "2 applied, 1 missing, 1 different, 1 unexplained" in html
    audit = data["audit"]
    assert isinstance(audit, dict) and audit["failed"] is True
    (rule,) = audit["rules"]
    assert [(f["status"], f["citations"], [c["citation"] for c in f["changes"]]) for f in rule["findings"]] == [
        ("missing", ["740.2(a)(8)(i)"], []),
        ("different", ["740.9(b)(3)"], ["740.9(b)(3)", "740.9(b)(4)"]),  # (b)(4) was (b)(3)
        ("unexplained", ["740.2(b)"], ["740.2(b)"]),
    ]
    assert rule["findings"][0]["instruction"]["action"] == "revise-reference"


def test_the_daily_run_writes_the_section_into_the_report_json(failing: Config):
    outcome = run(failing, fetch=False, log=lambda _: None)
    assert outcome.reports == [EFFECTIVE], outcome.problems
    data = json.loads((failing.reports_dir / f"{EFFECTIVE}.json").read_text("utf-8"))
    assert data["audit"]["rules"][0]["applied"] == 2
    assert HEADING in (failing.reports_dir / f"{EFFECTIVE}.txt").read_text("utf-8")


def _742_6_note_new(folder: Path) -> Config:
    """The real § 742.6 on 2026-09-01, after a version without its "could not be incorporated" note."""
    real = require(SECTION_742_6).read_text("utf-8")
    before = re.sub(r"<P>2\. At 90 FR 4615.*?</P>", "", real)
    return _setup(folder, {("742", "2025-01-02"): before, ("742", "2026-09-01"): real}, rule=False)


def test_the_real_742_6_note_new_in_the_interval_is_listed_with_no_rule_stored(tmp_path: Path):
    config = _742_6_note_new(tmp_path)
    text, html, data = _report(config, "2026-09-01")
    assert _section(text) == [
        HEADING,
        "eCFR editorial notes new in this version saying an amendment could not be incorporated:",
        "- 742.6(a)(13), 742.6(b)(14): At 90 FR 4615, Jan. 16, 2025, § 742.6 was amended by adding",
        "  paragraphs (a)(13) and (b)(14); however, these amendments could not be incorporated because",
        "  paragraphs (a)(13) and (b)(14) already exist.",
    ]
    assert "could not be incorporated</h3>" in html
    audit = data["audit"]
    assert isinstance(audit, dict)
    assert (audit["failed"], audit["rules"]) == (True, [])
    assert [(n["status"], n["citations"], n["fr_citations"]) for n in audit["notes"]] == [
        ("not-incorporated", ["742.6(a)(13)", "742.6(b)(14)"], ["90 FR 4615"])]


def test_a_report_whose_only_news_is_the_real_742_6_note_is_still_mailed(tmp_path: Path):
    """No paragraph changed, but the eCFR says an amendment could not be incorporated: a watcher of 742 gets it,
    a watcher of 774 does not."""
    config = _742_6_note_new(tmp_path)
    settings = MailSettings.from_config({"sender": "tracker@example.com", "recipient": [
        {"address": "export@example.com", "watch": ["part 742"]},
        {"address": "ccl@example.com", "watch": ["part 774"]}]})
    store = Store(config.database)
    try:
        report = build_report(config, store, "2026-09-01")
        assert report.changes == () and report.audit
        assert plan(store, report, settings) == ["export@example.com"]
        assert [d.recipient for d in store.unsent_deliveries()] == ["export@example.com"]
    finally:
        store.close()


def test_a_note_already_in_the_previous_version_says_nothing(tmp_path: Path):
    real = require(SECTION_742_6).read_text("utf-8")
    config = _setup(tmp_path, {("742", "2025-01-02"): real, ("742", "2026-09-01"): real}, rule=False)
    text, html, data = _report(config, "2026-09-01")
    assert HEADING not in text and "Did the eCFR" not in html and "audit" not in data


def test_a_watchlist_cuts_the_section_to_the_findings_about_it(failing: Config):
    store = Store(failing.database)
    try:
        report = build_report(failing, store, EFFECTIVE)
    finally:
        store.close()
    rule = "- 91 FR 50000 (2026-99901), effective 2026-10-01: "
    different = "    different 740.9(b)(3): 740.9(b)(3) does not read as the rule prints it"
    assert _section(render_text(replace(report, watch=("740.9",)))) == [HEADING, INTRO, rule + "1 applied, 1 different",
                                                                        different]
    assert _section(render_text(replace(report, watch=("part 774",)))) == [HEADING, INTRO, rule + "1 applied"]
    assert HEADING not in render_text(replace(report, watch=("744",)))
    assert "audit" not in report_dict(replace(report, watch=("744",)))


RULE_742 = """<?xml version="1.0" encoding="UTF-8"?>
<RULE>
<PREAMB><AGENCY TYPE="S">DEPARTMENT OF COMMERCE</AGENCY><SUBAGY>Bureau of Industry and Security</SUBAGY>
<CFR>15 CFR Part 742</CFR><SUBJECT>Export Controls: Advanced Computing Items</SUBJECT></PREAMB>
<PRTPAGE P="4615"/>
<REGTEXT TITLE="15" PART="742">
<AMDPAR>5. Section 742.6 is amended by adding paragraphs (a)(13) and (b)(14) to read as follows:</AMDPAR>
<SECTION><SECTNO>&#xA7; 742.6</SECTNO><SUBJECT>Regional stability.</SUBJECT>
<P>(a) * * *</P>
<P>(13) <E T="03">Model weights.</E> A license is required for items in ECCN 4E091.</P>
<STARS/>
<P>(b) * * *</P>
<P>(14) Applications for items in ECCN 4E091 will be reviewed under a presumption of denial.</P>
</SECTION>
</REGTEXT>
<FRDOC>[FR Doc. 2025&#x2013;00001 Filed 1&#x2013;15&#x2013;25; 8:45 am]</FRDOC>
</RULE>
"""


def test_the_real_742_6_note_about_an_audited_rule_is_listed_once_under_it(tmp_path: Path):
    config = _742_6_note_new(tmp_path)
    store = Store(config.database)
    store.add_rules([{"document_number": "2025-00001", "citation": "90 FR 4612", "title": "Advanced computing",
                      "publication_date": "2025-01-15", "effective_on": "2025-01-16", "parts": ["742"]}])
    store.close()
    kept = federal_register_path(config.snapshots_dir, "2025-00001", "xml")
    kept.parent.mkdir(parents=True)
    kept.write_text(RULE_742, "utf-8")
    text, _, data = _report(config, "2026-09-01")
    assert _section(text) == [
        HEADING, INTRO,
        "- 90 FR 4612 (2025-00001), effective 2025-01-16: 0 applied, 1 missing, 1 not-incorporated",
        "    missing 742.6(a)(13), 742.6(b)(14): no change at 742.6(a)(13); no change at 742.6(b)(14)",
        "    not-incorporated 742.6(a)(13), 742.6(b)(14): the eCFR says an amendment could not be",
        "    incorporated (742.6 Editorial Note)",
    ]
    audit = data["audit"]
    assert isinstance(audit, dict) and audit["notes"] == []


def test_the_real_ccl_note_on_9a005_new_in_the_interval_is_listed(tmp_path: Path):
    real = require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_text("utf-8")
    note = real.index("<EDNOTE>\n<HED>Editorial Notes:</HED><PSPACE>2. At 88 FR 71936")
    before = real[:note] + real[real.index("</EDNOTE>", note) + len("</EDNOTE>"):]
    config = _setup(tmp_path, {("774", "2026-06-25"): before, ("774", "2026-09-01"): real}, rule=False)
    text, _, data = _report(config, "2026-09-01")
    assert _section(text) == [
        HEADING,
        "eCFR editorial notes new in this version saying an amendment could not be incorporated:",
        "- 9A005: At 88 FR 71936, Oct. 18, 2023, § supplement no. 1 to part 774 was amended by revising",
        "  9A005; however, the amendment could not be incorporated due to missing text.",
    ]
    audit = data["audit"]
    assert isinstance(audit, dict)
    assert [(n["status"], n["citations"], n["fr_citations"]) for n in audit["notes"]] == [
        ("not-incorporated", ["9A005"], ["88 FR 71936"])]
