"""The audit of a stored rule (:func:`tracker.audit.audit_rule`) with the real § 742.6: the rule at 90 FR 4615 that
added paragraphs (a)(13) and (b)(14) to it, against the real 2026-09-01 text whose editorial note says those two
amendments could not be incorporated (and an earlier version without that note)."""

from __future__ import annotations

import re

import pytest

from tests.support import ECFR_API, require
from tracker.audit import NotYetError, RuleText, audit_rule
from tracker.errors import InputError
from tracker.ingest import ingest_file
from tracker.instructions import Instruction
from tracker.store import Store

SECTION_742_6 = ECFR_API / "excerpt-2026-09-01-title-15-section-742.6.xml"
RULE = RuleText("2025-00001", "90 FR 4612", "2025-01-16", (
    Instruction("2025-00001", "742", 5, "add", ("742.6(a)(13)", "742.6(b)(14)")),), ("90 FR 4612", "90 FR 4615"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("742")
    real = require(SECTION_742_6).read_text("utf-8")
    before = re.sub(r"<P>2\. At 90 FR 4615.*?</P>", "", real)
    assert before != real
    s = Store(folder / "tracker.db")
    for date, xml in (("2025-01-02", before), ("2026-09-01", real)):
        (folder / f"{date}.xml").write_text(xml, "utf-8")
        ingest_file(s, folder / f"{date}.xml", part="742", date=date, excerpt=True)
    return s


def test_the_real_742_6_note_is_a_finding_of_the_rule_it_names_and_its_additions_are_missing(store: Store):
    audit = audit_rule(store, RULE)
    assert audit.versions == {"742": ("2025-01-02", "2026-09-01")}
    assert [(f.status, f.citations, f.fr_citations) for f in audit.findings] == [
        ("missing", ("742.6(a)(13)", "742.6(b)(14)"), ()),
        ("not-incorporated", ("742.6(a)(13)", "742.6(b)(14)"), ("90 FR 4615",)),
    ]
    assert audit.failed


def test_a_rule_with_no_version_to_compare_is_not_yet_auditable(store: Store):
    with pytest.raises(NotYetError, match="no version of part 742 from before 2025-01-01 is stored"):
        audit_rule(store, RuleText("x", "", "2025-01-01", RULE.instructions))
    with pytest.raises(NotYetError, match="no stored version of part 742 includes x yet"):
        audit_rule(store, RuleText("x", "", "2026-10-01", RULE.instructions))
    with pytest.raises(InputError, match="amends part\\(s\\) 740, none of them stored"):
        audit_rule(store, RuleText("x", "", "2026-10-01", (Instruction("x", "740", 1, "revise", ("740.1",)),)))


def test_the_audit_json_is_data(store: Store):
    data = audit_rule(store, RULE).to_dict()
    assert (data["schema"], data["failed"], data["counts"]["missing"], data["counts"]["not-incorporated"]) == (
        "tracker.audit/1", True, 1, 1)
    assert data["findings"][0]["instruction"]["targets"] == ["742.6(a)(13)", "742.6(b)(14)"]
    assert data["findings"][1]["note"].startswith("At 90 FR 4615, Jan. 16, 2025, § 742.6 was amended")
