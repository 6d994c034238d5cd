"""Storage growth of the temporal store: 50 versions of real Part 740, each changing 1% of its paragraphs; and the
time of a re-ingest next to bare lxml.

Run from the project root::

    python bench/store.py [--versions 50] [--percent 1] [--repeat 9]

Version 1 is the real Part 740 (2026-09-01); each later version changes the words of a different
``--percent`` of its paragraphs (one word inserted, as an amendment would). Prints the database
size after the first version and after all of them (bytes in use, i.e. pages minus free pages,
and the file size), their ratio (goal: below 1.5), the row counts, and the ingest time.

The re-ingest figure (issue 15: within 2.5x of bare lxml): for the whole of Part 740 and of Part 774, ``--repeat``
versions one after the other, each rewording the first paragraph of another 1% of the units (sections,
supplements, CCL entries) of the one before, stored in a database file as ``tracker ingest`` stores them: the
parse (a :class:`SectionCache` warm on the versions before, ``refs=False``) and :meth:`Store.ingest`, next to bare
``lxml.etree.parse`` of the same bytes, in the same round; medians of wall and CPU milliseconds.

Each version here is edited from the one before, so each moves every unit after its first edit: a reworded "License
Requirements" line of a CCL entry is read as an unmarked paragraph, one record more, and the cached entries after it
are renumbered (~14,600 records for Part 774; in place, since the version before was dropped once stored, as
tracker ingest drops it: :func:`tracker.parse.cache._alone`). bench/parse.py's cached re-parse edits the real file
afresh each round, so only the units between two rounds' edits move there: that is why its parse of Part 774 is
some half of the one here. Both are real: an amendment that adds a paragraph early in a Part moves the rest of it.

The parse runs with the cyclic garbage collector paused (:mod:`tracker.parse.collector`): the one pass over the
objects it made falls in the ingest that follows it, so compare totals, not the ingest alone, across that change.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree  # noqa: E402

from bench.parse import DEFAULT_FILE, PART_774, _edited  # noqa: E402
from tracker.parse import SectionCache, parse_bytes  # noqa: E402
from tracker.store import Store  # noqa: E402

PART_740 = DEFAULT_FILE


def used_bytes(store: Store, path: Path) -> tuple[int, int]:
    """(bytes in used pages, file size) of the database."""
    pages, free, size = (store.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count",
                                                                                  "page_size"))
    return (pages - free) * size, path.stat().st_size


def measure(versions: int = 50, percent: float = 1.0) -> dict[str, Any]:
    """Database size after the first and after all ``versions`` (``percent`` of paragraphs changed in each)."""
    data = PART_740.read_bytes()
    version = parse_bytes(data, PART_740.name)
    per_version = max(1, round(len(version) * percent / 100))
    rnd = random.Random(740)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "tracker.db")
        store = Store(path)
        day = date(2024, 1, 1)
        store.ingest(version, part="740", date=day.isoformat(), source="v1", sha256="v1", size=len(data))
        first, first_counts = used_bytes(store, path), store.counts()
        start = time.perf_counter()
        for n in range(2, versions + 1):
            day += timedelta(days=7)
            version = list(version)
            for i in rnd.sample(range(len(version)), per_version):
                version[i] = replace(version[i], text=version[i].text.replace(" ", f" amended{n} ", 1))
            store.ingest(version, part="740", date=day.isoformat(), source=f"v{n}", sha256=f"v{n}", size=len(data))
        seconds = time.perf_counter() - start
        last, last_counts = used_bytes(store, path), store.counts()
        store.close()
    return {
        "paragraphs": len(version), "per_version": per_version, "seconds": seconds,
        "first": first, "first_counts": first_counts, "last": last, "last_counts": last_counts,
        "growth": last[0] / first[0],
    }


@contextmanager
def _timed(into: dict[str, list[float]], name: str) -> Iterator[None]:
    """Add the wall and CPU milliseconds of the block to ``into[name]`` and ``into[name + "_cpu"]``."""
    start, cpu = time.perf_counter(), time.process_time()
    yield
    into.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    into.setdefault(f"{name}_cpu", []).append((time.process_time() - cpu) * 1000)


def measure_reingest(path: Path, part: str, repeat: int = 9) -> dict[str, float]:
    """Median milliseconds (wall; ``_cpu``: CPU) of the parse, the ingest and bare lxml of ``repeat`` successive
    versions of ``path``, each with ~1% of the units of the one before reworded (the module docs)."""
    data = path.read_bytes()
    versions = [data]
    for n in range(repeat + 1):  # one warm-up version
        versions.append(_edited(versions[-1], (7 * n) % 100))
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store, cache = Store(Path(tmp, "tracker.db")), SectionCache()
        day = date(2024, 1, 1)
        for n, version in enumerate(versions):
            day += timedelta(days=7)
            into: dict[str, list[float]] = times if n > 1 else {}  # the first two: cold, and the warm-up
            with _timed(into, "parse"):
                paragraphs = parse_bytes(version, cache=cache, refs=False)
            with _timed(into, "ingest"):
                store.ingest(paragraphs, part=part, date=day.isoformat(), source=f"v{n}", sha256=f"v{n}",
                             size=len(version))
            del paragraphs  # dropped once stored, as tracker ingest drops them
            with _timed(into, "lxml"):
                etree.parse(io.BytesIO(version))
        store.close()
    out = {name: statistics.median(t) for name, t in times.items()}
    for cpu in ("", "_cpu"):
        out[f"total{cpu}"] = out[f"parse{cpu}"] + out[f"ingest{cpu}"]
        out[f"ratio{cpu}"] = out[f"total{cpu}"] / out[f"lxml{cpu}"]
    return out


def print_reingest(repeat: int) -> None:
    print(f"re-ingest of a version with ~1% of units changed (median of {repeat}; ms wall, CPU in brackets):")
    print(f"{'part':6}{'parse':>16}{'Store.ingest':>16}{'total':>16}{'bare lxml':>14}{'total/lxml':>18}")
    for path, part in ((PART_740, "740"), (PART_774, "774")):
        r = measure_reingest(path, part, repeat)
        cells = [f"{r[k]:>7.1f} ({r[k + '_cpu']:>5.1f})" for k in ("parse", "ingest", "total")]
        verdict = "met" if r["ratio_cpu"] <= 2.5 else "NOT met"
        print(f"{part:6}{cells[0]:>16}{cells[1]:>16}{cells[2]:>16}{r['lxml']:>6.1f} ({r['lxml_cpu']:>4.1f})"
              f"{r['ratio']:>8.1f}x ({r['ratio_cpu']:.1f}x)  (<= 2.5x: {verdict})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=50)
    ap.add_argument("--percent", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    print_reingest(args.repeat)
    r = measure(args.versions, args.percent)
    first, last = r["first"], r["last"]
    print(f"Part 740: {r['paragraphs']} paragraphs; {args.versions} versions, {r['per_version']} paragraphs changed "
          "in each")
    print(f"after version 1: {first[0]:,} bytes in use ({first[1]:,} file), {r['first_counts']}")
    print(f"after version {args.versions}: {last[0]:,} bytes in use ({last[1]:,} file), {r['last_counts']}")
    print(f"growth: {last[0] / first[0]:.3f}x in use, {last[1] / first[1]:.3f}x file (goal < 1.5x)")
    each = r["seconds"] / (args.versions - 1) * 1000
    print(f"ingest of versions 2..{args.versions}: {r['seconds']:.2f} s ({each:.0f} ms each)")


if __name__ == "__main__":
    main()
