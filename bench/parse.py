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
from tracker.model import Paragraph, new_paragraph  # noqa: E402
from tracker.parse import parse_bytes, parse_tree  # noqa: E402
from tracker.parse.cache import SectionCache  # noqa: E402
from tracker.parse.ccl_entries import opens_entry  # noqa: E402
from tracker.xmltext import inline_text, load_xml  # noqa: E402

DEFAULT_FILE = PART_740
PART_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"
FILES = (PART_740, PART_774)


def _seconds(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def medians(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median wall time (``name``) and CPU time (``name_cpu``, the steadier figure on a shared machine) of each
    function over ``repeat`` rounds (one warm-up round), the functions run in turn."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            wall, cpu = _seconds(fn)
            times.setdefault(name, []).append(wall)
            times.setdefault(f"{name}_cpu", []).append(cpu)
    return {name: statistics.median(t) for name, t in times.items()}


def floor_pass(data: bytes) -> list[Paragraph]:
    """The least any keyed parse does, as a yardstick: the tree parsed, the inline text of every child of every
    section and supplement read once (a table's cells, a note's paragraphs, as one text), and one record made of
    each under a key of its own. No marker, level, field, item, row or note is told apart."""
    records: list[Paragraph] = []
    keys: set[str] = set()
    for unit in etree.parse(io.BytesIO(data)).getroot().iter("DIV8", "DIV9"):
        name = unit.get("N") or ""
        for el in unit:
            key = f"{name} {len(records)}"
            keys.add(key)
            records.append(new_paragraph(key, "", name, name, "", "text", "", inline_text(el), len(records), ()))
    return records


def measure(path: Path, repeat: int = 9) -> dict[str, float]:
    """Seconds per MB for the keyed parse as ingest runs it (``parse_bytes(refs=False)``: references are found at
    ingest, for new texts only), for ``parse_bytes`` with every record's references, for bare
    ``lxml.etree.parse`` and for :func:`floor_pass`, and their ratios (``refs_``: the parse with references;
    ``floor_``: the floor pass to bare lxml, in rounds of their own)."""
    data = path.read_bytes()
    mb = len(data) / 1_000_000
    t = medians({"ours": lambda: parse_bytes(data, path.name, refs=False),
                 "refs": lambda: parse_bytes(data, path.name),
                 "bare": lambda: etree.parse(io.BytesIO(data))}, repeat)
    # in rounds of its own: the floor pass run between the others changes what they measure (740: 8.7x -> 12.1x)
    f = medians({"floor": lambda: floor_pass(data), "bare": lambda: etree.parse(io.BytesIO(data))}, repeat)
    ours, bare = t["ours"] / mb, t["bare"] / mb
    return {"mb": mb, "parser_s_per_mb": ours, "lxml_s_per_mb": bare, "ratio": ours / bare,
            "cpu_ratio": t["ours_cpu"] / t["bare_cpu"], "refs_ratio": t["refs"] / t["bare"],
            "refs_cpu_ratio": t["refs_cpu"] / t["bare_cpu"], "floor_ratio": f["floor"] / f["bare"],
            "floor_cpu_ratio": f["floor_cpu"] / f["bare_cpu"]}


def _edited(data: bytes, offset: int, step: int = 100) -> bytes:
    """The document with the first paragraph of every ``step``-th unit (section, supplement, CCL entry) reworded,
    starting at unit ``offset``: about 1% of its units changed."""
    root = etree.fromstring(data)
    units: list[etree._Element] = []
    for el in root.iter("DIV8", "DIV9"):
        entries = [c for c in el if opens_entry(c)] if el.tag == "DIV9" else []
        units += entries or [el]
    for unit in units[offset::step]:
        scope = [unit] if unit.tag in ("DIV8", "DIV9") else [unit, *unit.itersiblings()][1:2]
        found = next((p for el in scope for p in el.iter("P", "FP", "FP-1", "FP-2")), None)
        if found is not None:
            found.text = f"{found.text or ''} (edited)"
    return etree.tostring(root)


def measure_cached(path: Path, repeat: int = 9) -> dict[str, float]:
    """Parses (references left out: the parse only) with a :class:`SectionCache` that has seen the file, of
    versions with ~1% of the units reworded (a different 1% each round), side by side in every round: the
    bytes-split path (``parse_bytes``), the whole-tree path (``parse_tree`` of ``load_xml``: the cached parse before
    the split, units known by their serialised XML) and bare lxml of the same version. Seconds per MB; ratios to
    lxml, wall and CPU."""
    data = path.read_bytes()
    split_cache, tree_cache = SectionCache(), SectionCache()
    parse_bytes(data, cache=split_cache, refs=False)
    parse_tree(load_xml(data), cache=tree_cache, refs=False)
    versions = iter([_edited(data, i % 100) for i in range(repeat + 1)])
    mb = len(data) / 1_000_000
    current: list[bytes] = []

    def split() -> object:
        current[:] = [next(versions)]
        return parse_bytes(current[0], cache=split_cache, refs=False)

    t = medians({"split": split, "tree": lambda: parse_tree(load_xml(current[0]), cache=tree_cache, refs=False),
                 "bare": lambda: etree.parse(io.BytesIO(current[0]))}, repeat)
    out = {"mb": mb, "lxml_s_per_mb": t["bare"] / mb}
    for name in ("split", "tree"):
        out |= {f"{name}_s_per_mb": t[name] / mb, f"{name}_ratio": t[name] / t["bare"],
                f"{name}_cpu_ratio": t[f"{name}_cpu"] / t["bare_cpu"]}
    # bench/run.py reads the parse's own figures under these names
    return out | {"parser_s_per_mb": out["split_s_per_mb"], "ratio": out["split_ratio"],
                  "cpu_ratio": out["split_cpu_ratio"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=list(FILES))
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    print(f"median of {args.repeat}; wall s/MB, ratio of wall times and of CPU times")
    print(f"{'file':44}{'MB':>7}{'records':>9}{'tracker':>10}{'lxml':>10}{'ratio':>8}{'CPU':>8}")
    for path in args.files:
        r = measure(path, args.repeat)
        records = len(parse_bytes(path.read_bytes(), path.name))
        verdict = "met" if r["ratio"] <= 8 else "NOT met"
        print(f"{path.name:44}{r['mb']:>7.3f}{records:>9}{r['parser_s_per_mb']:>10.4f}{r['lxml_s_per_mb']:>10.4f}"
              f"{r['ratio']:>7.1f}x{r['cpu_ratio']:>7.1f}x  (<= 8x: {verdict}; with references"
              f" {r['refs_ratio']:.1f}x, CPU {r['refs_cpu_ratio']:.1f}x; a floor pass {r['floor_ratio']:.1f}x,"
              f" CPU {r['floor_cpu_ratio']:.1f}x)")
    print("cached parse, references left out (SectionCache warm on the file), of versions with ~1% of units reworded:")
    for path in args.files:
        r = measure_cached(path, args.repeat)
        for name, label in (("split", "bytes split"), ("tree", "whole tree")):
            print(f"{path.name[:31] + ' ' + label:44}{r['mb']:>7.3f}{'':>9}{r[name + '_s_per_mb']:>10.4f}"
                  f"{r['lxml_s_per_mb']:>10.4f}{r[name + '_ratio']:>7.2f}x{r[name + '_cpu_ratio']:>7.2f}x")


if __name__ == "__main__":
    main()
