"""Which listed eCFR versions :func:`tracker.sync.sync` downloads: pure functions over version listings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tracker.dates import is_date

#: The eCFR's point-in-time history starts in January 2017: the first run lists versions from here.
EPOCH = "2017-01-01"


def version_issue_dates(versions: Iterable[dict[str, Any]]) -> dict[str, str | None]:
    """Each amendment date of a versions listing → the latest issue date seen for it (dates only).

    >>> version_issue_dates([{"amendment_date": "2024-04-04", "issue_date": "2024-04-05"},
    ...                      {"date": "2024-04-04", "issue_date": "2024-04-08"}, {"date": "2023-11-17"},
    ...                      {"date": "2024-05-01", "issue_date": {"x": 1}}])
    {'2023-11-17': None, '2024-04-04': '2024-04-08', '2024-05-01': None}
    """
    out: dict[str, str | None] = {}
    for v in versions:
        date = str(v.get("amendment_date") or v.get("date") or "")
        if date:
            issue = v.get("issue_date")
            out[date] = max(filter(None, (out.get(date), issue if is_date(issue) else None)), default=None)
    return dict(sorted(out.items()))


def pick_dates(listed: list[str], stored: list[str], since: str | None, *, previous: bool = False) -> list[str]:
    """The listed version dates to download: from ``since`` (backfill), else from the first stored
    date, else (first run) only the latest; never a stored one. With ``previous``, also the listed date
    just before the newest one stored or picked when that has none before it (so it can be compared).

    >>> listed = ["2023-11-17", "2024-04-04", "2024-09-16"]
    >>> pick_dates(listed, [], None), pick_dates(listed, [], None, previous=True)
    (['2024-09-16'], ['2024-04-04', '2024-09-16'])
    >>> pick_dates(listed, ["2024-04-04"], None), pick_dates(listed, ["2024-09-16"], None, previous=True)
    (['2024-09-16'], ['2024-04-04'])
    >>> pick_dates(listed, ["2024-04-04"], "2023-01-01")
    ['2023-11-17', '2024-09-16']
    """
    lower = since or (min(stored) if stored else None)
    chosen = [d for d in listed if d >= lower] if lower else listed[-1:]
    have = sorted(set(stored) | set(chosen))
    if previous and len(have) == 1:
        chosen = [d for d in listed if d < have[0]][-1:] + chosen
    done = set(stored)
    return [d for d in chosen if d not in done]


def listed_from(stored: list[str], seen: str | None, since: str | None, *, previous: bool = False) -> str:
    """The ``issue_date[gte]`` to list a Part's versions from: ``since``; :data:`EPOCH` when nothing is stored or,
    with ``previous``, when only one version is (the one before it may be old); else the eCFR issue ``seen`` by
    the last complete run, else the latest stored date.

    >>> listed_from([], None, None), listed_from(["2024-04-04"], None, None, previous=True)
    ('2017-01-01', '2017-01-01')
    >>> listed_from(["2024-04-04"], "2024-05-01", None), listed_from(["2024-04-04"], None, "2020-01-01")
    ('2024-05-01', '2020-01-01')
    """
    if since:
        return since
    if previous and len(stored) == 1:
        return EPOCH
    return seen or max(stored, default=EPOCH)
