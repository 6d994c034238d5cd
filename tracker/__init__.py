"""tracker: watch the Export Administration Regulations (15 CFR) and report what changed.

The package is a library first; :mod:`tracker.cli` is a thin command line over it. The Python API
(a walk-through: docs/python-api.md):

Parse and compare eCFR XML (no database)
    parse_file(path), parse_bytes(data, source) -> list[Paragraph]
    compare(old, new) -> list[Change]

Store versions and ask about them
    Store(path | ":memory:", readonly=False)   the temporal SQLite store
    ingest_file(store, path, part=, date=, excerpt=)   store one eCFR XML file
    diff_dates(store, date_a, date_b, part=, eccn=) -> DiffResult
    history(store, key) -> History              every change of an ECCN, item, section or paragraph
    search(store, phrase, on=, part=) -> list[Hit]

Data passed between layers (tracker.model)
    Paragraph, Reference, Change, Rule, Delta

Errors (tracker.errors): every error raised on purpose is a TrackerError with a one-line message
    InputError (bad input: ConfigError, ParseError, SnapshotError, DiffError, HistoryError, SearchError)
    SourceError (FetchError, MailError)
    StateError (StoreError, SuspectVersionError, LockBusyError, StaleLockError)

Library functions print nothing: their progress lines go to the ``tracker`` logger (standard
:mod:`logging`, a NullHandler until you attach one). Names are imported on first use, so
``import tracker`` stays cheap. ``tracker.history`` and ``tracker.search`` are the functions; their
modules are imported by name (``from tracker.history import History``).
"""

from __future__ import annotations

import importlib
import sys
import types

TYPE_CHECKING = False  # not typing's: importing typing costs every command start-up (the console script's too)

__version__ = "0.1.0"

#: Each public name → the modules that may define it, tried in order (a name moved by a refactor is found
#: in its new home first, its old one after).
_HOMES: dict[str, tuple[str, ...]] = {
    "Store": ("tracker.store",),
    "ingest_file": ("tracker.ingest",),
    "parse_file": ("tracker.parse",),
    "parse_bytes": ("tracker.parse",),
    "compare": ("tracker.diff",),
    "diff_dates": ("tracker.diff",),
    "history": ("tracker.history",),
    "search": ("tracker.search",),
    **dict.fromkeys(("Paragraph", "Reference", "Change", "Rule"), ("tracker.model",)),
    "Delta": ("tracker.model",),
    **dict.fromkeys(("TrackerError", "InputError", "SourceError", "StateError"), ("tracker.errors",)),
    "ConfigError": ("tracker.config",),
    "ParseError": ("tracker.parse",),
    "SnapshotError": ("tracker.snapshots",),
    "DiffError": ("tracker.diff",),
    "HistoryError": ("tracker.history",),
    "SearchError": ("tracker.search",),
    "FetchError": ("tracker.fetch.http",),
    "MailError": ("tracker.mail",),
    "StoreError": ("tracker.store",),
    "SuspectVersionError": ("tracker.store",),
    "LockBusyError": ("tracker.runlock",),
    "StaleLockError": ("tracker.runlock",),
}

__all__ = [  # the names of _HOMES (a test checks they agree)
    "Change", "ConfigError", "Delta", "DiffError", "FetchError", "HistoryError", "InputError", "LockBusyError",
    "MailError", "Paragraph", "ParseError", "Reference", "Rule", "SearchError", "SnapshotError", "SourceError",
    "StaleLockError", "StateError", "Store", "StoreError", "SuspectVersionError", "TrackerError", "compare",
    "diff_dates", "history", "ingest_file", "parse_bytes", "parse_file", "search",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and keep it."""
    for home in _HOMES.get(name, ()):
        module = importlib.import_module(home)
        if hasattr(module, name):
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package module: importing a submodule named like an API function (``tracker.history``,
    ``tracker.search``) leaves ``tracker.history`` the function, not the submodule."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _HOMES and value.__name__ == f"{__name__}.{name}":
            return  # the submodule stays reachable by its name (sys.modules, ``from tracker.history import …``)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if TYPE_CHECKING:  # the same names for type checkers (at run time they are imported on first use)
    from typing import Any

    from tracker.config import ConfigError
    from tracker.diff import DiffError, compare, diff_dates
    from tracker.errors import InputError, SourceError, StateError, TrackerError
    from tracker.fetch.http import FetchError
    from tracker.history import HistoryError, history
    from tracker.ingest import ingest_file
    from tracker.mail import MailError
    from tracker.model import Change, Delta, Paragraph, Reference, Rule
    from tracker.parse import ParseError, parse_bytes, parse_file
    from tracker.runlock import LockBusyError, StaleLockError
    from tracker.search import SearchError, search
    from tracker.snapshots import SnapshotError
    from tracker.store import Store, StoreError, SuspectVersionError
