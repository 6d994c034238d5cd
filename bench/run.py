"""The benchmark report: every figure measured side by side in one run, written to bench/RESULTS.md.

Run from the project root (takes a few minutes)::

    python bench/run.py [--repeat 5] [--out bench/RESULTS.md]

Inputs are the real Part 740 XML from ../shared (``TRACKER_SHARED`` overrides) and synthetic versions
derived from it by random word edits to 1% of its paragraphs per version. Each timing is the median of
``--repeat`` runs. Goals come from the issues and are marked met or not met as measured.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from diff_match_patch import diff_match_patch
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.parse import DEFAULT_FILE, measure  # noqa: E402
from tracker.diff import compare  # noqa: E402
from tracker.parse import parse_bytes  # noqa: E402
from tracker.store import Store  # noqa: E402

CHURN = 0.01


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_versions(base: bytes, count: int, *, churn: float = CHURN, seed: int = 7) -> Iterator[bytes]:
    """``count`` versions of ``base``: each edits one word in ``churn`` of the P elements of the previous."""
    rng = random.Random(seed)
    tree = etree.fromstring(base)
    paragraphs = [p for p in tree.iter("P") if p.text and len(p.text.split()) > 3]
    per_version = max(1, round(len(paragraphs) * churn))
    yield etree.tostring(tree, encoding="utf-8")
    for n in range(1, count):
        for p in rng.sample(paragraphs, per_version):
            words = p.text.split()
            words[rng.randrange(1, len(words))] = f"edit{n}"
            p.text = " ".join(words) + " "
        yield etree.tostring(tree, encoding="utf-8")


def version_date(n: int) -> str:
    return (date(2020, 1, 1) + timedelta(days=n)).isoformat()


def ingest_all(db: Path, versions: list[bytes]) -> Store:
    store = Store(db)
    for n, data in enumerate(versions):
        store.ingest(
            parse_bytes(data, f"v{n}.xml"),
            part="740",
            date=version_date(n),
            source=f"v{n}.xml",
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )
    return store


def db_bytes(store: Store, path: Path) -> int:
    store.db.execute("VACUUM")
    return path.stat().st_size


def bench_ingest(versions: list[bytes], work: Path) -> dict[str, float]:
    one = work / "one.db"
    ingest_all(one, versions[:1])
    start = time.perf_counter()
    many_path = work / "many.db"
    many = ingest_all(many_path, versions)
    seconds = time.perf_counter() - start
    one_bytes = db_bytes(Store(one), one)
    many_bytes = db_bytes(many, many_path)
    ideal = one_bytes * (1 + CHURN * (len(versions) - 1))
    return {
        "versions": len(versions),
        "seconds": seconds,
        "one_bytes": one_bytes,
        "many_bytes": many_bytes,
        "growth": many_bytes / one_bytes,
        "vs_ideal": many_bytes / ideal,
        "naive_copies": one_bytes * len(versions) / many_bytes,
    }


def bench_diff(store: Store, a: bytes, b: bytes, work: Path, repeat: int) -> dict[str, float]:
    fa, fb = work / "a.xml", work / "b.xml"
    fa.write_bytes(a)
    fb.write_bytes(b)
    d0, d1 = version_date(0), version_date(1)

    def ours() -> None:
        compare(store.paragraphs_on("740", d0), store.paragraphs_on("740", d1))

    def git() -> None:
        subprocess.run(
            ["git", "diff", "--no-index", "--word-diff", str(fa), str(fb)], capture_output=True, check=False
        )

    text_a, text_b = a.decode(), b.decode()

    def dmp() -> None:
        engine = diff_match_patch()
        engine.Diff_Timeout = 0
        diffs = engine.diff_main(text_a, text_b)
        engine.diff_cleanupSemantic(diffs)

    t_ours, t_git, t_dmp = median_time(ours, repeat), median_time(git, repeat), median_time(dmp, max(1, repeat // 2))
    changes = len(compare(store.paragraphs_on("740", d0), store.paragraphs_on("740", d1)))
    return {"ours": t_ours, "git": t_git, "dmp": t_dmp, "changes": changes}


_PEAK = "print([ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0])"


def peak_memory_of_full_ingest(path: Path) -> tuple[int, int]:
    """Peak RSS in KB (VmHWM, reset at exec unlike ru_maxrss) of a process ingesting one Part, and of a bare one."""
    code = (
        "import sys, hashlib, pathlib;"
        f"sys.path.insert(0, {str(ROOT)!r});"
        "from tracker.store import Store; from tracker.parse import parse_bytes;"
        f"d = pathlib.Path({str(path)!r}).read_bytes();"
        "Store(':memory:').ingest(parse_bytes(d), part='740', date='2024-01-01', source='x',"
        " sha256=hashlib.sha256(d).hexdigest(), size=len(d));"
        + _PEAK
    )
    baseline = f"import sys, hashlib, pathlib, lxml.etree, sqlite_utils; {_PEAK}"
    run = lambda c: int(subprocess.run([sys.executable, "-c", c], capture_output=True, text=True).stdout)  # noqa: E731
    return run(code), run(baseline)


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--versions", type=int, default=100)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    base = DEFAULT_FILE.read_bytes()
    rows: list[tuple[str, str, str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        p = measure(DEFAULT_FILE, args.repeat)
        rows.append(
            (
                "parse Part 740 (s/MB)",
                f"{p['parser_s_per_mb']:.4f}",
                f"bare lxml.etree.parse {p['lxml_s_per_mb']:.4f}; ratio {p['ratio']:.1f}x",
                f"within 3x of lxml: {verdict(p['ratio'] <= 3)}",
            )
        )
        versions = list(synthetic_versions(base, args.versions))
        ing = bench_ingest(versions, work)
        rows.append(
            (
                f"ingest {ing['versions']} versions, 1% churn (s)",
                f"{ing['seconds']:.2f}",
                f"{ing['seconds'] / ing['versions'] * 1000:.0f} ms per version incl. parse",
                "",
            )
        )
        rows.append(
            (
                f"database bytes, {ing['versions']} versions vs 1",
                f"{ing['many_bytes']:,}",
                f"1 version {ing['one_bytes']:,}; {ing['growth']:.2f}x; full copies would be "
                f"{ing['naive_copies']:.0f}x larger; vs ideal growth-by-churn {ing['vs_ideal']:.2f}x",
                f"<= 1.5x of growth-by-churn: {verdict(ing['vs_ideal'] <= 1.5)}",
            )
        )
        store = Store(work / "many.db")
        d = bench_diff(store, versions[0], versions[1], work, args.repeat)
        rows.append(
            (
                "diff two versions (s)",
                f"{d['ours']:.4f}",
                f"git diff --word-diff {d['git']:.4f}; whole-document dmp {d['dmp']:.4f}; "
                f"{d['changes']} changes found",
                f"faster than git: {verdict(d['ours'] < d['git'])}; "
                f">= 10x faster than dmp: {verdict(d['dmp'] / d['ours'] >= 10)} ({d['dmp'] / d['ours']:.0f}x)",
            )
        )
        peak, baseline = peak_memory_of_full_ingest(DEFAULT_FILE)
        rows.append(
            ("peak memory, full ingest of Part 740 (KB)", f"{peak:,}", f"bare interpreter {baseline:,}", "")
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = ["| figure | tracker | side by side | goal |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {g} |" for a, b, c, g in rows]
    header = [
        "# Benchmark results",
        "",
        f"Command: `python bench/run.py --repeat {args.repeat} --versions {args.versions}` (from the project root)",
        f"Date: {date.today().isoformat()}; machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{_cpus()} CPUs",
        f"Input: {DEFAULT_FILE.name} ({len(base):,} bytes) and synthetic versions from it "
        f"(1% of paragraphs edited per version). Times are medians of {args.repeat} runs.",
        "",
    ]
    text = "\n".join(header + table) + "\n"
    args.out.write_text(text)
    print(text)


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
