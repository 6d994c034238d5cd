"""Start-up of the command line, each as a whole process: ``tracker --help`` and an idle ``tracker run --no-fetch``
(an up-to-date small database: the two real CCL excerpts, already reported) beside ``python -c pass`` and
``python -c 'import click'`` (the floor of a click command line).

Run from the project root (needs the ``tracker`` script of the venv, i.e. ``pip install -e .``)::

    python bench/startup.py [--repeat 21] [--modules]

Prints the median and best wall time of each command (goal: ``tracker --help`` and the idle run ≤ 80 ms), and
which of the heavy libraries each one imported (``-X importtime`` of one more run). Bytecode caching is on for the
commands (a warm-up run writes ``__pycache__``), as in an installed package.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import ECFR_API  # noqa: E402

#: What an idle ``tracker run`` imports, by layer (``--modules`` prints what importing each costs).
IDLE_RUN_MODULES = ("sqlite_utils", "tracker.store", "tracker.watch", "tracker.mail.settings", "tracker.mail",
                    "requests", "tracker.fetch.http", "tracker.sync", "jinja2", "tracker.report.render",
                    "tracker.parse", "tracker.diff", "tracker.audit", "tracker.run")
#: The libraries that a command should import only when it uses them.
HEAVY = ("requests", "jinja2", "css_inline", "sqlite_utils", "smtplib", "email", "lxml", "diff_match_patch")
EXCERPTS = [ECFR_API / f"excerpt-{d}-title-15-part-774-3A001-3A090-4A090.xml" for d in ("2026-06-25", "2026-09-01")]
GOAL_MS = 80.0


def tracker_script() -> str:
    """The ``tracker`` console script beside this interpreter."""
    return str(Path(sys.executable).with_name("tracker"))


def small_database(folder: Path) -> None:
    """Ingest both real CCL excerpts into ``folder/tracker.db`` and run once, so the next run has nothing to do."""
    for path in EXCERPTS:
        date = path.name.split("-title")[0].removeprefix("excerpt-")
        _call([tracker_script(), "ingest", str(path), "--part", "774", "--date", date], folder)
    _call([tracker_script(), "run", "--no-fetch", "--quiet"], folder)


def _call(argv: Sequence[str], cwd: Path, extra: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` with no tracker settings from the environment, and with bytecode caching on (as an
    installed package has it: ``PYTHONDONTWRITEBYTECODE`` would recompile every module in every process)."""
    unset = ("TRACKER_CONFIG", "TRACKER_DB", "TRACKER_SNAPSHOTS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run([*argv[:1], *extra, *argv[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)


def timed(argv: Sequence[str], cwd: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system of the child) of ``repeat`` runs of ``argv`` (one warm-up run
    first, not counted). On a shared machine the CPU time is the steadier estimate of the wall time alone."""
    _call(argv, cwd)
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        _call(argv, cwd)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def heavy_imports(argv: Sequence[str], cwd: Path) -> list[str]:
    """Which of :data:`HEAVY` the command imported (its ``-X importtime`` lines, top-level packages)."""
    python = [sys.executable, tracker_script()] if argv[0] == tracker_script() else [argv[0]]
    done = _call([*python, *argv[1:]], cwd, extra=("-X", "importtime"))
    names = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return [h for h in HEAVY if h in names]


def import_costs(modules: Sequence[str], repeat: int = 5) -> dict[str, float]:
    """Best CPU milliseconds of importing each of ``modules`` (with what it imports) in a fresh interpreter in which
    click is already imported: what each costs a command that needs it."""
    code = "import time, click; t = time.process_time(); import {}; print((time.process_time() - t) * 1000)"
    return {m: min(float(_call([sys.executable, "-c", code.format(m)], ROOT).stdout) for _ in range(repeat))
            for m in modules}


def measure(repeat: int) -> dict[str, dict[str, object]]:
    """Median and best wall milliseconds, median CPU milliseconds, and the heavy imports, of each command."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small_database(folder)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import click'": [sys.executable, "-c", "import click"],  # the floor of any click CLI
            "tracker --help": [tracker_script(), "--help"],
            "tracker run --no-fetch (idle)": [tracker_script(), "run", "--no-fetch"],
        }
        out: dict[str, dict[str, object]] = {}
        for name, argv in commands.items():
            walls, cpus = timed(argv, folder, repeat)
            out[name] = {
                "median_ms": statistics.median(walls) * 1000,
                "best_ms": min(walls) * 1000,
                "cpu_ms": statistics.median(cpus) * 1000,
                "heavy": heavy_imports(argv, folder),
            }
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--modules", action="store_true", help="Also print the import cost of IDLE_RUN_MODULES.")
    args = ap.parse_args()
    results = measure(args.repeat)
    base = results["python -c pass"]
    print(f"median of {args.repeat} runs each, side by side (goal: tracker commands <= {GOAL_MS:.0f} ms wall)")
    for name, r in results.items():
        median, best, cpu, heavy = r["median_ms"], r["best_ms"], r["cpu_ms"], r["heavy"]
        assert isinstance(median, float) and isinstance(best, float) and isinstance(cpu, float)
        assert isinstance(heavy, list)
        over = median - base["median_ms"]  # type: ignore[operator]
        goal = "" if name.startswith("python") else ("  met" if median <= GOAL_MS else "  NOT MET")
        print(f"{name:30} wall median {median:6.1f} ms, best {best:6.1f} ms (+{over:5.1f} over python); "
              f"CPU {cpu:6.1f} ms{goal}; heavy imports: {', '.join(heavy) or 'none'}")
    if args.modules:
        print("import cost, best CPU ms of 5 fresh interpreters with click imported (each with what it imports):")
        for module, ms in import_costs(IDLE_RUN_MODULES).items():
            print(f"  {ms:6.1f} ms  {module}")

if __name__ == "__main__":
    main()
