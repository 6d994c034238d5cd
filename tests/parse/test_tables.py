"""Table rows, footnotes and lists of parties keyed by what they name, on the real Part 740 (and Title 1).

Country Group rows by country (footnote marks stripped), the E table by its own caption (``Country Group E``, not
``E 1`` from ``E <sup>1</sup>``), footnotes by their own number with their continuation rows under them, the
approved-designer and OSAT lists (Supplements No. 6 and 7) by company name — so inserting a row, a country or a
party is exactly one added record and nothing else moves.
"""

from __future__ import annotations

import pytest

from tests.support import PART_740, SHARED, require
from tracker.diff import compare
from tracker.model import Paragraph
from tracker.parse import parse_bytes
from tracker.parse.tables import row_labels

SUP1 = "Supplement No. 1 to Part 740"
SUP6 = "Supplement No. 6 to Part 740"
TITLE_1 = SHARED / "data" / "ecfr-bulk" / "ECFR-title1-after-March-2024.xml"

#: Supplement No. 6 to Part 740 (Approved Integrated Circuit Designers), every entry as the key names it.
DESIGNERS = [
    "Advanced Micro Devices, Inc.", "Alphabet, Inc.", "Amazon.com, Inc.", "Analog Devices, Inc.", "Apple, Inc.",
    "BAE Systems, Inc.", "Block, Inc.", "The Boeing Company", "Broadcom, Inc.", "Cerebras Systems, Inc.",
    "Cisco Systems, Inc.", "Hewlett Packard Enterprise Company", "Honeywell International, Inc.",
    "Infineon Technologies AG", "Intel Corporation", "International Business Machines Corporation (IBM)",
    "L3Harris Technologies, Inc.", "Marvell Technology, Inc.", "MediaTek, Inc.", "Meta Platforms, Inc.",
    "Micron Technology, Inc.", "Microsoft Corporation", "Mitsubishi Group", "Nokia Corporation",
    "Nvidia Corporation", "NXP Semiconductors NV", "Qualcomm, Inc.", "Raytheon Company",
    "Realtek Semiconductor Corporation", "Sony Group Corporation", "Tesla, Inc.", "Texas Instruments",
    "Western Digital Technologies, Inc.",
]


@pytest.fixture(scope="module")
def part_740() -> tuple[bytes, dict[str, Paragraph]]:
    data = require(PART_740).read_bytes()
    return data, {r.citation: r for r in parse_bytes(data, PART_740.name)}


def _rows(records: dict[str, Paragraph], parent: str) -> list[str]:
    return [k for k, r in records.items() if r.parent == parent and r.kind == "row"]


# --- Country Groups ------------------------------------------------------------------------------------------


def test_country_group_tables_are_keyed_by_their_captions_without_footnote_marks(part_740):
    _, records = part_740
    tables = [k for k, r in records.items() if r.kind == "table" and r.unit == SUP1]
    assert tables == [f"{SUP1}, Country Group A", f"{SUP1}, Country Group D", f"{SUP1}, Country Group E"]
    assert records[f"{SUP1}, Country Group E"].heading == "Country Group E 1"  # the caption as written, mark and all


def test_country_group_rows_are_keyed_by_country_with_footnote_marks_stripped(part_740):
    _, records = part_740
    group = f"{SUP1}, Country Group"
    assert records[f"{group} A [United Arab Emirates]"].text.startswith("United Arab Emirates^5^ |")
    assert records[f"{group} A [Ukraine]"].text.startswith("Ukraine^4^ |")
    assert _rows(records, f"{group} E") == [f"{group} E [{c}]" for c in ("Cuba", "Iran", "Korea, North", "Syria")]
    counts = {g: len(_rows(records, f"{group} {g}")) for g in "ABDE"}
    assert counts == {"A": 51, "B": 173, "D": 47, "E": 4}
    for g in "ABDE":  # every row names its country: the key's label is the first cell's words, nothing else
        for key in _rows(records, f"{group} {g}"):
            label = key.removeprefix(f"{group} {g} [").removesuffix("]")
            assert records[key].text.split(" | ")[0].split("^")[0] == label


