"""Parser speed next to bare lxml on the largest real file (goal: within 3x of ``lxml.etree.parse``).

Run from the project root::

    python bench/parse.py [--repeat 9] [FILE.xml]

Both are timed side by side in the same process on the same bytes; the figure is the median
seconds per MB of input and their ratio. A benchmark, never a timed test.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import PART_740  # noqa: E402
from tracker.parse import parse_bytes  # noqa: E402

DEFAULT_FILE = PART_740


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``fn`` (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path: Path, repeat: int = 9) -> dict[str, float]:
    """Seconds per MB for ``tracker.parse.parse_bytes`` and bare ``lxml.etree.parse``, and their ratio."""
    data = path.read_bytes()
    mb = len(data) / 1_000_000
    ours = median_seconds(lambda: parse_bytes(data, path.name), repeat) / mb
    bare = median_seconds(lambda: etree.parse(io.BytesIO(data)), repeat) / mb
    return {"mb": mb, "parser_s_per_mb": ours, "lxml_s_per_mb": bare, "ratio": ours / bare}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    r = measure(args.file, args.repeat)
    records = len(parse_bytes(args.file.read_bytes(), args.file.name))
    print(f"file: {args.file.name} ({r['mb']:.3f} MB, {records} records), median of {args.repeat}")
    print(f"{'':24}{'s/MB':>10}")
    print(f"{'tracker parse_bytes':24}{r['parser_s_per_mb']:>10.4f}")
    print(f"{'bare lxml.etree.parse':24}{r['lxml_s_per_mb']:>10.4f}")
    verdict = "met" if r["ratio"] <= 3 else "NOT met"
    print(f"ratio parser/lxml: {r['ratio']:.1f}x (goal <= 3x: {verdict})")


if __name__ == "__main__":
    main()
