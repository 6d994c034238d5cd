"""The ``tracker`` command line: a thin layer over the library.

Each ``tracker/cli/*_cmds.py`` module registers its commands on :data:`tracker.cli.base.main`;
they are imported here so that ``tracker --help`` lists them all.

Exit codes: 0 success (or nothing new), 1 failure, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import pkgutil

from tracker.cli.base import main

for _info in pkgutil.iter_modules(__path__):
    if _info.name.endswith("_cmds"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["main"]
