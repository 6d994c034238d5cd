"""Version dates as tracker writes them: real calendar dates, ``YYYY-MM-DD`` (a low module every layer may use).

>>> is_date("2024-04-04"), is_date("2024-02-30"), is_date("20240404"), is_date(None)
(True, False, False, False)
"""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_date(text: object) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    return isinstance(text, str) and bool(_DATE.fullmatch(text)) and _real(text)


def _real(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
