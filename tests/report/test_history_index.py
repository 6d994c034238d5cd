"""History pages on real text: the index shows each unit's title and its filter box finds rows by number, name or
title (in headless Chromium); references link to the citing paragraph; a removal and a return are said on the page."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from tests.history import conftest as history_set_up
from tests.history.conftest import edit, ingest
from tests.report.chromium import open_page
from tests.support import ECFR_API, require
from tracker.parse import parse_bytes
from tracker.report.history_pages import write_history_pages
from tracker.store import Store

excerpt_store = history_set_up.excerpt_store
part740 = history_set_up.part740

TITLES = {
    "ECCN 3A001": "Electronic items as follows (see List of Items Controlled).",
    "ECCN 3A090": "Integrated circuits as follows (see List of Items Controlled).",
    "ECCN 4A090": "Computers as follows (see List of Items Controlled) and related equipment, “electronic "
                  "assemblies,” and “components” therefor.",
}


def _rows(index: Path) -> dict[str, list[str]]:
    tree = html.parse(str(index)).getroot()
    return {tr.findtext("td/a"): [td.text_content().strip() for td in tr.findall("td")]
            for tr in tree.xpath('//table[@id="keys"]//tr[@data-key]')}


def test_the_index_of_the_real_3A_pair_shows_each_eccn_title_and_filters_on_it(excerpt_store, tmp_path):
    write_history_pages(excerpt_store, tmp_path)

    rows = _rows(tmp_path / "history.html")
    assert {label: cells[1] for label, cells in rows.items()} == TITLES
    tree = html.parse(str(tmp_path / "history.html")).getroot()
    keys = {tr.findtext("td/a"): tr.get("data-key") for tr in tree.xpath("//tr[@data-key]")}
    assert [label for label, key in keys.items() if "computers" in key] == ["ECCN 4A090"]
    assert tree.get_element_by_id("shown").text == "3 of 3 shown"


def test_each_page_shows_its_title_and_its_references_link_to_the_citing_paragraph(excerpt_store, tmp_path):
    write_history_pages(excerpt_store, tmp_path)

    page = html.parse(str(tmp_path / "eccn/3A090.html")).getroot()
    assert page.find_class("title")[0].text_content() == TITLES["ECCN 3A090"]
    links = {a.text_content(): a.get("href") for a in page.xpath('//h2[starts-with(., "References")]'
                                                                   '/following-sibling::table[1]//a')}
    assert links["4A090.a"] == "../eccn/4A090.html#p-4A090.a"
    assert links["3A001 Related Controls"] == "../eccn/3A001.html#p-3A001_Related_Controls"
    assert len(links) == 12
    for href in links.values():  # every link lands on the citing paragraph's text on its unit's page
        path, fragment = href.split("#")
        target = html.parse(str((tmp_path / "eccn" / path).resolve())).getroot()
        assert target.get_element_by_id(fragment) is not None


def test_references_from_units_without_a_page_link_to_the_paragraph_in_the_ecfr(part740, tmp_path):
    v1 = edit(part740, "740.10(a)(2)(ii)", "one-for-one basis", "one-for-one or like-for-like basis")
    store = Store(":memory:")
    ingest(store, part740, "740", "2024-01-02")
    ingest(store, v1, "740", "2024-02-01")

    write_history_pages(store, tmp_path)

    page = html.parse(str(tmp_path / "section/740.10.html")).getroot()
    links = {a.text_content(): a.get("href") for a in page.xpath('//h2[starts-with(., "References")]'
                                                                   '/following-sibling::table[1]//a')}
    assert links["740.2(a)(8)(i)"] == "https://www.ecfr.gov/on/2024-02-01/title-15/section-740.2#p-740.2(a)(8)(i)"
    assert links and all(urlsplit(h).netloc == "www.ecfr.gov" for h in links.values())
    title = page.find_class("title")[0].text_content()
    assert title == "License Exception Servicing and replacement of parts and equipment (RPL)."


def test_a_removed_and_restored_real_eccn_says_so_on_its_timeline(tmp_path):
    v0 = parse_bytes(require(ECFR_API / history_set_up.EXCERPT_774.format("2026-06-25")).read_bytes())
    gone = [replace(p, order=n) for n, p in enumerate(q for q in v0 if q.unit != "4A090")]
    store = Store(":memory:")
    for date, version in (("2026-06-25", v0), ("2026-07-01", gone), ("2026-08-01", v0), ("2026-09-01", gone)):
        ingest(store, version, "774", date)

    write_history_pages(store, tmp_path)

    page = html.parse(str(tmp_path / "eccn/4A090.html")).getroot()
    events = [p.text_content() for p in page.find_class("event")]
    assert events == ["ECCN 4A090 removed: it is not in the version of 2026-09-01.",
                      "ECCN 4A090 restored: back in the version of 2026-08-01, after a removal.",
                      "ECCN 4A090 removed: it is not in the version of 2026-07-01."]
    assert "Removed on 2026-09-01" in page.get_element_by_id("removed").text_content()
    assert _rows(tmp_path / "history.html")["ECCN 4A090"][3] == "2026-09-01 (removed)"



def _typed(query: str) -> str:
    """JavaScript: type ``query`` into the filter box; the visible rows' labels, the count line, the no-match row."""
    return f"""(() => {{
  const box = document.getElementById('filter');
  box.value = {json.dumps(query)};
  box.dispatchEvent(new Event('input', {{bubbles: true}}));
  const shown = [...document.querySelectorAll('#keys tr[data-key]')].filter(r => r.offsetParent !== null);
  return JSON.stringify([shown.map(r => r.querySelector('a').textContent),
                         document.getElementById('shown').textContent,
                         document.getElementById('none').offsetParent !== null]);
}})()"""


def test_the_filter_box_works_in_chromium_on_the_real_3A_pair(excerpt_store, tmp_path, chromium):
    write_history_pages(excerpt_store, tmp_path)
    queries = {"computers": "computers", "number": "3a090", "upper": "4A090", "words": "Integrated circuits",
               "two": "items controlled", "order": "components computers", "none": "zzz", "empty": ""}

    page = open_page(chromium, tmp_path / "history.html", tmp_path / "index.png",
                     {name: _typed(q) for name, q in queries.items()})

    assert page.errors == []
    got = {name: json.loads(value) for name, value in page.values.items()}
    assert got["computers"] == [["ECCN 4A090"], "1 of 3 shown", False]
    assert got["number"] == [["ECCN 3A090"], "1 of 3 shown", False]
    assert got["upper"] == [["ECCN 4A090"], "1 of 3 shown", False]
    assert got["words"] == [["ECCN 3A090"], "1 of 3 shown", False]
    assert got["two"] == [["ECCN 3A001", "ECCN 3A090", "ECCN 4A090"], "3 of 3 shown", False]
    assert got["order"] == [["ECCN 4A090"], "1 of 3 shown", False]
    assert got["none"] == [[], "0 of 3 shown", True]
    assert got["empty"] == [["ECCN 3A001", "ECCN 3A090", "ECCN 4A090"], "3 of 3 shown", False]
    assert unquote(page.screenshot.name) == "index.png" and page.screenshot.stat().st_size > 0
