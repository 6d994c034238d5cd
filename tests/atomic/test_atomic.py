"""tracker/atomic.py: whole files only, with the permissions the umask gives (not mkstemp's 0600)."""

from __future__ import annotations

import os
import stat

import pytest

from tracker.atomic import write_atomic


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_written_file_has_the_mode_the_umask_gives(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "2026-09-01.html", "<html></html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "2026-09-01.html").stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["2026-09-01.html"]
