"""One rule and the eCFR versions it is audited against, derived from the real Part 740 and Part 774 XML.

The rule (document 2026-99901, "91 FR 50000", effective 2026-10-01) makes four amendments: in 740.2(a)(8)(i) it
revises the reference to § 740.10(a)(3)(v) to read § 740.10(a)(2)(iv) (the real drafting error); in 740.9 it
redesignates (b)(3)-(5) as (b)(4)-(6) and adds a new (b)(3) (printed); in ECCN 3A090 it revises a.2 (printed).
``rule-2026-99901.xml`` (:data:`RULE_XML`) is that rule in the GovInfo Federal Register shape (REGTEXT/AMDPAR
+ printed text); :data:`INSTRUCTIONS` the same instructions built by hand. :func:`after_740` and
:func:`after_774` write the later version with each amendment applied or not, or applied otherwise.
"""

from __future__ import annotations

from pathlib import Path

from tests.diff.samples import part_740_xml, replace_once
from tests.support import ECFR_API, require
from tracker.instructions import Instruction

DOC, CITATION, EFFECTIVE = "2026-99901", "91 FR 50000", "2026-10-01"
EXCERPT_774 = ECFR_API / "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml"

NEW_B3 = "(3) *Aircraft parts in transit.* Parts of aircraft registered in Country Group B may go."
NEW_A2 = "a.2. A 'total processing performance' of 1600 or more and a 'performance density' of 5.0 or more."
_B_TITLES = ("Return of foreign-origin", "Return of shipments", "Exports of firearms")
_NOTE_1 = '<HED>Note 1 to paragraph (<E T="01">b</E>)({}):'

INSTRUCTIONS = (
    Instruction(DOC, "740", 2, "revise-reference", ("740.2(a)(8)(i)",), old_words="§ 740.10(a)(3)(v)",
                new_words="§ 740.10(a)(2)(iv)"),
    Instruction(DOC, "740", 3, "redesignate", ("740.9(b)(3)", "740.9(b)(4)", "740.9(b)(5)"),
                new_targets=("740.9(b)(4)", "740.9(b)(5)", "740.9(b)(6)")),
    Instruction(DOC, "740", 3, "add", ("740.9(b)(3)",), new_text=(("740.9(b)(3)", NEW_B3),)),
    Instruction(DOC, "774", 4, "revise", ("3A090.a.2",), new_text=(("3A090.a.2", NEW_A2),)),
)


def before_740() -> str:
    return part_740_xml()


def before_774() -> str:
    return require(EXCERPT_774).read_text("utf-8")


def after_740(*, reference: bool = True, b3_words: str = "may go", extra: bool = False) -> str:
    """Part 740 with the rule's 740 amendments: the reference revised (or not), (b)(3)-(5) renumbered and a new
    (b)(3) saying ``b3_words``, and with ``extra`` an edit no instruction makes (740.2(b): "with notice")."""
    xml = before_740()
    if reference:
        xml = replace_once(xml, "including &#xA7; 740.10(a)(3)(v), which", "including &#xA7; 740.10(a)(2)(iv), which")
    start, end = xml.index('<DIV8 N="740.9"'), xml.index('<DIV8 N="740.10"')
    section = xml[start:end]
    for n in (5, 4, 3):
        section = replace_once(section, f"<P>({n}) <I>{_B_TITLES[n - 3]}", f"<P>({n + 1}) <I>{_B_TITLES[n - 3]}")
    section = replace_once(section, _NOTE_1.format(5), _NOTE_1.format(6))
    new_b3 = f"<P>(3) <I>Aircraft parts in transit.</I> Parts of aircraft registered in Country Group B {b3_words}.</P>"
    at = "<P>(4) <I>Return of foreign-origin"
    section = replace_once(section, at, new_b3 + "\n" + at)
    xml = xml[:start] + section + xml[end:]
    if extra:
        xml = replace_once(xml, "in part, without notice to protect", "in part, with notice to protect")
    return xml


def after_774(*, revised: bool = True) -> str:
    xml = before_774()
    if not revised:
        return xml
    return replace_once(xml, "'performance density' of 5.92 or more.</P>", "'performance density' of 5.0 or more.</P>")


RULE_FILE = Path(__file__).with_name("rule-2026-99901.xml")
RULE_XML = RULE_FILE.read_text("utf-8")
