"""History pages: some keys only (what ``tracker run`` does), removed units, odd names, an empty store."""

from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner

from tests.history.conftest import edit, ingest
from tests.support import PART_740, require
from tracker.cli import main
from tracker.model import Paragraph
from tracker.parse import parse_file
from tracker.report.history_pages import write_history_pages
from tracker.report.markup import text_to_html
from tracker.store import Store


def test_only_the_named_keys_are_rewritten_but_the_index_lists_every_changed_key(tmp_path):
    v0 = parse_file(require(PART_740))
    v1 = edit(v0, "740.10(a)(2)(ii)", "one-for-one basis", "one-for-one or like-for-like basis")
    v2 = edit(v1, "740.2(a)(8)(i)", "§ 740.10(a)(3)(v)", "§ 740.10(a)(2)(iv)")
    store = Store(":memory:")
    for date, version in (("2024-01-02", v0), ("2024-02-01", v1), ("2024-03-01", v2)):
        ingest(store, version, "740", date)

    written = write_history_pages(store, tmp_path, ["740.2", "Supplement No. 1 to Part 740"], reports=["2024-03-01"])

    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["section/740.2.html"]
    index = (tmp_path / "history.html").read_text(encoding="utf-8")
    assert 'href="section/740.10.html"' in index and 'href="section/740.2.html"' in index
    page = (tmp_path / "section/740.2.html").read_text(encoding="utf-8")
    assert '<a href="../2024-03-01.html">change report</a>' in page and 'href="../history.html"' in page


def _para(citation: str, unit: str, text: str, order: int, part: str = "740") -> Paragraph:
    return Paragraph(citation, part, unit, unit if citation != unit else None, "", "paragraph", "", text, order)


def _pages(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def test_a_removed_section_and_supplement_keep_their_pages_with_the_last_text_and_the_removal(tmp_path):
    v0 = parse_file(require(PART_740))
    v1 = [replace(p, order=n) for n, p in enumerate(
        q for q in v0 if q.unit not in ("740.9", "Supplement No. 8 to Part 740"))]
    store = Store(":memory:")
    ingest(store, v0, "740", "2024-01-02")
    ingest(store, v1, "740", "2024-02-01")

    written = write_history_pages(store, tmp_path)

    assert {"section/740.9.html", "supplement/740-8.html"} <= {p.relative_to(tmp_path).as_posix() for p in written}
    page = (tmp_path / "section/740.9.html").read_text(encoding="utf-8")
    assert "Removed on 2024-02-01" in page and "Last text (in force on 2024-01-02, removed on 2024-02-01)" in page
    last = next(p for p in v0 if p.citation == "740.9(a)").text
    assert str(text_to_html(last)) in page
    index = (tmp_path / "history.html").read_text(encoding="utf-8")
    assert 'href="section/740.9.html">§ 740.9</a>' in index and "2024-02-01 (removed)" in index
    assert 'href="supplement/740-8.html">Supplement No. 8 to Part 740</a>' in index


def test_pages_for_a_unit_seen_in_one_middle_version_an_eccn_stored_off_its_part_and_odd_names(tmp_path):
    base = [_para("740.1", "740.1", "§ 740.1 Scope.", 0), _para("740.1(a)", "740.1", "(a) Text.", 1)]
    middle = [*base, _para("740.99", "740.99", "§ 740.99 Once.", 2), _para("3A090", "3A090", "3A090 Chips.", 3),
              *(_para(f"{u} x", u, "odd", 4 + i) for i, u in enumerate(
                  ("3A090\n", "../../escape", "740.5<script>", "Supplement No. 1 to Part 740/..", "")))]
    store = Store(":memory:")
    for date, version in (("2024-01-02", base), ("2024-02-01", middle), ("2024-03-01", base)):
        ingest(store, version, "740", date)

    written = write_history_pages(store, tmp_path)

    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["eccn/3A090.html", "section/740.99.html"]
    assert _pages(tmp_path) == ["eccn/3A090.html", "history.html", "section/740.99.html"]
    page = (tmp_path / "section/740.99.html").read_text(encoding="utf-8")
    assert "Removed on 2024-03-01" in page and "§ 740.99 Once." in page and "2024-02-01" in page
    assert "3A090 Chips." in (tmp_path / "eccn/3A090.html").read_text(encoding="utf-8")


def test_pages_of_an_empty_store_and_an_empty_database_file_write_only_the_index(tmp_path):
    assert write_history_pages(Store(":memory:"), tmp_path) == []
    assert _pages(tmp_path) == ["history.html"]
    db = tmp_path / "empty.db"
    Store(db).db.conn.close()
    toml = tmp_path / "tracker.toml"
    toml.write_text(f'database = "{db}"\nreports_dir = "{tmp_path / "out"}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(toml), "pages"])
    assert result.exit_code == 0, result.output
    assert "wrote 0 history page(s)" in result.output
