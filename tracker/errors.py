"""One exception tree: every error tracker raises on purpose is a :class:`TrackerError`, with a one-line message.

The CLI maps the branches to exit codes in one place: :class:`InputError` (bad input or usage: a
malformed file, an unknown date or key, bad settings) is exit 2; every other :class:`TrackerError`
(a source that is unavailable, a store that refuses, a run that is busy) is exit 1.

>>> from tracker.xmltext import ParseError
>>> issubclass(ParseError, InputError), issubclass(ParseError, ValueError)
(True, True)
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error tracker raises on purpose; ``str()`` is one line."""


class InputError(TrackerError, ValueError):
    """Input that cannot be used: a malformed or wrong file, a bad date, key or setting (exit 2)."""


class SourceError(TrackerError):
    """A source or destination that did not answer as it should: the eCFR, the Federal Register, SMTP (exit 1)."""


class StateError(TrackerError):
    """The database or the run's own state refuses the step: a conflicting version, a busy lock (exit 1)."""
