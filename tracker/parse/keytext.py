"""Key words from element text: short labels for headings, captions, list entries and table rows."""

from __future__ import annotations

import re

from tracker.xmltext import plain


def short_heading(text: str) -> str:
    """A heading's key: the words before an em-dash (``Country Group B—Countries`` → ``Country Group B``)."""
    return short(re.split(r"\s*—\s*", plain(text), maxsplit=1)[0])


def short(text: str, limit: int = 80) -> str:
    """``text`` without markup, cut to ``limit`` characters (an ellipsis marks the cut)."""
    s = plain(text)
    return s if len(s) <= limit else s[:limit].rstrip() + "…"
