"""Storage growth of the temporal store: 50 versions of real Part 740, each changing 1% of its paragraphs.

Run from the project root::

    python bench/store.py [--versions 50] [--percent 1]

Version 1 is the real Part 740 (2026-09-01); each later version changes the words of a different
``--percent`` of its paragraphs (one word inserted, as an amendment would). Prints the database
size after the first version and after all of them (bytes in use, i.e. pages minus free pages,
and the file size), their ratio (goal: below 1.5), the row counts, and the ingest time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import DEFAULT_FILE  # noqa: E402
from tracker.parse import parse_bytes  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=50)
    ap.add_argument("--percent", type=float, default=1.0)
    args = ap.parse_args()
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
