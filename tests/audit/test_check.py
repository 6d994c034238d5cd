"""The audit's checks on versions derived from the real Part 740 and 774 XML, with instructions built by hand:
every instruction applied → all applied; one not applied → exactly that one missing; one applied with other
words → different; an extra edit → unexplained."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from tests.audit.scenario import INSTRUCTIONS, NEW_A2, after_740, after_774, before_740, before_774
from tests.support import require
from tracker.audit import check_instruction, check_rule, normalise
from tracker.citations import is_under
from tracker.diff import compare
from tracker.instructions import Instruction
from tracker.model import Change, Paragraph
from tracker.parse import parse_bytes

REF, REDESIGNATE, ADD, REVISE = INSTRUCTIONS


@cache
def _parsed(xml: str) -> tuple[Paragraph, ...]:
    return tuple(p for p in parse_bytes(xml.encode()) if p.kind != "ednote")


def _audit(xml_740: str, xml_774: str, instructions: tuple[Instruction, ...] = INSTRUCTIONS) -> list[Any]:
    old = [*_parsed(before_740()), *_parsed(before_774())]
    new = [*_parsed(xml_740), *_parsed(xml_774)]
    findings = check_rule(instructions, compare(old, new), after={p.citation: p.text for p in new})
    return [(f.status, f.instruction.index if f.instruction else None, f.citations) for f in findings]


def test_every_instruction_applied_is_all_applied_and_nothing_unexplained():
    assert _audit(after_740(), after_774()) == [
        ("applied", 2, ("740.2(a)(8)(i)",)),
        ("applied", 3, ("740.9(b)(3)", "740.9(b)(4)", "740.9(b)(5)")),
        ("applied", 3, ("740.9(b)(3)",)),
        ("applied", 4, ("3A090.a.2",)),
    ]


def test_one_instruction_not_applied_is_exactly_that_one_missing():
    assert _audit(after_740(reference=False), after_774()) == [
        ("missing", 2, ("740.2(a)(8)(i)",)),
        ("applied", 3, ("740.9(b)(3)", "740.9(b)(4)", "740.9(b)(5)")),
        ("applied", 3, ("740.9(b)(3)",)),
        ("applied", 4, ("3A090.a.2",)),
    ]
    assert _audit(after_740(), after_774(revised=False))[3] == ("missing", 4, ("3A090.a.2",))


def test_one_applied_with_different_words_is_different():
    found = _audit(after_740(b3_words="may transit"), after_774())
    assert [f[0] for f in found] == ["applied", "applied", "different", "applied"]
    old, new = [*_parsed(before_740())], [*_parsed(after_740(b3_words="may transit"))]
    finding = check_instruction(ADD, compare(old, new))
    assert finding.reason == "740.9(b)(3) does not read as the rule prints it"
    assert [(c.kind, c.citation) for c in finding.changes][:1] == [("added", "740.9(b)(3)")]


def test_an_extra_edit_is_unexplained():
    found = _audit(after_740(extra=True), after_774())
    assert found[:4] == _audit(after_740(), after_774())
    assert found[4:] == [("unexplained", None, ("740.2(b)",))]


def test_the_printed_text_is_compared_with_markup_quotes_and_whitespace_normalised():
    curly = NEW_A2.replace("'", "\u2018", 1).replace("'", "\u2019", 1) + "  "
    revise = Instruction("x", "774", 4, "revise", ("3A090.a.2",), new_text=(("3A090.a.2", curly),))
    assert _audit(before_740(), after_774(), (revise,)) == [("applied", 4, ("3A090.a.2",))]
    assert normalise("*(a)*  “x”\u2014y") == '(a) "x"-y'


def _change(kind: str, citation: str, old: str | None = "old", new: str | None = "new", **kw: Any) -> Change:
    return Change(kind, citation, "740", citation.split("(")[0].split(" ")[0], 0, old_text=old, new_text=new, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("action", "kind", "status"), [
    ("revise", "modified", "applied"), ("revise", "removed", "different"),
    ("add", "added", "applied"), ("add", "restored", "applied"), ("add", "modified", "different"),
    ("remove", "removed", "applied"), ("remove", "reserved", "different"),
    ("remove-and-reserve", "reserved", "applied"), ("reserve", "removed", "different"),
])
def test_the_right_kind_per_action(action, kind, status):
    ins = Instruction("x", "740", 1, action, ("740.9(b)(2)",))
    assert check_instruction(ins, [_change(kind, "740.9(b)(2)")]).status == status
    assert check_instruction(ins, [_change(kind, "740.9(b)(20)")]).status == "missing"


def test_revising_a_paragraph_covers_its_sub_paragraphs_in_any_kind():
    ins = Instruction("x", "740", 1, "revise", ("740.9(b)",))
    assert check_instruction(ins, [_change("added", "740.9(b)(7)")]).status == "applied"
    assert check_instruction(Instruction("x", "740", 1, "add", ("740.9(b)",)), [_change("added", "740.9(b)(7)")]
                             ).status == "applied"


def test_redesignation_needs_the_pair():
    ins = Instruction("x", "740", 1, "redesignate", ("740.9(b)(3)",), new_targets=("740.9(b)(4)",))
    ok = _change("redesignated", "740.9(b)(4)", old_citation="740.9(b)(3)")
    wrong = _change("redesignated", "740.9(b)(5)", old_citation="740.9(b)(3)")
    assert check_instruction(ins, [ok]).status == "applied"
    finding = check_instruction(ins, [wrong])
    assert (finding.status, finding.reason) == (
        "different", "expected 740.9(b)(3) redesignated as 740.9(b)(4), found redesignated 740.9(b)(5)")


@pytest.mark.parametrize(("action", "old", "new", "status"), [
    ("add-words", "the items", "the items and software", "applied"),
    ("add-words", "the items", "the items and technology", "different"),
    ("remove-words", "the items and software", "the items", "applied"),
    ("revise-words", "the items and software", "the items and technology", "applied"),
    ("revise-words", "the items and software", "the items and hardware", "different"),
])
def test_words_are_checked_in_the_texts(action, old, new, status):
    words = {"add-words": (None, "and software"), "remove-words": ("and software", None),
             "revise-words": ("software", "technology")}[action]
    ins = Instruction("x", "740", 1, action, ("740.9(b)",), old_words=words[0], new_words=words[1])
    assert check_instruction(ins, [_change("modified", "740.9(b)", f"(b) {old}.", f"(b) {new}.")]).status == status


def test_a_reference_revision_matches_the_reference_pair():
    ins = Instruction("x", "740", 1, "revise-reference", ("740.2(a)(8)(i)",), old_words="§ 740.10(a)(3)(v)",
                      new_words="§ 740.10(a)(2)(iv)")
    pair = _change("reference-only", "740.2(a)(8)(i)", reference_pairs=(("740.10(a)(3)(v)", "740.10(a)(2)(iv)"),))
    other = _change("reference-only", "740.2(a)(8)(i)", reference_pairs=(("740.10(a)(3)(v)", "740.10(a)(2)(v)"),))
    assert [check_instruction(ins, [c]).status for c in (pair, other)] == ["applied", "different"]


def test_entity_list_targets_match_their_table_row():
    row = "Supplement No. 4 to Part 744 Table 1 [CHINA, PEOPLE'S REPUBLIC OF] [Acme Ltd.]"
    added = Change("added", row, "744", "Supplement No. 4 to Part 744", 0, new_text="Acme Ltd., Beijing.")
    for target in ("Supplement No. 4 to Part 744 [CHINA, PEOPLE'S REPUBLIC OF] [Acme Ltd.]",
                   "Supplement No. 4 to Part 744 [China] [Acme Ltd.]"):
        assert check_instruction(Instruction("x", "744", 1, "add-entity", (target,)), [added]).status == "applied"
    other = "Supplement No. 4 to Part 744 [CHINA, PEOPLE'S REPUBLIC OF] [Acme Holdings]"
    assert check_instruction(Instruction("x", "744", 1, "add-entity", (other,)), [added]).status == "missing"
    removal = Instruction("x", "744", 1, "remove-entity", ("Supplement No. 4 to Part 744 [CHINA] [Acme Ltd.]",))
    assert check_instruction(removal, [added]).status == "different"


def test_a_source_note_of_a_named_unit_is_explained_and_not_understood_is_not_checked():
    source = _change("modified", "740.9 Source")
    assert check_rule([Instruction("x", "740", 1, "revise", ("740.9(b)",))], [source])[1:] == []
    vague = Instruction("x", "740", 1, "not-understood", ())
    found = check_rule([vague], [source])
    assert [(f.status, f.citations) for f in found] == [("not-understood", ()), ("unexplained", ("740.9 Source",))]


def test_changes_of_other_rules_in_the_interval_are_not_unexplained():
    change = _change("modified", "740.3(a)")
    other = Instruction("y", "740", 1, "revise", ("740.3(a)",))
    assert check_rule([], [change], others=[other]) == []
    assert [f.status for f in check_rule([], [change])] == ["unexplained"]


def test_real_instructions_of_the_fr_issue_are_applied_by_changes_as_printed():
    """Every revise/add instruction of the real daily issue FR-2024-02-12 that prints text for each of its targets
    is applied by changes carrying that text (the printed keys and the targets agree), and by nothing else."""
    from tests.support import SHARED
    from tracker.instructions import parse_instructions

    xml = require(SHARED / "data" / "federal-register-xml" / "FR-2024-02-12.xml").read_bytes()
    kinds = {"revise": "modified", "add": "added"}
    printed = [i for i in parse_instructions(xml) if i.action in kinds and i.new_text
               and all(any(is_under(c, t) for c, _ in i.new_text) for t in i.targets)]
    assert len(printed) >= 50
    for ins in printed:
        changes = [Change(kinds[ins.action], c, ins.part, "", 0, old_text="x", new_text=t)  # type: ignore[arg-type]
                   for c, t in ins.new_text]
        assert check_instruction(ins, changes).status == "applied", ins
        assert check_instruction(ins, []).status == "missing", ins


def test_printed_text_is_compared_up_to_its_stars():
    printed = (("740.9(b)", "(b) * * *"), ("740.9(b)(2)", "(2) *Items imported.* * * *"))
    ins = Instruction("x", "740", 1, "revise", ("740.9(b)",), new_text=printed)
    same = _change("modified", "740.9(b)(2)", new="(2) *Items imported.* Under conditions.")
    other = _change("modified", "740.9(b)(2)", new="(2) *Items exported.* Under conditions.")
    assert [check_instruction(ins, [c]).status for c in (same, other)] == ["applied", "different"]
