"""History pages on the real 3A pair: a changed note or License Requirements row says which items it applies to."""

from __future__ import annotations

from lxml import html

from tests.history import conftest as history_set_up
from tracker.history import history
from tracker.report.history_pages import Key, build_page, record_scopes, render_page, write_history_pages

excerpt_store = history_set_up.excerpt_store


def _keys_lines(page: str) -> dict[str, str]:
    """Citation of each change on a page → the items its 'applies to' note names ('' if none)."""
    tree = html.fromstring(page)
    return {
        p.findtext("strong"): " ".join(s.text_content() for s in p.find_class("applies"))
        for p in tree.find_class("keys")
    }


def test_eccn_pages_name_the_items_each_changed_row_applies_to(excerpt_store, tmp_path):
    write_history_pages(excerpt_store, tmp_path)
    pages = {e: (tmp_path / "eccn" / f"{e}.html").read_text(encoding="utf-8") for e in ("3A001", "3A090", "4A090")}
    assert _keys_lines(pages["3A090"]) == {
        "3A090 License Requirements RS applies to 3A090.b": "applies to 3A090.b"}
    assert _keys_lines(pages["4A090"]) == {
        "4A090 License Requirements RS applies to 4A090.b": "applies to 4A090.b"}
    assert _keys_lines(pages["3A001"]) == {
        "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b":
            "applies to 3A001.z.1.b, 3A001.z.2.b, 3A001.z.3.b, 3A001.z.4.b"}


def test_an_item_page_lists_the_changes_that_apply_to_it_marked_as_such(excerpt_store):
    key = Key("774", "3A090.b", history(excerpt_store, "3A090.b"))
    tree = html.fromstring(render_page(build_page(excerpt_store, key)))
    (marker,) = tree.find_class("applying")
    assert marker.text_content() == "Applies to 3A090.b (RS applies to 3A090.b):"
    (keys,) = tree.find_class("keys")
    assert keys.findtext("strong") == "3A090 License Requirements RS applies to 3A090.b"
    assert "the United Arab Emirates or" in "".join(t.text_content() for t in tree.iter("ins"))


def test_record_scopes_read_the_latest_text_of_the_changed_records_only(excerpt_store):
    key = Key("774", "3A090", history(excerpt_store, "3A090"))
    assert record_scopes(excerpt_store, key) == {"3A090 License Requirements RS applies to 3A090.b": "3A090.b"}
