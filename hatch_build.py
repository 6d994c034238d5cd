"""Build hook: the parser's hot modules compiled to C extensions with mypyc, in place beside their sources.

The modules stay plain, mypy-checked Python; compiled, a cold parse of Part 774 runs 23% fewer instructions and one of
Part 740 15% fewer (callgrind: 1,012M -> 784M and 112M -> 95M). The extensions are built into the source tree (an
editable install's path entry finds them there; a wheel carries them). Where they cannot be built (no C compiler, no
Python headers), the hook says so and the package installs as pure Python: the same records, only slower.
``TRACKER_PURE=1`` skips the compiling.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: The modules compiled (pieces.py deletes a parameter; parsed.py
#: subclasses list, which mypyc's native classes cannot; tracker/diff/redline.py's Sequence subclass, compiled, takes
#: every tuple for an instance).
COMPILED = [
    "tracker/xmltext.py",
    "tracker/parse/body.py",
    "tracker/parse/ccl.py",
    "tracker/parse/ccl_entries.py",
    "tracker/parse/ccl_notes.py",
    "tracker/parse/ccl_shapes.py",
    "tracker/parse/ccl_state.py",
    "tracker/parse/ccl_tables.py",
    "tracker/parse/ecfr.py",
    "tracker/parse/footnotes.py",
    "tracker/parse/keytext.py",
    "tracker/parse/lists.py",
    "tracker/parse/markers.py",
    "tracker/parse/notes.py",
    "tracker/parse/records.py",
    "tracker/parse/split.py",
    "tracker/parse/tables.py",
    "tracker/parse/tidy.py",
    "tracker/diff/classify.py",
    "tracker/diff/match.py",
    "tracker/diff/facts.py",
    "tracker/diff/changes.py",
    "tracker/diff/sides.py",
    "tracker/store/changed.py",
]


#: mypy as mypyc runs it in the build environment, where the package's dependencies are not installed: the modules
#: it imports but does not compile are read without their errors, the libraries without types are ``Any``.
_MYPY_FLAGS = ["--follow-imports=silent", "--ignore-missing-imports"]


class CompileHook(BuildHookInterface):
    """Compiles :data:`COMPILED` in place and ships the extensions (see the module docstring)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        _remove_built(root)  # none left from an earlier build: a pure or failed build must not load them
        if os.environ.get("TRACKER_PURE"):
            return
        try:
            built = _compile(root)
        except (Exception, SystemExit) as exc:  # any failure (mypyc exits on a type error) leaves pure Python
            _remove_built(root)  # nor half of this one
            print(f"tracker: the parser is not compiled ({type(exc).__name__}: {exc}); it runs as pure Python",
                  file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for path in built:  # the mypyc runtime is a top-level module beside the package
            build_data["force_include"][str(path)] = str(path.relative_to(root))


def _compile(root: Path) -> list[Path]:
    """Build the extensions of :data:`COMPILED` beside their sources; the paths of the files built."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    here = Path.cwd()
    os.chdir(root)
    try:
        extensions = mypycify(_MYPY_FLAGS + COMPILED, opt_level="3")
        dist = Distribution({"name": "tracker-compiled", "ext_modules": extensions})
        build = dist.get_command_obj("build_ext")
        build.inplace = True
        dist.run_command("build_ext")
        built = [root / build.get_ext_filename(ext.name) for ext in extensions]  # in place, where inplace puts them
        for path in built:  # dated now: a module's stub left from an earlier build is copied with its old date
            os.utime(path)
        return built
    finally:
        os.chdir(here)


def _remove_built(root: Path) -> None:
    """Delete every extension built in place in the package (the package has no C sources of its own: each is a
    build's, whatever modules that build compiled), and the mypyc runtime beside it."""
    for built in [*(root / "tracker").rglob("*.so"), *root.glob("*__mypyc.*.so")]:
        built.unlink()
