"""tracker's diff of two stored dates next to ``git diff --no-index --word-diff`` and whole-document diff-match-patch.

Run from the project root::

    python bench/diff.py [--repeat 20] [--percent 1 5]

The two versions are the largest real Part we hold (Part 740, 2026-09-01) and a version derived
from it by editing ``--percent`` of its ``<P>`` paragraphs (one word added to each; each percentage
in turn). Both are parsed and ingested into a temporary tracker database file; git and whole-document
diff-match-patch (``Diff_Timeout = 0``, semantic cleanup) diff the two XML files. Figures, each the
median wall time of ``--repeat`` rounds after a warm-up, the ways run in turn in every round (so a
loaded machine slows them alike):

- ``tracker diff_dates``: what ``tracker diff`` does, reading only what changed (``Store.changed``: the
  spans that ended or started, counted up to by their document-order keys), with the store already open and
  each change's word redline left to be worked out when first read (``tracker.diff.redline.Redline``);
- ``tracker diff_dates (cold caches)``: that, with the differ's per-text caches emptied first (every round but
  the first finds them warm from the round before, as a daily run diffing nearby versions does; a one-off
  ``tracker diff`` does not);
- ``tracker diff_dates + redlines``: that, and every change's redline read (as any renderer reads them);
- ``tracker diff_dates + json``: that, and the JSON ``tracker diff --format json`` prints (every redline
  worked out): what the command does but for opening the store, which ``open store (read-only)`` times;
- ``tracker whole versions``: the previous way, both versions read whole (``Store.paragraphs_on``)
  and compared (``compare``) — its changes must be identical, and the script checks they are;
- ``tracker compare (in memory)`` and ``tracker parse+compare``: the differ alone, without a store.

A benchmark, never a timed test.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from diff_match_patch import diff_match_patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import DEFAULT_FILE, medians  # noqa: E402
from tracker.diff import DiffResult, compare, diff_dates, facts  # noqa: E402
from tracker.model import Change  # noqa: E402
from tracker.parse import parse_bytes  # noqa: E402
from tracker.store import Store, changed  # noqa: E402

PART_740 = DEFAULT_FILE
OLD, NEW = "2026-09-01", "2026-09-02"


def derived_version(xml: str, percent: float) -> str:
    """``xml`` with one word added at the end of every n-th ``<P>`` paragraph (n = 100 / percent), so that
    markers and run-in headings stay as they were."""
    step = max(1, round(100 / percent))
    pieces = xml.split("<P>")
    for i in range(step, len(pieces), step):
        pieces[i] = pieces[i].replace("</P>", " amended</P>", 1)
    return "<P>".join(pieces)


def whole_document_dmp(old: str, new: str) -> None:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)


def git_word_diff(old: Path, new: Path) -> None:
    subprocess.run(["git", "diff", "--no-index", "--word-diff", "--", str(old), str(new)],
                   capture_output=True, check=False)


def whole_versions(store: Store) -> list[Change]:
    """The diff as it was made before ``Store.delta``: both versions read whole, then compared."""
    old, new = store.paragraphs_on("740", OLD), store.paragraphs_on("740", NEW)
    return compare(old, new, earlier=store.earlier_texts("740", OLD))


def with_cold_caches(store: Store) -> DiffResult:
    """``diff_dates`` with the differ's per-text caches emptied first (the round before warmed them; a one-off
    ``tracker diff`` starts without): the facts of each text and the references decoded from their JSON."""
    facts._KEPT.clear()
    changed._refs.cache_clear()
    return diff_dates(store, OLD, NEW, part="740")


def with_redlines(result: DiffResult) -> list[Any]:
    """Every redline of the result's changes (and of their parts), read."""
    return [list(c.redline) for change in result.changes for c in (change, *change.parts)]


