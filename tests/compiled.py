"""Which of tracker's modules run compiled (``hatch_build.py``): a ``.py`` file with a C extension beside it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@cache
def _extensions() -> dict[Path, Path]:
    """The source of each compiled module of the package and its extension."""
    found = {}
    for ext in (ROOT / "tracker").rglob("*.so"):
        source = ext.with_name(ext.name.split(".")[0] + ".py")
        if source.exists():
            found[source] = ext
    return found


def compiled_sources() -> frozenset[Path]:
    return frozenset(_extensions())


def stale_sources() -> list[Path]:
    """The sources changed after their extension was built."""
    return sorted(src for src, ext in _extensions().items() if src.stat().st_mtime > ext.stat().st_mtime)
