"""The Entity List (Supplement No. 4 to Part 744) and the Unverified List (Supplement No. 6) keyed by country and
party, on the real excerpts in ../shared.

The country is written only in the first row of its block; it is keyed once, as the block's own record
(``… Table 1 [AFGHANISTAN]``), and each entity under it by name (``… [AFGHANISTAN] [Abdul Satar Ghoura]``), so
adding an entity anywhere — even as the new first row of its block — is one added row, and amending an entity's
license requirement one modified row.
"""

from __future__ import annotations

import pytest

from tests.parse.cut_xml import closed
from tests.support import ECFR_API, require
from tracker.diff import compare
from tracker.model import Paragraph
from tracker.parse import parse_bytes

SUPP4 = ECFR_API / "excerpt-2026-09-01-title-15-part-744-supp4.xml"
SUPP6 = ECFR_API / "excerpt-2026-09-01-title-15-part-744-supp6-first-16000-chars.xml.part"
TABLE = "Supplement No. 4 to Part 744 Table 1"
AFGHANISTAN = f"{TABLE} [AFGHANISTAN]"

#: The countries of the excerpt, in order (its last 23 rows continue a block whose country row is omitted).
COUNTRIES = ["AFGHANISTAN", "ARGENTINA", "ARMENIA", "AUSTRALIA", "AUSTRIA", "BAHRAIN", "BELARUS", "BELGIUM", "BELIZE",
             "BOLIVIA", "BRAZIL", "BULGARIA", "UZBEKISTAN", "VENEZUELA", "VIETNAM"]


@pytest.fixture(scope="module")
def supp4() -> tuple[bytes, dict[str, Paragraph]]:
    data = require(SUPP4).read_bytes()
    return data, {r.citation: r for r in parse_bytes(data, SUPP4.name)}


def test_each_country_is_one_record_and_each_entity_is_keyed_under_it_by_name(supp4):
    _, records = supp4
    groups = [k for k, r in records.items() if r.kind == "heading" and r.parent == TABLE]
    assert groups == [f"{TABLE} [{c}]" for c in COUNTRIES]
    assert records[AFGHANISTAN].text == "AFGHANISTAN"
    rows = [k for k, r in records.items() if r.kind == "row"]
    assert len(rows) == len(set(rows)) == 124
    assert all(records[k].parent == k.rsplit(" [", 1)[0] for k in rows)  # under its country
    assert [k.removeprefix(f"{TABLE} [VIETNAM] ") for k in rows if k.startswith(f"{TABLE} [VIETNAM]")] == [
        "[Huawei Technologies (Vietnam) Company Limited]",
        "[Huawei Technology Co. Ltd.]",
        "[KingPai Technology Int'l Co., Limited]",
    ]
    afghanistan = [k.removeprefix(f"{AFGHANISTAN} ") for k in rows if k.startswith(AFGHANISTAN)]
    assert len(afghanistan) == 30
    assert afghanistan[:4] == [
        "[Abdul Satar Ghoura]", "[Afghan-German Construction Company]", "[Assadullah Majed]",
        "[Emal Bilal Construction Company (EBCC)]",  # aliases ("a.k.a., the following two aliases: …") cut off
    ]


def test_names_keep_their_legal_form_and_drop_addresses(supp4):
    _, records = supp4
    for key in (
        f"{TABLE} [ARGENTINA] [Huawei Tech Investment Co., Ltd.]",  # "…, Ltd., Argentina, Av. Leandro N. Alem …"
        f"{TABLE} [ARMENIA] [Bold Bridge International, LLC]",
        f"{TABLE} [ARMENIA] [Tako LLC]",  # "Tako LLC, the following one alias: —Taco LLC."
        f"{TABLE} [ARMENIA] [Veteran Avia LLC]",  # "Veteran Avia LLC a.k.a., the following alias"
        f"{TABLE} [BELARUS] [Beltechexport, CJSC]",
        f"{TABLE} [BOLIVIA] [Huawei Technologies (Bolivia) S.R.L.]",
    ):
        assert records[key].kind == "row", key
    row = records[f"{AFGHANISTAN} [Abdul Satar Ghoura]"]
    assert row.text.startswith("Abdul Satar Ghoura, 501, 5th Floor")  # the row: entity | requirement | policy | FR
    assert row.text.endswith("| Presumption of denial | 76 FR 71869, 11/21/11.")


def test_the_table_footnotes_are_keyed_by_number(supp4):
    _, records = supp4
    assert [k for k, r in records.items() if r.kind == "note"] == [f"{TABLE} Footnote {n}" for n in range(1, 6)]


# --- mutations on the real text --------------------------------------------------------------------------------

_ROW = """<TR>
<TD class="left border-right-single">{country}</TD>
<TD class="left border-right-single">{entity}</TD>
<TD class="left border-right-single">For all items subject to the EAR. (See &#xA7; 744.11 of the EAR)</TD>
<TD class="left border-right-single">Presumption of denial</TD>
<TD class="left">91 FR 12345, 3/2/26.
</TD>
</TR>
"""


