"""tracker's citation-level diff next to ``git diff --no-index --word-diff`` and whole-document diff-match-patch.

Run from the project root::

    python bench/diff.py [--repeat 5] [--percent 1]

The two versions are the largest real Part we hold (Part 740, 2026-09-01) and a version derived
from it by editing ``--percent`` of its ``<P>`` paragraphs (one word inserted in each). All three
tools get the same two versions: git and whole-document diff-match-patch diff the XML files;
tracker parses both files and compares them paragraph by paragraph (timed with and without the
parse). The figure is the median wall time and tracker's speed-up over each. A benchmark,
never a timed test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from diff_match_patch import diff_match_patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.parse import median_seconds  # noqa: E402
from tracker.diff import compare  # noqa: E402
from tracker.parse import parse_bytes  # noqa: E402
from tracker.paths import shared_dir  # noqa: E402

PART_740 = shared_dir() / "data" / "ecfr-api" / "full-2026-09-01-title-15-part-740.xml"


def derived_version(xml: str, percent: float) -> str:
    """``xml`` with one word inserted into every n-th ``<P>`` paragraph (n = 100 / percent)."""
    step = max(1, round(100 / percent))
    pieces = xml.split("<P>")
    for i in range(step, len(pieces), step):
        pieces[i] = pieces[i].replace(" ", " amended ", 1)
    return "<P>".join(pieces)


def whole_document_dmp(old: str, new: str) -> None:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)


def git_word_diff(old: Path, new: Path) -> None:
    subprocess.run(["git", "diff", "--no-index", "--word-diff", "--", str(old), str(new)],
                   capture_output=True, check=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--percent", type=float, default=1.0, help="share of <P> paragraphs edited (default 1)")
    args = ap.parse_args()
    old_xml = PART_740.read_text("utf-8")
    new_xml = derived_version(old_xml, args.percent)
    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = Path(tmp, "old.xml"), Path(tmp, "new.xml")
        old_path.write_text(old_xml, "utf-8")
        new_path.write_text(new_xml, "utf-8")
        old_b, new_b = old_xml.encode(), new_xml.encode()
        old_p, new_p = parse_bytes(old_b), parse_bytes(new_b)
        changes = compare(old_p, new_p)
        times = {
            "tracker compare": median_seconds(lambda: compare(old_p, new_p), args.repeat),
            "tracker parse+compare": median_seconds(
                lambda: compare(parse_bytes(old_b), parse_bytes(new_b)), args.repeat
            ),
            "git diff --word-diff": median_seconds(lambda: git_word_diff(old_path, new_path), args.repeat),
            "whole-document dmp": median_seconds(lambda: whole_document_dmp(old_xml, new_xml), args.repeat),
        }
    print(f"Part 740: {len(old_b):,} bytes, {len(old_p)} paragraphs; {len(changes)} changed "
          f"({args.percent:g}% of <P>), median of {args.repeat}")
    for name, seconds in times.items():
        print(f"{name:24}{seconds:>9.4f} s")
    for ours in ("tracker compare", "tracker parse+compare"):
        for theirs in ("git diff --word-diff", "whole-document dmp"):
            print(f"{ours} vs {theirs}: {times[theirs] / times[ours]:.1f}x faster")


if __name__ == "__main__":
    main()
