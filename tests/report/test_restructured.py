"""A ``restructured`` change (a paragraph split into sub-paragraphs) in the HTML, text and JSON reports and in
the text of ``tracker diff``: the old text beside the new parts, each part with its citation."""

from __future__ import annotations

import json

from tests.diff.samples import EXCERPT_3A, merged_3a001_z
from tests.report.sample import april_2024_report
from tests.support import ECFR_API, require
from tracker.diff import DiffResult, compare
from tracker.history import history
from tracker.parse import parse_bytes
from tracker.report.data import KIND_LEGEND
from tracker.report.history_pages import write_history_pages
from tracker.report.render import render_html, render_json, render_text
from tracker.report.text import diff_text
from tracker.store import Store


def _split():
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    (change,) = compare(parse_bytes(merged_3a001_z(xml).encode()), parse_bytes(xml.encode()))
    assert change.kind == "restructured"
    return change


def test_html_report_shows_the_old_text_beside_the_new_parts():
    change = _split()
    html = render_html(april_2024_report(changes=(change,)))
    before, after = html.index("Before: 3A001.z"), html.index("After: 3A001.z and 8 sub-paragraph(s)")
    assert before < html.index("<del>z. Any commodity described in 3A001") < after
    assert [html.index(f">{p.citation}</a> <ins>") for p in change.parts] == sorted(
        html.index(f">{p.citation}</a> <ins>") for p in change.parts)
    assert "restructured</span></td><td>" + KIND_LEGEND["restructured"] in html.replace("\n", "")


def test_text_report_and_diff_text_list_every_part():
    change = _split()
    text = render_text(april_2024_report(changes=(change,)))
    assert "  3A001.z  [restructured]" in text
    assert "    Before (3A001.z):\n      z. Any commodity described in 3A001" in text
    assert all(f"      {p.citation}: " in text for p in change.parts)
    lines = diff_text(DiffResult("2026-06-25", "2026-09-01", {"774": ("2026-06-25", "2026-09-01")}, [change]))
    assert "1 change(s): 1 restructured" in lines
    assert [line.split(":")[0].strip() for line in lines.splitlines() if line.startswith("      + ")] == [
        f"+ {p.citation}" for p in change.parts]


def test_json_report_carries_the_parts_as_added_changes():
    change = _split()
    data = json.loads(render_json(april_2024_report(changes=(change,))))
    (c,) = data["changes"]
    assert (c["kind"], c["citation"], c["old_text"]) == ("restructured", "3A001.z", change.old_text)
    assert [(p["kind"], p["citation"]) for p in c["parts"]] == [("added", p.citation) for p in change.parts]
    assert data["summary"]["by_kind"] == {"restructured": 1}


def test_history_page_shows_the_restructuring_with_its_parts(tmp_path):
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    store = Store(":memory:")
    for day, text in (("2026-06-25", merged_3a001_z(xml)), ("2026-09-01", xml)):
        store.ingest(parse_bytes(text.encode()), part="774", date=day, source=day, sha256=day, size=1)
    (entry,) = history(store, "3A001").entries
    assert [(c.kind, c.citation, len(c.parts)) for c in entry.changes] == [("restructured", "3A001.z", 8)]
    write_history_pages(store, tmp_path, ["3A001"])
    page = (tmp_path / "eccn" / "3A001.html").read_text(encoding="utf-8")
    assert "<strong>3A001.z</strong> <span class=\"kind\">restructured</span>" in page
    assert all(f'<p class="redline">{p.citation} <ins>' in page for p in entry.changes[0].parts)
