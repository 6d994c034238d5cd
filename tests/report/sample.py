"""A realistic change report built by hand from real EAR text in ../shared.

Item texts come from the CCL history in ``data/ccl-history`` (the eCFR's words on each date), the
rule from its ``federal-register-documents.json``; § 740.2(a)(8)(i) is the real sentence from the
Part 740 XML. Redlines are made with diff-match-patch, as the differ would.
"""

from __future__ import annotations

import json
from functools import cache

from diff_match_patch import diff_match_patch

from tests.support import SHARED
from tracker.model import Change, Rule
from tracker.report.data import ReportData

CCL_HISTORY = SHARED / "data" / "ccl-history"
_OPS = {0: "equal", 1: "insert", -1: "delete"}

RPL_OLD = (
    "(i) RPL, under the provisions of § 740.10, including § 740.10(a)(3)(v), which prohibits exports and "
    "reexports of replacement parts to countries in Country Group E:1 (see Supplement 1 to part 740));"
)
TPP_NOTE = (
    "*Technical Note 1:* ‘Total processing performance’ (‘TPP’) is 2 × ‘MacTOPS’ × ‘bit length of the "
    "operation’, aggregated over all processing units on the integrated circuit."
)


def runs(old: str, new: str) -> tuple[tuple[str, str], ...]:
    dmp = diff_match_patch()
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    return tuple((_OPS[op], text) for op, text in diffs)


def item_text(item: str, date: str) -> str:
    """The first line of a CCL item's text on a date (``4A090.A``, ``2024-04-04``)."""
    path = CCL_HISTORY / "history" / f"{item}.json"
    assert path.exists(), f"shared data missing: {path} (set TRACKER_SHARED)"
    history = json.loads(path.read_text(encoding="utf-8"))["history"]
    return next(h["text"] for h in history if h["version"] == date).split("\n")[0]


@cache
def rule_89_fr_23876() -> Rule:
    path = CCL_HISTORY / "federal-register-documents.json"
    assert path.exists(), f"shared data missing: {path} (set TRACKER_SHARED)"
    doc = next(
        d for d in json.loads(path.read_text(encoding="utf-8"))["documents"] if d["documentNumber"] == "2024-07004"
    )
    return Rule(
        document_number=doc["documentNumber"],
        citation=doc["citation"],
        title=doc["title"],
        action=doc["action"],
        publication_date=doc["publicationDate"],
        effective_on=doc["effectiveOn"],
        html_url=doc["htmlUrl"],
    )


def modified(kind: str, citation: str, unit: str, order: int, old: str, new: str, **kw) -> Change:
    part = "774" if unit[0].isdigit() and unit[1].isalpha() else unit.split(".")[0]
    rules = kw.pop("rules", (rule_89_fr_23876(),))
    return Change(
        kind, citation, part, unit, order, old_text=old, new_text=new, redline=runs(old, new), rules=rules, **kw
    )


def april_2024_changes() -> tuple[Change, ...]:
    """Changes of the 2024-04-04 correction rule, as tracker would report them."""
    rpl_new = RPL_OLD.replace("740.10(a)(3)(v)", "740.10(a)(2)(iv)")
    z_old, z_new = item_text("3A001.Z", "2024-03-13"), item_text("3A001.Z.1", "2024-04-04")
    a1_old, a1_new = item_text("3A090.A.1", "2024-03-13"), item_text("3A090.A.1", "2024-04-04")
    a_old, a_new = item_text("4A090.A", "2024-03-13"), item_text("4A090.A", "2024-04-04")
    return (
        modified(
            "reference-only",
            "740.2(a)(8)(i)",
            "740.2",
            48,
            RPL_OLD,
            rpl_new,
            reference_pairs=(("740.10(a)(3)(v)", "740.10(a)(2)(iv)"),),
        ),
        Change(
            "restored",
            "3A001.z",
            "774",
            "3A001",
            900,
            new_text=f"z. {z_old}",
            redline=(("insert", f"z. {z_old}"),),
            rules=(rule_89_fr_23876(),),
        ),
        Change(
            "added", "3A001.z.1", "774", "3A001", 901, new_text=f"z.1. {z_new}", rules=(rule_89_fr_23876(),)
        ),
        modified("editorial", "3A090.a.1", "3A090", 1200, f"a.1. {a1_old}", f"a.1. {a1_new}"),
        modified("modified", "4A090.a", "4A090", 1500, f"a. {a_old}", f"a. {a_new}"),
        Change("added", "4A090.a Technical Note 1", "774", "4A090", 1501, new_text=TPP_NOTE, rules=()),
        modified(
            "redesignated",
            "742.6(a)(6)(iii)",
            "742.6",
            120,
            "(ii) *Macau and Country Group D:5.* A license is required for items in 3A090 and 4A090.",
            "(iii) *Macau and Country Group D:5.* A license is required for items in 3A090 and 4A090.",
            old_citation="742.6(a)(6)(ii)",
        ),
    )


def april_2024_report(**kw) -> ReportData:
    return ReportData(
        version_date="2024-04-04",
        previous_date="2024-04-03",
        parts=("734", "740", "742", "744", "772", "774"),
        changes=kw.pop("changes", april_2024_changes()),
        **kw,
    )
