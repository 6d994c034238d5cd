"""The modules that ``hatch_build.py`` compiled: their ``.py`` files are left to ``tests/test_compiled_doctests.py``
(the compiled module keeps no docstrings, and pytest would refuse a ``.py`` file whose module is an extension), and
a compiled module older than its source stops the run (the tests would test the old code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compiled import compiled_sources, stale_sources


def pytest_configure(config: pytest.Config) -> None:
    stale = stale_sources()
    if stale:
        pytest.exit(f"{stale[0]} changed since it was compiled: run pip install -e '.[test]' again (or delete the"
                    " .so files beside it to test it as pure Python)", returncode=4)


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    return True if collection_path in compiled_sources() else None
