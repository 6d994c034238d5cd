"""Start-up of the command line, each as a whole process: ``tracker --help``, an idle ``tracker run --no-fetch``
(an up-to-date small database: the two real CCL excerpts, already reported) and an idle ``tracker run`` that asks
a local eCFR stand-in what is new (one request, ``titles.json``: Part 740 is stored and nothing is newer), beside
``python -c pass`` and ``python -c 'import click'`` (the floor of a click command line).

Run from the project root (needs the ``tracker`` script of the venv, i.e. ``pip install -e .``)::

    python bench/startup.py [--repeat 21] [--modules] [--venv DIR ...] [--instructions]

Prints the median and best wall time and the median CPU time of each command (goal: ``tracker --help`` and the
idle ``--no-fetch`` run ≤ 80 ms; the fetching run is shown beside them, without a goal), and which of the heavy
libraries each one imported (``-X importtime`` of one more run).
``--venv DIR`` (repeatable) measures the same commands with the ``python`` and ``tracker`` of each of those venvs
instead of this one, runs interleaved (one of each in turn), so that two installs (before and after a change) are
compared side by side under the same load. ``--instructions`` also counts the instructions of one run of each
(valgrind's callgrind, hash seed fixed): a count that the load of a shared machine does not change. Bytecode
caching is on for the commands (a warm-up run writes ``__pycache__``), as in an installed package.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence, Sized
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import ECFR_API  # noqa: E402

#: What an idle ``tracker run`` imports, by layer (``--modules`` prints what importing each costs).
IDLE_RUN_MODULES = ("sqlite3", "tracker.model", "tracker.citations", "tracker.store", "tracker.config",
                    "tracker.mail.settings", "tracker.atomic", "tracker.runlock", "tracker.run", "requests",
                    "tracker.fetch.http", "tracker.sync", "tracker.run_fetch")
#: The libraries that a command should import only when it uses them.
HEAVY = ("click", "requests", "jinja2", "css_inline", "sqlite_utils", "smtplib", "email", "lxml", "diff_match_patch")
EXCERPTS = [ECFR_API / f"excerpt-{d}-title-15-part-774-3A001-3A090-4A090.xml" for d in ("2026-06-25", "2026-09-01")]
PART_740 = ECFR_API / "full-2026-09-01-title-15-part-740.xml"
GOAL_MS = 80.0
IDLE = "tracker run --no-fetch (idle)"
IDLE_FETCH = "tracker run (idle, 1 request)"
#: The commands issue 15's goal is for: ``--help`` and the idle run as the issue measures it (``--no-fetch``, whose
#: ~150 ms of imports it names). The fetching idle run imports an HTTP client and waits for a server: shown, no goal.
GOAL_COMMANDS = frozenset({"tracker --help", IDLE})


def _call(argv: Sequence[str], cwd: Path, extra: Sequence[str] = (), before: Sequence[str] = ()
          ) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` (after the command ``before``, e.g. valgrind) with no tracker settings from the
    environment, a fixed hash seed, and with bytecode caching on (as an installed package has it:
    ``PYTHONDONTWRITEBYTECODE`` would recompile every module in every process)."""
    unset = ("TRACKER_CONFIG", "TRACKER_DB", "TRACKER_SNAPSHOTS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unset} | {"PYTHONHASHSEED": "0"}
    return subprocess.run([*before, *argv[:1], *extra, *argv[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)


def instructions(argv: Sequence[str], cwd: Path) -> int:
    """The instructions of one run of ``argv`` (callgrind's ``Collected``)."""
    done = _call(argv, cwd, before=("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"))
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found, done.stderr
    return int(found[1])


def small_database(folder: Path, tracker: str) -> None:
    """Ingest both real CCL excerpts into ``folder/tracker.db`` and run once, so the next run has nothing to do."""
    for path in EXCERPTS:
        date = path.name.split("-title")[0].removeprefix("excerpt-")
        _call([tracker, "ingest", str(path), "--part", "774", "--date", date], folder)
    _call([tracker, "run", "--no-fetch", "--quiet"], folder)


@contextlib.contextmanager
def stand_in() -> Iterator[tuple[str, Sized]]:
    """A local eCFR + Federal Register stand-in (the tests' one) holding the real Part 740 of 2026-09-01: its base
    URL and its request log (its length: the requests so far)."""
    import logging

    from pytest_httpserver import HTTPServer

    from tests.fetch.conftest import Sources

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request lines in the output
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        Sources(server).add_version("740", "2026-09-01", PART_740.read_bytes())
        yield server.url_for("/").rstrip("/"), server.log
    finally:
        server.stop()


def fetching_folder(folder: Path, tracker: str, base: str) -> None:
    """``folder/tracker.toml`` pointing at the stand-in for Part 740, and a first run (the baseline and the day's
    check of what is coming), so that the next run asks only ``titles.json``."""
    folder.joinpath("tracker.toml").write_text(
        f'parts = ["740"]\necfr_url = "{base}"\nfederal_register_url = "{base}"\n'
        'contact = "mailto:bench@example.org"\nrate_limit = 1000.0\nfull_text_rate_limit = 1000.0\n',
        encoding="utf-8")
    _call([tracker, "run", "--quiet"], folder)


class Install:
    """One venv's ``python`` and ``tracker``, with a folder of its own for each idle run."""

    def __init__(self, venv: Path, tmp: Path, base: str) -> None:
        self.label = str(venv)
        self.python, self.tracker = str(venv / "bin" / "python"), str(venv / "bin" / "tracker")
        self.idle, self.fetching = tmp / "idle", tmp / "fetching"
        self.idle.mkdir(parents=True)
        self.fetching.mkdir()
        small_database(self.idle, self.tracker)
        fetching_folder(self.fetching, self.tracker, base)

    def commands(self) -> dict[str, tuple[list[str], Path]]:
        """Each measured command, and the folder it runs in."""
        return {
            "python -c pass": ([self.python, "-c", "pass"], self.idle),
            "python -c 'import click'": ([self.python, "-c", "import click"], self.idle),  # the floor of a click CLI
            "tracker --help": ([self.tracker, "--help"], self.idle),
            IDLE: ([self.tracker, "run", "--no-fetch"], self.idle),
            IDLE_FETCH: ([self.tracker, "run"], self.fetching),
        }

    def heavy_imports(self, argv: Sequence[str], cwd: Path) -> list[str]:
        """Which of :data:`HEAVY` the command imported (its ``-X importtime`` lines, top-level packages)."""
        python = [self.python, self.tracker] if argv[0] == self.tracker else [argv[0]]
        done = _call([*python, *argv[1:]], cwd, extra=("-X", "importtime"))
        names = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
        return [h for h in HEAVY if h in names]


def _timed_once(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the child) of one run of ``argv``. On a shared machine the
    CPU time is the steadier estimate of the wall time alone."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    _call(argv, cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _summary(walls: list[float], cpus: list[float], heavy: list[str], requests: int | None) -> dict[str, object]:
    out: dict[str, object] = {"median_ms": statistics.median(walls) * 1000, "best_ms": min(walls) * 1000,
                              "cpu_ms": statistics.median(cpus) * 1000, "heavy": heavy}
    if requests is not None:
        out["requests"] = requests
    return out


def measure_all(repeat: int, venvs: Sequence[Path], count: bool = False) -> dict[str, dict[str, dict[str, object]]]:
    """For each venv, each command's median and best wall ms, median CPU ms, heavy imports (and, for the fetching
    run, the requests of one run; with ``count``, the instructions of one run); the runs of all venvs and commands
    interleaved, after one warm-up run each."""
    with tempfile.TemporaryDirectory() as tmp, stand_in() as (base, log):
        installs = [Install(v, Path(tmp, str(i)), base) for i, v in enumerate(venvs)]
        jobs = [(inst, name, argv, cwd) for inst in installs for name, (argv, cwd) in inst.commands().items()]
        times: dict[tuple[str, str], list[tuple[float, float]]] = {(i.label, n): [] for i, n, _, _ in jobs}
        requests: dict[tuple[str, str], int] = {}
        for inst, name, argv, cwd in jobs:  # warm-up (bytecode written), and the requests of one idle run
            before = len(log)
            _call(argv, cwd)
            if name == IDLE_FETCH:
                requests[(inst.label, name)] = len(log) - before
        for _ in range(repeat):
            for inst, name, argv, cwd in jobs:
                times[(inst.label, name)].append(_timed_once(argv, cwd))
        out: dict[str, dict[str, dict[str, object]]] = {i.label: {} for i in installs}
        for inst, name, argv, cwd in jobs:
            walls, cpus = (list(x) for x in zip(*times[(inst.label, name)], strict=True))
            out[inst.label][name] = _summary(walls, cpus, inst.heavy_imports(argv, cwd),
                                             requests.get((inst.label, name)))
            if count:
                out[inst.label][name]["instructions"] = instructions(argv, cwd)
        return out


def measure(repeat: int) -> dict[str, dict[str, object]]:
    """:func:`measure_all` of this interpreter's venv alone."""
    venv = Path(sys.executable).parent.parent
    return measure_all(repeat, [venv])[str(venv)]


def import_costs(python: str, modules: Sequence[str], repeat: int = 5) -> dict[str, float]:
    """Best CPU milliseconds of importing each of ``modules`` (with what it imports) in a fresh interpreter in which
    click and the command line are already imported: what each costs a command that needs it."""
    code = ("import time, click, tracker.cli; t = time.process_time(); import {}; "
            "print((time.process_time() - t) * 1000)")
    with tempfile.TemporaryDirectory() as tmp:  # not the project root: "-c" would import its tracker first
        return {m: min(float(_call([python, "-c", code.format(m)], Path(tmp)).stdout) for _ in range(repeat))
                for m in modules}


def _print(label: str, results: dict[str, dict[str, object]]) -> None:
    base = results["python -c pass"]["median_ms"]
    assert isinstance(base, float)
    print(label)
    for name, r in results.items():
        median, best, cpu, heavy = r["median_ms"], r["best_ms"], r["cpu_ms"], r["heavy"]
        assert isinstance(median, float) and isinstance(best, float) and isinstance(cpu, float)
        assert isinstance(heavy, list)
        goal = "" if name not in GOAL_COMMANDS else ("  met" if median <= GOAL_MS else "  NOT MET")
        asked = f"; {r['requests']} request(s)" if "requests" in r else ""
        count = r.get("instructions")
        asked += f"; {count / 1e6:.1f}M instructions" if isinstance(count, int) else ""
        print(f"  {name:32} wall median {median:6.1f} ms, best {best:6.1f} ms (+{median - base:5.1f} over python); "
              f"CPU {cpu:6.1f} ms{goal}; heavy imports: {', '.join(heavy) or 'none'}{asked}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--modules", action="store_true", help="Also print the import cost of IDLE_RUN_MODULES.")
    ap.add_argument("--venv", type=Path, action="append", help="Measure this venv's install (repeatable).")
    ap.add_argument("--instructions", action="store_true", help="Also count each command's instructions (valgrind).")
    args = ap.parse_args()
    venvs = [v.resolve() for v in args.venv] if args.venv else [Path(sys.executable).parent.parent]
    results = measure_all(args.repeat, venvs, args.instructions)
    print(f"median of {args.repeat} runs each, interleaved, side by side (goal: tracker commands <= {GOAL_MS:.0f} "
          "ms wall)")
    for label, r in results.items():
        _print(label, r)
    if args.modules:
        for venv in venvs:
            print(f"import cost in {venv}, best CPU ms of 5 fresh interpreters with click and tracker.cli imported "
                  "(each with what it imports):")
            for module, ms in import_costs(str(venv / "bin" / "python"), IDLE_RUN_MODULES).items():
                print(f"  {ms:6.1f} ms  {module}")


if __name__ == "__main__":
    main()
