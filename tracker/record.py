"""Plain records for the modules of an idle ``tracker run``: a class decorator that gives a class of annotated
fields what ``@dataclass`` gives it (``__init__``, ``__repr__``, ``__eq__``, ``frozen`` and its ``__hash__``)
without importing :mod:`dataclasses` (which imports :mod:`inspect`: a large part of the start-up of every run).

Type checkers see :func:`dataclasses.dataclass` and :func:`dataclasses.field` (the modules import them under
``TYPE_CHECKING``); at run time a record still answers :func:`dataclasses.fields`, :func:`dataclasses.replace`,
:func:`dataclasses.asdict` and :func:`dataclasses.is_dataclass` as the dataclass would (its
``__dataclass_fields__`` are made, and :mod:`dataclasses` imported, on first use).

>>> @record(frozen=True)
... class Point:
...     x: int
...     y: int = 0
...     tags: list[str] = field(default_factory=list)
>>> p = Point(1, tags=["a"])
>>> p, p == Point(1, 0, ["a"]), Point(2).tags
(Point(x=1, y=0, tags=['a']), True, [])
>>> import dataclasses
>>> dataclasses.replace(p, y=5), [f.name for f in dataclasses.fields(p)]
(Point(x=1, y=5, tags=['a']), ['x', 'y', 'tags'])
>>> p.x = 3
Traceback (most recent call last):
dataclasses.FrozenInstanceError: cannot assign to field 'x'
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: this module is on the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_MISSING = object()


class _Factory:
    """A field's ``default_factory`` (the only :func:`field` argument records take)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A field whose default is made anew for each record (``field(default_factory=list)``)."""
    return _Factory(default_factory)


class _Fields:
    """``__dataclass_fields__``, made by :mod:`dataclasses` itself from the record's fields on first use."""

    def __get__(self, obj: object, owner: type) -> dict[str, Any]:
        import dataclasses

        spec = [(name, owner.__annotations__[name],
                 dataclasses.field(default_factory=d.make) if isinstance(d, _Factory)
                 else dataclasses.field() if d is _MISSING else dataclasses.field(default=d))
                for name, d in owner.__record_defaults__.items()]  # type: ignore[attr-defined]
        made: dict[str, Any] = dataclasses.make_dataclass(owner.__name__, spec).__dataclass_fields__  # type: ignore[attr-defined]
        owner.__dataclass_fields__ = made  # type: ignore[attr-defined]
        return made


def _init(self: Any, *args: object, **kwargs: object) -> None:
    """Set each field from ``args`` (in order), ``kwargs`` or its default, as a dataclass's ``__init__``."""
    defaults: dict[str, object] = type(self).__record_defaults__
    name = type(self).__qualname__
    if len(args) > len(defaults):
        raise TypeError(f"{name}.__init__() takes {len(defaults) + 1} positional arguments but {len(args) + 1} "
                        "were given")
    values = dict(zip(defaults, args, strict=False))
    for key, value in kwargs.items():
        if key not in defaults or key in values:
            problem = "an unexpected" if key not in defaults else "multiple values for"
            raise TypeError(f"{name}.__init__() got {problem} keyword argument {key!r}")
        values[key] = value
    for key, default in defaults.items():
        if key not in values:
            if default is _MISSING:
                raise TypeError(f"{name}.__init__() missing 1 required argument: {key!r}")
            values[key] = default.make() if isinstance(default, _Factory) else default
        object.__setattr__(self, key, values[key])


def _astuple(self: Any) -> tuple[object, ...]:
    return tuple(getattr(self, key) for key in type(self).__record_defaults__)


def _repr(self: Any) -> str:
    shown = ", ".join(f"{key}={getattr(self, key)!r}" for key in type(self).__record_defaults__)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: object) -> bool:
    return _astuple(self) == _astuple(other) if other.__class__ is self.__class__ else NotImplemented


def _frozen_setattr(self: object, name: str, value: object) -> None:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _hash(self: Any) -> int:
    return hash(_astuple(self))


def field_names(cls: type) -> tuple[str, ...]:
    """The names of the fields of the record class ``cls``, in order.

    >>> field_names(record()(type("Pair", (), {"__annotations__": {"a": "int", "b": "int"}})))
    ('a', 'b')
    """
    return tuple(cls.__record_defaults__)  # type: ignore[attr-defined]


def record(*, frozen: bool = False) -> Callable[[type], type]:
    """The decorator: ``@record()`` or ``@record(frozen=True)`` on a class of annotated fields, each with an
    optional default (a value or :func:`field`)."""

    def make(cls: type) -> type:
        fields = list(cls.__dict__.get("__annotations__", {}))
        cls.__record_defaults__ = {n: cls.__dict__.get(n, _MISSING) for n in fields}  # type: ignore[attr-defined]
        for name in fields:  # a default stays a class attribute, as a dataclass's does; a factory does not
            if isinstance(cls.__dict__.get(name), _Factory):
                delattr(cls, name)
        methods: dict[str, object] = {"__init__": _init, "__repr__": _repr, "__eq__": _eq,
                                      "__dataclass_fields__": _Fields(), "__match_args__": tuple(fields)}
        frozen_methods = {"__setattr__": _frozen_setattr, "__delattr__": _frozen_delattr, "__hash__": _hash}
        methods |= frozen_methods if frozen else {"__hash__": None}
        for name, value in methods.items():
            setattr(cls, name, value)
        return cls

    return make
