"""The citation-level differ: what changed between two versions, paragraph by paragraph.

:func:`compare` is pure: it aligns two paragraph lists by ``(part, citation)`` and classifies every
difference as one :class:`tracker.model.Change`; :func:`diff_dates` reads the versions in force on
two dates from the store and compares them. A citation present on both sides is ``reserved``,
``editorial``, ``heading``, ``reference-only`` or ``modified`` (:mod:`tracker.diff.classify`);
``reference_pairs`` holds ``(old, new)`` targets of the references the parser found
(:attr:`tracker.model.Paragraph.refs`).

Paragraphs are paired across the versions by content first and by citation last
(:mod:`tracker.diff.match`): the same body (text without marker), the same body with its references
masked, similar words at the same citation, similar words elsewhere in the unit, then the same
citation whatever the text. A paragraph continued under another citation is ``redesignated``
(``old_citation`` → ``citation``, ECCN item moves .a → .b alike), with the ``redline`` of its text
and, when its only other changes are references updated with it ("paragraph (b)(4)" → "(b)(5)"),
their ``reference_pairs``: one change, never removed + added. So renumbering (b)(3)–(5) as (b)(4)–(6)
and inserting a new (b)(3) is 1 ``added`` and one ``redesignated`` per renumbered paragraph.

A paragraph that had nothing under it, changed, and gained new sub-paragraphs (3A001.z split into
.z.1–.z.4) is one ``restructured`` change: ``old_text`` is the paragraph before, ``new_text`` its own
new words and ``parts`` the new sub-paragraphs, each an ``added`` change in document order. A new
paragraph whose citation was absent from the old version but present at an earlier date
(``earlier``, from the store) is ``restored``; the rest are ``added`` / ``removed``.

Paragraphs of kind ``ednote`` (eCFR editorial notes, :data:`tracker.model.NON_REGULATORY_KINDS`)
are not regulatory text and are never reported. Changes come ordered by Part, then document
order. ``Change.order`` is the 0-based position of the paragraph among the regulatory paragraphs of
its Part in the new version (for ``removed``: the position it would have had). Every change
carries ``old_heading``/``new_heading`` and ``old_text``/``new_text`` for the sides it has, so
the new version can be rebuilt from the old one and the changes. A change's ``redline`` is worked out
when first read (:class:`tracker.diff.redline.Redline`, equal to the tuple of its runs), so what only
counts or filters changes never pays for it.

JSON form (:meth:`DiffResult.to_json`, schema ``tracker.diff/1``; keys are stable, new keys may
be added)::

    {
      "schema": "tracker.diff/1",
      "from": "2023-10-25", "to": "2024-04-04",        # dates as requested
      "part": "740" | null, "eccn": "3A001" | null,      # filters
      "versions": {"740": {"from": "2023-10-20", "to": "2024-04-04"}},  # stored versions used
      "notes": ["part 740: 2023-10-25 resolved to the version of 2023-10-20"],
      "counts": {"added": 0, "removed": 0, "modified": 2, ...},   # every kind in CHANGE_KINDS
      "changes": [                                        # Part, then document order
        {"kind": "modified", "citation": "740.10(a)(2)", "part": "740", "unit": "740.10",
         "order": 12, "old_citation": null, "old_text": "...", "new_text": "...",
         "old_heading": "...", "new_heading": "...",
         "redline": [["equal", "..."], ["delete", "..."], ["insert", "..."]],
         "reference_pairs": [["740.10(a)(3)(v)", "740.10(a)(2)(iv)"]],
         "rules": [{"document_number": "2024-07004", "citation": "89 FR 23876", ...}],
         "parts": [{"kind": "added", "citation": "3A001.z.1", ...}]}   # only for restructured
      ]
    }

>>> from tracker.model import Paragraph
>>> from tracker.parse.refs import extract_refs
>>> def para(text):
...     return Paragraph("1.1(a)", "1", "1.1", "1.1", "(a)", "paragraph", "", text, 0,
...                      extract_refs(text, unit="1.1", part="1"))
>>> [(c.kind, c.reference_pairs) for c in compare([para("(a) See § 742.3(b).")], [para("(a) See § 742.3(c).")])]
[('reference-only', (('742.3(b)', '742.3(c)'),))]
"""

from tracker.diff.changes import DiffError, compare, compare_delta
from tracker.diff.dates import DiffResult, diff_dates
from tracker.diff.redline import redline

__all__ = ["DiffError", "DiffResult", "compare", "compare_delta", "diff_dates", "redline"]
