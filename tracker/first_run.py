"""What a run says when a Part has no change to report yet, and the empty database a failed first run leaves.

The first version stored of a Part is its baseline: nothing to compare it with, so no report. A run that
stores one says so (:func:`baseline_line`), and how to have a report at once: ``tracker run --report-latest``
also fetches the version before it. A run that created the database and stored nothing in it (no network on
the very first run) removes it (:func:`remove_database`), so the next run starts as a first run again and no
empty ``tracker.db`` is left for read-only commands to find.
"""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterable

    from tracker.store import Store

#: How a Part's only version can be compared now.
REPORT_LATEST = "`tracker run --report-latest` fetches the version before it and reports that change now"
#: Said by ``tracker run --no-fetch`` on a database with nothing in it.
NOTHING_STORED = (
    "nothing stored yet: `tracker run` fetches the tracked Parts from the eCFR, or store files you have with "
    "`tracker ingest FILE.xml --part N --date YYYY-MM-DD`"
)


def parts_named(parts: list[str]) -> str:
    """``Part 774``, ``Parts 740 and 774``, ``Parts 734, 740 and 774``.

    >>> parts_named(["774"]), parts_named(["740", "774"]), parts_named(["734", "740", "774"])
    ('Part 774', 'Parts 740 and 774', 'Parts 734, 740 and 774')
    """
    if len(parts) == 1:
        return f"Part {parts[0]}"
    return f"Parts {', '.join(parts[:-1])} and {parts[-1]}"


def baseline_line(store: Store, new_versions: Iterable[tuple[str, str]]) -> str | None:
    """One line naming the Parts whose only stored version is one of ``new_versions`` (part, date), their
    dates and paragraphs, and what happens next; None when there is none."""
    firsts = [(p, d) for p, d in new_versions if store.dates(p) == [d]]
    if not firsts:
        return None
    by_date: dict[str, list[str]] = {}
    for part, date in firsts:
        by_date.setdefault(date, []).append(part)
    where = " and ".join(f"{parts_named(parts)} as of {date}" for date, parts in sorted(by_date.items()))
    count = sum(v.paragraphs for p, d in firsts if (v := store.snapshot(p, d)) is not None)
    return (f"baseline stored: {where} ({count:,} paragraphs); changes will be reported from the next version on "
            f"({REPORT_LATEST})")


def nothing_to_compare(store: Store, parts: Iterable[str], *, fetched: bool, report_latest: bool) -> list[str]:
    """What a run says of the stored versions it cannot compare: nothing stored at all (without a fetch), and
    with ``report_latest`` each of ``parts`` with only one version stored."""
    lines = [] if fetched or store.parts() else [NOTHING_STORED]
    hint = "" if fetched else " (--no-fetch: `tracker ingest` the version before it, or run without it)"
    singles = [(p, dates[0]) for p in parts for dates in [store.dates(p)] if len(dates) == 1] if report_latest else []
    return lines + [f"part {p}: only one version stored ({d}), nothing to compare it with{hint}" for p, d in singles]


def stored_nothing(store: Store) -> bool:
    """Whether ``store`` holds nothing: no version, text, rule, public-inspection document or delivery."""
    return not any(store.counts().values()) and not store.public_inspection() and not store.unsent_deliveries()


def remove_database(database: Path) -> None:
    """Remove ``database`` and SQLite's side files (the run lock file beside it stays: it may be waited on)."""
    if str(database) != ":memory:":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
