"""Hostile XML: each input gives a one-line ParseError (or is parsed safely), never a hang or a blow-up."""

from __future__ import annotations

import resource

import pytest
from click.testing import CliRunner

from tests.support import PART_740, require
from tracker.cli import main
from tracker.parse import ParseError, parse_bytes, parse_file
from tracker.xmltext import MAX_XML_BYTES

_SECTION = '<DIV8 N="740.1" TYPE="SECTION"><HEAD>§ 740.1 Scope.</HEAD>{}</DIV8>'

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE DIV8 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<DIV8 N="740.1" TYPE="SECTION"><HEAD>x</HEAD><P>(a) &xxe;</P></DIV8>"""

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b']><DIV8 N="740.1" TYPE="SECTION"><HEAD>x</HEAD><P>(a) &lol9;</P></DIV8>'
)


def _one_line_error(data: bytes) -> str:
    with pytest.raises(ParseError) as err:
        parse_bytes(data, "hostile.xml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("hostile.xml")
    return message


def test_external_entity_is_refused_and_no_file_is_read():
    message = _one_line_error(XXE)
    assert "entity" in message
    assert "root:" not in message


def test_billion_laughs_entity_bomb_is_refused():
    assert "entity" in _one_line_error(BILLION_LAUGHS)


def test_entity_declared_after_a_long_prologue_is_still_refused():
    padding = b"<!-- " + b"x" * 70_000 + b" -->"
    assert "entity" in _one_line_error(padding + BILLION_LAUGHS[len(b'<?xml version="1.0"?>') :])


@pytest.mark.parametrize("before", [
    b"<!-- <DIV8> looks like a root -->",  # a tag inside a comment is no root
    b"<?pi <DIV8> ?>",  # nor one inside a processing instruction
    b"\xef\xbb\xbf<!-- x -->\n",  # after a byte-order mark
], ids=["comment", "pi", "bom"])
def test_entities_declared_after_a_prolog_that_only_looks_plain_are_still_refused(before):
    data = before + BILLION_LAUGHS[len(b'<?xml version="1.0"?>') :]
    assert "entity" in _one_line_error(data)


def test_entity_declaration_words_in_the_text_after_the_root_starts_are_only_text():
    """Entities are declared only in a DOCTYPE before the root: "<!ENTITY" in a comment of the body declares
    nothing (the document is parsed), and written in the body as markup it is a syntax error there."""
    body = _SECTION.format("<P>(a) Words.</P><!-- an <!ENTITY x 'y'> in a comment -->")
    records = parse_bytes(f'<?xml version="1.0"?>\n{body}'.encode(), "ok.xml")
    assert [p.text for p in records if p.kind == "paragraph"] == ["(a) Words."]
    message = _one_line_error(_SECTION.format("<P>(a) Words.</P><!ENTITY x 'y'>").encode())
    assert "entity declarations" not in message and "line 1" in message


def test_a_document_over_the_size_limit_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.xml"
    with big.open("wb") as f:  # a sparse 200 MB file: cheap to make, must not be read whole
        f.write(b"<DIV5>")
        f.seek(200_000_000)
        f.write(b"</DIV5>")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ParseError, match="over the .*-byte limit"):
        parse_file(big)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 2 * MAX_XML_BYTES // 1024


def test_deeply_nested_elements_are_refused():
    deep = b"<E>" * 100_000 + b"x" + b"</E>" * 100_000
    data = _SECTION.format("<P>(a) {}</P>").encode().replace(b"{}", deep)
    assert "depth" in _one_line_error(data).lower()


@pytest.mark.parametrize(
    "data",
    [
        _SECTION.format("<P>(a) caf\xe9</P>").encode("latin-1"),  # invalid UTF-8
        _SECTION.format("<P>(a) a\x00b</P>").encode(),  # NUL byte
        b"\x00" * 100,
        b"\xff\xfe\x00<",
    ],
    ids=["invalid-utf8", "nul-in-text", "all-nul", "bad-bom"],
)
def test_invalid_bytes_are_a_one_line_error(data):
    _one_line_error(data)


def test_the_cli_reports_hostile_input_in_one_line_with_exit_2(tmp_path):
    bad = tmp_path / "bomb.xml"
    bad.write_bytes(BILLION_LAUGHS)
    result = CliRunner().invoke(main, ["parse", str(bad)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_a_real_part_still_parses_under_the_limits():
    assert len(parse_file(require(PART_740))) > 1000
