"""The eCFR's own notes as audit findings, on the real files: 742.6's editorial note that two amendments of
90 FR 4615 could not be incorporated, the effective-date notes (EFFDNOT) of 734.9 and of the Entity List."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from tests.audit.scenario import CITATION, DOC, RULE_XML
from tests.support import ECFR_API, SHARED, require
from tracker.audit import note_findings
from tracker.audit.rules import fr_pages
from tracker.model import Paragraph
from tracker.parse import parse_bytes


@cache
def _parsed(name: str) -> list[Paragraph]:
    return parse_bytes(require(ECFR_API / name).read_bytes())


def _found(paragraphs: list[Paragraph], **kw: object) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(f.status, f.citations, f.fr_citations) for f in note_findings(paragraphs, **kw)]  # type: ignore[arg-type]


def test_the_real_742_6_editorial_note_names_both_paragraphs_and_the_rule():
    found = note_findings(_parsed("excerpt-2026-09-01-title-15-section-742.6.xml"))
    assert [(f.status, f.citations, f.fr_citations) for f in found] == [
        ("not-incorporated", ("742.6(a)(13)", "742.6(b)(14)"), ("90 FR 4615",))]
    assert found[0].note.startswith("At 90 FR 4615, Jan. 16, 2025, § 742.6 was amended by adding paragraphs (a)(13)")


def test_the_real_effective_date_notes_are_keyed_as_notes_and_found():
    part_734 = _parsed("full-2026-09-01-title-15-part-734.xml")
    (note,) = [p for p in part_734 if p.citation == "734.9 Effective Date Note"]
    assert note.kind == "ednote"
    assert _found(part_734) == [("effective-date-note", ("734.9(e)", "734.9(g)"), ("90 FR 50857",))]
    assert _found(_parsed("excerpt-2026-09-01-title-15-part-744-supp4.xml")) == [
        ("not-incorporated", ("Supplement No. 4 to Part 744",), ("89 FR 96836",)),
        ("effective-date-note", ("Supplement No. 4 to Part 744",), ("90 FR 50857",)),
    ]


def test_the_real_parts_740_and_774_have_one_not_incorporated_note_between_them():
    assert _found(_parsed("full-2026-09-01-title-15-part-740.xml")) == []
    assert _found(_parsed("full-2026-09-01-title-15-part-774.xml")) == [
        ("not-incorporated", ("9A005",), ("88 FR 71936",))]


def test_a_note_already_in_the_version_before_is_found_only_for_the_rule_it_names():
    section = _parsed("excerpt-2026-09-01-title-15-section-742.6.xml")
    assert _found(section, before=section) == []
    assert _found(section, before=section, rule_pages=("90 FR 4614", "90 FR 4615"))[0][0] == "not-incorporated"
    assert _found(section, before=section, rule_pages=("90 FR 4616",)) == []
    changed = [replace(p, text=p.text + " ") if p.kind == "ednote" else p for p in section]
    assert len(_found(changed, before=section)) == 1


def test_the_pages_of_a_rule_come_from_its_page_marks_in_the_real_fr_issue():
    issue = require(SHARED / "data" / "federal-register-xml" / "FR-2024-02-12.xml").read_bytes()
    assert fr_pages(issue, "2024-02930", "89 FR 9740") == ("89 FR 9740", "89 FR 9741", "89 FR 9742", "89 FR 9743")
    assert fr_pages(issue, "2024-02930", "") == ()
    assert fr_pages(RULE_XML.encode(), DOC, CITATION) == (CITATION,)


def test_an_effective_date_note_in_the_real_ccl_is_a_note_of_the_supplement():
    xml = require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_text("utf-8")
    at = xml.index("<CITA", xml.index("Supplement No. 1 to Part 774"))
    note = ("<EFFDNOT><HED>Effective Date Note:</HED><PSPACE>At 90 FR 50857, Nov. 12, 2025, in supplement no. 1 to "
            "part 774, ECCN 3A090 was stayed, effective until Nov. 9, 2026.</PSPACE></EFFDNOT>\n")
    before, after = _parsed("full-2026-09-01-title-15-part-774.xml"), parse_bytes((xml[:at] + note + xml[at:]).encode())
    notes = [p.citation for p in after if p.kind == "ednote"]
    assert sorted(notes) == sorted([*(p.citation for p in before if p.kind == "ednote"),
                                    "Supplement No. 1 to Part 774 Effective Date Note"])
    assert _found(after, before=before) == [("effective-date-note", ("3A090",), ("90 FR 50857",))]