def measure(repeat: int = 20, percent: float = 1.0) -> dict[str, Any]:
    """Median seconds of each way of diffing Part 740 against a version with ``percent`` of <P> edited."""
    old_xml = PART_740.read_text("utf-8")
    new_xml = derived_version(old_xml, percent)
    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = Path(tmp, "old.xml"), Path(tmp, "new.xml")
        old_path.write_text(old_xml, "utf-8")
        new_path.write_text(new_xml, "utf-8")
        old_b, new_b = old_xml.encode(), new_xml.encode()
        old_p, new_p = parse_bytes(old_b), parse_bytes(new_b)
        store = Store(Path(tmp, "tracker.db"))
        for day, data, paragraphs in ((OLD, old_b, old_p), (NEW, new_b, new_p)):
            store.ingest(paragraphs, part="740", date=day, source=day, sha256=hashlib.sha256(data).hexdigest(),
                         size=len(data))
        changes = diff_dates(store, OLD, NEW, part="740").changes
        db = Path(tmp, "tracker.db")
        times = medians({
            "tracker diff_dates": lambda: diff_dates(store, OLD, NEW, part="740"),
            "tracker diff_dates (cold caches)": lambda: with_cold_caches(store),
            "tracker diff_dates + redlines": lambda: with_redlines(diff_dates(store, OLD, NEW, part="740")),
            "tracker diff_dates + json": lambda: diff_dates(store, OLD, NEW, part="740").to_json(),
            "open store (read-only)": lambda: Store(db, readonly=True).close(),
            "tracker whole versions": lambda: whole_versions(store),
            "tracker compare (in memory)": lambda: compare(old_p, new_p),
            "git diff --word-diff": lambda: git_word_diff(old_path, new_path),
            "whole-document dmp": lambda: whole_document_dmp(old_xml, new_xml),
        }, repeat)
        times |= medians({"tracker parse+compare": lambda: compare(parse_bytes(old_b), parse_bytes(new_b))},
                         max(1, repeat // 4))
        same = changes == whole_versions(store)
        store.close()
    return {"times": times, "changes": changes, "same": same, "bytes": len(old_b), "paragraphs": len(old_p)}


def report(r: dict[str, Any], percent: float, repeat: int) -> None:
    times, changes = r["times"], r["changes"]
    kinds = sorted({c.kind for c in changes})
    print(f"Part 740: {r['bytes']:,} bytes, {r['paragraphs']} paragraphs; {len(changes)} changes ({', '.join(kinds)}) "
          f"from editing {percent:g}% of <P>; median of {repeat}")
    print(f"diff_dates gives the same changes as comparing the whole versions: {r['same']}")
    print(f"{'':28}{'wall':>9}    {'cpu':>9}")
    for name in (n for n in times if not n.endswith("_cpu")):
        print(f"{name:28}{times[name] * 1000:>9.2f} ms {times[name + '_cpu'] * 1000:>9.2f} ms")
    for ours in ("tracker diff_dates", "tracker diff_dates (cold caches)", "tracker diff_dates + redlines",
                 "tracker diff_dates + json", "tracker whole versions", "tracker compare (in memory)"):
        git = times["git diff --word-diff"] / times[ours]  # git runs in a child process: wall time only
        dmp, dmp_cpu = (times[f"whole-document dmp{s}"] / times[f"{ours}{s}"] for s in ("", "_cpu"))
        print(f"{ours}: {git:.1f}x git word-diff (wall); {dmp:.1f}x whole-document dmp (wall), {dmp_cpu:.1f}x (cpu)")
    ratio = times["whole-document dmp_cpu"] / times["tracker diff_dates_cpu"]
    git_ratio = times["git diff --word-diff"] / times["tracker diff_dates"]
    goal = 10.0 if percent <= 1 else 1.0
    print(f"goal, diff_dates faster than git word-diff: {'met' if git_ratio > 1 else 'NOT met'} ({git_ratio:.1f}x)")
    print(f"goal at {percent:g}%, diff_dates {goal:g}x or more faster than whole-document dmp (cpu): "
          f"{'met' if ratio >= goal and ratio > 1 else 'NOT met'} ({ratio:.1f}x)")
    json_ratio = times["whole-document dmp_cpu"] / (times["tracker diff_dates + json_cpu"]
                                                   + times["open store (read-only)_cpu"])
    print(f"as the command works (store opened, JSON written): {json_ratio:.1f}x whole-document dmp (cpu)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--percent", type=float, nargs="+", default=[1.0, 5.0],
                    help="shares of <P> paragraphs edited, each measured in turn (default 1 5)")
    args = ap.parse_args()
    for percent in args.percent:
        report(measure(args.repeat, percent), percent, args.repeat)
        print()


if __name__ == "__main__":
    main()
