"""Named checkpoints, where crash drills cut a process: before and after each transaction, file rename and
SMTP acceptance.

Production code calls :func:`reached` at each such point; with no drill variable set it does nothing
but count. Drills set, in the child's environment:

- ``TRACKER_CHECKPOINT_LOG=FILE``: append each checkpoint's name (and detail) to FILE as it is reached
  (a full run tells the drill how many cut points there are and what each is);
- ``TRACKER_KILL_AT=N``: SIGKILL the process at the N-th checkpoint reached (1-based), so every cut
  point is covered by its number, on every machine, whatever its speed;
- ``TRACKER_PAUSE_AT=NAME`` with ``TRACKER_PAUSE_FILE=FILE``: at the first checkpoint called NAME,
  create ``FILE.reached`` and wait until FILE exists (a drill holds a run at a chosen point while it
  starts another).

>>> reached("doc.example")  # no drill variable set: nothing happens
"""

from __future__ import annotations

import os

_count = 0
_paused = False


def reached(name: str, detail: str = "") -> None:
    """Mark checkpoint ``name`` (``detail``, e.g. a file name, goes into the log only): log it, kill the
    process or pause there as the drill variables say."""
    global _count, _paused
    _count += 1
    env = os.environ
    if log := env.get("TRACKER_CHECKPOINT_LOG"):
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{name} {detail}".rstrip() + "\n")
    if env.get("TRACKER_KILL_AT") == str(_count):
        import signal  # here: only a drill needs it (every run reaches checkpoints)

        os.kill(os.getpid(), signal.SIGKILL)
    if not _paused and env.get("TRACKER_PAUSE_AT") == name and (gate := env.get("TRACKER_PAUSE_FILE")):
        import time

        _paused = True
        with open(f"{gate}.reached", "a"):
            pass
        while not os.path.exists(gate):
            time.sleep(0.01)
