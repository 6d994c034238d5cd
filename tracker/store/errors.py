"""What the store refuses: one-line errors, in the :mod:`tracker.errors` tree."""

from __future__ import annotations

from tracker.errors import StateError


class StoreError(StateError, RuntimeError):
    """A request the store refuses (conflicting re-ingest, unknown version); one-line message."""


class SuspectVersionError(StoreError):
    """A new version implausible against the one before it (most of the Part gone): held back, not stored.

    ``Store.ingest(..., accept_suspect=True)`` stores it anyway (an operator's decision).
    """
