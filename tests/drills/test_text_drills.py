"""Drills (issue 10, items 12, 9 and 11): text that is text, pages for removed units, a DTD that cannot hide in UTF-16.

1. The regulation's own ``*`` (real: "d ≤ 15cm*GHz*N/f" in 3A001.b.12.c), with ``^ _ | \\`` added, survives
   parse → store → diff → HTML/text report → email → search → history, exactly as written.
2. An ECCN deleted from the real 3A excerpt keeps its history page ("Removed on …", its last text),
   and every relative link in the reports and history pages resolves; ``tracker pages`` agrees.
3. An XXE or billion-laughs document in UTF-16 (LE/BE, with BOM or without), UTF-32, EBCDIC or a declared
   UTF-16 is refused in one line before parsing, and ``tracker ingest`` stores nothing.
"""

from __future__ import annotations

import re
from html import unescape as unescape_html
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.drills.test_hostile_xml import BILLION_LAUGHS, XXE
from tests.mail import conftest as mail_stand_in
from tests.run import conftest as run_set_up
from tests.run.conftest import excerpt, write_toml
from tests.support import relative_links
from tracker.cli import main
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.parse import ParseError, parse_bytes
from tracker.store import Store

OLD, NEW, LATER = "2026-06-25", "2026-09-01", "2026-10-01"
REAL = "15cm*GHz*N/f"
#: The real formula, changed, with every escaped character in it (XML-escaped as the file holds it).
CHANGED = "16cm*GHz*N/f_2 | x\\y ^2"

# The SMTP server the run mails through, and settings in tmp_path pointing at it.
smtp = mail_stand_in.smtp
config = run_set_up.config


def _cli(toml: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(toml), *args])


def _ingest(config: Config, versions: list[tuple[str, Path]]) -> Path:
    config.database.parent.mkdir(parents=True, exist_ok=True)
    store = Store(config.database)
    for date, path in versions:
        ingest_file(store, path, part="774", date=date)
    store.db.conn.close()
    return write_toml(config.database.parent.parent / "tracker.toml", config)


def _derived(folder: Path, old: str, new: str) -> Path:
    xml = excerpt(NEW).read_text(encoding="utf-8")
    assert xml.count(old) == 1
    path = folder / f"derived-{abs(hash(new))}.xml"
    path.write_text(xml.replace(old, new), encoding="utf-8")
    return path


# --- 1. text is text ----------------------------------------------------------------------------


def _sides_html(html: str) -> tuple[str, str]:
    """The old and the new text of every redline in an HTML page, tags removed."""
    old = re.sub(r"<ins>.*?</ins>|<[^>]+>", "", re.sub(r"<(del|ins) [^>]*>", r"<\1>", html))
    new = re.sub(r"<del>.*?</del>|<[^>]+>", "", re.sub(r"<(del|ins) [^>]*>", r"<\1>", html))
    return unescape_html(old), unescape_html(new)


def _sides_text(text: str) -> tuple[str, str]:
    """The old and the new text of every ``[-…-]{+…+}`` redline in plain text (wrapped lines joined)."""
    text = re.sub(r"\n +", " ", text)
    old = re.sub(r"\{\+.*?\+\}", "", text).replace("[-", "").replace("-]", "")
    new = re.sub(r"\[-.*?-\]", "", text).replace("{+", "").replace("+}", "")
    return old, new


OLD_TEXT, NEW_TEXT = f"d ≤ {REAL}GHz]", f"d ≤ {CHANGED}GHz]"


def test_literal_markup_characters_survive_parse_store_diff_report_mail_search_and_history(config, smtp, tmp_path):
    toml = _ingest(config, [(OLD, excerpt(OLD)), (NEW, excerpt(NEW)), (LATER, _derived(tmp_path, REAL, CHANGED))])

    run = _cli(toml, "run", "--no-fetch")
    assert run.exit_code == 0, run.stderr

    html = (config.reports_dir / f"{LATER}.html").read_text(encoding="utf-8")
    old, new = _sides_html(html)
    assert OLD_TEXT in old and NEW_TEXT in new
    assert "<em>GHz" not in html and "<sup>2 GHz" not in html and "<ins>16cm</ins>*GHz*N/" in html
    old, new = _sides_text((config.reports_dir / f"{LATER}.txt").read_text(encoding="utf-8"))
    assert OLD_TEXT in old and NEW_TEXT in new
    mail = next(m for m in smtp.messages if m["Subject"].startswith(f"EAR changes {LATER}"))
    old, new = _sides_text(mail.get_body(("plain",)).get_content())
    assert OLD_TEXT in old and NEW_TEXT in new
    old, new = _sides_html(mail.get_body(("html",)).get_content())
    assert OLD_TEXT in old and NEW_TEXT in new

    found = _cli(toml, "search", "16cm GHz N f")
    assert found.exit_code == 0 and "d ≤ [16cm*GHz*N/f]_2 | x\\y ^2GHz]" in found.output
    earlier = _cli(toml, "search", "--all-dates", "15cm GHz")
    assert f"3A001.b.12.c  {OLD} → {LATER}" in earlier.output and "[15cm*GHz]*N/fGHz]" in earlier.output
    history = _cli(toml, "history", "3A001.b.12.c", "--text")
    old, new = _sides_text(history.output)
    assert OLD_TEXT in old and NEW_TEXT in new
    assert _cli(toml, "history", "3A001.b.12.c", "--on", LATER).output.count(NEW_TEXT) == 1
    page = (config.reports_dir / "eccn/3A001.html").read_text(encoding="utf-8")
    assert NEW_TEXT in unescape_html(re.sub(r"<[^>]+>", "", page.split("Text in force")[1]))


