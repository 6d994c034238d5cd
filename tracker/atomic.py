"""All-or-nothing file writes: a hidden temporary file in the same folder, fsync, rename, fsync the folder.

A reader (or a run killed half way) sees the old file or the new one, never half of one. The
temporary file is ``.NAME.<random>.part`` beside ``NAME``; it is removed on any failure, Ctrl-C included.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", "§ 740.10\\n")
>>> (folder / "a.txt").read_text(encoding="utf-8"), [p.name for p in folder.iterdir()]
('§ 740.10\\n', ['a.txt'])
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker import checkpoint

TEMP_SUFFIX = ".part"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) through a temporary file and a rename."""
    import tempfile  # here: a run that writes nothing (or only removes leftovers) loads no tempfile/shutil

    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a report or snapshot gets the usual mode
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        checkpoint.reached("file.rename", path.name)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    checkpoint.reached("file.renamed", path.name)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not on POSIX
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_temp_files(root: Path) -> int:
    """Delete the temporary files a killed writer left anywhere under ``root``; returns how many.

    Call it only while no writer can be working there (under the run's lock).
    """
    stale = [p for p in Path(root).rglob(f".*{TEMP_SUFFIX}") if p.is_file()] if Path(root).is_dir() else []
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)
