"""Benchmark: ``tracker history`` with 10 and with 1,000 stored versions (synthetic, from real Part 740).

Each synthetic version edits one paragraph somewhere in § 740.2–740.9 (a different one each time);
§ 740.10 itself changes in five of them, whatever the count. Run: ``python -m tests.history.bench_history``.
The goal is a ratio of at most 2: history reads the key's spans, not every version.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta

from tests.history.conftest import ingest
from tests.support import PART_740, require
from tracker.history import history
from tracker.parse import parse_file
from tracker.store import Store


def build(n: int) -> Store:
    base = parse_file(require(PART_740))
    others = [i for i, p in enumerate(base) if p.unit in {f"740.{k}" for k in range(2, 10)} and p.kind == "paragraph"]
    key_at = next(i for i, p in enumerate(base) if p.citation == "740.10(a)(2)(ii)")
    key_dates = {n * k // 5 for k in range(1, 5)} | {n - 1}
    store = Store(":memory:")
    current = list(base)
    for v in range(n):
        day = (date(2000, 1, 3) + timedelta(days=7 * v)).isoformat()
        i = key_at if v in key_dates else others[v % len(others)]
        current[i] = replace(current[i], text=current[i].text + f" [v{v}]")
        ingest(store, current, "740", day)
    return store


def timed(store: Store, repeat: int = 20) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        history(store, "740.10")
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    results = {}
    for n in (10, 1000):
        t = time.perf_counter()
        store = build(n)
        built = time.perf_counter() - t
        results[n] = timed(store)
        print(f"{n:5d} versions: built in {built:.1f} s; history(740.10) best of 20: {results[n] * 1000:.2f} ms"
              f" ({len(history(store, '740.10').entries)} change dates)")
    print(f"ratio 1000/10: {results[1000] / results[10]:.2f} (goal ≤ 2)")


if __name__ == "__main__":
    main()
