"""The temporal store: every ingested version of every Part, in one SQLite file; the one owner of SQL.

Paragraph content is stored once by content hash (``texts``, :mod:`~tracker.store.texts`: the hash covers a
paragraph's own fields, its unit and Part; its references are found once, when its text is first stored);
``spans`` map a citation key to a text hash over a range of version dates ``[valid_from, valid_to)`` (``valid_to``
NULL: still in
force in the latest stored version), so a paragraph unchanged across versions costs nothing per new
version. Document order is kept as a chain: each span names the citation before it (``prev``)
and the step from that paragraph's ``order`` (``gap``), so inserting one paragraph touches only its
successor's span instead of renumbering the rest of the Part.

Versions may be ingested in any date order: a version dated between two stored ones splits the
spans that cross it (backfill). Re-ingesting a stored ``(part, date)`` with the same sha256 is a
no-op; with a different sha256 it is refused (:class:`StoreError`): the store never rewrites history.
A wrong version is taken out whole with :meth:`Store.remove_version`, which leaves the store exactly
as if it had never been ingested. A whole version that would lose most of its Part is held back
(:class:`SuspectVersionError`, :mod:`tracker.store.versions`).

The modules: :mod:`~tracker.store.schema` (migrations), :mod:`~tracker.store.connection` (opening,
read-only or writing, and transactions), :mod:`~tracker.store.texts` (content hashes, new texts with their
references), :mod:`~tracker.store.versions` (ingest and removal),
:mod:`~tracker.store.reads` (versions, paragraphs, deltas), :mod:`~tracker.store.index` (spans under a
key, references, search), :mod:`~tracker.store.rules`, :mod:`~tracker.store.deliveries` and
:mod:`~tracker.store.notices` (public inspection, announced upcoming changes); rows come back as the types of
:mod:`~tracker.store.rows`.

>>> store = Store(":memory:")
>>> store.parts()
[]
"""

from __future__ import annotations

import importlib

from tracker.store.connection import BUSY_TIMEOUT, DEFAULT_DB, describe
from tracker.store.deliveries import Deliveries, Delivery
from tracker.store.errors import StoreError, SuspectVersionError
from tracker.store.index import Index
from tracker.store.notices import Notices
from tracker.store.rules import Rules
from tracker.store.schema import MIGRATIONS

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from tracker.store.rows import ChangedUnit, Match, Ref, Span, StoredRule, StoredVersion
    from tracker.store.texts import text_hash
    from tracker.store.versions import MIN_JUDGED, Removal
    from tracker.store.versions import Versions as _Versions
else:
    from tracker.store.lazy import LazyVersions as _Versions

#: The names imported on first use (PEP 562), by module: opening a store and reading what is stored needs none.
_HOMES = {
    **dict.fromkeys(("ChangedUnit", "Match", "Ref", "Span", "StoredRule", "StoredVersion"), "rows"),
    "text_hash": "texts",
    **dict.fromkeys(("MIN_JUDGED", "Removal"), "versions"),
}

__all__ = [
    "BUSY_TIMEOUT",
    "DEFAULT_DB",
    "MIGRATIONS",
    "MIN_JUDGED",
    "ChangedUnit",
    "Delivery",
    "Match",
    "Ref",
    "Removal",
    "Span",
    "Store",
    "StoreError",
    "StoredRule",
    "StoredVersion",
    "SuspectVersionError",
    "describe",
    "text_hash",
]


def __getattr__(name: str) -> object:
    """A name of :data:`_HOMES`, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


class Store(_Versions, Index, Rules, Deliveries, Notices):
    """A tracker database file (``:memory:`` for tests); ``.db`` is its connection
    (:class:`~tracker.store.connection.Database`: rows as dicts). Its ingest and removal of versions
    (:class:`~tracker.store.versions.Versions`) are imported on first use (:mod:`tracker.store.lazy`).

    ``readonly`` opens an existing database for reading only (SQLite ``mode=ro``): nothing is
    migrated or written, and it works on a read-only file or file system. Raises :class:`StoreError`
    (one line, the file left as it was) for a missing database opened read-only and for a file that
    is not a tracker database.

    >>> s = Store(":memory:")
    >>> s.has_snapshot("740", "2024-04-04")
    False
    """
