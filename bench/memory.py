"""Memory of one ingest: the real full Part 774 (2.1 MB) parsed and stored into a new database file, in a child
process, as peak RSS over the interpreter with tracker imported, and as a ratio to the file's size (goal: ≤ 8×).

Run from the project root::

    python bench/memory.py [--file PATH] [--top 12]

Peak RSS is ``VmHWM`` of the child (/proc/self/status: reset at exec, unlike ``ru_maxrss`` which a child
inherits). Each stage runs in its own child, so the table shows what each step adds: the bytes read, the bare
lxml tree of them (``lxml.etree.fromstring``), what a streaming parse would hold instead (``iterparse``
dropping each block of a section or supplement once read: Part 774's CCL is one 2 MB DIV9), the whole-tree parse
(``parse_tree`` of ``load_xml``: the parse before the bytes were cut into units), tracker's parse (``parse_bytes``:
units parsed one at a time, the CCL entry by entry; records, references) and the whole ingest (``ingest_file`` into a
new database file).
``--top N`` also lists the N source lines that hold the most Python memory once the parse is done
(tracemalloc; lxml's own C memory is not traced).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import ECFR_API  # noqa: E402

PART_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"
GOAL = 8.0

_SETUP = (
    f"import sys, tempfile, pathlib; sys.path.insert(0, {str(ROOT)!r})\n"
    "from lxml import etree\nfrom tracker.store import Store\nfrom tracker.ingest import ingest_file\n"
    "from tracker.parse import parse_bytes\nimport tracker.snapshots\n"
    "def peak():\n"
    "    return int([ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0])\n"
)
#: Each stage's code (after _SETUP; sys.argv[1] is the file); each prints its peak RSS in KiB.
STAGES = {
    "interpreter with tracker imported": "",
    "+ the file's bytes read": "data = pathlib.Path(sys.argv[1]).read_bytes()\n",
    "+ bare lxml tree of them": "tree = etree.fromstring(pathlib.Path(sys.argv[1]).read_bytes())\n",
    "(lxml iterparse, each DIV8/DIV9 block dropped once read)": (  # what a streaming parse's tree would hold
        "for _, el in etree.iterparse(sys.argv[1], events=('end',)):\n"
        "    up = el.getparent()\n"
        "    if up is not None and up.tag in ('DIV8', 'DIV9'):\n"
        "        el.clear(keep_tail=False)\n"
        "        while el.getprevious() is not None:\n"
        "            del up[0]\n"
    ),
    "(whole-tree parse: parse_tree of load_xml, the parse before the split)": (
        "from tracker.parse import parse_tree\nfrom tracker.xmltext import load_xml\n"
        "records = parse_tree(load_xml(pathlib.Path(sys.argv[1]).read_bytes()))\n"
    ),
    "+ tracker's parse (parse_bytes, cut into units)": (
        "records = parse_bytes(pathlib.Path(sys.argv[1]).read_bytes(), sys.argv[1])\n"
    ),
    "whole ingest (ingest_file, new database file)": (
        "store = Store(pathlib.Path(tempfile.mkdtemp(), 'tracker.db'))\n"
        "ingest_file(store, sys.argv[1], part='774', date='2026-09-01')\nstore.close()\n"
    ),
}
_OWNERS = (
    "import tracemalloc\ntracemalloc.start(1)\n"
    "records = parse_bytes(pathlib.Path(sys.argv[1]).read_bytes(), sys.argv[1])\n"
    "stats = tracemalloc.take_snapshot().statistics('lineno')\n"
    "print(f'Python memory held after the parse ({len(records):,} records): '"
    "      f'{sum(s.size for s in stats) / 2**20:.1f} MiB; the lines holding most:')\n"
    "for s in stats[:int(sys.argv[2])]:\n"
    "    print(f'  {s.size / 2**20:6.2f} MiB  {s.count:8,} blocks  {s.traceback[0]}')\n"
)


def _child(code: str, *args: str) -> str:
    return subprocess.run([sys.executable, "-c", _SETUP + code, *args], capture_output=True, text=True,
                          check=True).stdout


def stages(path: Path) -> dict[str, int]:
    """Peak RSS (KiB) of a child running each of :data:`STAGES` on ``path``."""
    return {name: int(_child(code + "print(peak())", str(path))) for name, code in STAGES.items()}


def measure(path: Path = PART_774) -> dict[str, float]:
    """Peak RSS of the ingest and of the bare interpreter (MiB), the extra, and the extra's ratio to the file's size."""
    peaks = list(stages(path).values())
    extra = peaks[-1] - peaks[0]
    return {"peak_mib": peaks[-1] / 1024, "bare_mib": peaks[0] / 1024, "extra_mib": extra / 1024,
            "ratio": extra * 1024 / path.stat().st_size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=PART_774)
    ap.add_argument("--top", type=int, default=0, help="Also list the N lines holding the most (tracemalloc).")
    args = ap.parse_args()
    size = args.file.stat().st_size
    peaks = stages(args.file)
    bare = peaks[next(iter(STAGES))]
    print(f"{args.file.name}, {size:,} bytes; peak RSS of a child per stage (extra = over the bare interpreter)")
    for name, kib in peaks.items():
        extra = kib - bare
        print(f"  {name:72} {kib / 1024:6.1f} MiB  extra {extra / 1024:5.1f} MiB = {extra * 1024 / size:4.1f}x")
    ratio = (kib - bare) * 1024 / size  # the last stage: the whole ingest
    print(f"ingest: {ratio:.1f}x the file in extra RSS (goal <= {GOAL:.0f}x: {'met' if ratio <= GOAL else 'NOT MET'})")
    if args.top:
        print(_child(_OWNERS, str(args.file), str(args.top)), end="")


if __name__ == "__main__":
    main()
