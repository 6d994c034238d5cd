"""Change reports: content, escaping, files on disk, and how the HTML renders in a real browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report.chromium import open_page
from tests.report.sample import april_2024_report
from tracker.model import Change
from tracker.report.data import ecfr_url
from tracker.report.render import render_html, render_json, render_text, write_index, write_report

HOSTILE = Change(
    "modified", "740.2(a)(1)", "740", "740.2", 1,
    old_text="(1) a < b & c", new_text="(1) a < b & c <script>alert(1)</script>",
    old_heading="<b>Old</b>", new_heading="<b>Old</b>",
    redline=(("equal", "(1) a < b & c"), ("insert", " <script>alert(1)</script>")),
)


def test_html_report_shows_regulation_markup_literally():
    html = render_html(april_2024_report(changes=(HOSTILE,)))

    assert "<script" not in html and "<b>Old</b>" not in html
    assert "(1) a &lt; b &amp; c<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html


def test_text_report_keeps_regulation_text_as_written():
    text = render_text(april_2024_report(changes=(HOSTILE,)))

    assert "(1) a < b & c{+ <script>alert(1)</script>+}" in text
    assert "&lt;" not in text and "&amp;" not in text


def test_report_groups_part_then_unit_then_paragraph_with_summary_counts():
    html = render_html(april_2024_report())

    headings = ("Part 740 — License", "§ 740.2", "Part 742 — Control", "§ 742.6", "Part 774 — The Commerce",
                "ECCN 3A001", "3A001.z.1", "ECCN 3A090", "ECCN 4A090")
    order = [html.index(s) for s in headings]
    assert order == sorted(order)
    assert "Summary: 7 changed paragraphs" in html
    assert "Redesignated: <del>742.6(a)(6)(ii)</del> → <ins>742.6(a)(6)(iii)</ins>" in html
    assert "Reference changed: <del>740.10(a)(3)(v)</del> → <ins>740.10(a)(2)(iv)</ins>" in html
    assert "89 FR 23876" in html and "Interim final rule" in html and "Effective 2024-04-04" in html
    assert "source not yet identified" in html  # the Technical Note change has no rule
    assert 'href="eccn/3A090.html"' in html and 'href="section/742.6.html"' in html


def test_citations_link_to_the_ecfr_on_the_version_date():
    report = april_2024_report()
    section, item = report.changes[0], report.changes[3]

    assert ecfr_url(report, section) == (
        "https://www.ecfr.gov/on/2024-04-04/title-15/section-740.2#p-740.2(a)(8)(i)"
    )
    assert ecfr_url(report, item) == (
        "https://www.ecfr.gov/on/2024-04-04/title-15/part-774/appendix-Supplement%20No.%201%20to%20Part%20774"
    )


def test_json_report_has_counts_rules_and_every_change():
    data = json.loads(render_json(april_2024_report()))

    assert data["summary"]["total"] == 7
    assert data["summary"]["by_part"] == {"734": 0, "740": 1, "742": 1, "744": 0, "772": 0, "774": 5}
    assert data["summary"]["changed_parts"] == ["740", "742", "774"]
    assert [r["citation"] for r in data["rules"]] == ["89 FR 23876"]
    assert len(data["changes"]) == 7 and data["changes"][0]["redline"][0][0] == "equal"


def test_reports_are_written_whole_and_listed_newest_first(tmp_path: Path):
    older = april_2024_report()
    newer = april_2024_report(changes=(HOSTILE,))
    newer = type(newer)("2024-05-01", "2024-04-04", newer.parts, newer.changes)

    write_report(tmp_path, older)
    write_report(tmp_path, newer)
    index = write_index(tmp_path).read_text(encoding="utf-8")

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2024-04-04.html", "2024-04-04.json", "2024-04-04.txt",
        "2024-05-01.html", "2024-05-01.json", "2024-05-01.txt", "index.html",
    ]
    assert index.index("2024-05-01.html") < index.index("2024-04-04.html")
    assert ">89 FR 23876</a>" in index


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path, monkeypatch):
    report = april_2024_report()
    write_report(tmp_path, report)
    before = (tmp_path / "2024-04-04.txt").read_text(encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("tracker.report.render.render_text", broken)
    with pytest.raises(OSError):
        write_report(tmp_path, april_2024_report(changes=(HOSTILE,)))

    assert (tmp_path / "2024-04-04.txt").read_text(encoding="utf-8") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]



VISIBLE = """JSON.stringify([...document.querySelectorAll('%s')].map(e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility === 'visible' && s.display !== 'none' && s.opacity !== '0';
}))"""
STYLE = "JSON.stringify(['textDecorationLine', 'color'].map(k => getComputedStyle(document.querySelector('%s'))[k]))"


def test_report_renders_in_chromium_without_errors_and_with_visible_redlines(chromium, tmp_path: Path):
    html = tmp_path / "2024-04-04.html"
    html.write_text(render_html(april_2024_report()), encoding="utf-8")

    page = open_page(
        chromium, html, tmp_path / "report.png",
        {"ins": VISIBLE % "ins", "del": VISIBLE % "del", "ins_style": STYLE % "ins", "del_style": STYLE % "del",
         "scripts": "document.scripts.length"},
    )

    assert page.errors == []
    assert page.values["scripts"] == 0
    ins, dels = json.loads(page.values["ins"]), json.loads(page.values["del"])
    assert len(ins) >= 7 and all(ins) and len(dels) >= 4 and all(dels)
    assert json.loads(page.values["ins_style"])[0] == "underline"
    assert json.loads(page.values["del_style"])[0] == "line-through"
    assert page.screenshot.stat().st_size > 10_000
    assert page.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chromium_check_does_see_console_errors(chromium, tmp_path: Path):
    html = tmp_path / "broken.html"
    html.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); undefinedCall();</script>")

    page = open_page(chromium, html, tmp_path / "broken.png", {})

    assert len(page.errors) == 2
