"""Cross-references in paragraph text, resolved to full citations.

>>> [r.target for r in extract_refs("see § 740.10(a)(2)(iv) and ECCN 3B001.j", unit="740.2", part="740")]
['740.10(a)(2)(iv)', '3B001.j']
"""

from __future__ import annotations

from tracker.model import Reference


def extract_refs(text: str, *, unit: str | None, part: str) -> tuple[Reference, ...]:
    """References in ``text``; relative ones resolved against ``unit`` (a section like 740.10 or an ECCN like 3A001) and ``part``."""
    return ()
