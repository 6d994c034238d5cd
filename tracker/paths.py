"""Where the real reference data in ../shared lives (override with ``TRACKER_SHARED``)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared reference-data folder beside the project root, or ``$TRACKER_SHARED``."""
    return Path(os.environ.get("TRACKER_SHARED") or PROJECT_ROOT.parent / "shared")
