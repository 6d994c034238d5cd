"""The benchmark report: every figure measured side by side in one run, written to bench/RESULTS.md.

Run from the project root (a few minutes; needs the test extra for the local eCFR stand-in)::

    python bench/run.py [--repeat 9] [--out bench/RESULTS.md]

Inputs are the real Part 740 XML from ../shared (``TRACKER_SHARED`` overrides) and synthetic versions
derived from it by word edits to 1% of its paragraphs per version. Each figure comes from the
single-purpose scripts beside this one (parse.py, diff.py, store.py, history.py, startup.py, memory.py); goals come from
the issues and are marked met or not met as measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import diff, history, memory, parse, startup, store  # noqa: E402
from tests.compiled import compiled_sources  # noqa: E402

_PEAK = "print([ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0])"


def peak_memory_kb(path: Path) -> tuple[int, int]:
    """Peak RSS (VmHWM, reset at exec unlike ru_maxrss) of a process parsing and ingesting ``path``; of a bare one."""
    ingest = (
        f"import sys, hashlib, pathlib; sys.path.insert(0, {str(ROOT)!r});"
        "from tracker.store import Store; from tracker.parse import parse_bytes;"
        f"d = pathlib.Path({str(path)!r}).read_bytes();"
        "Store(':memory:').ingest(parse_bytes(d, refs=False), part='740', date='2024-01-01', source='x',"
        " sha256=hashlib.sha256(d).hexdigest(), size=len(d));" + _PEAK
    )
    bare = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import tracker.store, tracker.parse; {_PEAK}"

    def run(code: str) -> int:
        return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)

    return run(ingest), run(bare)


def idle_run() -> dict[str, float]:
    """``tracker run`` when nothing is new, against a local eCFR stand-in serving the real Part 740."""
    import logging

    from pytest_httpserver import HTTPServer

    from tests.fetch.conftest import PART_740_FULL, Sources, make_config
    from tracker.run import run

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log lines in the report output
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        Sources(server).add_version("740", "2026-09-01", PART_740_FULL.read_bytes())
        with tempfile.TemporaryDirectory() as tmp:
            config = make_config(server, Path(tmp), parts=("740",), reports_dir=Path(tmp, "reports"))
            run(config, log=lambda line: None)  # the first run stores the baseline
            before = len(server.log)
            start = time.perf_counter()
            outcome = run(config, log=lambda line: None)
            seconds = time.perf_counter() - start
        return {"seconds": seconds, "requests": len(server.log) - before, "exit": outcome.exit_code}
    finally:
        server.stop()


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _parse_rows(repeat: int) -> list[tuple[str, str, str, str]]:
    out = []
    for name, path in (("Part 740", parse.DEFAULT_FILE), ("Part 774 (the whole CCL)", parse.PART_774)):
        size = f"{path.stat().st_size / 1e6:.1f} MB"
        p = parse.measure(path, repeat)
        out.append((
            f"cold keyed parse of {name}, {size} (references left to ingest), s per MB",
            f"{p['parser_s_per_mb']:.4f}",
            f"bare `lxml.etree.parse` {p['lxml_s_per_mb']:.4f}; tracker/lxml = {p['ratio']:.1f}x wall, "
            f"{p['cpu_ratio']:.1f}x CPU (with every record's references: {p['refs_ratio']:.1f}x wall, "
            f"{p['refs_cpu_ratio']:.1f}x CPU; the floor pass of `bench/parse.py`, each child of each section and"
            f" supplement read once into one record: {p['floor_ratio']:.1f}x wall, {p['floor_cpu_ratio']:.1f}x CPU)",
            f"<= 8x lxml: {verdict(p['ratio'] <= 8)}",
        ))
        c = parse.measure_cached(path, repeat)
        out.append((
            f"parse of a new version of {name} with ~1% of its units changed (section cache warm), s per MB",
            f"{c['parser_s_per_mb']:.4f}",
            f"bare lxml of that version {c['lxml_s_per_mb']:.4f}; ratio {c['ratio']:.1f}x wall, "
            f"{c['cpu_ratio']:.1f}x CPU (the parse only; the whole-tree cached parse: {c['tree_ratio']:.1f}x wall,"
            f" {c['tree_cpu_ratio']:.1f}x CPU)",
            "",
        ))
        part = "740" if path == parse.DEFAULT_FILE else "774"
        r = store.measure_reingest(path, part, repeat)
        out.append((
            f"re-ingest of a new version of {name} with ~1% of its units changed: parse (cache warm) +"
            " Store.ingest, ms",
            f"{r['total']:.1f}",
            f"parse {r['parse']:.1f} + ingest {r['ingest']:.1f}; bare lxml of that version {r['lxml']:.1f};"
            f" ratio {r['ratio']:.1f}x wall, {r['ratio_cpu']:.1f}x CPU",
            f"<= 2.5x lxml: {verdict(r['ratio'] <= 2.5)}",
        ))
    return out


def _diff_rows(repeat: int) -> list[tuple[str, str, str, str]]:
    out = []
    for percent, goal in ((1.0, 10.0), (5.0, 1.0)):
        d = diff.measure(max(repeat, 9), percent)
        t = d["times"]
        ours, git, dmp = t["tracker diff_dates"], t["git diff --word-diff"], t["whole-document dmp"]
        cpu = t["whole-document dmp_cpu"] / t["tracker diff_dates_cpu"]
        red, js = t["tracker diff_dates + redlines"], t["tracker diff_dates + json"]
        cold = t["tracker diff_dates (cold caches)"]
        out.append((
            f"diff two stored versions of Part 740 at {percent:g}% churn ({len(d['changes'])} changes; redlines"
            " worked out when read), ms",
            f"{ours * 1000:.2f}",
            f"`git diff --no-index --word-diff` {git * 1000:.2f}; whole-document dmp {dmp * 1000:.2f} "
            f"({dmp / ours:.1f}x wall, {cpu:.1f}x CPU); with the per-text caches emptied first {cold * 1000:.2f}"
            f" ({dmp / cold:.1f}x); with every redline read {red * 1000:.2f} ({dmp / red:.1f}x),"
            f" with the JSON `tracker diff` prints {js * 1000:.2f} ({dmp / js:.1f}x); same changes as whole versions:"
            f" {d['same']}",
            f">= {goal:g}x faster than dmp (CPU): {verdict(cpu >= goal and cpu > 1)}",
        ))
    return out


def _startup_rows(repeat: int) -> list[tuple[str, str, str, str]]:
    m = startup.measure(max(repeat, 9))
    bare, click = m["python -c pass"], m["python -c 'import click'"]
    floor = f"`python -c pass` {bare['median_ms']:.0f} ms, `import click` {click['median_ms']:.0f} ms"
    out = []
    for name in ("tracker --help", startup.IDLE, startup.IDLE_FETCH):
        r = m[name]
        heavy = ", ".join(str(h) for h in r["heavy"]) or "none"  # type: ignore[attr-defined]
        asked = f"; {r['requests']} HTTP request(s)" if "requests" in r else ""
        out.append((
            f"`{name}` as a whole process, ms (median wall)",
            f"{r['median_ms']:.0f}",
            f"best {r['best_ms']:.0f} ms, CPU {r['cpu_ms']:.0f} ms; {floor}; heavy libraries loaded: {heavy}{asked}",
            f"<= 80 ms: {verdict(float(str(r['median_ms'])) <= 80)}" if name in startup.GOAL_COMMANDS
            else "none (the goal's idle run is `--no-fetch`; this one imports an HTTP client and waits for a server)",
        ))
    return out


def rows(repeat: int, versions: int) -> list[tuple[str, str, str, str]]:
    out = _parse_rows(repeat) + _diff_rows(repeat) + _startup_rows(repeat)
    s = store.measure(versions)
    out.append((
        f"ingest {versions} versions at 1% churn",
        f"{s['seconds']:.2f} s",
        f"{s['seconds'] / (versions - 1) * 1000:.0f} ms per version (parsed paragraphs in, {s['paragraphs']} each)",
        "",
    ))
    out.append((
        f"database bytes, {versions} versions vs 1",
        f"{s['last'][0]:,}",
        f"after 1 version {s['first'][0]:,}: {s['growth']:.2f}x ({versions} full copies: {versions}x); "
        f"each version adds {s['per_version']} new texts: ~{versions - 1}% new text in all",
        "",
    ))
    s50 = store.measure(50)
    out.append((
        "database bytes, 50 versions vs 1 (issue 3's measure)",
        f"{s50['last'][0]:,}",
        f"after 1 version {s50['first'][0]:,}: {s50['growth']:.3f}x",
        f"< 1.5x at 1% churn: {verdict(s50['growth'] < 1.5)}",
    ))
    h = history.measure((10, 1000))
    out.append((
        "`tracker history 740.10`, 10 vs 1,000 versions, ms",
        f"{h[1000] * 1000:.2f}",
        f"10 versions {h[10] * 1000:.2f}; ratio {h[1000] / h[10]:.2f}",
        f"<= 2x: {verdict(h[1000] / h[10] <= 2)}",
    ))
    r = idle_run()
    out.append((
        "`tracker run` with nothing new",
        f"{r['seconds'] * 1000:.1f} ms",
        f"{r['requests']} HTTP request(s) (titles.json); exit code {r['exit']}",
        "",
    ))
    peak, bare = peak_memory_kb(parse.DEFAULT_FILE)
    out.append((
        "peak memory, parse + ingest of Part 740 (404 KB)",
        f"{peak / 1024:.1f} MB",
        f"interpreter with tracker imported {bare / 1024:.1f} MB: {(peak - bare) / 1024:.1f} MB for the work",
        "",
    ))
    m = memory.measure()
    out.append((
        f"extra memory, ingest of the whole Part 774 ({memory.PART_774.stat().st_size / 1e6:.1f} MB)",
        f"{m['extra_mib']:.1f} MiB",
        f"peak {m['peak_mib']:.1f} MiB, interpreter with tracker imported {m['bare_mib']:.1f} MiB; "
        f"{m['ratio']:.1f}x the file's size",
        f"<= 8x its size: {verdict(m['ratio'] <= 8)}",
    ))
    return out


def _build() -> str:
    """How the parser runs: how many of tracker's modules are compiled (hatch_build.py), or pure Python."""
    compiled = compiled_sources()
    if not compiled:
        return "pure Python (no module compiled)"
    return (f"{len(compiled)} of tracker's modules compiled with mypyc (hatch_build.py: the parser's and the differ's "
            "hot modules), the rest pure Python")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--versions", type=int, default=100)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    table = ["| figure | tracker | side by side | goal |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {g} |" for a, b, c, g in rows(args.repeat, args.versions)]
    header = [
        "# Benchmark results",
        "",
        f"- Command: `python bench/run.py --repeat {args.repeat} --versions {args.versions}` (project root)",
        f"- Date: {date.today().isoformat()}",
        f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"- Build: {_build()}",
        f"- Input: the real Part 740 XML ({parse.DEFAULT_FILE.stat().st_size:,} bytes) and synthetic versions derived "
        "from it (1% of paragraphs edited per version); timings are medians (history: best of 20).",
        "",
    ]
    text = "\n".join(header + table) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
