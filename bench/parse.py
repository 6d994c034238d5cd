"""Cold keyed parse next to bare lxml on the largest real files (issue 15's goal: within 8x of ``lxml.etree.parse``).

Run from the project root::

    python bench/parse.py [--repeat 9] [FILE.xml ...]

Without files: the whole of Part 740 (404 KB) and of Part 774 (2.1 MB, the CCL). For each file,
``tracker.parse.parse_bytes`` and bare ``lxml.etree.parse`` run on the same bytes in the same process, one
after the other in every round (so a loaded machine slows both alike); the figures are the median seconds
per MB of input and their ratio. A benchmark, never a timed test.
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

from tests.support import ECFR_API, PART_740  # noqa: E402
from tracker.parse import parse_bytes  # noqa: E402

DEFAULT_FILE = PART_740
PART_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"
FILES = (PART_740, PART_774)


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def medians(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median wall time of each function over ``repeat`` rounds (one warm-up round), the functions run in turn."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            times[name].append(_seconds(fn))
    return {name: statistics.median(t) for name, t in times.items()}


def measure(path: Path, repeat: int = 9) -> dict[str, float]:
    """Seconds per MB for ``tracker.parse.parse_bytes`` and bare ``lxml.etree.parse``, and their ratio."""
    data = path.read_bytes()
    mb = len(data) / 1_000_000
    t = medians({"ours": lambda: parse_bytes(data, path.name), "bare": lambda: etree.parse(io.BytesIO(data))},
                repeat)
    ours, bare = t["ours"] / mb, t["bare"] / mb
    return {"mb": mb, "parser_s_per_mb": ours, "lxml_s_per_mb": bare, "ratio": ours / bare}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=list(FILES))
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    print(f"median of {args.repeat}; s/MB")
    print(f"{'file':44}{'MB':>7}{'records':>9}{'tracker':>10}{'lxml':>10}{'ratio':>8}")
    for path in args.files:
        r = measure(path, args.repeat)
        records = len(parse_bytes(path.read_bytes(), path.name))
        verdict = "met" if r["ratio"] <= 8 else "NOT met"
        print(f"{path.name:44}{r['mb']:>7.3f}{records:>9}{r['parser_s_per_mb']:>10.4f}{r['lxml_s_per_mb']:>10.4f}"
              f"{r['ratio']:>7.1f}x  (<= 8x: {verdict})")


if __name__ == "__main__":
    main()
