"""A parse with Python's cyclic garbage collector paused.

A parse builds tens of thousands of records and no cycles to speak of, yet every 700 objects made start a pass of
the collector, and every so often one over all the objects alive — a parse cache's records among them, some 15%
of a warm parse of Part 774. Paused, the objects a parse made are looked at once, by the first pass after it.

>>> import gc
>>> @collector_paused
... def enabled() -> bool:
...     return gc.isenabled()
>>> enabled(), gc.isenabled()
(False, True)
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def collector_paused(f: Callable[P, T]) -> Callable[P, T]:
    """``f`` run with the collector paused (and left as it was found: paused already, it stays so)."""

    @functools.wraps(f)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        if not gc.isenabled():
            return f(*args, **kwargs)
        gc.disable()
        try:
            return f(*args, **kwargs)
        finally:
            gc.enable()

    return paused
