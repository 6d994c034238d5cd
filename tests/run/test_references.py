"""``tracker run --no-fetch`` on real Part 740 text with a reference broken by one version and repaired by the next.

The versions: the real Part 740 (2026-09-01); the same XML with § 740.2(a)(8)(i) citing
"§ 740.10(a)(2)(iv)" instead of "§ 740.10(a)(3)(v)" (paragraph (a)(2) of § 740.10 has only (i)-(iii)),
plus a line of HTML in its text (2026-10-01); the real text again (2026-11-02).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.run.conftest import write_toml
from tests.support import PART_740, relative_links, require
from tracker.cli import main
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.parse import parse_file
from tracker.store import Store

REAL, BROKEN, FIXED = "2026-09-01", "2026-10-01", "2026-11-02"
GOOD_REF, BAD_REF = "&#xA7; 740.10(a)(3)(v)", "&#xA7; 740.10(a)(2)(iv)"
HOSTILE = "&lt;script&gt;alert(1)&lt;/script&gt; a &lt; b &amp; c"
RPL = "740.2(a)(8)(i)"


def derived_740(folder: Path) -> Path:
    """The real Part 740 XML with the bad reference (and markup-like text) in § 740.2(a)(8)(i)."""
    xml = require(PART_740).read_bytes().decode("utf-8")
    assert xml.count(GOOD_REF) == 1
    bad = xml.replace(GOOD_REF, BAD_REF).replace("which prohibits exports", f"which prohibits {HOSTILE} exports")
    path = folder / "part-740-bad.xml"
    path.write_text(bad, encoding="utf-8")
    return path


@pytest.fixture
def three_versions(config: Config, tmp_path: Path) -> Config:
    config = replace(config, parts=("740",))
    config.database.parent.mkdir(parents=True, exist_ok=True)
    store = Store(config.database)
    for date, path in ((REAL, require(PART_740)), (BROKEN, derived_740(tmp_path)), (FIXED, require(PART_740))):
        ingest_file(store, path, part="740", date=date)
    store.db.conn.close()
    return config


def run_cli(config: Config, tmp_path: Path):
    toml = write_toml(tmp_path / "tracker.toml", config)
    result = CliRunner().invoke(main, ["--config", str(toml), "run", "--no-fetch"])
    assert result.exit_code == 0, result.stderr
    return result


def report_json(config: Config, date: str) -> dict:
    return json.loads((config.reports_dir / f"{date}.json").read_text(encoding="utf-8"))


def test_target_is_missing_in_the_real_text():
    citations = {p.citation for p in parse_file(require(PART_740))}
    assert "740.10(a)(2)(iii)" in citations and "740.10(a)(2)(iv)" not in citations


def test_bad_reference_is_reported_broken_then_repaired(three_versions, tmp_path, smtp):
    run_cli(three_versions, tmp_path)

    broken = report_json(three_versions, BROKEN)
    assert broken["references_repaired"] == []
    [ref] = broken["references_broken"]
    assert (ref["from_citation"], ref["written"], ref["target"], ref["unit"]) == (
        RPL, "§ 740.10(a)(2)(iv)", "740.10(a)(2)(iv)", "740.2"
    )
    assert ref["reason"] == f"740.10(a)(2)(iv) does not exist in Part 740 as of {BROKEN}"
    assert ref["ecfr_url"] == f"https://www.ecfr.gov/on/{BROKEN}/title-15/section-740.2#p-{RPL}"

    fixed = report_json(three_versions, FIXED)
    assert fixed["references_broken"] == []
    [ref] = fixed["references_repaired"]
    assert (ref["from_citation"], ref["target"]) == (RPL, "740.10(a)(2)(iv)")
    assert ref["repair"] == f"{RPL} no longer makes this reference"

    html = (three_versions.reports_dir / f"{BROKEN}.html").read_text(encoding="utf-8")
    section = html[html.index("References broken by this change: 1") :]
    assert f'<a href="https://www.ecfr.gov/on/{BROKEN}/title-15/section-740.2#p-{RPL}">{RPL}</a>' in section
    assert "<q>§ 740.10(a)(2)(iv)</q> → resolved target <strong>740.10(a)(2)(iv)</strong>" in section
    assert "References repaired" not in html
    text = (three_versions.reports_dir / f"{FIXED}.txt").read_text(encoding="utf-8")
    assert "REFERENCES REPAIRED BY THIS CHANGE: 1" in text and "REFERENCES BROKEN" not in text
    assert f"Repaired: {RPL} no longer makes this reference." in text

    mails = {m["X-Tracker-Version-Date"]: m for m in smtp.messages}
    assert "References broken by this change: 1" in mails[BROKEN].get_body(("html",)).get_content()
    assert "REFERENCES REPAIRED BY THIS CHANGE: 1" in mails[FIXED].get_body(("plain",)).get_content()


def test_report_html_shows_regulation_markup_as_text(three_versions, tmp_path, smtp):
    run_cli(three_versions, tmp_path)

    pages = [three_versions.reports_dir / f"{BROKEN}.html", three_versions.reports_dir / "section/740.2.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt; a &lt; b &amp; c" in html, page.name
        assert "<script>" not in html, page.name




def test_every_relative_link_in_reports_and_history_pages_resolves(three_versions, tmp_path, smtp):
    run_cli(three_versions, tmp_path)
    folder = three_versions.reports_dir

    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert names == [f"{BROKEN}.html", f"{FIXED}.html", "history.html", "index.html", "section/740.2.html"]
    checked = relative_links(folder)
    assert (f"{BROKEN}.html", "section/740.2.html") in checked
    assert ("section/740.2.html", f"../{FIXED}.html") in checked
    assert ("index.html", "history.html") in checked and ("history.html", "section/740.2.html") in checked