def _row_starting(data: bytes, entity: str) -> int:
    """Where the TR holding ``entity``'s cell starts."""
    cell = data.index(f'<TD class="left border-right-single">{entity}'.encode())
    return data.rindex(b"<TR>", 0, cell)


def _changes(old: dict[str, Paragraph], data: bytes) -> list[tuple[str, str]]:
    return [(c.kind, c.citation) for c in compare(list(old.values()), parse_bytes(data, SUPP4.name))]


@pytest.mark.parametrize(
    ("before", "entity", "key"),
    [
        ("Assadullah Majed,", "Ahmad Trading Company, Kabul, Afghanistan.", "[AFGHANISTAN] [Ahmad Trading Company]"),
        ("Zurmat Material Testing", "Zurmat Logistics, Kabul, Afghanistan.", "[AFGHANISTAN] [Zurmat Logistics]"),
        ("Markel Closed Joint", "Kentron LLC, a.k.a., the following alias: —Kentron.", "[ARMENIA] [Kentron LLC]"),
        ("Huawei Technology Co. Ltd., Hanoi", "Hoa Binh Co., Ltd., Hanoi, Vietnam.", "[VIETNAM] [Hoa Binh Co., Ltd.]"),
    ],
)
def test_inserting_an_entity_inside_a_block_adds_exactly_its_row(supp4, before, entity, key):
    data, records = supp4
    at = _row_starting(data, before)
    new = data[:at] + _ROW.format(country=" ", entity=entity).encode() + data[at:]
    assert _changes(records, new) == [("added", f"{TABLE} {key}")]


def test_an_entity_that_comes_to_open_its_block_is_the_only_change(supp4):
    # "Aaron Kabul Traders" sorts before "Abdul Satar Ghoura": it takes the country cell, Abdul's row leaves it blank
    data, records = supp4
    at = _row_starting(data, "AFGHANISTAN")
    first = _ROW.format(country="AFGHANISTAN", entity="Aaron Kabul Traders, Kabul, Afghanistan.").encode()
    rest = data[at:].replace(b">AFGHANISTAN</TD>", b"> </TD>", 1)
    assert _changes(records, data[:at] + first + rest) == [("added", f"{AFGHANISTAN} [Aaron Kabul Traders]")]


def test_an_entity_under_a_new_country_adds_the_country_and_the_entity(supp4):
    data, records = supp4
    at = _row_starting(data, "AUSTRIA")
    new = data[:at] + _ROW.format(country="AZERBAIJAN", entity="Baku Avia LLC, Baku, Azerbaijan.").encode() + data[at:]
    assert _changes(records, new) == [
        ("added", f"{TABLE} [AZERBAIJAN]"),
        ("added", f"{TABLE} [AZERBAIJAN] [Baku Avia LLC]"),
    ]


def test_amending_one_entitys_license_requirement_is_one_modified_row(supp4):
    data, records = supp4
    at = _row_starting(data, "Kurshid Ghoura")
    end = data.index(b"</TR>", at)
    row = data[at:end]
    requirement = "For all items subject to the EAR, see § 734.9(e).".encode()
    amended = row.replace(b"For all items subject to the EAR.", requirement, 1)
    assert amended != row
    assert _changes(records, data[:at] + amended + data[end:]) == [("modified", f"{AFGHANISTAN} [Kurshid Ghoura]")]


def test_removing_an_entity_removes_exactly_its_row(supp4):
    data, records = supp4
    at = _row_starting(data, "Lapcom Computer Stores")
    end = data.index(b"</TR>", at) + len(b"</TR>\n")
    assert _changes(records, data[:at] + data[end:]) == [("removed", f"{AFGHANISTAN} [Lapcom Computer Stores]")]


# --- the Unverified List (Supplement No. 6 to Part 744, first 16,000 characters) -------------------------------


def test_the_unverified_list_is_keyed_by_country_and_listed_person():
    records = {r.citation: r for r in parse_bytes(closed(require(SUPP6)), SUPP6.name)}
    table = "Supplement No. 6 to Part 744 Table 1"
    rows = [k.removeprefix(f"{table} ") for k, r in records.items() if r.kind == "row"]
    assert rows[:8] == [
        "[ARMENIA] [Atlas Sanatgaran]", "[ARMENIA] [Iranian & Armenian]", "[ARMENIA] [Piricas Trading Company]",
        "[AZERBAIJAN] [Caspian Oil Montaj]", "[BULGARIA] [Vera Yordanova]", "[CANADA] [Laval Electronics]",
        "[CANADA] [Rizma, Inc.]", "[CANADA] [Services GP Tek]",  # "Services GP Tek, a.k.a. Nouvelle Option, …"
    ]
    assert rows[-1] == "[CHINA, PEOPLE'S REPUBLIC OF] [Hongkong Delta Electronics Technology Co., Limited]"
    assert len(rows) == len(set(rows)) == 49
