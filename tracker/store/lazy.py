"""What stands in for :class:`~tracker.store.versions.Versions` among the bases of :class:`tracker.store.Store` at
run time: its members (``ingest``, ``remove_version`` and what they keep), found on first use, so that opening a
store and reading what is stored (an idle ``tracker run``) loads neither the ingest nor :mod:`tracker.model`.
Type checkers see ``Versions`` itself among the bases.

>>> from tracker.store import Store
>>> s = Store(":memory:")
>>> s.ingest.__qualname__, s._ingested, s._latest
('Versions.ingest', False, None)
>>> s.nothing
Traceback (most recent call last):
AttributeError: 'Store' object has no attribute 'nothing'
"""


class LazyVersions:
    """A base whose missing attributes are the members of ``Versions`` (bound to the store, for its methods)."""

    def __getattr__(self, name: str) -> object:
        from tracker.store.versions import Versions

        if name.startswith("__") or name not in Versions.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        member = Versions.__dict__[name]
        get = getattr(member, "__get__", None)
        return get(self, type(self)) if get is not None else member
