"""History pages rewritten for some keys only (what ``tracker run`` does), on real Part 740 text."""

from __future__ import annotations

from tests.history.conftest import edit, ingest
from tests.support import PART_740, require
from tracker.parse import parse_file
from tracker.report.history_pages import write_history_pages
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
