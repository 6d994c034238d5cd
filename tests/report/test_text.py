"""tracker.report.text: the plain text of ``tracker diff`` and ``tracker history``."""

from __future__ import annotations

from tests.diff.samples import para
from tracker.diff import DiffResult, compare
from tracker.history import Entry, History
from tracker.model import Rule
from tracker.report.text import diff_text, history_text

OLD = [
    para("1.1(a)", "(a) Exports of items in Country Group E:1.", order=0),
    para("1.1(b)", "(b) Reexports are authorized.", order=1),
    para("1.1(c)", "(c) Temporary exports.", heading="Temporary.", order=2),
    para("1.1(d)", "(d) Deemed exports.", order=3),
]
NEW = [
    para("1.1(a)", "(a) Exports of items in Country Group E:2.", order=0),
    para("1.1(c)", "(c) Temporary exports.", heading="Temporary *exports*.", order=1),
    para("1.1(e)", "(e) Deemed exports.", order=2),
    para("1.1(f)", r"(f) Items over 15cm\*GHz.", order=3),
]


def test_diff_text_names_every_change_with_its_redline_or_text():
    result = DiffResult("2024-01-01", "2024-02-01", {"1": ("2024-01-01", "2024-02-01")}, compare(OLD, NEW),
                        notes=["part 1: a note"])
    assert diff_text(result) == "\n".join([
        "Changes from 2024-01-01 to 2024-02-01",
        "  note: part 1: a note",
        "5 change(s): 1 added, 1 removed, 1 redesignated, 1 reference-only, 1 heading",
        "",
        "Part 1",
        "  1.1",
        "    1.1(a): reference-only (Country Group E:1 → Country Group E:2)",
        "      (a) Exports of items in Country Group E:[-1-]{+2+}.",
        "    1.1(b): removed",
        "      (b) Reexports are authorized.",
        "    1.1(c): heading",
        "      heading: Temporary{+ exports+}.",
        "    1.1(e): redesignated from 1.1(d)",
        "      ([-d-]{+e+}) Deemed exports.",
        "    1.1(f): added",
        "      (f) Items over 15cm*GHz.",
    ]) + "\n"


def test_history_text_shows_rules_changes_and_the_text_in_force():
    changes = tuple(compare(OLD[:2], NEW[:1]))
    rule = Rule("2024-00001", "89 FR 1", "A rule", "Final rule", "2024-01-30", "2024-02-01", "")
    entry = Entry("2024-02-01", "2024-01-01", changes, (rule,), text=r"(a) 15cm\*GHz")
    h = History("1.1", "1", "2023-12-01", "2024-01-01", (entry,), first_text="(a) Old.")
    assert history_text(h) == "\n".join([
        "History of 1.1 (Part 1): 1 change date(s), newest first",
        "",
        "2024-02-01  (compared with 2024-01-01)",
        "  rule: 89 FR 1 (2024-00001) A rule",
        "  1.1(a): reference-only (Country Group E:1 → Country Group E:2)",
        "      (a) Exports of items in Country Group E:[-1-]{+2+}.",
        "  1.1(b): removed",
        "      (b) Reexports are authorized.",
        "  text in force from this date:",
        "    (a) 15cm*GHz",
        "",
        "2024-01-01: earliest stored text (added then)",
        "    (a) Old.",
    ]) + "\n"
