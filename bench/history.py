"""``tracker history`` with 10 and with 1,000 stored versions (synthetic, from the real Part 740).

Each synthetic version edits one paragraph somewhere in §§ 740.2-740.9 (a different one each time);
§ 740.10 itself changes in five of them, whatever the count. The goal is a ratio of at most 2:
history reads the key's spans, not every version. Run from the project root::

    python bench/history.py
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import DEFAULT_FILE  # noqa: E402
from tracker.history import history  # noqa: E402
from tracker.parse import parse_file  # noqa: E402
from tracker.store import Store  # noqa: E402


def build(n: int) -> Store:
    """An in-memory store with ``n`` versions of Part 740, one paragraph edited per version."""
    base = parse_file(DEFAULT_FILE)
    sections = {f"740.{k}" for k in range(2, 10)}
    others = [i for i, p in enumerate(base) if p.unit in sections and p.kind == "paragraph"]
    key_at = next(i for i, p in enumerate(base) if p.citation == "740.10(a)(2)(ii)")
    key_versions = {n * k // 5 for k in range(1, 5)} | {n - 1}
    store = Store(":memory:")
    current = list(base)
    for v in range(n):
        day = (date(2000, 1, 3) + timedelta(days=7 * v)).isoformat()
        i = key_at if v in key_versions else others[v % len(others)]
        current[i] = replace(current[i], text=current[i].text + f" [v{v}]")
        digest = hashlib.sha256(f"{day}{current[i].text}".encode()).hexdigest()
        store.ingest(current, part="740", date=day, source=f"synthetic {day}", sha256=digest, size=0)
    return store


def best_times(stores: dict[int, Store], key: str = "740.10", repeat: int = 20) -> dict[int, float]:
    """Best of ``repeat`` timings of ``history(store, key)`` for each store, in seconds: the stores timed in turn in
    every round, side by side (so a machine busy for a while slows them alike)."""
    best = dict.fromkeys(stores, float("inf"))
    for _ in range(repeat):
        for n, store in stores.items():
            start = time.perf_counter()
            history(store, key)
            best[n] = min(best[n], time.perf_counter() - start)
    return best


def measure(counts: tuple[int, ...] = (10, 1000)) -> dict[int, float]:
    return best_times({n: build(n) for n in counts})


def main() -> None:
    results = measure()
    for n, seconds in results.items():
        print(f"{n:5d} versions: history(740.10) best of 20: {seconds * 1000:.2f} ms")
    print(f"ratio 1000/10: {results[1000] / results[10]:.2f} (goal <= 2)")


if __name__ == "__main__":
    main()