# --- 2. removed units ---------------------------------------------------------------------------


def _without_4a090(folder: Path) -> Path:
    xml = excerpt(NEW).read_text(encoding="utf-8")
    start = xml.index("<FP-2><B>4A090 ")
    end = xml.index("<!-- EXCERPT: the rest of Supplement No. 1")
    path = folder / "part-774-without-4A090.xml"
    path.write_text(xml[:start] + xml[end:], encoding="utf-8")
    return path


def test_a_removed_eccn_gets_its_page_and_every_link_resolves(config, smtp, tmp_path):
    toml = _ingest(config, [(OLD, excerpt(OLD)), (NEW, excerpt(NEW)), (LATER, _without_4a090(tmp_path))])

    run = _cli(toml, "run", "--no-fetch")
    assert run.exit_code == 0, run.stderr
    assert "history: FAILED" not in run.stderr

    folder = config.reports_dir
    report = (folder / f"{LATER}.html").read_text(encoding="utf-8")
    assert report.count("removed") and 'href="eccn/4A090.html"' in report
    page = (folder / "eccn/4A090.html").read_text(encoding="utf-8")
    assert f"Removed on {LATER}" in page and f"Last text (in force on {NEW}, removed on {LATER})" in page
    assert "4A090 Computers as follows" in page
    checked = relative_links(folder)
    assert (f"{LATER}.html", "eccn/4A090.html") in checked and ("history.html", "eccn/4A090.html") in checked
    assert ("eccn/4A090.html", f"../{LATER}.html") in checked
    assert f"{LATER} (removed)" in (folder / "history.html").read_text(encoding="utf-8")

    (folder / "eccn/4A090.html").unlink()
    pages = _cli(toml, "pages")
    assert pages.exit_code == 0, pages.stderr
    assert f"Removed on {LATER}" in (folder / "eccn/4A090.html").read_text(encoding="utf-8")
    relative_links(folder)
    history = _cli(toml, "history", "4A090")
    assert history.exit_code == 0 and f"Removed on {LATER}" in history.output


# --- 3. a DTD in another encoding ----------------------------------------------------------------


def _utf16_no_bom(data: bytes) -> bytes:
    return data.decode().encode("utf-16-le")


ENCODED = {
    "utf-16-le-bom": lambda d: b"\xff\xfe" + d.decode().encode("utf-16-le"),
    "utf-16-be-bom": lambda d: b"\xfe\xff" + d.decode().encode("utf-16-be"),
    "utf-16-le-no-bom": _utf16_no_bom,
    "utf-16-be-no-bom": lambda d: d.decode().encode("utf-16-be"),
    "utf-32-le-bom": lambda d: d.decode().encode("utf-32"),
    "utf-8-bom-then-utf-16": lambda d: b"\xef\xbb\xbf" + d.decode().encode("utf-16"),
    "declared-utf-16": lambda d: d.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"'),
    "declared-utf-7": lambda d: d.replace(b'version="1.0"', b"version='1.0' encoding='UTF-7'"),
    "ebcdic": lambda d: d.replace(b'version="1.0"', b'version="1.0" encoding="IBM037"').decode().encode("cp037"),
}
PAYLOADS = {"xxe": XXE, "billion-laughs": BILLION_LAUGHS}


@pytest.mark.parametrize("payload", PAYLOADS, ids=str)
@pytest.mark.parametrize("encoding", ENCODED, ids=str)
def test_a_dtd_in_any_other_encoding_is_refused_in_one_line(encoding, payload):
    data = ENCODED[encoding](PAYLOADS[payload])
    assert b"<!ENTITY" not in data or encoding.startswith("declared")  # what the old byte search missed
    with pytest.raises(ParseError) as err:
        parse_bytes(data, "hostile.xml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("hostile.xml: line 1, column 1: encoding ")
    assert "not accepted; eCFR XML is UTF-8" in message and "root:" not in message


def test_the_utf16_attack_is_real_lxml_alone_reads_it_as_a_dtd():
    data = ENCODED["utf-16-le-bom"](XXE)
    tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    assert tree.getroottree().docinfo.internalDTD is not None


def test_utf8_with_a_bom_or_a_declared_utf8_still_parses():
    real = excerpt(NEW).read_bytes()
    assert parse_bytes(b"\xef\xbb\xbf" + real, "bom.xml")
    declared = real.replace(b'<?xml version="1.0"?>', b"<?xml version='1.0' encoding='utf-8'?>", 1)
    assert declared != real and parse_bytes(declared, "declared.xml")


def test_tracker_ingest_of_a_utf16_xxe_exits_2_in_one_line_and_stores_nothing(tmp_path):
    hostile = tmp_path / "part-774.xml"
    hostile.write_bytes(ENCODED["utf-16-le-bom"](XXE))
    toml = tmp_path / "tracker.toml"
    toml.write_text(f'database = "{tmp_path / "tracker.db"}"\n', encoding="utf-8")

    result = _cli(toml, "ingest", str(hostile), "--part", "774", "--date", NEW)

    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "encoding UTF-16 is not accepted" in result.stderr
    if (tmp_path / "tracker.db").exists():
        store = Store(tmp_path / "tracker.db")
        assert store.parts() == []
