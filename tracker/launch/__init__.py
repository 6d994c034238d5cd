"""The ``tracker`` console script: ``tracker --help`` (and a bare ``tracker``), ``tracker --version`` and the plain
forms of ``tracker [--config FILE] run [flags]`` without importing click, everything else through the click
commands (:mod:`tracker.cli`) unchanged.

The texts and the options it knows are generated from the click commands (:mod:`tracker.launch.spec`, written by
``python -m tracker.launch.generate``; a test checks it is current), the run calls the function the click command
calls (:func:`tracker.run.run_job`) and a failure is shown as the click command shows it
(:mod:`tracker.launch.failure`), so both paths print the same and exit with the same code.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: a start-up without it (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Sequence


def _stored_text(argv: Sequence[str]) -> tuple[str, int] | None:
    """The stored text (and exit code) of ``tracker --help``, ``-h``, ``--version`` and a bare ``tracker`` (its help
    on stderr, exit 2, as click prints it); None for anything else, or when the script is not called ``tracker``
    (click puts the name it was called by in the usage line)."""
    from tracker.launch import spec

    if os.path.basename(sys.argv[0]) != spec.PROG or len(argv) > 1:
        return None
    if not argv:
        return spec.HELP, 2
    if argv[0] in spec.HELP_OPTIONS:
        return spec.HELP, 0
    return (spec.VERSION, 0) if argv[0] == "--version" else None


def _run(config_file: str | None, flags: dict[str, bool]) -> int:
    """``tracker run`` as the click command runs it: log lines on stderr, a failure one line ``Error: …``."""
    from tracker.launch.failure import show
    from tracker.log import to_stderr

    database = None
    try:
        with to_stderr():
            from tracker.config import load_config
            from tracker.run import run_job

            config = load_config(config_file)
            database = config.database
            run_job(config, **flags)
    except KeyboardInterrupt:  # as click's main: a new line, then "Aborted!"
        from tracker.launch.failure import write

        write("\nAborted!\n", sys.stderr)
        return 1
    except Exception as exc:
        return show(exc, database)
    return 0


def main() -> int:
    """The console script: the fast paths above, or click."""
    argv = sys.argv[1:]
    text = _stored_text(argv)
    if text is not None:
        from tracker.launch.failure import write

        return text[1] if write(text[0], sys.stdout if text[1] == 0 else sys.stderr) else 1
    from tracker.launch.argv import parse_run

    call = parse_run(argv, os.environ)
    if call is not None:
        return _run(*call)
    from tracker.cli import main as cli

    cli()  # exits (click's standalone mode)
    return 0