def test_table_footnotes_are_keyed_by_their_own_number_and_keep_their_continuations(part_740):
    _, records = part_740
    e = f"{SUP1}, Country Group E"
    notes = [(k, r.parent) for k, r in records.items() if k.startswith(f"{e} Footnote")]
    assert notes == [
        (f"{e} Footnote 1", e),
        (f"{e} Footnote 1 ¶1", f"{e} Footnote 1"),
        (f"{e} Footnote 1 ¶2", f"{e} Footnote 1"),
        (f"{e} Footnote 2", e),
    ]
    assert records[f"{e} Footnote 1 ¶1"].text == "(a) A *comprehensive embargo* against Cuba and Iran; and"
    assert records[f"{e} Footnote 2"].text.startswith("^2^ The President made inapplicable with respect to Iraq")
    a = f"{SUP1}, Country Group A"
    assert [k for k in records if k.startswith(f"{a} Footnote")] == [f"{a} Footnote {n}" for n in range(1, 6)]


def test_section_footnotes_are_keyed_by_their_own_number(part_740):
    _, records = part_740
    assert [k for k, r in records.items() if " Footnote " in k and r.unit[0].isdigit()] == [
        "740.12 Footnote 1", "740.13 Footnote 2", "740.15 Footnote 3", "740.15 Footnote 4",
    ]
    assert records["740.15 Footnote 3"].text.startswith("^3^ Where a license is required")
    title_1 = [r.citation for r in parse_bytes(require(TITLE_1).read_bytes()) if r.unit == "18.4" and r.kind == "note"]
    assert title_1 == ["18.4 Footnote 2", "18.4 Footnote 3"]


def test_a_grouped_table_names_each_row_by_its_group_and_party():
    rows = [["ARMENIA", "Aram Kocharyan, Aram Khachatrian 12"], ["", "Medisar, LLC, a.k.a., the following"]]
    assert row_labels(rows) == [("ARMENIA", "Aram Kocharyan"), ("ARMENIA", "Medisar, LLC")]
    # a header-like row before any group is named does not make a table grouped (real: 40 CFR 261.2 Table 1)
    assert row_labels([["", "1", "2"], ["Spent Materials", "(*)", "(*)"]]) == [("—",), ("Spent Materials",)]


# --- lists of parties ----------------------------------------------------------------------------------------


def test_the_approved_designers_are_keyed_by_company_name(part_740):
    _, records = part_740
    assert _rows(records, SUP6) == [f"{SUP6} [{name}]" for name in DESIGNERS]
    assert records[f"{SUP6} [Texas Instruments]"].text == "Texas Instruments; *and*"
    # the note before the list is not one of its entries
    assert [r.kind for r in records.values() if r.text == "*Note:* *See Note 1 to ECCN 3A090.a.*"].count("row") == 0
    osat = _rows(records, "Supplement No. 7 to Part 740")
    assert len(osat) == 24 and osat[14] == "Supplement No. 7 to Part 740 [Powertech Technology, Inc. (PTI)]"


# --- insertions: exactly one added ---------------------------------------------------------------------------


def _insert(data: bytes, before: str, xml: str, *, after: str = "") -> bytes:
    """``xml`` put right before ``before`` (its first occurrence after ``after``, which must be unique)."""
    start = data.index(after.encode()) if after else 0
    at = data.index(before.encode(), start)
    assert data.count(before.encode(), start) == 1 or after, before
    return data[:at] + xml.encode() + data[at:]


def _changes(old: list[Paragraph], data: bytes) -> list[tuple[str, str]]:
    return [(c.kind, c.citation) for c in compare(old, parse_bytes(data, PART_740.name))]


_CELL = '<TD class="left border-right-single">{}</TD>'


def _country_row(name: str, columns: int) -> str:
    return "<TR>\n" + _CELL.format(name) + _CELL.format("X") * (columns - 1) + "\n</TR>\n"


