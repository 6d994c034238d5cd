"""The ``tracker`` command line: a thin layer over the library.

Each ``tracker/cli/*_cmds.py`` module registers its commands on :data:`tracker.cli.base.main`;
they are imported here so that ``tracker --help`` lists them all.

Exit codes: 0 success (or nothing new), 1 failure, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import os

from tracker.cli.base import main

for _name in sorted(os.listdir(__path__[0])):  # os, not pkgutil: the listing costs no import at start-up
    if _name.endswith("_cmds.py"):
        importlib.import_module(f"{__name__}.{_name.removesuffix('.py')}")

__all__ = ["main"]
