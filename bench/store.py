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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.parse import parse_bytes  # noqa: E402
from tracker.paths import shared_dir  # noqa: E402
from tracker.store import Store  # noqa: E402

PART_740 = shared_dir() / "data" / "ecfr-api" / "full-2026-09-01-title-15-part-740.xml"


def used_bytes(store: Store, path: Path) -> tuple[int, int]:
    """(bytes in used pages, file size) of the database."""
    pages, free, size = (store.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count",
                                                                                  "page_size"))
    return (pages - free) * size, path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=50)
    ap.add_argument("--percent", type=float, default=1.0)
    args = ap.parse_args()
    data = PART_740.read_bytes()
    version = parse_bytes(data, PART_740.name)
    per_version = max(1, round(len(version) * args.percent / 100))
    rnd = random.Random(740)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "tracker.db")
        store = Store(path)
        day = date(2024, 1, 1)
        store.ingest(version, part="740", date=day.isoformat(), source="v1", sha256="v1", size=len(data))
        first, first_counts = used_bytes(store, path), store.counts()
        start = time.perf_counter()
        for n in range(2, args.versions + 1):
            day += timedelta(days=7)
            version = list(version)
            for i in rnd.sample(range(len(version)), per_version):
                version[i] = replace(version[i], text=version[i].text.replace(" ", f" amended{n} ", 1))
            store.ingest(version, part="740", date=day.isoformat(), source=f"v{n}", sha256=f"v{n}", size=len(data))
        seconds = time.perf_counter() - start
        last, last_counts = used_bytes(store, path), store.counts()
        store.close()
    print(f"Part 740: {len(version)} paragraphs; {args.versions} versions, {per_version} paragraphs changed in each")
    print(f"after version 1: {first[0]:,} bytes in use ({first[1]:,} file), {first_counts}")
    print(f"after version {args.versions}: {last[0]:,} bytes in use ({last[1]:,} file), {last_counts}")
    print(f"growth: {last[0] / first[0]:.3f}x in use, {last[1] / first[1]:.3f}x file (goal < 1.5x)")
    each = seconds / (args.versions - 1) * 1000
    print(f"ingest of versions 2..{args.versions}: {seconds:.2f} s ({each:.0f} ms each)")


if __name__ == "__main__":
    main()
