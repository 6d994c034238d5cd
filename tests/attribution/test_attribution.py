"""Attribution of changes to Federal Register rules (pure, small cases and the real CCL rule list)."""

from __future__ import annotations

import pytest

from tests.history.peer import rule_records
from tracker.amendments import Amendment
from tracker.attribution import attribute, describe
from tracker.model import Change


def change(citation: str, unit: str, part: str = "740", **kw) -> Change:
    return Change(kind="modified", citation=citation, part=part, unit=unit, order=1, **kw)


def rule(number: str, citation: str, effective: str | None, parts=("740",)) -> dict:
    return {
        "document_number": number,
        "citation": citation,
        "title": f"Rule {number}",
        "effective_on": effective,
        "publication_date": effective or "2024-01-01",
        "parts": list(parts),
        "action": "Final rule.",
    }


@pytest.fixture(scope="module")
def ccl_rules() -> list[dict]:
    """The 284 real BIS rules that touched the CCL, as stored rule rows for Part 774."""
    return rule_records()


def test_a_change_with_one_rule_in_force_names_its_citation_and_document(ccl_rules):
    c = change("4A090.a", "4A090", "774")
    (out,) = attribute([c], ccl_rules, date_from="2024-03-13", date_to="2024-04-04")
    assert [(r.citation, r.document_number) for r in out.rules] == [("89 FR 23876", "2024-07004")]
    assert describe(out) == "89 FR 23876 (document 2024-07004, effective 2024-04-04)"


def test_a_change_with_no_rule_in_force_says_source_not_yet_identified(ccl_rules):
    (out,) = attribute([change("4A090.a", "4A090", "774")], ccl_rules, date_from="2024-04-05", date_to="2024-04-18")
    assert out.rules == () and describe(out) == "source not yet identified"


def test_two_rules_effective_the_same_day_are_both_listed(ccl_rules):
    (out,) = attribute([change("4A090.a", "4A090", "774")], ccl_rules, date_from="2023-11-16", date_to="2023-11-17")
    assert [r.citation for r in out.rules] == ["88 FR 73424", "88 FR 73458"]
    assert describe(out).startswith("2 rules took effect in this interval and cannot be told apart")


def test_the_interval_excludes_its_start_and_includes_its_end():
    rules = [rule("A", "89 FR 1", "2024-03-13"), rule("B", "89 FR 2", "2024-04-04")]
    (out,) = attribute([change("740.2(a)", "740.2")], rules, date_from="2024-03-13", date_to="2024-04-04")
    assert [r.document_number for r in out.rules] == ["B"]


def test_a_rule_for_another_part_or_without_effective_date_is_not_used():
    rules = [rule("A", "89 FR 1", "2024-04-04", parts=("744",)), rule("B", "89 FR 2", None)]
    (out,) = attribute([change("740.2(a)", "740.2")], rules, date_from="2024-03-13", date_to="2024-04-04")
    assert out.rules == ()


def test_amendment_instructions_tell_same_day_rules_apart():
    rules = [rule("A", "89 FR 1", "2024-04-04", ("740", "774")), rule("B", "89 FR 2", "2024-04-04", ("740", "774"))]
    amendments = {
        "A": [Amendment("740", "740.2", "revise"), Amendment("774", "3A090", "revise")],
        "B": [Amendment("740", "740.10", "revise"), Amendment("774", "Supplement No. 1 to Part 774", "revise")],
    }
    changes = [
        change("740.2(a)(8)", "740.2"),
        change("740.10(a)(2)", "740.10"),
        change("3A090.a", "3A090", "774"),
        change("4A090.a", "4A090", "774"),
        change("740.9(a)", "740.9"),
    ]
    out = attribute(changes, rules, date_from="2024-03-13", date_to="2024-04-04", amendments=amendments)
    assert [[r.document_number for r in c.rules] for c in out] == [["A"], ["B"], ["A"], ["B"], []]


def test_a_rule_whose_instructions_are_unknown_stays_a_candidate():
    rules = [rule("A", "89 FR 1", "2024-04-04"), rule("B", "89 FR 2", "2024-04-04")]
    amendments = {"A": [Amendment("740", "740.10", "revise")]}
    (out,) = attribute(
        [change("740.2(a)", "740.2")], rules, date_from="2024-03-13", date_to="2024-04-04", amendments=amendments
    )
    assert [r.document_number for r in out.rules] == ["B"]


def test_a_citation_newly_listed_in_the_source_note_confirms_the_rule():
    rules = [rule("A", "89 FR 23876", "2024-04-04"), rule("B", "89 FR 24000", "2024-04-04")]
    note = change(
        "740.2 Source",
        "740.2",
        old_text="[61 FR 12754, Mar. 25, 1996, as amended at 88 FR 73424, Oct. 25, 2023]",
        new_text="[61 FR 12754, Mar. 25, 1996, as amended at 88 FR 73424, Oct. 25, 2023; 89 FR 23876, Apr. 4, 2024]",
    )
    out = attribute(
        [change("740.2(a)", "740.2"), note, change("740.3(a)", "740.3")],
        rules,
        date_from="2024-03-13",
        date_to="2024-04-04",
    )
    assert [[r.citation for r in c.rules] for c in out] == [
        ["89 FR 23876"],
        ["89 FR 23876"],
        ["89 FR 23876", "89 FR 24000"],
    ]


def test_attribute_returns_new_changes_and_leaves_the_input_alone():
    c = change("740.2(a)", "740.2")
    out = attribute([c], [rule("A", "89 FR 1", "2024-04-04")], date_from="2024-03-13", date_to="2024-04-04")
    assert c.rules == () and out[0].rules[0].document_number == "A"
    assert out[0].to_dict()["rules"][0]["citation"] == "89 FR 1"


def test_api_records_with_cfr_references_work_as_rules():
    record = {
        "document_number": "2024-07004",
        "citation": "89 FR 23876",
        "effective_on": "2024-04-04",
        "cfr_references": [{"title": 15, "part": "740"}, {"title": 15, "part": "774"}],
    }
    (out,) = attribute([change("740.2(a)", "740.2")], [record], date_from="2024-03-13", date_to="2024-04-04")
    assert out.rules[0].citation == "89 FR 23876"