@pytest.mark.parametrize(
    ("after", "before", "xml", "key"),
    [  # a country into the A table at its start, middle and end; one into the B list; one, footnoted, into E
        ("", '<TR>\n<TD class="left border-right-single">Albania</TD>', _country_row("Aland", 7), "A [Aland]"),
        ("", '<TR>\n<TD class="left border-right-single">Estonia</TD>', _country_row("Erewhon", 7), "A [Erewhon]"),
        ("", '</TBODY>\n<TFOOT><TR><TD colspan="7"><sup>1</sup>', _country_row("Zembla", 7), "A [Zembla]"),
        ("", "<LI>Albania</LI>", "<LI>Aland</LI>\n", "B [Aland]"),
        ("Country Group E <sup>", '<TR>\n<TD class="left border-right-single">Iran</TD>',
         _country_row("Freedonia<sup>2</sup>", 3), "E [Freedonia]"),
    ],
)
def test_inserting_a_country_adds_exactly_its_row(part_740, after, before, xml, key):
    data, records = part_740
    new = _insert(data, before, xml, after=after)
    assert _changes(list(records.values()), new) == [("added", f"{SUP1}, Country Group {key}")]


@pytest.mark.parametrize(
    ("before", "name"),
    [
        ("<FP-1>Advanced Micro Devices, Inc.;", "Acme Silicon, Inc."),
        ("<FP-1>Intel Corporation;", "Imagination Technologies Ltd."),
        ("<FP-1>Texas Instruments;", "Tenstorrent, Inc."),
    ],
)
def test_inserting_a_party_adds_exactly_its_entry(part_740, before, name):
    data, records = part_740
    new = _insert(data, before, f"<FP-1>{name};\n</FP-1>\n", after="Approved Integrated Circuit Designers")
    assert _changes(list(records.values()), new) == [("added", f"{SUP6} [{name}]")]


# --- a table whose one-cell rows head groups (Supplement No. 5 to Part 774) ------------------------------------

PART_774 = SHARED / "data" / "ecfr-api" / "full-2026-09-01-title-15-part-774.xml"
SUP5 = "Supplement No. 5 to Part 774 Table 1"


def test_rows_under_a_spanning_heading_are_keyed_by_its_eccn_and_their_number():
    data = require(PART_774).read_bytes()
    at = data.index(b'<DIV9 N="Supplement No. 5 to Part 774"')
    div9 = data[at : data.index(b"</DIV9>", at) + len(b"</DIV9>")]
    records = parse_bytes(b'<DIV5 N="774" TYPE="PART">' + div9 + b"</DIV5>")
    got = [(r.citation.removeprefix(f"{SUP5} "), r.kind) for r in records if r.citation.startswith(f"{SUP5} ")]
    assert got == [
        ("[0A521]", "heading"), ("[0A521] [No. 1]", "row"),
        ("[0B521]", "heading"), ("[0B521] [[Reserved]]", "row"),  # the group's only content, not a new group
        ("[0C521]", "heading"), ("[0C521] [No. 1]", "row"), ("[0C521] [No. 2]", "row"),
        ("[0D521]", "heading"), ("[0D521] [No. 1]", "row"),
        ("[0E521]", "heading"), ("[0E521] [No. 1]", "row"),  # was "[No. 1 [Reserved]] 2", a repeat of 0A521's
    ]
    assert next(r for r in records if r.citation == f"{SUP5} [0C521] [No. 1]").text.startswith("*No. 1* XBS Epoxy")
    anchor = b'<TR>\n<TD colspan="4" class="center border-bottom-single"><strong class="minor-caps">0D521.'
    assert div9.count(anchor) == 1
    new_row = b"<TR><TD><E T='03'>No. 3</E> A new material</TD><TD>May 1, 2026 (ID)</TD><TD/><TD/></TR>\n"
    new = parse_bytes(b'<DIV5 N="774" TYPE="PART">' + div9.replace(anchor, new_row + anchor) + b"</DIV5>")
    assert [(c.kind, c.citation) for c in compare(records, new)] == [("added", f"{SUP5} [0C521] [No. 3]")]
