"""Version dates as tracker writes them: real calendar dates, ``YYYY-MM-DD`` (a low module every layer may use).

>>> is_date("2024-04-04"), is_date("2024-02-30"), is_date("20240404"), is_date(None)
(True, False, False, False)
"""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: A date as the Federal Register and the eCFR write it: "July 23, 2026", "Apr. 30, 2024", "Sept. 5, 2024".
_WRITTEN = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),\s+(\d{4})\b")


def is_date(text: object) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    return isinstance(text, str) and bool(_DATE.fullmatch(text)) and _real(text)


def _real(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def written_date(text: str) -> str | None:
    """The first date written out in ``text`` ("July 23, 2026", "Apr. 30, 2024"), as YYYY-MM-DD; else None.

    >>> written_date("Link to an amendment published at 91 FR 46260, July 23, 2026."), written_date("Sept. 5, 2024")
    ('2026-07-23', '2024-09-05')
    >>> written_date("on February 30, 2024"), written_date("no date")
    (None, None)
    """
    m = _WRITTEN.search(text)
    if m is None:
        return None
    iso = f"{m[3]}-{_MONTHS.index(m[1][:3].lower()) + 1:02d}-{int(m[2]):02d}"
    return iso if _real(iso) else None
