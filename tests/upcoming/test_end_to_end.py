"""Acceptance (issue 14, item 3): a rule effective next month, served by a stand-in Federal Register on 127.0.0.1,
is listed by ``tracker upcoming`` with its targets, mailed once by the daily run to the recipients it touches, and,
once the eCFR version including it is stored, shown applied by the report of that version."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner, Result

from tests.audit.scenario import CITATION, DOC, RULE_FILE, after_740, after_774, before_740, before_774
from tests.fetch.conftest import Sources
from tests.run.conftest import write_toml
from tracker.cli import main
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.store import Store

TODAY = dt.date.today()
BEFORE = (TODAY - dt.timedelta(days=20)).isoformat()
EFFECTIVE = (TODAY + dt.timedelta(days=30)).isoformat()
TARGETS = ["740.2(a)(8)(i)", "740.9(b)(3)", "740.9(b)(4)", "740.9(b)(5)", "740.9(b)(6)", "3A090.a.2"]


def _ingest(config: Config, date: str, xml_740: str, xml_774: str) -> None:
    store = Store(config.database)
    for part, xml in (("740", xml_740), ("774", xml_774)):
        path = config.snapshots_dir.parent / f"part-{part}-{date}.xml"
        path.write_text(xml, "utf-8")
        ingest_file(store, path, part=part, date=date, excerpt=part == "774")
    store.close()


def _setup(config: Config, ecfr: Sources, tmp_path: Path) -> Path:
    config.database.parent.mkdir(parents=True, exist_ok=True)
    _ingest(config, BEFORE, before_740(), before_774())
    record = {**ecfr.rule("2025-18992"), "document_number": DOC, "citation": CITATION,
              "title": "Corrections to License Exceptions", "publication_date": TODAY.isoformat(),
              "effective_on": EFFECTIVE, "cfr_references": [{"title": 15, "part": "740"}, {"title": 15, "part": "774"}],
              "html_url": f"https://www.federalregister.gov/d/{DOC}",
              "full_text_xml_url": f"{ecfr.base}/full-text/{DOC}.xml"}
    for part in ("740", "774"):
        ecfr.add_rule(part, record)
    ecfr.full_text[DOC] = RULE_FILE.read_bytes()
    mail = {**config.mail, "upcoming": True, "recipients": [],
            "recipient": [{"address": "licensing@example.com", "watch": ["740.9"]},
                          {"address": "entities@example.com", "watch": ["part 744"]}]}
    settings = replace(config, parts=("740", "774"), ecfr_url=ecfr.base, federal_register_url=ecfr.base, mail=mail)
    return write_toml(tmp_path / "tracker.toml", settings)


def _cli(toml: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(toml), *args])


def test_a_rule_effective_next_month_is_listed_mailed_once_and_then_audited_applied(config, ecfr, smtp, tmp_path):
    toml = _setup(config, ecfr, tmp_path)

    listed = _cli(toml, "upcoming", "--fetch", "--format", "json")
    assert listed.exit_code == 0, listed.output
    [rule] = [e for e in json.loads(listed.stdout)["upcoming"] if e["document_number"] == DOC]
    assert (rule["source"], rule["effective_on"], rule["targets"]) == ("rule", EFFECTIVE, TARGETS)
    assert len(ecfr.requests_to("/public-inspection-documents/current.json")) == 1
    text = _cli(toml, "upcoming", "--part", "740")
    assert f"{CITATION}  [rule]  effective {EFFECTIVE}" in text.stdout
    assert "will change: 740.2(a)(8)(i), 740.9(b)(3)" in text.stdout and "3A090.a.2" in text.stdout

    first = _cli(toml, "run")
    assert first.exit_code == 0, first.stderr
    [notice] = smtp.messages  # only the recipient watching 740.9; the one watching Part 744 is not touched
    assert notice["To"] == "licensing@example.com"
    assert notice["Subject"] == f"EAR coming into force: {CITATION} (effective {EFFECTIVE})"
    body = notice.get_body(("plain",)).get_content()
    assert "COMING INTO FORCE: 1" in body and "Will change: 740.2(a)(8)(i), 740.9(b)(3)" in body
    assert _cli(toml, "run").exit_code == 0
    assert len(smtp.messages) == 1  # announced once

    _ingest(config, EFFECTIVE, after_740(), after_774())  # the eCFR version that includes the rule
    later = _cli(toml, "run", "--no-fetch")
    assert later.exit_code == 0, later.stderr
    report = json.loads((config.reports_dir / f"{EFFECTIVE}.json").read_text("utf-8"))
    [audit] = report["audit"]["rules"]
    assert (audit["document_number"], audit["failed"], audit["findings"]) == (DOC, False, [])
    assert audit["applied"] == 4
    assert DOC not in _cli(toml, "upcoming").stdout  # it is now an audited change, no longer upcoming
